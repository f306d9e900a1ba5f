package replay

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/jsondiff"
)

// Field names a part of a request that takes part in matching.
type Field string

// The fields a Difference can name.
const (
	// FieldMethod is the HTTP method.
	FieldMethod Field = "method"
	// FieldPath is the URL path, compared escaped.
	FieldPath Field = "path"
	// FieldQuery is one query parameter (Difference.Param names it).
	FieldQuery Field = "query"
	// FieldBody is the body: one JSON value (Difference.JSONPath names it) or, for a
	// body that is not JSON on both sides, the whole body.
	FieldBody Field = "body"
	// FieldAuth is the kind of authentication: none, token or aksk.
	FieldAuth Field = "auth"
	// FieldHeader is a request header that takes part in matching (Difference.Param
	// names it): only Prefer, which asks the server for a behaviour.
	FieldHeader Field = "header"
	// FieldCredential is the name of the credential (see package credential); absent
	// on the side where it is unnamed.
	FieldCredential Field = "credential"
)

// Difference is one way a received request differs from a recorded one. Recorded and
// Received are nil where the value is absent on that side.
type Difference struct {
	Field Field `json:"field"`
	// Param is the query parameter, for FieldQuery, or the header name, for
	// FieldHeader.
	Param string `json:"param,omitempty"`
	// JSONPath locates the value in the body, e.g. $.enabled_event_type_names[1], for
	// FieldBody when both bodies are JSON.
	JSONPath string  `json:"json_path,omitempty"`
	Recorded *string `json:"recorded"`
	Received *string `json:"received"`
}

// String says the difference in one line.
func (d Difference) String() string {
	where := string(d.Field)
	switch {
	case d.Param != "":
		where += " " + d.Param
	case d.JSONPath != "":
		where += " " + d.JSONPath
	}
	return fmt.Sprintf("%s: recorded %s, received %s", where, show(d.Recorded), show(d.Received))
}

func show(s *string) string {
	if s == nil {
		return "(absent)"
	}
	return *s
}

// maxShown caps the bytes of one value shown in a Difference.
const maxShown = 256

// ptr returns a pointer to s, shortened to maxShown bytes.
func ptr(s string) *string {
	if len(s) > maxShown {
		s = s[:maxShown] + fmt.Sprintf("...(%d bytes)", len(s))
	}
	return &s
}

// maxDifferences caps the differences listed for one recorded interaction.
const maxDifferences = 20

// differences lists, field by field, how received differs from recorded.
func differences(rec, got *probe) []Difference {
	var out []Difference
	if rec.method != got.method {
		out = append(out, Difference{Field: FieldMethod, Recorded: ptr(rec.method), Received: ptr(got.method)})
	}
	if rec.path != got.path {
		out = append(out, Difference{Field: FieldPath, Recorded: ptr(rec.path), Received: ptr(got.path)})
	}
	if rec.query != got.query {
		out = append(out, queryDifferences(rec.query, got.query)...)
	}
	if rec.auth != got.auth {
		out = append(out, Difference{Field: FieldAuth, Recorded: ptr(string(rec.auth)), Received: ptr(string(got.auth))})
	}
	if rec.prefer != got.prefer {
		d := Difference{Field: FieldHeader, Param: contract.HeaderPrefer}
		if rec.prefer != "" {
			d.Recorded = ptr(rec.prefer)
		}
		if got.prefer != "" {
			d.Received = ptr(got.prefer)
		}
		out = append(out, d)
	}
	if rec.cred != got.cred {
		d := Difference{Field: FieldCredential}
		if rec.cred != "" {
			d.Recorded = ptr(rec.cred)
		}
		if got.cred != "" {
			d.Received = ptr(got.cred)
		}
		out = append(out, d)
	}
	if rec.isJSON != got.isJSON || !bytes.Equal(rec.body, got.body) {
		out = append(out, bodyDifferences(rec, got)...)
	}
	if len(out) > maxDifferences {
		out = out[:maxDifferences]
	}
	return out
}

func queryDifferences(rec, got string) []Difference {
	rv, err1 := url.ParseQuery(rec)
	gv, err2 := url.ParseQuery(got)
	if err1 != nil || err2 != nil {
		return []Difference{{Field: FieldQuery, Recorded: ptr(rec), Received: ptr(got)}}
	}
	names := map[string]bool{}
	for k := range rv {
		names[k] = true
	}
	for k := range gv {
		names[k] = true
	}
	var out []Difference
	for _, k := range sortedKeys(names) {
		r, rok := rv[k]
		g, gok := gv[k]
		d := Difference{Field: FieldQuery, Param: k}
		if rok {
			d.Recorded = ptr(strings.Join(r, ","))
		}
		if gok {
			d.Received = ptr(strings.Join(g, ","))
		}
		if !rok || !gok || !slices.Equal(r, g) {
			out = append(out, d)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func bodyDifferences(rec, got *probe) []Difference {
	if rec.isJSON && got.isJSON {
		rv, _ := decodeJSON(rec.body)
		gv, _ := decodeJSON(got.body)
		ds := jsondiff.Compare(rv, gv, jsondiff.Options{Max: maxDifferences})
		out := make([]Difference, len(ds))
		for i, d := range ds {
			out[i] = Difference{Field: FieldBody, JSONPath: d.Path}
			if d.Kind != jsondiff.OnlyRight {
				out[i].Recorded = ptr(string(encodeJSON(d.Left)))
			}
			if d.Kind != jsondiff.OnlyLeft {
				out[i].Received = ptr(string(encodeJSON(d.Right)))
			}
		}
		return out
	}
	d := Difference{Field: FieldBody}
	if len(rec.body) > 0 || rec.isJSON {
		d.Recorded = ptr(string(rec.body))
	}
	if len(got.body) > 0 || got.isJSON {
		d.Received = ptr(string(got.body))
	}
	return []Difference{d}
}

// Closest candidates: how many are examined in detail, and how many are reported.
const (
	examined = 8
	reported = 3
)

// fieldsDiffering counts the fields (method, path, query, auth, body) in which entry
// e differs from p: a cheap first ranking, with no body parsing.
func (ix *index) fieldsDiffering(e int, p *probe) int {
	en := &ix.entries[e]
	n := 0
	if ix.str(en.method) != p.method {
		n++
	}
	if ix.str(en.path) != p.path {
		n++
	}
	if ix.str(en.query) != p.query {
		n++
	}
	if ix.str(en.auth) != string(p.auth) || ix.str(en.cred) != p.cred {
		n++
	}
	if ix.str(en.prefer) != p.prefer {
		n++
	}
	if en.isJSON != p.isJSON || ix.str(en.body) != string(p.body) {
		n++
	}
	return n
}

// segmentsDiffering counts the path segments in which a and b differ.
func segmentsDiffering(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for i := 0; i < max(len(as), len(bs)); i++ {
		if i >= len(as) || i >= len(bs) || as[i] != bs[i] {
			n++
		}
	}
	return n
}

// candidate is a recorded key close to a request that matched nothing.
type candidate struct {
	e      int // the entry
	fields int
	segs   int
	diffs  []Difference
}

// closest returns up to reported recorded keys nearest to p, with their differences
// from shown (p with its credentials redacted).
// It looks first among keys with p's method and path, then p's path, then all keys,
// ranks them cheaply (fields differing, then path segments differing, then recorded
// order), and compares bodies in detail only for the best few.
func (ix *index) closest(p, shown *probe) []candidate {
	pool := methodPathRange(ix, ix.byMethodPath, func(e uint32) uint32 { return e }, p.method, p.path)
	if len(pool) == 0 {
		pool = ix.pathRange(p.path)
	}
	n, every := len(pool), len(pool) == 0 // then every entry, in recorded order
	if every {
		n = len(ix.entries)
	}
	less := func(a, b candidate) bool {
		if a.fields != b.fields {
			return a.fields < b.fields
		}
		if a.segs != b.segs {
			return a.segs < b.segs
		}
		return a.e < b.e
	}
	best := make([]candidate, 0, examined+1)
	for k := range n {
		e := k
		if !every {
			e = int(pool[k])
		}
		c := candidate{e: e, fields: ix.fieldsDiffering(e, p)}
		if len(best) == examined && c.fields > best[examined-1].fields {
			continue
		}
		if path := ix.str(ix.entries[e].path); path != p.path {
			c.segs = segmentsDiffering(path, p.path)
		}
		i := len(best)
		for i > 0 && less(c, best[i-1]) {
			i--
		}
		if i < examined {
			best = slices.Insert(best, i, c)
			if len(best) > examined {
				best = best[:examined]
			}
		}
	}
	for i := range best {
		best[i].diffs = differences(ix.probeOf(best[i].e), shown)
	}
	slices.SortStableFunc(best, func(a, b candidate) int {
		if a.fields != b.fields {
			return a.fields - b.fields
		}
		return len(a.diffs) - len(b.diffs)
	})
	if len(best) > reported {
		best = best[:reported]
	}
	return best
}
