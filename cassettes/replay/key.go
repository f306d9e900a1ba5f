package replay

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/header"
	"github.com/noticeconf/noticeconf/internal/jsondiff"
	"github.com/noticeconf/noticeconf/internal/redact"
)

// probe is a request reduced to what matching looks at: method, path, query with its
// parameters sorted, auth kind and credential name, the Prefer header, and the body in
// canonical form.
type probe struct {
	method string
	path   string
	query  string // canonical: pairs sorted, each escaped
	auth   cassette.AuthKind
	cred   string // the credential's name; "" when unnamed
	prefer string // the Prefer header's values, joined
	body   []byte // canonical JSON when isJSON, else the bytes as sent
	isJSON bool
	key    matchKey
}

// placeholders are the query parameters and JSON body paths that a recording holds
// redacted. A live request's values there are replaced by the placeholder before it
// is compared with that recording, so a secret the recording proxy removed still
// matches.
type placeholders struct {
	params map[string]bool // query parameter names
	paths  map[string]bool // JSON paths in the body, e.g. $.param_config
	// inside reports whether some recorded JSON body holds the placeholder inside a
	// string (a webhook URL's token in param_config): then every body is matched as
	// the redaction policy writes it.
	inside bool
}

func (p *placeholders) empty() bool { return len(p.params) == 0 && len(p.paths) == 0 && !p.inside }

// add adds o's places to p's.
func (p *placeholders) add(o placeholders) {
	for k := range o.params {
		p.params[k] = true
	}
	for k := range o.paths {
		p.paths[k] = true
	}
	p.inside = p.inside || o.inside
}

// signature names p's places in one string: equal places, equal signatures.
func (p *placeholders) signature() string {
	var b strings.Builder
	for _, k := range sortedKeys(p.params) {
		b.WriteString("q\x00" + k + "\x00")
	}
	for _, k := range sortedKeys(p.paths) {
		b.WriteString("b\x00" + k + "\x00")
	}
	if p.inside {
		b.WriteString("i\x00")
	}
	return b.String()
}

// newProbe reduces a request to its match key. rawQuery is the query as sent (without
// "?"); ph, if not nil, names the values to replace by the placeholder first; cred is
// the name of the request's credential, "" when unnamed.
func newProbe(method, path, rawQuery string, h http.Header, body []byte, ph *placeholders, cred string) *probe {
	p := new(probe)
	p.reduce(method, path, rawQuery, h, body, ph, cred)
	return p
}

// reduce sets p to the request's match key, as newProbe returns it.
func (p *probe) reduce(method, path, rawQuery string, h http.Header, body []byte, ph *placeholders, cred string) {
	if path == "" {
		path = "/"
	}
	*p = probe{method: method, path: path, auth: cassette.AuthKindOf(h), cred: cred, prefer: preferOf(h)}
	p.query = canonicalQuery(rawQuery, ph)
	p.body, p.isJSON = canonicalBody(body, ph)
	p.key = p.hash()
}

// preferOf returns the Prefer header (RFC 7240) as matching compares it: its values
// joined by ", ", each trimmed. A request asks with it for a behaviour (the mocks'
// Prefer: code=500 asks for a fault), so it is part of what was asked.
func preferOf(h http.Header) string {
	vs := header.Values(h, contract.HeaderPrefer)
	if len(vs) == 0 {
		return ""
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strings.TrimSpace(v)
	}
	return strings.Join(parts, ", ")
}

// matchKey is what the index files a request under: a 128-bit hash of the material
// of its match key, under two seeds drawn when the process starts. Two different
// requests share one with a probability of about 2^-128, and no client can aim a
// request at another's key, since the seeds are never shown.
type matchKey [2]uint64

// keySeeds are matchKey's seeds, drawn once per process and never changed.
var keySeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func keyOf(b []byte) matchKey {
	return matchKey{maphash.Bytes(keySeeds[0], b), maphash.Bytes(keySeeds[1], b)}
}

// hashInline is the most key material hash reads from the stack; more is copied
// to the heap first.
const hashInline = 1024

func (p *probe) hash() matchKey {
	var buf [hashInline]byte
	b := buf[:0]
	if n := len(p.method) + len(p.path) + len(p.query) + len(p.auth) + len(p.cred) + len(p.prefer) + 7 + len(p.body); n > hashInline {
		b = make([]byte, 0, n)
	}
	for _, s := range []string{p.method, p.path, p.query, string(p.auth), p.cred, p.prefer} {
		b = append(b, s...)
		b = append(b, 0)
	}
	if p.isJSON {
		b = append(b, 'J')
	} else {
		b = append(b, 'R')
	}
	b = append(b, p.body...)
	return keyOf(b)
}

// rawKey is the hash of what reduce reduces a request to a probe from, as sent:
// equal raw keys make equal probes, so a request sent byte for byte as a recording
// was is found by its raw key without being reduced.
func rawKey(method, path, rawQuery string, h http.Header, body []byte, cred string) matchKey {
	if path == "" {
		path = "/"
	}
	auth, prefer := cassette.AuthKindOf(h), preferOf(h)
	var buf [hashInline]byte
	b := buf[:0]
	if n := len(method) + len(path) + len(rawQuery) + len(auth) + len(cred) + len(prefer) + 6 + len(body); n > hashInline {
		b = make([]byte, 0, n)
	}
	for _, s := range []string{method, path, rawQuery, string(auth), cred, prefer} {
		b = append(b, s...)
		b = append(b, 0)
	}
	b = append(b, body...)
	return keyOf(b)
}

// canonicalQuery sorts a query's parameters (by name, then value) and escapes each the
// same way, so parameter order and escaping style do not matter. A query that does not
// parse is kept as sent.
func canonicalQuery(raw string, ph *placeholders) string {
	if raw == "" {
		return ""
	}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range vals {
		for _, v := range vs {
			if ph != nil && ph.params[k] {
				v = cassette.Redacted
			}
			pairs = append(pairs, pair{k, v})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var sb strings.Builder
	for i, p := range pairs {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(url.QueryEscape(p.k))
		sb.WriteByte('=')
		sb.WriteString(url.QueryEscape(p.v))
	}
	return sb.String()
}

// canonicalBody returns a JSON body in canonical form (see canonicalJSON) and true;
// any other body comes back as is, with false. Values at placeholder paths are
// replaced first.
func canonicalBody(body []byte, ph *placeholders) ([]byte, bool) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || !utf8.Valid(trimmed) {
		return body, false
	}
	if ph == nil || (!ph.inside && len(ph.paths) == 0) {
		// canonicalJSON refuses what json.Valid refuses: one pass over the body.
		if canon, ok := canonicalJSON(trimmed); ok {
			return canon, true
		}
		return body, false
	}
	if !json.Valid(trimmed) {
		return body, false
	}
	if ph != nil && ph.inside {
		trimmed = redact.Default().Body(trimmed, "application/json")
	}
	if ph != nil && len(ph.paths) > 0 {
		v, ok := decodeJSON(trimmed)
		if !ok {
			return body, false
		}
		trimmed = encodeJSON(replacePaths(v, "$", ph.paths))
	}
	canon, ok := canonicalJSON(trimmed)
	if !ok {
		return body, false
	}
	return canon, true
}

// decodeJSON decodes body if it is one JSON value in valid UTF-8.
func decodeJSON(body []byte) (any, bool) { return jsondiff.Decode(body) }

// encodeJSON writes v (as decodeJSON makes it) with object keys sorted.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Values decoded from valid JSON always encode; keep a stable fallback anyway.
		return []byte(strconv.Quote(err.Error()))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// replacePaths sets the value at every JSON path in paths to the placeholder.
func replacePaths(v any, path string, paths map[string]bool) any {
	if paths[path] {
		return cassette.Redacted
	}
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			t[k] = replacePaths(c, childPath(path, k), paths)
		}
	case []any:
		for i, c := range t {
			t[i] = replacePaths(c, path+"["+strconv.Itoa(i)+"]", paths)
		}
	}
	return v
}

// redactedPaths adds to paths every JSON path whose value is the placeholder.
func redactedPaths(v any, path string, paths map[string]bool) {
	switch t := v.(type) {
	case string:
		if t == cassette.Redacted {
			paths[path] = true
		}
	case map[string]any:
		for k, c := range t {
			redactedPaths(c, childPath(path, k), paths)
		}
	case []any:
		for i, c := range t {
			redactedPaths(c, path+"["+strconv.Itoa(i)+"]", paths)
		}
	}
}

// childPath is the JSON path of key k under path: $.a for plain names, $["a b"] else.
func childPath(path, k string) string { return jsondiff.Member(path, k) }

// placeholderInside reports whether a string of v holds the placeholder but is not
// the placeholder.
func placeholderInside(v any) bool {
	switch t := v.(type) {
	case string:
		return t != cassette.Redacted && strings.Contains(t, cassette.Redacted)
	case map[string]any:
		for _, c := range t {
			if placeholderInside(c) {
				return true
			}
		}
	case []any:
		for _, c := range t {
			if placeholderInside(c) {
				return true
			}
		}
	}
	return false
}
