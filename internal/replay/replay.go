// Package replay serves recorded cassettes as the API: an index of go-vcr v3
// interactions keyed by the hash of their match key, and an http.Handler that answers
// each request with what was recorded for it, byte for byte, or says exactly why
// nothing was.
//
// A request matches a recorded one when these are equal: the method; the path (as
// escaped on the wire); the query, parameter order ignored; the body, compared as
// canonical JSON when both are JSON (key order, whitespace and a trailing newline
// ignored) and byte for byte otherwise; and the kind of authentication (none, an
// X-Auth-Token, an AK/SK signature; see cassette.AuthKindOf). Credential values and all
// other headers are ignored. Where a recording holds the placeholder cassette.Redacted
// for a query parameter or a JSON body value, that value is ignored in every request.
//
// Identical requests get their recorded answers in recorded order; after the last one,
// the last answer repeats. A request that matches nothing gets NoMatchStatus with the
// header X-Noticeconf-Replay: no-match and a NoMatchReport as its JSON body.
package replay

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/noticeconf/noticeconf/internal/cassette"
	"github.com/noticeconf/noticeconf/proxy/redact"
)

// NoMatchStatus is the status of the answer to a request no cassette holds: 418, a
// status the endpoint and its gateway never use (it is not in contract.Statuses()), so
// it cannot be mistaken for a recorded answer. It is a 4xx so that clients which
// retry 5xx answers do not retry it.
const NoMatchStatus = http.StatusTeapot

// Header names and values the replay server adds.
const (
	// HeaderReplay is set on every answer that is not a recorded one.
	HeaderReplay = "X-Noticeconf-Replay"
	// ReplayNoMatch is HeaderReplay's value on a no-match answer.
	ReplayNoMatch = "no-match"
	// NoMatchCode is the error_code of a no-match answer's body.
	NoMatchCode = "NOTICECONF.REPLAY.NO_MATCH"
)

// DefaultMaxBodyBytes is the request body limit when Options.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 32 << 20

// Latency says whether an answer waits as long as the recorded exchange took.
type Latency string

const (
	// LatencyNone answers at once. It is the default.
	LatencyNone Latency = "none"
	// LatencyRecorded waits each interaction's recorded duration before answering.
	LatencyRecorded Latency = "recorded"
)

// ParseLatency parses "none" or "recorded".
func ParseLatency(s string) (Latency, error) {
	switch Latency(s) {
	case LatencyNone, LatencyRecorded:
		return Latency(s), nil
	}
	return "", fmt.Errorf("latency %q: want none or recorded", s)
}

// Options configures a Handler.
type Options struct {
	// Latency says whether to wait the recorded duration. If empty, LatencyNone.
	Latency Latency
	// Logger receives one line per request: the interaction answered, or why none
	// matched. If nil, nothing is logged.
	Logger *slog.Logger
	// MaxBodyBytes caps the request body read for matching; a longer body matches
	// nothing. If zero, DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// Handler answers requests from an index of recorded interactions. It is safe for
// concurrent use; every answer gets its own header values, never the cassette's.
type Handler struct {
	ix   *index
	opts Options
	log  *slog.Logger
}

var _ http.Handler = (*Handler)(nil)

// New indexes the interactions of files (already loaded, see cassette.LoadPaths), in
// the order given, and returns a Handler that replays them. The files must not be
// changed afterwards.
func New(files []*cassette.File, o Options) (*Handler, error) {
	if o.Latency == "" {
		o.Latency = LatencyNone
	}
	if _, err := ParseLatency(string(o.Latency)); err != nil {
		return nil, err
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ix, err := newIndex(files)
	if err != nil {
		return nil, err
	}
	return &Handler{ix: ix, opts: o, log: log}, nil
}

// Len returns the number of interactions the Handler replays.
func (h *Handler) Len() int { return h.ix.count }

// Reset rewinds repeats: the next request for every key gets its first recorded
// answer again.
func (h *Handler) Reset() { h.ix.reset() }

// ServeHTTP answers r with the recorded answer for it, or with NoMatchStatus.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	var err error
	if r.Body != nil {
		body, err = readBody(http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes), r.ContentLength, h.opts.MaxBodyBytes)
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		reason := "cannot read the request body: " + err.Error()
		if errors.As(err, &tooLarge) {
			reason = fmt.Sprintf("the request body is over %d bytes", h.opts.MaxBodyBytes)
		}
		p := newProbe(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header, nil, h.ph())
		h.noMatch(w, r, p, nil, reason)
		return
	}
	p := newProbe(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header, body, h.ph())
	e := h.ix.lookup(p)
	if e == nil {
		h.noMatch(w, r, p, body, "")
		return
	}
	a := e.take()
	if h.opts.Latency == LatencyRecorded && a.duration > 0 {
		t := time.NewTimer(a.duration)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	writeRecorded(w, r, a)
	// The answer goes out before its log line is written: the line is written under
	// the logger's lock, which every concurrent request takes, and so must not hold
	// any answer back.
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	h.log.Info("replay", "method", r.Method, "path", p.path, "status", a.status,
		"cassette", a.cassette, "id", a.id)
}

func (h *Handler) ph() *placeholders {
	if h.ix.ph.empty() {
		return nil
	}
	return &h.ix.ph
}

// writeRecorded writes a recorded answer: status, headers and body as recorded, with
// Content-Length recomputed. Headers the recording lacks (Date, Content-Type) are not
// added.
func writeRecorded(w http.ResponseWriter, r *http.Request, a *recorded) {
	hdr := w.Header()
	a.header.writeTo(hdr)
	for _, k := range []string{"Date", "Content-Type"} {
		if _, ok := hdr[k]; !ok {
			hdr[k] = nil // suppress what net/http would add
		}
	}
	allowed := bodyAllowed(a.status)
	if allowed {
		hdr["Content-Length"] = []string{strconv.Itoa(len(a.body))}
	}
	w.WriteHeader(a.status)
	if allowed && r.Method != http.MethodHead {
		_, _ = w.Write(a.body)
	}
}

// maxPresized is the largest declared body length readBody allocates up front.
const maxPresized = 64 << 10

// readBody reads all of rd, the body of a request that declared contentLength bytes
// (-1 when unknown). A declared length up to limit and maxPresized is read into a
// slice of just that size, so that a small body costs its size rather than
// io.ReadAll's first 512 bytes; the server ends the body at the declared length.
func readBody(rd io.Reader, contentLength, limit int64) ([]byte, error) {
	if contentLength <= 0 || contentLength > limit || contentLength > maxPresized {
		return io.ReadAll(rd)
	}
	b := make([]byte, contentLength)
	n, err := io.ReadFull(rd, b)
	return b[:n], err
}

// bodyAllowed reports whether a response with this status may have a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// NoMatchReport is the JSON body of a no-match answer. Its error_code and error_msg
// keys follow the vendor's error shape, so SDK clients show the reason as the error.
type NoMatchReport struct {
	ErrorCode string `json:"error_code"`
	// ErrorMsg says in one line why nothing matched.
	ErrorMsg string `json:"error_msg"`
	// Request is the request as received, credentials redacted.
	Request ReceivedRequest `json:"request"`
	// Closest are the nearest recorded interactions, best first (at most 3; none when
	// the cassettes are empty or the request could not be read).
	Closest []Closest `json:"closest"`
}

// ReceivedRequest is a request as the replay server received it, with every
// credential replaced by cassette.Redacted.
type ReceivedRequest struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query,omitempty"`
	Auth    cassette.AuthKind `json:"auth"`
	Headers http.Header       `json:"headers"`
	Body    string            `json:"body"`
}

// Closest is a recorded interaction near a request that matched nothing, and how the
// request differs from it.
type Closest struct {
	Cassette    string       `json:"cassette"`
	ID          int          `json:"id"`
	Line        int          `json:"line"`
	Method      string       `json:"method"`
	Path        string       `json:"path"`
	Differences []Difference `json:"differences"`
}

// maxReportedBody caps the received body echoed in a NoMatchReport.
const maxReportedBody = 64 << 10

func (h *Handler) noMatch(w http.ResponseWriter, r *http.Request, p *probe, body []byte, reason string) {
	rep := NoMatchReport{
		ErrorCode: NoMatchCode,
		Request: ReceivedRequest{
			Method: r.Method, Path: p.path, Query: redactQuery(r.URL.RawQuery, h.ph()),
			Auth: p.auth, Headers: redactHeaders(r.Header), Body: redactBody(body, h.ph()),
		},
		Closest: []Closest{},
	}
	if reason == "" {
		shown := &probe{method: p.method, path: p.path, auth: p.auth, query: p.query, body: p.body, isJSON: p.isJSON}
		if q := redactQuery(p.query, h.ph()); q != p.query {
			shown.query = canonicalQuery(q, nil)
		}
		if shown.isJSON {
			shown.body, shown.isJSON = canonicalBody([]byte(redactBody(p.body, h.ph())), nil)
		}
		for _, c := range h.ix.closest(p, shown) {
			first := c.e.answers[0]
			rep.Closest = append(rep.Closest, Closest{
				Cassette: first.cassette, ID: first.id, Line: first.line,
				Method: c.e.method, Path: c.e.path, Differences: c.diffs,
			})
		}
		reason = noMatchReason(rep.Closest)
	}
	rep.ErrorMsg = fmt.Sprintf("noticeconf replay: no recorded interaction matches %s %s: %s", r.Method, p.path, reason)
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		b = []byte(`{"error_code":"` + NoMatchCode + `","error_msg":"noticeconf replay: no recorded interaction matches"}`)
	}
	b = append(b, '\n')
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set(HeaderReplay, ReplayNoMatch)
	hdr.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(NoMatchStatus)
	_, _ = w.Write(b)
	h.log.Warn("replay: no match", "method", r.Method, "path", p.path, "auth", p.auth, "reason", reason)
}

// noMatchReason sums up the closest candidate's differences in one line.
func noMatchReason(closest []Closest) string {
	if len(closest) == 0 {
		return "the cassettes hold no interaction"
	}
	c := closest[0]
	parts := make([]string, 0, len(c.Differences))
	for _, d := range c.Differences {
		parts = append(parts, d.String())
	}
	return fmt.Sprintf("closest is %s id %d (line %d), which differs in %s", c.Cassette, c.ID, c.Line, strings.Join(parts, "; "))
}

// redactHeaders copies h with every credential replaced by the placeholder. An AK/SK
// Authorization keeps its scheme and signed header names.
func redactHeaders(h http.Header) http.Header { return redact.Headers(h) }

// secretName reports whether a query parameter or JSON key by this name holds a
// credential.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "secret", "signature", "password", "credential"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	switch n {
	case "ak", "sk", "access", "access_key", "accesskey", "secret_key", "x-auth-token":
		return true
	}
	return false
}

// redactQuery returns raw with the values of credential parameters replaced.
func redactQuery(raw string, ph *placeholders) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, part := range parts {
		k, _, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		name := k
		if u, err := url.QueryUnescape(k); err == nil {
			name = u
		}
		if secretName(name) || ph != nil && ph.params[name] {
			parts[i] = k + "=" + cassette.Redacted
		}
	}
	return strings.Join(parts, "&")
}

// redactBody returns the body as text, with JSON values under credential keys (and
// where recordings hold the placeholder) replaced, shortened to maxReportedBody.
func redactBody(body []byte, ph *placeholders) string {
	if v, ok := decodeJSON(body); ok {
		v = redactJSON(v, "$", ph)
		body = encodeJSON(v)
	}
	if len(body) > maxReportedBody {
		return string(body[:maxReportedBody]) + fmt.Sprintf("...(%d bytes)", len(body))
	}
	return string(body)
}

func redactJSON(v any, path string, ph *placeholders) any {
	if ph != nil && ph.paths[path] {
		return cassette.Redacted
	}
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			if secretName(k) {
				t[k] = cassette.Redacted
				continue
			}
			t[k] = redactJSON(c, childPath(path, k), ph)
		}
	case []any:
		for i, c := range t {
			t[i] = redactJSON(c, path+"["+strconv.Itoa(i)+"]", ph)
		}
	}
	return v
}
