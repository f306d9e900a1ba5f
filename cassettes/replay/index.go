package replay

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/internal/hopbyhop"
)

// The index is laid out for a large cassette: every text it holds (the parts of the
// match keys, the recorded header names and values, the recorded bodies) is a part of
// one string, and everything else refers to its texts by offset and to other parts
// of the index by number. So the index is a few large blocks of memory with no
// pointers in them: the garbage collector neither scans them nor has to find them
// among the small objects loading left behind, and an answer reads two of them.

// ref locates a run: text[off:off+n] of the index's text, or elements off to off+n of
// one of its slices.
type ref struct{ off, n uint32 }

// entry is every recorded interaction with one match key: the key's parts, as the
// no-match answer shows them, and its answers, in recorded order.
type entry struct {
	method, path, query, auth, cred, prefer, body ref
	isJSON                                        bool
	answers                                       ref // in index.answers
}

// answer is one recorded answer, ready to be written: its headers are already
// filtered (no hop-by-hop headers, no Content-Length) and never handed out as is.
type answer struct {
	file     uint32 // in index.files
	status   int32
	id, line int
	header   ref // in index.fields: names and values alternating, names sorted
	body     ref
	length   ref // len(body), as the Content-Length header's value
	duration time.Duration
}

// index finds recorded interactions by the hash of their match key. It is read-only
// once built, apart from the counters of repeats, which are atomic.
//
// byKey holds every entry under its key as recorded. A recording that holds the
// placeholder somewhere is also in the group of recordings with the same placeholder
// places, under its key with those places replaced: a request looked up there has the
// same places replaced first, so the placeholder matches any value for that
// recording and for no other.
type index struct {
	text    string
	files   []string
	entries []entry        // in recorded order: an entry's number is its order
	next    []atomic.Int64 // by entry: how many times its key was asked for
	answers []answer
	fields  []ref
	byKey   map[matchKey]uint32
	// byRaw holds every entry under the raw key (rawKey) of each of its recordings,
	// with its credential as recorded: a request sent as one was is found there
	// without being reduced to a probe.
	byRaw map[matchKey]uint32
	// byMethodPath and byPath are the entry numbers sorted by method and path, and
	// by path, each in recorded order within: where the no-match answer looks for the
	// closest recordings first.
	byMethodPath []uint32
	byPath       []uint32
	groups       []placeholderGroup // in order of first recording
	// groupsOf is a (method and path, group) pair for every group holding a recording
	// of that method and path, sorted as byMethodPath: the groups a request is looked
	// up in.
	groupsOf []groupOf
	// ph is every placeholder place of every recording: what a no-match answer hides
	// of the request it echoes. Matching never uses it.
	ph    placeholders
	count int
}

// placeholderGroup is the entries whose recordings hold the placeholder in exactly
// the places ph names, keyed with those places replaced.
type placeholderGroup struct {
	ph    placeholders
	byKey map[matchKey]uint32
}

// groupOf names a group holding a recording of the method and path of entry e.
type groupOf struct{ e, g uint32 }

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

// str returns the text r locates.
func (ix *index) str(r ref) string { return ix.text[r.off : r.off+r.n] }

// answersOf returns the answers of entry e.
func (ix *index) answersOf(e int) []answer {
	r := ix.entries[e].answers
	return ix.answers[r.off : r.off+r.n]
}

// take returns the answer for the next request with entry e's key, as mode says, or
// nil under RepeatStrict once every recording has answered.
func (ix *index) take(e int, mode Repeat) *answer {
	as := ix.answersOf(e)
	if mode == RepeatFirst {
		return &as[0]
	}
	n := ix.next[e].Add(1) - 1
	size := int64(len(as))
	switch {
	case n < size:
	case mode == RepeatStrict:
		return nil
	case mode == RepeatCycle:
		n %= size
	default:
		n = size - 1
	}
	return &as[n]
}

// writeHeader adds a's recorded header values to dst, and sets Content-Length to the
// length of a's body if length is set; dst's slices are its own. The values of all
// names share one new array (one allocation per answer, not one per name), each
// name's slice capped at its own end so that appending to it copies.
func (ix *index) writeHeader(a *answer, dst http.Header, length bool) {
	kv := ix.fields[a.header.off : a.header.off+a.header.n]
	n := len(kv) / 2
	if n == 0 && !length {
		return
	}
	vals := make([]string, n, n+1)
	for i := 0; i < n; {
		k := ix.str(kv[2*i])
		j := i
		for ; j < n && ix.str(kv[2*j]) == k; j++ {
			vals[j] = ix.str(kv[2*j+1])
		}
		if old := dst[k]; len(old) > 0 {
			dst[k] = append(old, vals[i:j]...)
		} else {
			dst[k] = vals[i:j:j]
		}
		i = j
	}
	if length {
		dst["Content-Length"] = append(vals, ix.str(a.length))[n:]
	}
}

// probeOf returns entry e's match key as a probe, for the no-match answer.
func (ix *index) probeOf(e int) *probe {
	en := &ix.entries[e]
	return &probe{
		method: ix.str(en.method), path: ix.str(en.path), query: ix.str(en.query),
		auth: cassette.AuthKind(ix.str(en.auth)), cred: ix.str(en.cred), prefer: ix.str(en.prefer),
		body: []byte(ix.str(en.body)), isJSON: en.isJSON,
	}
}

// methodPathRange returns the run of sorted (sorted as byMethodPath, num giving each
// element's entry number) whose entries have this method and path.
func methodPathRange[T any](ix *index, sorted []T, num func(T) uint32, method, path string) []T {
	cmpTo := func(x T, _ struct{}) int {
		e := &ix.entries[num(x)]
		return cmp.Or(strings.Compare(ix.str(e.method), method), strings.Compare(ix.str(e.path), path))
	}
	lo, _ := slices.BinarySearchFunc(sorted, struct{}{}, cmpTo)
	hi := lo
	for hi < len(sorted) && cmpTo(sorted[hi], struct{}{}) == 0 {
		hi++
	}
	return sorted[lo:hi]
}

// pathRange returns the entry numbers of byPath whose path is path.
func (ix *index) pathRange(path string) []uint32 {
	cmpTo := func(x uint32, _ struct{}) int { return strings.Compare(ix.str(ix.entries[x].path), path) }
	lo, _ := slices.BinarySearchFunc(ix.byPath, struct{}{}, cmpTo)
	hi := lo
	for hi < len(ix.byPath) && cmpTo(ix.byPath[hi], struct{}{}) == 0 {
		hi++
	}
	return ix.byPath[lo:hi]
}

// maxIndexText is the most text an index holds: its offsets are 32-bit.
const maxIndexText = math.MaxUint32

// maxInterned is the longest text the index keeps once however often it occurs
// (header names and values, methods, auth kinds: the same in most recordings).
const maxInterned = 64

// builder builds an index's text and refs.
type builder struct {
	text     []byte
	interned map[string]ref
	err      error
}

func (b *builder) add(s string) ref {
	if len(s) == 0 {
		return ref{}
	}
	if len(s) <= maxInterned {
		if r, ok := b.interned[s]; ok {
			return r
		}
	}
	if int64(len(b.text))+int64(len(s)) > maxIndexText {
		if b.err == nil {
			b.err = fmt.Errorf("the cassettes hold over %d bytes of requests and answers to index: replay fewer at once", int64(maxIndexText))
		}
		return ref{}
	}
	r := ref{off: uint32(len(b.text)), n: uint32(len(s))}
	b.text = append(b.text, s...)
	if len(s) <= maxInterned {
		b.interned[s] = r
	}
	return r
}

// newIndex indexes every interaction of files, in file order then recorded order.
func newIndex(files []*cassette.File) (*index, error) {
	type parsed struct {
		u    *url.URL
		in   *cassette.Interaction
		file uint32
	}
	ix := &index{ph: placeholders{params: map[string]bool{}, paths: map[string]bool{}}}
	var all []parsed
	for _, f := range files {
		if f == nil {
			continue
		}
		ix.files = append(ix.files, f.Path)
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
			all = append(all, parsed{u, in, uint32(len(ix.files) - 1)})
		}
	}
	b := &builder{interned: map[string]ref{}}
	ix.byKey = make(map[matchKey]uint32, len(all))
	ix.byRaw = make(map[matchKey]uint32, len(all))
	ix.entries = make([]entry, 0, len(all))
	groups := map[string]uint32{} // by signature
	groupsOf := map[string]bool{} // "METHOD path" and group already in groupsOf
	entryOf := make([]uint32, len(all))
	for k, p := range all {
		in := p.in
		body := []byte(in.Request.Body)
		if dec, err := decodeBody(in.Request.Headers, body, DefaultMaxBodyBytes); err == nil {
			body = dec
		}
		w := &wire{method: in.Request.Method, path: p.u.EscapedPath(), rawQuery: p.u.RawQuery, header: in.Request.Headers, body: body}
		w.cred = credential.Recorded(in.Request.Headers)
		pr := w.probe(nil)
		e, ok := ix.byKey[pr.key]
		if !ok {
			e = uint32(len(ix.entries))
			ix.byKey[pr.key] = e
			ix.entries = append(ix.entries, entry{
				method: b.add(pr.method), path: b.add(pr.path), query: b.add(pr.query), auth: b.add(string(pr.auth)),
				cred: b.add(pr.cred), prefer: b.add(pr.prefer), body: b.add(string(pr.body)), isJSON: pr.isJSON,
			})
			if own := placeholdersOf(p.u, w.body); !own.empty() {
				ix.ph.add(own)
				sig := own.signature()
				g, ok := groups[sig]
				if !ok {
					g = uint32(len(ix.groups))
					groups[sig] = g
					ix.groups = append(ix.groups, placeholderGroup{ph: own, byKey: map[matchKey]uint32{}})
				}
				if mp := pr.method + " " + pr.path + "\x00" + sig; !groupsOf[mp] {
					groupsOf[mp] = true
					ix.groupsOf = append(ix.groupsOf, groupOf{e: e, g: g})
				}
				gr := &ix.groups[g]
				if k := w.probe(&gr.ph).key; !hasKey(gr.byKey, k) {
					gr.byKey[k] = e
				}
			}
		}
		if rk := rawKey(w.method, w.path, w.rawQuery, w.header, w.body, w.cred); !hasKey(ix.byRaw, rk) {
			ix.byRaw[rk] = e
		}
		entryOf[k] = e
		ix.entries[e].answers.n++
	}
	// Each entry's answers side by side, in recorded order.
	var off uint32
	for i := range ix.entries {
		a := &ix.entries[i].answers
		a.off, off, a.n = off, off+a.n, 0
	}
	ix.answers = make([]answer, len(all))
	for k, p := range all {
		a := &ix.entries[entryOf[k]].answers
		ix.answers[a.off+a.n] = ix.newAnswer(b, p.file, p.in)
		a.n++
	}
	if b.err != nil {
		return nil, b.err
	}
	ix.text = string(b.text)
	ix.entries = slices.Clone(ix.entries)
	ix.fields = slices.Clone(ix.fields)
	ix.next = make([]atomic.Int64, len(ix.entries))
	ix.count = len(all)
	ix.byMethodPath = make([]uint32, len(ix.entries))
	for i := range ix.byMethodPath {
		ix.byMethodPath[i] = uint32(i)
	}
	ix.byPath = slices.Clone(ix.byMethodPath)
	slices.SortStableFunc(ix.byMethodPath, func(x, y uint32) int { return ix.compareMethodPath(x, y) })
	slices.SortStableFunc(ix.byPath, func(x, y uint32) int {
		return strings.Compare(ix.str(ix.entries[x].path), ix.str(ix.entries[y].path))
	})
	slices.SortStableFunc(ix.groupsOf, func(x, y groupOf) int { return ix.compareMethodPath(x.e, y.e) })
	return ix, nil
}

func hasKey(m map[matchKey]uint32, k matchKey) bool {
	_, ok := m[k]
	return ok
}

// compareMethodPath orders entries x and y by method, then path.
func (ix *index) compareMethodPath(x, y uint32) int {
	a, b := &ix.entries[x], &ix.entries[y]
	return cmp.Or(strings.Compare(ix.str(a.method), ix.str(b.method)), strings.Compare(ix.str(a.path), ix.str(b.path)))
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

// lookup returns the number of the entry for a request: the one recorded exactly as
// p (the request reduced with no placeholder), else the earliest recorded one that
// holds w with its own placeholder places replaced (only groups holding recordings
// of p's method and path are tried); or -1. A request with a named credential that
// nothing recorded under its name matches the recordings of an unnamed credential of
// its kind, as a request with an unnamed credential does.
func (ix *index) lookup(p *probe, w *wire) int {
	if e := ix.find(p, w); e >= 0 || w.cred == "" {
		return e
	}
	unnamed := *w
	unnamed.cred = ""
	return ix.find(unnamed.probe(nil), &unnamed)
}

// raw returns the number of the entry a recording of which was sent exactly as w,
// and whether there is one: the entry lookup finds for w, at less cost.
func (ix *index) raw(w *wire) (int, bool) {
	e, ok := ix.byRaw[rawKey(w.method, w.path, w.rawQuery, w.header, w.body, w.cred)]
	return int(e), ok
}

func (ix *index) find(p *probe, w *wire) int {
	if e, ok := ix.byKey[p.key]; ok {
		return int(e)
	}
	found := -1
	for _, g := range methodPathRange(ix, ix.groupsOf, func(g groupOf) uint32 { return g.e }, p.method, p.path) {
		gr := &ix.groups[g.g]
		if e, ok := gr.byKey[w.probe(&gr.ph).key]; ok && (found < 0 || int(e) < found) {
			found = int(e)
		}
	}
	return found
}

// reset rewinds every entry to its first recorded answer.
func (ix *index) reset() {
	for i := range ix.next {
		ix.next[i].Store(0)
	}
}

// newAnswer prepares a recorded response for writing.
func (ix *index) newAnswer(b *builder, file uint32, in *cassette.Interaction) answer {
	drop := hopbyhop.Of(in.Response.Headers)
	drop["Content-Length"] = true
	start := len(ix.fields)
	for _, k := range slices.Sorted(maps.Keys(in.Response.Headers)) {
		if drop[textproto.CanonicalMIMEHeaderKey(k)] {
			continue
		}
		name := b.add(k)
		for _, v := range in.Response.Headers[k] {
			ix.fields = append(ix.fields, name, b.add(v))
		}
	}
	return answer{
		file:     file,
		status:   int32(in.Response.Code),
		id:       in.ID,
		line:     in.Line,
		header:   ref{off: uint32(start), n: uint32(len(ix.fields) - start)},
		body:     b.add(in.Response.Body),
		length:   b.add(strconv.Itoa(len(in.Response.Body))),
		duration: in.Response.Duration,
	}
}
