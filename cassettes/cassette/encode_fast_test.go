package cassette

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
	"pgregory.net/rapid"
)

// checkFast fails t when the fast encoder renders i differently from the library
// path, and reports whether the fast path took it without handing a single value to
// the library. It encodes i as a Writer does, with an encoder and a buffer left from
// another record, and once more into its own last buffer.
func checkFast(t interface {
	Helper()
	Fatalf(string, ...any)
}, i *vcr.Interaction) bool {
	t.Helper()
	want, err := encodeItem(i)
	if err != nil {
		return false // the library cannot encode it either; Append reports that
	}
	var e fastEncoder
	last, _ := e.encode(sample(), nil)
	got, ok := e.encode(i, last)
	if !ok {
		return false
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the fast encoder differs from the library path\n--- go.yaml.in/yaml/v3:\n%s\n--- fast:\n%s", want, got)
	}
	slow := e.slow
	first := bytes.Clone(got)
	if again, _ := e.encode(i, got); !bytes.Equal(again, first) {
		t.Fatalf("the fast encoder differs from itself on a second encoding into its last buffer\n--- first:\n%s\n--- second:\n%s", first, again)
	}
	return slow == 0
}

// TestEncodeFast holds the fast encoder to the library's bytes on values that take
// each of its paths, and checks that it does take the fast path for the proxy's usual
// traffic.
func TestEncodeFast(t *testing.T) {
	if !checkFast(t, sample()) {
		t.Fatal("the usual update interaction must take the fast path")
	}
	loopback := sample()
	loopback.Request.Host = "127.0.0.1:8080"
	loopback.Request.URL = "http://127.0.0.1:8080/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update"
	loopback.Request.Headers.Set("X-Forwarded-For", "127.0.0.1")
	loopback.Request.Headers.Set("Content-Length", "71")
	if !checkFast(t, loopback) {
		t.Fatal("an interaction through a loopback proxy must take the fast path")
	}
	setters := []func(*vcr.Interaction, string){
		func(i *vcr.Interaction, v string) { i.Request.Body = v },
		func(i *vcr.Interaction, v string) { i.Response.Body = v },
		func(i *vcr.Interaction, v string) { i.Response.Status = v },
		func(i *vcr.Interaction, v string) { i.Request.Headers.Set("X-Value", v) },
		func(i *vcr.Interaction, v string) { i.Request.TransferEncoding = []string{v, "chunked"} },
		func(i *vcr.Interaction, v string) { i.Request.Form = map[string][]string{"k": {v}} },
		func(i *vcr.Interaction, v string) { i.Response.Headers[v] = []string{"x"} },
		func(i *vcr.Interaction, v string) { i.Response.Trailer = http.Header{v: nil} },
	}
	for _, v := range hostileStrings {
		for _, set := range setters {
			i := sample()
			set(i, v)
			checkFast(t, i)
		}
	}
	for _, d := range []time.Duration{0, 1, 999, time.Microsecond, 1500 * time.Microsecond, time.Second, 90 * time.Minute, -time.Millisecond} {
		i := sample()
		i.Response.Duration = d
		if !checkFast(t, i) && d >= 0 {
			t.Fatalf("duration %s must take the fast path", d)
		}
	}
	i := sample()
	for _, k := range []string{"A", "a", "B", "b", "a1", "a10", "a2", "a01", "a001", "A-B", "A_B", "Ab", "AB", "x-1", "x-01", "x1y", "x10y", "x2y", "Zz", "zZ"} {
		i.Request.Headers[k] = []string{k}
	}
	if !checkFast(t, i) {
		t.Fatal("ASCII header names must take the fast path")
	}
}

// TestEncodeFastAgreesOnGeneratedInteractions holds the fast encoder to the library's
// bytes over generated interactions with hostile values in every field.
func TestEncodeFastAgreesOnGeneratedInteractions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkFast(t, genInteraction().Draw(t, "interaction"))
	})
}

// FuzzEncodeFast holds the fast encoder to the library's bytes whenever it takes an
// interaction.
func FuzzEncodeFast(f *testing.F) {
	s := sample()
	f.Add(s.Request.Body, s.Response.Body, "X-Request-Id", "abc", s.Request.URL, "200 OK", int64(s.Response.Duration))
	f.Add("a\nb\n", "'x'", "a01", "", "", "", int64(0))
	f.Fuzz(func(t *testing.T, reqBody, respBody, hkey, hval, url, status string, d int64) {
		i := sample()
		i.Request.Body, i.Response.Body = reqBody, respBody
		i.Request.Headers[hkey] = []string{hval}
		i.Request.URL, i.Response.Status = url, status
		i.Response.Duration = time.Duration(d)
		checkFast(t, i)
	})
}
