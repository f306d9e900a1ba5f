package cassette

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
	"gopkg.in/yaml.v3"
)

// sample is an interaction as the recording proxy writes it for the update endpoint.
func sample() *vcr.Interaction {
	return &vcr.Interaction{
		Request: vcr.Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: 71,
			Host:    "cloudbuild-ext.cn-north-4.myhuaweicloud.com",
			Body:    `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}` + "\n",
			Headers: http.Header{"Content-Type": {"application/json"}, "X-Auth-Token": {Redacted}, "User-Agent": {"huaweicloud-usdk-go/3.0"}, "X-Sdk-Date": {"20240101T000000Z"}, "Accept-Encoding": {"gzip"}},
			URL:     "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
			Method:  http.MethodPost,
		},
		Response: vcr.Response{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: -1,
			Body:     `{"result":"48c66c6002964721be537cdc6ce0297b","error":null,"status":"success"}`,
			Headers:  http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "X-Request-Id": {"0123456789abcdef0123456789abcdef"}, "Date": {"Wed, 21 Oct 2015 07:28:00 GMT"}, "Content-Length": {"77"}},
			Status:   "200 OK",
			Code:     200,
			Duration: 1234567 * time.Nanosecond,
		},
	}
}

// checkEncoding fails t when encodeFast renders i differently from yaml.v3, and
// reports whether the fast path took it without handing a single value to yaml.v3.
func checkEncoding(t *testing.T, i *vcr.Interaction) bool {
	t.Helper()
	want, err := encodeYAML(i)
	if err != nil {
		return false // yaml.v3 cannot encode it either; encodeItem reports that
	}
	e := fastEncoder{ok: true}
	e.interaction(i)
	if e.ok && !bytes.Equal(e.buf, want) {
		t.Fatalf("encodeFast differs from yaml.v3\n--- yaml.v3:\n%s\n--- encodeFast:\n%s", want, e.buf)
	}
	return e.ok && e.slow == 0
}

// TestEncodeFast holds the fast encoder to yaml.v3's bytes on values that take each of
// its paths, and checks that it does take the fast path for the proxy's usual traffic.
func TestEncodeFast(t *testing.T) {
	if !checkEncoding(t, sample()) {
		t.Fatal("the usual update interaction must take the fast path")
	}
	loopback := sample()
	loopback.Request.Host = "127.0.0.1:8080"
	loopback.Request.URL = "http://127.0.0.1:8080/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update"
	loopback.Request.Headers.Set("X-Forwarded-For", "127.0.0.1")
	loopback.Request.Headers.Set("Content-Length", "71")
	if !checkEncoding(t, loopback) {
		t.Fatal("an interaction through a loopback proxy must take the fast path")
	}
	values := []string{
		"", "a", "abc def", "true", "True", "tRUE", "yes", "No", "off", "null", "~", "y", "n",
		"123", "0x1f", "1e5", "1.5", "-1", "+1", ".5", ".inf", "2015-10-21", "1:20", "0s",
		"a: b", "a:b", "a:", "a #b", "a#b", "#a", "- a", "-a", "? a", ":a", "a ", " a", "a  b",
		"{}", "[]", `{"a":1}`, `["a"]`, `{"a":"it's"}`, "'a'", `"a"`, "&a", "*a", "!a", "|a", ">a", "%a", "@a", "`a",
		"a\tb", "a\\b", "a\"b", "é", "中文", "a\x7fb", "a\x00b", "\xff", "a\u2028b", "a\ufeffb",
		"line1\nline2", "line1\nline2\n", "line1\n\nline2\n", "line1\n", "\nline", " line\nx", "x\n\n", "x \ny", "x\ny ",
		"x\n  indented\n", "中文\n第二行\n", "x\ty\nz", "x\r\ny", "---\nx", "x\n---\n", "x\n...\n", "x\n# c\n",
		"application/json;charset=UTF-8", "Wed, 21 Oct 2015 07:28:00 GMT", "SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=content-type;host;x-sdk-date, Signature=REDACTED",
		"0123456789abcdef0123456789abcdef", "0", "00", "007", "1234567890123456789", "123456789012345678", "127.0.0.1:8080", "127.0.0.1", "0777", "0o17", "0b101", "-0b101", "0x1F", "0x1p-2",
		"1_000", "1__0.5", "2015-10-21T07:28:00Z", "2015-10-21 07:28:00", "1:20:30", "12:60", "1.5.6", "9e9", "1e", "20240101T000000Z",
		"https://h/p?x=1&y=2#f", "/v3/jobs/notice/x/update", "<<", "a<b", "a{b}", "a,b", "a[0]", "a?", "a!", "a%20b", "a=b", "$a",
	}
	for _, v := range values {
		for _, set := range []func(*vcr.Interaction, string){
			func(i *vcr.Interaction, v string) { i.Request.Body = v },
			func(i *vcr.Interaction, v string) { i.Response.Body = v },
			func(i *vcr.Interaction, v string) { i.Response.Status = v },
			func(i *vcr.Interaction, v string) { i.Request.Headers.Set("X-Value", v) },
			func(i *vcr.Interaction, v string) { i.Request.TransferEncoding = []string{v, "chunked"} },
			func(i *vcr.Interaction, v string) { i.Request.Form = map[string][]string{"k": {v}} },
			func(i *vcr.Interaction, v string) { i.Response.Headers[v] = []string{"x"} },
			func(i *vcr.Interaction, v string) { i.Response.Trailer = http.Header{v: nil} },
		} {
			i := sample()
			set(i, v)
			checkEncoding(t, i)
		}
	}
	for _, d := range []time.Duration{0, 1, 999, time.Microsecond, 1500 * time.Microsecond, time.Second, 90 * time.Minute, -time.Millisecond} {
		i := sample()
		i.Response.Duration = d
		if !checkEncoding(t, i) && d >= 0 {
			t.Fatalf("duration %s must take the fast path", d)
		}
	}
	keys := []string{"A", "a", "B", "b", "a1", "a10", "a2", "a01", "a001", "A-B", "A_B", "Ab", "AB", "x-1", "x-01", "x1y", "x10y", "x2y", "Zz", "zZ"}
	i := sample()
	for _, k := range keys {
		i.Request.Headers[k] = []string{k}
	}
	if !checkEncoding(t, i) {
		t.Fatal("ASCII header names must take the fast path")
	}
}

// FuzzEncodeItem holds the fast encoder to yaml.v3's bytes (whenever it takes an
// interaction) and encodeItem's output to go-vcr's reading of it.
func FuzzEncodeItem(f *testing.F) {
	s := sample()
	f.Add(s.Request.Body, s.Response.Body, "X-Request-Id", "abc", s.Request.URL, "200 OK", int64(s.Response.Duration))
	f.Add("a\nb\n", "'x'", "a01", "", "", "", int64(0))
	f.Fuzz(func(t *testing.T, reqBody, respBody, hkey, hval, url, status string, d int64) {
		i := sample()
		i.Request.Body, i.Response.Body = reqBody, respBody
		i.Request.Headers[hkey] = []string{hval}
		i.Request.URL, i.Response.Status = url, status
		i.Response.Duration = time.Duration(d)
		checkEncoding(t, i)
		out, err := encodeItem(i)
		if err != nil {
			return
		}
		var back []*vcr.Interaction
		if err := yaml.Unmarshal(out, &back); err != nil {
			t.Fatalf("encodeItem's output does not parse: %v\n%s", err, out)
		}
		if len(back) != 1 {
			t.Fatalf("%d items read back", len(back))
		}
		b := back[0]
		if strings.ToValidUTF8(reqBody, "") == reqBody && (b.Request.Body != reqBody || b.Response.Body != respBody || b.Request.URL != url || b.Response.Status != status) {
			t.Fatalf("strings changed on the way through the file:\n%s", out)
		}
		if b.Response.Duration != i.Response.Duration {
			t.Fatalf("duration %s read back as %s", i.Response.Duration, b.Response.Duration)
		}
	})
}
