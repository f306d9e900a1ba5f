package cassette

import (
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
	"pgregory.net/rapid"
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

// hostileStrings are values that YAML writers get wrong. gopkg.in/yaml.v3's Marshal
// loses the first four (it writes them as literal blocks that read back without their
// leading line breaks: "\n" becomes ""), and go.yaml.in/yaml/v3 writes the indentation
// indicator of such a block wrong in a list; the literal block of a string whose first
// line starts with a tab, or with another YAML line break, yaml.v3's reader refuses or
// misreads; the rest take every other path of the encoder: quoting, escapes, !!binary,
// long lines.
var hostileStrings = []string{
	"\n", "\n\n", "\na", "\n a\n",
	"\ta\nb", "\t\n", "\u2028\na", "\u0085\n", "\r\na",
	"", " ", "  ", " a", "a ", "a  \nb  \n", "a\n\n\n", "a\n \n", "\t", "a\tb",
	"\r", "a\r\nb\r\n", "a\rb", "\x00", "a\x00b\x01\x1b[0m\x7f", "\u0085", "a\u2028b\u2029", "\ufeffa",
	"\xff", "a\xc3", "\xed\xa0\x80", "é\xff中文",
	"123", "-1", "0x1F", "0o17", "1e5", ".inf", "1_000",
	"0X1F", "0b101", "0B1_0", "1E5", "1.5e-3", "0x1p-2", "0x1.8P3", "1_0.5", "12ab", "0xZZ", "1e", "7fffffff", "5e1f0c3a", "0e0", "1.5µs", "2015-10-21", "1:20:30", "true", "False", "yes", "no", "on", "off", "null", "~", "y",
	"- a", "#a", "a #b", "a: b", "a:", ": a", "? a", "|", ">", "'", `"`, "&a", "*a", "!a", "%a", "@a", "`a", "{", "[", "{}", "[]", "---", "...",
	"😀\nx", strings.Repeat("word ", 100), strings.Repeat("x", 5000), strings.Repeat(`{"a": "b c", `, 40) + "\n" + strings.Repeat(" ", 90) + "\n",
}

// genString draws a string a cassette must carry unchanged: one of hostileStrings, text
// over an alphabet of YAML's troublemakers, or arbitrary bytes.
func genString() *rapid.Generator[string] {
	alphabet := []rune{'a', 'Z', '0', '1', ' ', '\n', '\t', '\r', 0, 0x1b, 0x7f, 0x85, 0xa0, 0x2028, 0xfeff, 0x1f600, 'é',
		'#', ':', '-', '?', '"', '\'', '|', '>', '\\', '{', '}', '[', ']', ',', '&', '*', '!', '%', '@', '`', '~'}
	return rapid.OneOf(
		rapid.SampledFrom(hostileStrings),
		rapid.StringOfN(rapid.SampledFrom(alphabet), 0, 120, -1),
		rapid.Map(rapid.SliceOfN(rapid.Byte(), 0, 40), func(b []byte) string { return string(b) }),
		rapid.Map(rapid.SliceOfN(rapid.SampledFrom(hostileStrings), 1, 4), func(s []string) string { return strings.Join(s, "") }),
	)
}

// genHeader draws header names and values. The names are in canonical form (as
// net/http gives them; a name with characters no header name has stays as it is),
// since the loader canonicalizes names.
func genHeader() *rapid.Generator[map[string][]string] {
	name := rapid.OneOf(
		rapid.SampledFrom([]string{"Content-Type", "X-Auth-Token", "Authorization", "X-Request-Id", "Content-Length", "Date"}),
		genString(),
	).Filter(func(k string) bool { return k == textproto.CanonicalMIMEHeaderKey(k) })
	return rapid.MapOfN(name, rapid.SliceOfN(genString(), 0, 3), 0, 5)
}

// genInteraction draws an interaction the loaders must accept (a method and a URL,
// a status code from 100 to 999, protocol versions that fit 32 bits), with hostile
// strings everywhere else.
func genInteraction() *rapid.Generator[*vcr.Interaction] {
	return rapid.Custom(func(t *rapid.T) *vcr.Interaction {
		path := rapid.StringOfN(rapid.RuneFrom([]rune("abz09-_/.~%20?=&;é")), 0, 60, -1).Draw(t, "path")
		u := "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/" + path
		if _, err := url.Parse(u); err != nil {
			u = "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/x/update"
		}
		return &vcr.Interaction{
			Request: vcr.Request{
				Proto:            genString().Draw(t, "req.proto"),
				ProtoMajor:       rapid.IntRange(-1<<31, 1<<31-1).Draw(t, "req.major"),
				ProtoMinor:       rapid.IntRange(-1<<31, 1<<31-1).Draw(t, "req.minor"),
				ContentLength:    rapid.Int64().Draw(t, "req.length"),
				TransferEncoding: rapid.SliceOfN(genString(), 0, 2).Draw(t, "req.te"),
				Trailer:          genHeader().Draw(t, "req.trailer"),
				Host:             genString().Draw(t, "req.host"),
				RemoteAddr:       genString().Draw(t, "req.remote"),
				RequestURI:       genString().Draw(t, "req.uri"),
				Body:             genString().Draw(t, "req.body"),
				Form:             rapid.MapOfN(genString(), rapid.SliceOfN(genString(), 0, 2), 0, 3).Draw(t, "req.form"),
				Headers:          genHeader().Draw(t, "req.headers"),
				URL:              u,
				Method:           rapid.SampledFrom([]string{"POST", "GET", "PUT", "DELETE", "PATCH", "X-CUSTOM"}).Draw(t, "req.method"),
			},
			Response: vcr.Response{
				Proto:            genString().Draw(t, "resp.proto"),
				ProtoMajor:       rapid.IntRange(-1<<31, 1<<31-1).Draw(t, "resp.major"),
				ProtoMinor:       rapid.IntRange(-1<<31, 1<<31-1).Draw(t, "resp.minor"),
				TransferEncoding: rapid.SliceOfN(genString(), 0, 2).Draw(t, "resp.te"),
				Trailer:          genHeader().Draw(t, "resp.trailer"),
				ContentLength:    rapid.Int64().Draw(t, "resp.length"),
				Uncompressed:     rapid.Bool().Draw(t, "resp.uncompressed"),
				Body:             genString().Draw(t, "resp.body"),
				Headers:          genHeader().Draw(t, "resp.headers"),
				Status:           genString().Draw(t, "resp.status"),
				Code:             rapid.IntRange(100, 999).Draw(t, "resp.code"),
				Duration:         time.Duration(rapid.Int64().Draw(t, "resp.duration")),
			},
		}
	})
}

// normalized returns a copy of i as it reads back from a cassette: go-vcr's format
// does not tell a nil map or list from an empty one.
func normalized(i vcr.Interaction) vcr.Interaction {
	m := func(h map[string][]string) map[string][]string {
		out := map[string][]string{}
		for k, vs := range h {
			out[k] = l(vs)
		}
		return out
	}
	q, r := &i.Request, &i.Response
	q.TransferEncoding, r.TransferEncoding = l(q.TransferEncoding), l(r.TransferEncoding)
	q.Trailer, q.Form, q.Headers = m(q.Trailer), m(q.Form), m(q.Headers)
	r.Trailer, r.Headers = m(r.Trailer), m(r.Headers)
	return vcr.Interaction{ID: i.ID, Request: i.Request, Response: i.Response}
}

func l(vs []string) []string {
	if vs == nil {
		return []string{}
	}
	return vs
}

// writeAndCheck writes want with a Writer to a new cassette in dir and fails t unless
// go-vcr v3's cassette.Load and LoadFile both read it back equal, strings byte for byte.
func writeAndCheck(t interface {
	Helper()
	Fatalf(string, ...any)
}, dir string, want []*vcr.Interaction) {
	t.Helper()
	path := filepath.Join(dir, "c.yaml")
	w, err := OpenWriter(path, Overwrite)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	for n, i := range want {
		id, err := w.Append(i)
		if err != nil {
			t.Fatalf("append %d: %v", n, err)
		}
		if id != n {
			t.Fatalf("append %d got id %d", n, id)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	data, _ := ReadFile(path)
	c, err := vcr.Load(strings.TrimSuffix(path, ".yaml"))
	if err != nil {
		t.Fatalf("go-vcr's cassette.Load refuses the cassette: %v\n%s", err, data)
	}
	f, err := LoadFile(path)
	if err != nil {
		t.Fatalf("LoadFile refuses the cassette: %v\n%s", err, data)
	}
	if len(c.Interactions) != len(want) || len(f.Interactions) != len(want) {
		t.Fatalf("wrote %d interactions, go-vcr read %d, LoadFile %d\n%s", len(want), len(c.Interactions), len(f.Interactions), data)
	}
	for n, i := range want {
		exp := normalized(*i)
		for _, got := range []struct {
			loader string
			in     vcr.Interaction
		}{{"go-vcr's cassette.Load", *c.Interactions[n]}, {"LoadFile", f.Interactions[n].Interaction}} {
			if g := normalized(got.in); !reflect.DeepEqual(g, exp) {
				t.Fatalf("interaction %d read back by %s differs:\n%s\ncassette:\n%s", n, got.loader, diff(exp, g), data)
			}
		}
	}
}

// diff names the fields of two interactions that differ, with both values quoted.
func diff(want, got vcr.Interaction) string {
	var b strings.Builder
	var walk func(path string, w, g reflect.Value)
	walk = func(path string, w, g reflect.Value) {
		if reflect.DeepEqual(w.Interface(), g.Interface()) {
			return
		}
		if w.Kind() == reflect.Struct {
			for n := range w.NumField() {
				if w.Type().Field(n).IsExported() {
					walk(path+"."+w.Type().Field(n).Name, w.Field(n), g.Field(n))
				}
			}
			return
		}
		fmt.Fprintf(&b, "  %s: wrote %q, read %q\n", path, w.Interface(), g.Interface())
	}
	walk("", reflect.ValueOf(want), reflect.ValueOf(got))
	return b.String()
}

// TestWriterKeepsHostileStrings writes each of hostileStrings in every kind of place
// an interaction has (body, header value and name, list item, status) and reads it
// back with both loaders.
func TestWriterKeepsHostileStrings(t *testing.T) {
	for n, s := range hostileStrings {
		t.Run(fmt.Sprintf("%d:%.20q", n, s), func(t *testing.T) {
			i := sample()
			i.Request.Body, i.Response.Body, i.Response.Status = s, s+s, s
			i.Request.Headers["X-Value"] = []string{s, "x" + s}
			if s == textproto.CanonicalMIMEHeaderKey(s) {
				i.Response.Headers[s] = []string{s}
			}
			i.Request.TransferEncoding = []string{s}
			i.Request.Form = url.Values{s: {s}}
			next := sample()
			next.ID = 1
			writeAndCheck(t, t.TempDir(), []*vcr.Interaction{i, next})
		})
	}
}

// TestWriterRoundTripsGeneratedInteractions is the property that every cassette a
// Writer writes is a go-vcr v3 cassette holding exactly what was appended: go-vcr's
// own cassette.Load and LoadFile read back every field of every interaction, strings
// byte for byte.
func TestWriterRoundTripsGeneratedInteractions(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		want := rapid.SliceOfN(genInteraction(), 1, 3).Draw(rt, "interactions")
		for n, i := range want {
			c := *i
			c.ID = n
			want[n] = &c
		}
		writeAndCheck(rt, t.TempDir(), want)
	})
}

// BenchmarkEncodeInteraction encodes one update interaction as the recording proxy
// writes it, by the library path and by the fast encoder: the figures behind
// keeping the fast encoder on the recording path.
func BenchmarkEncodeInteraction(b *testing.B) {
	i := sample()
	i.Request.Headers.Set("Authorization", "SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=content-type;host;x-sdk-date, Signature=REDACTED")
	b.Run("path=library", func(b *testing.B) {
		var e encoder
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.encode(i); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("path=fast", func(b *testing.B) {
		// As a Writer encodes: with an encoder and an item buffer kept from the
		// last record.
		var e fastEncoder
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			out, ok := e.encode(i, buf)
			if !ok {
				b.Fatal("the update interaction must take the fast path")
			}
			buf = out
		}
	})
}
