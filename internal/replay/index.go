package replay

import (
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

	"github.com/noticeconf/noticeconf/internal/cassette"
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

// take returns the answer for the next request with this key: the recorded ones in
// order, then the last one again and again.
func (e *entry) take() *recorded {
	n := e.next.Add(1) - 1
	if n >= int64(len(e.answers)) {
		n = int64(len(e.answers)) - 1
	}
	return e.answers[n]
}

// index finds recorded interactions by the hash of their match key. It is read-only
// once built, apart from each entry's counter, which is atomic.
type index struct {
	byKey        map[[sha256.Size]byte]*entry
	byMethodPath map[string][]*entry
	byPath       map[string][]*entry
	entries      []*entry // in recorded order
	ph           placeholders
	count        int
}

// newIndex indexes every interaction of files, in file order then recorded order.
func newIndex(files []*cassette.File) (*index, error) {
	ix := &index{
		byKey:        map[[sha256.Size]byte]*entry{},
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
			all = append(all, parsed{u, in, f.Path})
			// First pass: where do recordings hold redacted values?
			for k, vs := range u.Query() {
				if slices.Contains(vs, cassette.Redacted) {
					ix.ph.params[k] = true
				}
			}
			if v, ok := decodeJSON([]byte(in.Request.Body)); ok {
				redactedPaths(v, "$", ix.ph.paths)
			}
		}
	}
	ph := &ix.ph
	if ph.empty() {
		ph = nil
	}
	for _, p := range all {
		in := p.in
		pr := newProbe(in.Request.Method, p.u.EscapedPath(), p.u.RawQuery, in.Request.Headers, []byte(in.Request.Body), ph)
		e := ix.byKey[pr.key]
		if e == nil {
			e = &entry{probe: pr, order: len(ix.entries)}
			ix.byKey[pr.key] = e
			ix.entries = append(ix.entries, e)
			mp := pr.method + " " + pr.path
			ix.byMethodPath[mp] = append(ix.byMethodPath[mp], e)
			ix.byPath[pr.path] = append(ix.byPath[pr.path], e)
		}
		e.answers = append(e.answers, newRecorded(p.file, in))
		ix.count++
	}
	return ix, nil
}

// lookup finds the entry with p's match key, or nil.
func (ix *index) lookup(p *probe) *entry { return ix.byKey[p.key] }

// reset rewinds every entry to its first recorded answer.
func (ix *index) reset() {
	for _, e := range ix.entries {
		e.next.Store(0)
	}
}

// hopHeaders returns the hop-by-hop headers of RFC 9110 section 7.6.1 (and the older
// ones proxies still send); they describe one connection, not the answer.
func hopHeaders() []string {
	return []string{
		"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
		"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
	}
}

// newRecorded prepares a recorded response for writing.
func newRecorded(file string, in *cassette.Interaction) *recorded {
	drop := map[string]bool{"Content-Length": true}
	for _, h := range hopHeaders() {
		drop[h] = true
	}
	for _, v := range in.Response.Headers.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				drop[textproto.CanonicalMIMEHeaderKey(name)] = true
			}
		}
	}
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
