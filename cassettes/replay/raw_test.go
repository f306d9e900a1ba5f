package replay

import (
	"fmt"
	"net/http"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
	"pgregory.net/rapid"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// TestRawKeyFindsWhatLookupFinds holds the raw-key shortcut to the lookup it
// stands in for: over generated recordings (bodies that are and are not JSON, the
// same document written twice in other ways, queries in other orders, auth kinds,
// Prefer, credential names, placeholders) and requests sent as one of them was or
// changed a little, a request the raw keys find is the entry lookup finds, and one
// sent byte for byte as a recording was is always found by its raw key.
func TestRawKeyFindsWhatLookupFinds(t *testing.T) {
	bodies := []string{
		`{"notice_type":"MAIL","enabled":true}`, `{ "enabled" : true, "notice_type" : "MAIL" }`,
		`{"notice_type":"MAIL","enabled":false}`, `{"param_config":"` + cassette.Redacted + `"}`,
		`{"param_config":"x"}`, `not json`, ``, `[1,2.50]`, `[1,2.5]`,
	}
	queries := []string{"", "a=1&b=2", "b=2&a=1", "a=1", "token=" + cassette.Redacted, "token=t1", "a=%41"}
	headers := []http.Header{
		{"X-Auth-Token": {cassette.Redacted}},
		{"X-Auth-Token": {cassette.Redacted + ":ci"}},
		{"Authorization": {"SDK-HMAC-SHA256 Access=" + cassette.Redacted + ", SignedHeaders=host, Signature=" + cassette.Redacted}},
		{"Prefer": {"code=500"}, "X-Auth-Token": {cassette.Redacted}},
		{},
	}
	type req struct {
		method, query, body string
		header              http.Header
	}
	gen := func(t *rapid.T, label string) req {
		return req{
			method: rapid.SampledFrom([]string{http.MethodPost, http.MethodGet}).Draw(t, label+" method"),
			query:  rapid.SampledFrom(queries).Draw(t, label+" query"),
			body:   rapid.SampledFrom(bodies).Draw(t, label+" body"),
			header: rapid.SampledFrom(headers).Draw(t, label+" header"),
		}
	}
	const path = "/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update"
	rapid.Check(t, func(t *rapid.T) {
		recorded := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) req { return gen(t, "recorded") }), 1, 6).Draw(t, "recorded")
		f := &cassette.File{Path: "gen.yaml"}
		for n, q := range recorded {
			u := "https://h.example" + path
			if q.query != "" {
				u += "?" + q.query
			}
			f.Interactions = append(f.Interactions, cassette.Interaction{Line: n + 1, Interaction: vcr.Interaction{
				ID:       n,
				Request:  vcr.Request{Method: q.method, URL: u, Body: q.body, Headers: q.header.Clone()},
				Response: vcr.Response{Code: 200, Body: fmt.Sprint(n)},
			}})
		}
		ix, err := newIndex([]*cassette.File{f})
		if err != nil {
			t.Fatal(err)
		}
		var sent req
		if rapid.Bool().Draw(t, "sent as recorded") {
			sent = recorded[rapid.IntRange(0, len(recorded)-1).Draw(t, "which")]
		} else {
			sent = gen(t, "sent")
		}
		cred := ""
		if sent.header.Get("X-Auth-Token") == cassette.Redacted+":ci" {
			cred = "ci"
		}
		w := &wire{method: sent.method, path: path, rawQuery: sent.query, header: sent.header, body: []byte(sent.body), cred: cred}
		want := ix.lookup(w.probe(nil), w)
		got, ok := ix.raw(w)
		if ok && got != want {
			t.Fatalf("%s ?%s %q %v: the raw key finds entry %d, lookup entry %d", sent.method, sent.query, sent.body, sent.header, got, want)
		}
		for _, q := range recorded {
			if q.method == sent.method && q.query == sent.query && q.body == sent.body && fmt.Sprint(q.header) == fmt.Sprint(sent.header) && !ok {
				t.Fatalf("%s ?%s %q %v: sent as recorded, not found by its raw key", sent.method, sent.query, sent.body, sent.header)
			}
		}
	})
}
