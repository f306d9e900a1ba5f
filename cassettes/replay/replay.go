// Package replay serves recorded cassettes as the API: an index of go-vcr v3
// interactions keyed by the hash of their match key, and an http.Handler that answers
// each request with what was recorded for it, byte for byte, or says exactly why
// nothing was.
//
// A request matches a recorded one when these are equal: the method; the path (as
// escaped on the wire); the query, parameter order ignored; the body, compared as
// canonical JSON when both are JSON (key order, whitespace and a trailing newline
// ignored) and byte for byte otherwise, after decoding a body sent with
// Content-Encoding: gzip; the Prefer header, with which a client asks for a fault;
// the kind of authentication (none, an X-Auth-Token, an AK/SK signature; see
// cassette.AuthKindOf); and the credential's name where the recording holds a named
// placeholder (see package credential and Options.Credentials). Credential values and
// all other headers are ignored. Where a recording holds the placeholder
// cassette.Redacted for a query parameter or a JSON body value, any value there
// matches that recording (and no other); a request equal to a recording as recorded
// gets that recording before any that matches it only through a placeholder.
//
// Identical requests get their recorded answers in recorded order; after the last one,
// the last answer repeats (Options.Repeat offers the other choices). A request that
// matches nothing gets NoMatchStatus with the header X-Noticeconf-Replay: no-match and
// a NoMatchReport as its JSON body. A cassette recording a 1xx status as a final
// answer is refused.
package replay

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
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

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/internal/header"
	"github.com/noticeconf/noticeconf/internal/loglimit"
	"github.com/noticeconf/noticeconf/internal/redact"
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

// Repeat says what a request gets when it is sent again: which of the recordings of
// identical requests (see the package comment for what identical means) answers it.
type Repeat string

const (
	// RepeatLast answers the recordings in recorded order, then the last one to every
	// later request. It is the default.
	RepeatLast Repeat = "last"
	// RepeatFirst answers the first recording to every request, however many there
	// are (go-vcr's replayable interactions).
	RepeatFirst Repeat = "first"
	// RepeatCycle answers the recordings in recorded order, then starts again from
	// the first.
	RepeatCycle Repeat = "cycle"
	// RepeatStrict answers each recording once, in recorded order; a request past
	// them gets the no-match answer saying so.
	RepeatStrict Repeat = "strict"
)

// ParseRepeat parses "last", "first", "cycle" or "strict".
func ParseRepeat(s string) (Repeat, error) {
	switch Repeat(s) {
	case RepeatLast, RepeatFirst, RepeatCycle, RepeatStrict:
		return Repeat(s), nil
	}
	return "", fmt.Errorf("repeat %q: want last, first, cycle or strict", s)
}

// Options configures a Handler.
type Options struct {
	// Latency says whether to wait the recorded duration. If empty, LatencyNone.
	Latency Latency
	// Repeat says what a repeated request gets. If empty, RepeatLast.
	Repeat Repeat
	// Logger receives a line per request: the interaction answered (see
	// LinesPerSecond), or why none matched. If nil, nothing is logged.
	Logger *slog.Logger
	// LinesPerSecond bounds the lines logged in one second for requests answered with
	// a recording: past it, the rest of that second's are counted in one line (at the
	// first request of a later second, or on FlushLog). Why a request matched nothing
	// is always logged. If zero, DefaultLinesPerSecond; if negative, every request
	// answered is logged.
	LinesPerSecond int
	// MaxBodyBytes caps the request body read for matching; a longer body matches
	// nothing. If zero, DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Credentials names the credentials requests carry, as the recording did (see
	// package credential): a request whose credential is named NAME matches the
	// recordings that hold "REDACTED:NAME". An access key given with its secret key
	// names only requests whose signature verifies (credential.Names.OfRequest), so
	// that a forged signature gets what a forged one was answered. If nil, only
	// placeholders name credentials.
	Credentials *credential.Names
}

// Handler answers requests from an index of recorded interactions. It is safe for
// concurrent use; every answer gets its own header values, never the cassette's.
type Handler struct {
	ix   *index
	opts Options
	log  *slog.Logger
	// replayed holds, for each cassette file, the handler of the line logged for a
	// request it answers, its cassette attribute formatted once.
	replayed []slog.Handler
	lines    *loglimit.Limiter
}

// DefaultLinesPerSecond is the default of Options.LinesPerSecond.
const DefaultLinesPerSecond = loglimit.DefaultPerSecond

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
	if o.Repeat == "" {
		o.Repeat = RepeatLast
	}
	if _, err := ParseRepeat(string(o.Repeat)); err != nil {
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
	replayed := make([]slog.Handler, len(ix.files))
	for i, f := range ix.files {
		replayed[i] = log.Handler().WithAttrs([]slog.Attr{slog.String("cassette", f)})
	}
	lines := loglimit.New(o.LinesPerSecond, log, "replay: requests answered and not logged one by one")
	return &Handler{ix: ix, opts: o, log: log, replayed: replayed, lines: lines}, nil
}

// Len returns the number of interactions the Handler replays.
func (h *Handler) Len() int { return h.ix.count }

// FlushLog logs the count of requests answered in the current second and not logged
// one by one (see Options.LinesPerSecond), if any. Call it once h has stopped
// serving; Server.Close does.
func (h *Handler) FlushLog() { h.lines.Flush() }

// Reset rewinds repeats: the next request for every key gets its first recorded
// answer again.
func (h *Handler) Reset() { h.ix.reset() }

// ServeHTTP answers r with the recorded answer for it, or with NoMatchStatus.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	var err error
	if r.Body != nil {
		body, err = readBody(w, r, h.opts.MaxBodyBytes)
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		reason := "cannot read the request body: " + err.Error()
		if errors.As(err, &tooLarge) {
			reason = fmt.Sprintf("the request body is over %d bytes", h.opts.MaxBodyBytes)
		}
		p := newProbe(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header, nil, h.ph(), h.opts.Credentials.Of(r.Header))
		h.noMatch(w, r, p, nil, reason)
		return
	}
	// The credential's name: a signature is verified over the body as sent.
	cred := h.opts.Credentials.OfRequest(r, body)
	if body, err = decodeBody(r.Header, body, h.opts.MaxBodyBytes); err != nil {
		p := newProbe(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header, nil, h.ph(), cred)
		h.noMatch(w, r, p, nil, err.Error())
		return
	}
	rawQuery := r.URL.RawQuery
	if h.opts.Credentials.Len() > 0 {
		// As the recording did: a named credential in the query or the body is its
		// placeholder.
		rep := h.opts.Credentials.Replacer()
		rawQuery = rep.Replace(rawQuery)
		body = []byte(rep.Replace(string(body)))
	}
	wr := &wire{method: r.Method, path: r.URL.EscapedPath(), rawQuery: rawQuery, header: r.Header, body: body, cred: cred}
	// A request sent as a recording was is found by its raw key; any other is
	// reduced to its probe and looked up by that.
	var key probe
	p := &key
	e, raw := h.ix.raw(wr)
	if !raw {
		p.reduce(wr.method, wr.path, wr.rawQuery, wr.header, wr.body, nil, wr.cred)
		e = h.ix.lookup(p, wr)
	}
	if e < 0 {
		h.noMatch(w, r, p, body, "")
		return
	}
	a := h.ix.take(e, h.opts.Repeat)
	if a == nil {
		if raw {
			p.reduce(wr.method, wr.path, wr.rawQuery, wr.header, wr.body, nil, wr.cred)
		}
		as := h.ix.answersOf(e)
		h.noMatch(w, r, p, body, fmt.Sprintf("the request was replayed past its %d recording(s) (%s id %d, line %d, and those identical to it) and --repeat is strict",
			len(as), h.ix.files[as[0].file], as[0].id, as[0].line))
		return
	}
	if h.opts.Latency == LatencyRecorded && a.duration > 0 {
		t := time.NewTimer(a.duration)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	h.ix.writeRecorded(w, r, a)
	// The answer goes out before its log line is written: the line is written under
	// the logger's lock, which every concurrent request takes, and so must not hold
	// any answer back.
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	// The record is made here rather than by Logger.Info, which looks up its caller
	// (runtime.Callers) for every line, a few percent of a replayed request under
	// load; the line names no source.
	ctx := context.Background()
	if lh := h.replayed[a.file]; lh.Enabled(ctx, slog.LevelInfo) {
		now := time.Now()
		if !h.lines.Allow(now) {
			return
		}
		rec := slog.NewRecord(now, slog.LevelInfo, "replay", 0)
		rec.AddAttrs(slog.String("method", r.Method), slog.String("path", cmp.Or(wr.path, "/")), slog.Int("status", int(a.status)), slog.Int("id", a.id))
		_ = lh.Handle(ctx, rec)
	}
}

func (h *Handler) ph() *placeholders {
	if h.ix.ph.empty() {
		return nil
	}
	return &h.ix.ph
}

// decodeBody returns a body sent with Content-Encoding: gzip decoded, reading at most
// limit decoded bytes, so that it is compared as the client meant it; any other body
// comes back as it is. It fails for a gzip body that does not decode or decodes to
// more than limit bytes.
func decodeBody(h http.Header, body []byte, limit int64) ([]byte, error) {
	ce := header.Values(h, "Content-Encoding")
	if len(ce) != 1 || !strings.EqualFold(strings.TrimSpace(ce[0]), "gzip") || len(body) == 0 {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("the request body is sent with Content-Encoding: gzip but is not gzip: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("the request body is sent with Content-Encoding: gzip but does not decode: %w", err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("the request body, sent with Content-Encoding: gzip, decodes to over %d bytes", limit)
	}
	return out, nil
}

// writeRecorded writes a recorded answer: status, headers and body as recorded, with
// Content-Length recomputed. Headers the recording lacks (Date, Content-Type) are not
// added.
func (ix *index) writeRecorded(w http.ResponseWriter, r *http.Request, a *answer) {
	hdr := w.Header()
	status := int(a.status)
	allowed := bodyAllowed(status)
	ix.writeHeader(a, hdr, allowed)
	for _, k := range []string{"Date", "Content-Type"} {
		if _, ok := hdr[k]; !ok {
			hdr[k] = nil // suppress what net/http would add
		}
	}
	w.WriteHeader(status)
	if allowed && r.Method != http.MethodHead {
		_, _ = io.WriteString(w, ix.str(a.body))
	}
}

// maxPresized is the largest declared body length readBody allocates up front.
const maxPresized = 64 << 10

// readBody reads r's body, at most limit bytes. A declared length up to limit and
// maxPresized is read into a slice of just that size, so that a small body costs its
// size rather than io.ReadAll's first 512 bytes; the server ends the body at the
// declared length, so no other bound is needed. Any other body is read through
// http.MaxBytesReader, which fails past limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if n := r.ContentLength; n > 0 && n <= limit && n <= maxPresized {
		b := make([]byte, n)
		n, err := io.ReadFull(r.Body, b)
		return b[:n], err
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
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
	pol := redact.Default().Learn(r.Header)
	path := pol.URL(p.path)
	rep := NoMatchReport{
		ErrorCode: NoMatchCode,
		Request: ReceivedRequest{
			Method: r.Method, Path: path, Query: redactQuery(pol, r.URL.RawQuery, h.ph()),
			Auth: p.auth, Headers: pol.Header(r.Header), Body: redactBody(pol, body, r.Header.Get("Content-Type"), h.ph()),
		},
		Closest: []Closest{},
	}
	if reason == "" {
		shown := &probe{method: p.method, path: p.path, auth: p.auth, cred: p.cred, prefer: p.prefer, query: p.query, body: p.body, isJSON: p.isJSON}
		if q := redactQuery(pol, p.query, h.ph()); q != p.query {
			shown.query = canonicalQuery(q, nil)
		}
		if shown.isJSON {
			shown.body, shown.isJSON = canonicalBody([]byte(redactBody(pol, p.body, "", h.ph())), nil)
		}
		for _, c := range h.ix.closest(p, shown) {
			first := h.ix.answersOf(c.e)[0]
			en := &h.ix.entries[c.e]
			rep.Closest = append(rep.Closest, Closest{
				Cassette: h.ix.files[first.file], ID: first.id, Line: first.line,
				Method: h.ix.str(en.method), Path: pol.URL(h.ix.str(en.path)), Differences: redactDifferences(pol, c.diffs),
			})
		}
		reason = noMatchReason(rep.Closest)
	}
	reason = pol.Text(reason)
	rep.ErrorMsg = fmt.Sprintf("noticeconf replay: no recorded interaction matches %s %s: %s", r.Method, path, reason)
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
	h.log.Warn("replay: no match", "method", r.Method, "path", path, "auth", p.auth, "reason", reason)
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

// The no-match answer and its log line show the request through the redaction policy
// (package internal/redact), and also replace the values where the recordings hold
// the placeholder.

// redactQuery returns raw with the values of secret parameters replaced: those the
// policy names, and those the recordings hold redacted.
func redactQuery(pol *redact.Policy, raw string, ph *placeholders) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(pol.Query(raw), "&")
	for i, part := range parts {
		k, _, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		name := k
		if u, err := url.QueryUnescape(k); err == nil {
			name = u
		}
		if ph != nil && ph.params[name] {
			parts[i] = k + "=" + cassette.Redacted
		}
	}
	return strings.Join(parts, "&")
}

// redactBody returns the body as text, redacted by the policy and where recordings
// hold the placeholder, shortened to maxReportedBody.
func redactBody(pol *redact.Policy, body []byte, contentType string, ph *placeholders) string {
	body = pol.Body(body, contentType)
	if v, ok := decodeJSON(body); ok && ph != nil && !ph.empty() {
		v = replacePaths(v, "$", ph.paths)
		body = encodeJSON(v)
	}
	if len(body) > maxReportedBody {
		return string(body[:maxReportedBody]) + fmt.Sprintf("...(%d bytes)", len(body))
	}
	return string(body)
}

// redactDifferences returns diffs with the values of secret parameters and JSON
// members replaced, and the policy applied to every other value (a recording made
// before the policy may hold what it redacts).
func redactDifferences(pol *redact.Policy, diffs []Difference) []Difference {
	out := make([]Difference, len(diffs))
	for i, d := range diffs {
		secret := d.Param != "" && redact.IsSecretName(d.Param)
		if d.JSONPath != "" {
			last := d.JSONPath[strings.LastIndexAny(d.JSONPath, ".[")+1:]
			secret = secret || redact.IsSecretName(strings.TrimSuffix(last, "]"))
		}
		for _, v := range []**string{&d.Recorded, &d.Received} {
			if *v == nil {
				continue
			}
			s := pol.Text(**v)
			if d.Field == FieldPath {
				s = pol.URL(s)
			}
			if secret {
				s = cassette.Redacted
			}
			*v = &s
		}
		out[i] = d
	}
	return out
}
