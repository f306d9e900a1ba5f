package replay

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"maps"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/internal/hopbyhop"
)

// recorded is one recorded answer, ready to be written: its headers are already
// filtered (no hop-by-hop headers, no Content-Length) and never handed out as is.
type recorded struct {
	cassette string
	id       int
	line     int
	status   int
	header   packedHeader
	body     []byte
	duration time.Duration
}

// packedHeader is a recorded header laid out for answering many times: names and
// values alternate in one slice, and all of them are parts of one string, so that an
// answer reads two blocks of memory rather than a map and a string per value. It is
// read-only; writing it into a response copies it.
type packedHeader struct{ kv []string }

// packHeader packs h, names in sorted order, each name's values in their order.
func packHeader(h http.Header) packedHeader {
	keys := slices.Sorted(maps.Keys(h))
	var b strings.Builder
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	all := b.String()
	kv := make([]string, 0, 2*len(keys))
	at := 0
	for _, k := range keys {
		for _, v := range h[k] {
			kv = append(kv, all[at:at+len(k)], all[at+len(k):at+len(k)+len(v)])
			at += len(k) + len(v)
		}
	}
	return packedHeader{kv: kv}
}

// writeTo adds the packed header's values to dst; dst's slices are its own. The
// values of all names share one new array (one allocation per answer, not one per
// name), each name's slice capped at its own end so that appending to it copies.
func (p packedHeader) writeTo(dst http.Header) {
	n := len(p.kv) / 2
	if n == 0 {
		return
	}
	vals := make([]string, n)
	for i := 0; i < n; {
		k := p.kv[2*i]
		j := i
		for ; j < n && p.kv[2*j] == k; j++ {
			vals[j] = p.kv[2*j+1]
		}
		if old := dst[k]; len(old) > 0 {
			dst[k] = append(old, vals[i:j]...)
		} else {
			dst[k] = vals[i:j:j]
		}
		i = j
	}
}

// entry is every recorded interaction with one match key, in recorded order, and how
// many times the key has been asked for.
type entry struct {
	*probe
	order   int
	answers []*recorded
	next    atomic.Int64
}

// take returns the answer for the next request with this key, as mode says, or nil
// under RepeatStrict once every recording has answered.
func (e *entry) take(mode Repeat) *recorded {
	if mode == RepeatFirst {
		return e.answers[0]
	}
	n := e.next.Add(1) - 1
	size := int64(len(e.answers))
	switch {
	case n < size:
	case mode == RepeatStrict:
		return nil
	case mode == RepeatCycle:
		n %= size
	default:
		n = size - 1
	}
	return e.answers[n]
}

// index finds recorded interactions by the hash of their match key. It is read-only
// once built, apart from each entry's counter, which is atomic.
//
// byKey holds every entry under its key as recorded. A recording that holds the
// placeholder somewhere is also in the group of recordings with the same placeholder
// places, under its key with those places replaced: a request looked up there has the
// same places replaced first, so the placeholder matches any value for that
// recording and for no other.
type index struct {
	byKey        map[[sha256.Size]byte]*entry
	groups       map[string][]*placeholderGroup // by "METHOD path", in order of first recording
	byMethodPath map[string][]*entry
	byPath       map[string][]*entry
	entries      []*entry // in recorded order
	// ph is every placeholder place of every recording: what a no-match answer hides
	// of the request it echoes. Matching never uses it.
	ph    placeholders
	count int
}

// placeholderGroup is the entries whose recordings hold the placeholder in exactly
// the places ph names, keyed with those places replaced.
type placeholderGroup struct {
	ph    placeholders
	byKey map[[sha256.Size]byte]*entry
}

// wire is a request as sent, before it is reduced to a probe.
type wire struct {
	method, path, rawQuery string
	header                 http.Header
	body                   []byte
	cred                   string // the name of its credential, "" when unnamed
}

// probe reduces w to its match key with the places ph names replaced (ph may be nil).
func (w *wire) probe(ph *placeholders) *probe {
	return newProbe(w.method, w.path, w.rawQuery, w.header, w.body, ph, w.cred)
}

// newIndex indexes every interaction of files, in file order then recorded order.
func newIndex(files []*cassette.File) (*index, error) {
	ix := &index{
		byKey:        map[[sha256.Size]byte]*entry{},
		groups:       map[string][]*placeholderGroup{},
		byMethodPath: map[string][]*entry{},
		byPath:       map[string][]*entry{},
		ph:           placeholders{params: map[string]bool{}, paths: map[string]bool{}},
	}
	type parsed struct {
		u    *url.URL
		in   *cassette.Interaction
		file string
	}
	var all []parsed
	groups := map[string]*placeholderGroup{}
	for _, f := range files {
		if f == nil {
			continue
		}
		for i := range f.Interactions {
			in := &f.Interactions[i]
			u, err := url.Parse(in.Request.URL)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: interaction %d: request url %q: %w", f.Path, in.Line, in.ID, in.Request.URL, err)
			}
			if in.Response.Code < 100 || in.Response.Code > 999 {
				return nil, fmt.Errorf("%s:%d: interaction %d: response code %d is not an HTTP status", f.Path, in.Line, in.ID, in.Response.Code)
			}
			if in.Response.Code < 200 {
				return nil, fmt.Errorf("%s:%d: interaction %d: response code %d is an interim (1xx) answer, never the final answer to a request, so it cannot be replayed: record the final answer, or remove the interaction", f.Path, in.Line, in.ID, in.Response.Code)
			}
			all = append(all, parsed{u, in, f.Path})
		}
	}
	for _, p := range all {
		in := p.in
		body := []byte(in.Request.Body)
		if dec, err := decodeBody(in.Request.Headers, body, DefaultMaxBodyBytes); err == nil {
			body = dec
		}
		w := &wire{method: in.Request.Method, path: p.u.EscapedPath(), rawQuery: p.u.RawQuery, header: in.Request.Headers, body: body}
		w.cred = credential.Recorded(in.Request.Headers)
		pr := w.probe(nil)
		e := ix.byKey[pr.key]
		if e == nil {
			e = &entry{probe: pr, order: len(ix.entries)}
			ix.byKey[pr.key] = e
			ix.entries = append(ix.entries, e)
			mp := pr.method + " " + pr.path
			ix.byMethodPath[mp] = append(ix.byMethodPath[mp], e)
			ix.byPath[pr.path] = append(ix.byPath[pr.path], e)
			if own := placeholdersOf(p.u, w.body); !own.empty() {
				ix.ph.add(own)
				sig := mp + "\x00" + own.signature()
				g := groups[sig]
				if g == nil {
					g = &placeholderGroup{ph: own, byKey: map[[sha256.Size]byte]*entry{}}
					groups[sig] = g
					ix.groups[mp] = append(ix.groups[mp], g)
				}
				k := w.probe(&g.ph).key
				if _, dup := g.byKey[k]; !dup {
					g.byKey[k] = e
				}
			}
		}
		e.answers = append(e.answers, newRecorded(p.file, in))
		ix.count++
	}
	return ix, nil
}

// placeholdersOf returns the places where one recorded request holds the placeholder.
func placeholdersOf(u *url.URL, body []byte) placeholders {
	ph := placeholders{params: map[string]bool{}, paths: map[string]bool{}}
	for k, vs := range u.Query() {
		if slices.Contains(vs, cassette.Redacted) {
			ph.params[k] = true
		}
	}
	if v, ok := decodeJSON(body); ok {
		redactedPaths(v, "$", ph.paths)
		if bytes.Contains(body, []byte(cassette.Redacted)) {
			ph.inside = placeholderInside(v)
		}
	}
	return ph
}

// lookup finds the entry for a request: the one recorded exactly as p (the request
// reduced with no placeholder), else the earliest recorded one that holds w with its
// own placeholder places replaced (only recordings of p's method and path are
// tried); or nil. A request with a named credential that nothing recorded under its
// name matches the recordings of an unnamed credential of its kind, as a request
// with an unnamed credential does.
func (ix *index) lookup(p *probe, w *wire) *entry {
	if e := ix.find(p, w); e != nil || w.cred == "" {
		return e
	}
	unnamed := *w
	unnamed.cred = ""
	return ix.find(unnamed.probe(nil), &unnamed)
}

func (ix *index) find(p *probe, w *wire) *entry {
	if e := ix.byKey[p.key]; e != nil {
		return e
	}
	var found *entry
	for _, g := range ix.groups[p.method+" "+p.path] {
		if e := g.byKey[w.probe(&g.ph).key]; e != nil && (found == nil || e.order < found.order) {
			found = e
		}
	}
	return found
}

// reset rewinds every entry to its first recorded answer.
func (ix *index) reset() {
	for _, e := range ix.entries {
		e.next.Store(0)
	}
}

// newRecorded prepares a recorded response for writing.
func newRecorded(file string, in *cassette.Interaction) *recorded {
	drop := hopbyhop.Of(in.Response.Headers)
	drop["Content-Length"] = true
	h := make(http.Header, len(in.Response.Headers))
	for k, v := range in.Response.Headers {
		if !drop[textproto.CanonicalMIMEHeaderKey(k)] {
			h[k] = v
		}
	}
	return &recorded{
		cassette: file,
		id:       in.ID,
		line:     in.Line,
		status:   in.Response.Code,
		header:   packHeader(h),
		body:     []byte(in.Response.Body),
		duration: in.Response.Duration,
	}
}
