package proxy

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/internal/redact"
)

// HeaderProxyError is set on every answer the proxy makes itself (403, 413, 502,
// 503, 504), so that nobody mistakes it for an answer of the API.
const HeaderProxyError = "X-Noticeconf-Proxy-Error"

// errBodyTooLarge is returned by readAtMost when a body exceeds the limit.
var errBodyTooLarge = errors.New("body too large")

// roundTrip sends req upstream and records the interaction. It never fails: when
// the upstream cannot be reached it answers 502 itself. The response handed back is
// the upstream's, unchanged; the recording is made from copies, redacted, and is on
// disk before roundTrip returns.
func (p *Proxy) roundTrip(req *http.Request) *http.Response {
	start := time.Now()
	if !p.begin() {
		return errorResponse(req, http.StatusServiceUnavailable, "the recording proxy is shutting down")
	}
	defer p.inflight.Done()

	if !p.cfg.RecordAll && !strings.HasPrefix(req.URL.Path, contract.NoticePrefix) {
		resp, err := p.transport.RoundTrip(req)
		if err != nil {
			resp = p.upstreamFailed(req, err)
		}
		p.logInteraction(req, resp.StatusCode, time.Since(start), -1)
		return resp
	}

	held := &heldBytes{b: p.budget}
	defer held.releaseUnlessHanded()
	reqBody, err := readAtMost(held.reader(req.Body), p.maxBody, req.ContentLength)
	if errors.Is(err, errBudget) {
		return p.overBudget(req, start)
	}
	if errors.Is(err, errBodyTooLarge) {
		resp := errorResponse(req, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over the recording limit of %d bytes", p.maxBody))
		p.logInteraction(req, resp.StatusCode, time.Since(start), -1)
		return resp
	}
	if err != nil {
		resp := errorResponse(req, http.StatusBadRequest, "the recording proxy could not read the request body: "+err.Error())
		p.logInteraction(req, resp.StatusCode, time.Since(start), -1)
		return resp
	}
	if gzipOver(req.Header, reqBody, p.maxBody) {
		resp := errorResponse(req, http.StatusRequestEntityTooLarge, fmt.Sprintf("gzip request body decompresses to more than the recording limit of %d bytes", p.maxBody))
		p.logInteraction(req, resp.StatusCode, time.Since(start), -1)
		return resp
	}
	if req.Body != nil && req.Body != http.NoBody {
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	it := &vcr.Interaction{Request: requestRecord(req, reqBody, p.maxBody)}
	// The credential's name, from the request as it goes upstream: a signature is
	// verified over the body as sent.
	named := p.cfg.Credentials.OfRequest(req, reqBody)
	askReadable(req.Header)

	resp, err := p.transport.RoundTrip(req)
	if err != nil {
		resp = p.upstreamFailed(req, err)
		p.logInteraction(req, resp.StatusCode, time.Since(start), -1)
		return resp
	}
	respBody, err := readAtMost(held.reader(resp.Body), p.maxBody, resp.ContentLength)
	if errors.Is(err, errBudget) {
		_ = resp.Body.Close()
		return p.overBudget(req, start)
	}
	if errors.Is(err, errBodyTooLarge) {
		// Pass it on whole, unrecorded.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(respBody), resp.Body), resp.Body}
		p.log.Warn("response body over the recording limit: passed on, not recorded", "method", req.Method, "path", p.shownPath(req.URL.Path), "limit", p.maxBody)
		p.logInteraction(req, resp.StatusCode, time.Since(start), -1)
		return resp
	}
	_ = resp.Body.Close()
	if err != nil {
		resp = p.upstreamFailed(req, fmt.Errorf("read the response: %w", err))
		p.logInteraction(req, resp.StatusCode, time.Since(start), -1)
		return resp
	}
	if gzipOver(resp.Header, respBody, p.maxBody) {
		resp = errorResponse(req, http.StatusBadGateway, fmt.Sprintf("the upstream's gzip answer decompresses to more than the recording limit of %d bytes; not passed on", p.maxBody))
		p.logInteraction(req, resp.StatusCode, time.Since(start), -1)
		return resp
	}
	resp.Body = held.body(respBody)
	it.Response = responseRecord(resp, respBody, time.Since(start), p.maxBody)
	for _, r := range []struct {
		what string
		h    http.Header
	}{{"request", it.Request.Headers}, {"response", it.Response.Headers}} {
		if c := r.h.Values(HeaderWithheldEncoding); len(c) > 0 {
			p.log.Warn(r.what+" body not recorded: the redaction policy cannot read its content coding (the cassette holds the placeholder)", "method", req.Method, "path", p.shownPath(req.URL.Path), "content_encoding", strings.Join(c, ", "))
		}
	}

	replaceCredentials(p.cfg.Credentials, it)
	p.redactor.Interaction(it)
	if err := markCredential(it, named); err != nil {
		p.log.Error("credential name not recorded", "method", req.Method, "path", p.shownPath(req.URL.Path), "err", err)
	}
	id, err := p.writer.Append(it)
	if err != nil {
		return p.notRecorded(req, resp, start, err)
	}
	p.observed.Request(&it.Request)
	p.logInteraction(req, resp.StatusCode, time.Since(start), id)
	return resp
}

// notRecorded is the answer to an interaction the cassette could not take (a full
// disk, an I/O error): 507 or 500 from the proxy itself instead of the upstream's
// answer, so that no client is answered for an interaction the cassette lacks.
func (p *Proxy) notRecorded(req *http.Request, resp *http.Response, start time.Time, err error) *http.Response {
	p.noteErr(err)
	p.log.Error("interaction not recorded: its answer is withheld from the client", "method", req.Method, "path", p.shownPath(req.URL.Path), "upstream_status", resp.StatusCode, "err", err)
	status := http.StatusInternalServerError
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		status = http.StatusInsufficientStorage
	}
	out := errorResponse(req, status, fmt.Sprintf("the interaction could not be written to the cassette, so the upstream's answer (%d) is not passed on: %v", resp.StatusCode, err))
	p.logInteraction(req, out.StatusCode, time.Since(start), -1)
	return out
}

// logInteraction writes the one line per interaction. It names the path only: the
// query and the headers may carry secrets.
func (p *Proxy) logInteraction(req *http.Request, status int, d time.Duration, id int) {
	ctx := req.Context()
	h := p.log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	now := time.Now()
	if !p.lines.Allow(now) {
		return
	}
	// The record goes to the handler as Logger.LogAttrs would pass it (attributes not
	// boxed), with the source found once instead of on every line.
	pc := p.logPC.Load()
	if pc == 0 {
		var pcs [1]uintptr
		runtime.Callers(1, pcs[:])
		pc = pcs[0]
		p.logPC.Store(pc)
	}
	r := slog.NewRecord(now, slog.LevelInfo, "interaction", pc)
	attrs := [...]slog.Attr{
		slog.String("method", req.Method), slog.String("host", req.URL.Host), slog.String("path", p.shownPath(req.URL.Path)),
		slog.Int("status", status), slog.Duration("duration", d.Round(time.Microsecond)), slog.Bool("recorded", id >= 0), slog.Int("id", id),
	}
	n := len(attrs)
	if id < 0 {
		n-- // no id
	}
	r.AddAttrs(attrs[:n]...)
	_ = h.Handle(ctx, r) // as Logger does, a failed log write is not the request's failure
}

// upstreamFailed is the 502 answered when the upstream cannot be reached or breaks
// off, or the 504 when it does not answer in time.
func (p *Proxy) upstreamFailed(req *http.Request, err error) *http.Response {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its URL may carry a secret query parameter
	}
	// The error may quote what the upstream sent back (a malformed status line that
	// echoes the request line): shown through the policy, which knows the request's
	// credentials too.
	shown := redact.Printable(p.redactor.Learn(req.Header).Text(err.Error()))
	p.log.Warn("upstream failed", "method", req.Method, "host", req.URL.Host, "path", p.shownPath(req.URL.Path), "err", shown)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errorResponse(req, http.StatusGatewayTimeout,
			fmt.Sprintf("the recording proxy timed out waiting for the upstream %s (no response headers within %s): %s", req.URL.Host, p.headerTimeout, shown))
	}
	return errorResponse(req, http.StatusBadGateway,
		fmt.Sprintf("the recording proxy could not get an answer from the upstream %s (the API did not answer): %s", req.URL.Host, shown))
}

// requestRecord copies what go-vcr records of an outgoing request. Nothing in it
// shares memory with req.
func requestRecord(req *http.Request, body []byte, limit int64) vcr.Request {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	h := req.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	contentLength := req.ContentLength
	recBody, decoded := decodeGzip(h, body, limit)
	if decoded {
		contentLength = int64(len(recBody))
	}
	if withheld, ok := unreadable(h, recBody); ok {
		recBody, contentLength = withheld, int64(len(withheld))
	}
	r := vcr.Request{
		Proto:            req.Proto,
		ProtoMajor:       req.ProtoMajor,
		ProtoMinor:       req.ProtoMinor,
		ContentLength:    contentLength,
		TransferEncoding: slices.Clone(req.TransferEncoding),
		Trailer:          req.Trailer.Clone(),
		Host:             host,
		Body:             string(recBody),
		Headers:          h,
		URL:              req.URL.String(),
		Method:           req.Method,
	}
	if ct := h.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(recBody)); err == nil {
			r.Form = form
		}
	}
	return r
}

// responseRecord copies what go-vcr records of a response. A gzip body is recorded
// decoded, its Content-Encoding removed and Content-Length set to match.
func responseRecord(resp *http.Response, body []byte, d time.Duration, limit int64) vcr.Response {
	h := resp.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	recBody, decoded := decodeGzip(h, body, limit)
	withheld, unread := unreadable(h, recBody)
	if unread {
		recBody = withheld
	}
	r := vcr.Response{
		Proto:            resp.Proto,
		ProtoMajor:       resp.ProtoMajor,
		ProtoMinor:       resp.ProtoMinor,
		TransferEncoding: slices.Clone(resp.TransferEncoding),
		Trailer:          resp.Trailer.Clone(),
		ContentLength:    resp.ContentLength,
		Uncompressed:     resp.Uncompressed || decoded,
		Body:             string(recBody),
		Headers:          h,
		Status:           resp.Status,
		Code:             resp.StatusCode,
		Duration:         d,
	}
	if decoded || unread {
		r.ContentLength = int64(len(recBody))
	}
	return r
}

// unreadable returns the placeholder body, and makes the headers h (a copy) say
// so, for a body still in a content coding after decodeGzip (br, zstd, compress, a
// chain of codings, one that did not decode): the redaction policy cannot read it,
// and a secret compressed is a secret on disk all the same, so the recording keeps
// the placeholder instead (its Content-Encoding header is kept, as X-Noticeconf-
// Withheld-Content-Encoding, to show what was withheld). It returns false for a
// body in no coding.
func unreadable(h http.Header, body []byte) ([]byte, bool) {
	codings := h.Values("Content-Encoding")
	if len(codings) == 0 || len(body) == 0 {
		return nil, false
	}
	if len(codings) == 1 && strings.EqualFold(strings.TrimSpace(codings[0]), "identity") {
		return nil, false
	}
	h.Del("Content-Encoding")
	h[HeaderWithheldEncoding] = codings
	h.Set("Content-Length", strconv.Itoa(len(cassette.Redacted)))
	return []byte(cassette.Redacted), true
}

// HeaderWithheldEncoding holds, in a recording, the Content-Encoding of a body the
// recording withheld because the redaction policy cannot read that coding.
const HeaderWithheldEncoding = "X-Noticeconf-Withheld-Content-Encoding"

// readableCodings are the content codings the recording decodes, so that the
// redaction policy reads the body.
var readableCodings = []string{"gzip", "x-gzip", "deflate", "identity"}

// askReadable makes the Accept-Encoding of an outgoing request (a clone's header)
// name only codings the recording can read, so that the upstream answers in one:
// br, zstd and "*" are dropped, and a header left with none asks for identity. A
// request without the header, or one whose AK/SK signature signs it, is left alone.
func askReadable(h http.Header) {
	vs := h.Values("Accept-Encoding")
	if len(vs) == 0 {
		return
	}
	if a, err := aksk.ParseAuthorization(h.Get("Authorization")); err == nil && slices.ContainsFunc(a.SignedHeaders, func(s string) bool { return strings.EqualFold(s, "accept-encoding") }) {
		return
	}
	var keep []string
	for _, v := range vs {
		for _, part := range strings.Split(v, ",") {
			coding, _, _ := strings.Cut(part, ";")
			if slices.Contains(readableCodings, strings.ToLower(strings.TrimSpace(coding))) {
				keep = append(keep, strings.TrimSpace(part))
			}
		}
	}
	if len(keep) == 0 {
		keep = []string{"identity"}
	}
	if joined := strings.Join(keep, ", "); len(vs) != 1 || joined != vs[0] {
		h.Set("Accept-Encoding", joined)
	}
}

// decompressor returns the reader of a body whose headers h say it is gzip or
// deflate, and only that, or nil. Both are recorded decoded: the redaction policy
// reads a body as it is, and a secret compressed is a secret on disk all the same.
// Deflate is zlib (RFC 1950) as the standard says, or the raw deflate some servers
// send.
func decompressor(h http.Header, body []byte) io.Reader {
	if len(h.Values("Content-Encoding")) != 1 {
		return nil
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))) {
	case "gzip":
		if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
			return zr
		}
	case "deflate":
		if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			return zr
		}
		return flate.NewReader(bytes.NewReader(body))
	}
	return nil
}

// gzipOver reports whether a gzip (or deflate) body decompresses to more than limit
// bytes (a compression bomb), reading at most limit+1 decompressed bytes to find out.
func gzipOver(h http.Header, body []byte, limit int64) bool {
	zr := decompressor(h, body)
	if zr == nil {
		return false
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, limit+1))
	return n > limit
}

// decodeGzip decodes a gzip (or deflate) body of at most limit decompressed bytes
// and makes the headers h (a copy) say so. It leaves anything else, or a body that
// does not decode or decodes to more, as it is.
func decodeGzip(h http.Header, body []byte, limit int64) ([]byte, bool) {
	zr := decompressor(h, body)
	if zr == nil {
		return body, false
	}
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil || int64(len(out)) > limit {
		return body, false
	}
	h.Del("Content-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(out)))
	return out, true
}

// maxPresize bounds the buffer readAtMost makes before reading: a peer's
// Content-Length alone never makes the proxy hold more than this.
const maxPresize = 64 << 10

// readAtMost reads all of r, or returns errBodyTooLarge with the first limit+1 bytes.
// size is the length the body announced (Content-Length), or -1: a buffer of that
// size (up to the limit and maxPresize) is made at once, one byte more so that the
// end is read without growing it.
func readAtMost(r io.Reader, limit, size int64) ([]byte, error) {
	if r == nil || r == http.NoBody {
		return nil, nil
	}
	initial := int64(512)
	if size >= 0 {
		initial = min(size, limit, maxPresize) + 1
	}
	b := make([]byte, 0, initial)
	lr := io.LimitReader(r, limit+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow as io.ReadAll does
		}
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return b, err
		}
	}
	if int64(len(b)) > limit {
		return b, errBodyTooLarge
	}
	return b, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// proxyError is the JSON body of an answer the proxy makes itself. It has the API's
// error_code/error_msg keys, so that SDKs show the message.
type proxyError struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	Source    string `json:"source"`
}

func errorBody(status int, msg string) []byte {
	b, _ := json.Marshal(proxyError{
		ErrorCode: "NOTICECONF.PROXY." + strconv.Itoa(status),
		ErrorMsg:  "noticeconf recording proxy: " + msg,
		Source:    "noticeconf recording proxy",
	})
	return append(b, '\n')
}

// errorResponse is an answer of the proxy itself, for req.
func errorResponse(req *http.Request, status int, msg string) *http.Response {
	body := errorBody(status, msg)
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}, HeaderProxyError: {"true"}, "Content-Length": {strconv.Itoa(len(body))}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// writeError writes an answer of the proxy itself.
func writeError(w http.ResponseWriter, _ *http.Request, status int, msg string) {
	body := errorBody(status, msg)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(HeaderProxyError, "true")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// errBudget is returned by a heldBytes reader when the proxy's buffer budget is spent.
var errBudget = errors.New("buffer budget exhausted")

// budget bounds the bytes of bodies all interactions in flight hold together. It is
// safe for concurrent use.
type budget struct {
	used atomic.Int64
	max  int64
}

// take reserves n bytes, or reports false when they would pass the budget.
func (b *budget) take(n int64) bool {
	for {
		used := b.used.Load()
		if used+n > b.max {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

func (b *budget) give(n int64) { b.used.Add(-n) }

// heldBytes is what one interaction holds of the budget.
type heldBytes struct {
	b      *budget
	n      int64
	handed bool // the response body owns the bytes and gives them back on Close
	// src is the body being read through reader.
	src io.Reader
}

// reader counts what r yields against the budget. It returns h itself, reading r:
// the request's body, then the response's, one after the other.
func (h *heldBytes) reader(r io.Reader) io.Reader {
	if r == nil || r == http.NoBody {
		return r
	}
	h.src = r
	return h
}

// Read reads the body given to reader, taking what it yields from the budget.
func (h *heldBytes) Read(p []byte) (int, error) {
	n, err := h.src.Read(p)
	if n > 0 {
		if !h.b.take(int64(n)) {
			return n, errBudget
		}
		h.n += int64(n)
	}
	return n, err
}

// body returns a response body over data that gives the bytes back when closed.
func (h *heldBytes) body(data []byte) io.ReadCloser {
	h.handed = true
	return &releasingBody{Reader: bytes.NewReader(data), h: h}
}

func (h *heldBytes) release() {
	if h.n > 0 {
		h.b.give(h.n)
		h.n = 0
	}
}

// releaseUnlessHanded gives the bytes back unless a response body owns them.
func (h *heldBytes) releaseUnlessHanded() {
	if !h.handed {
		h.release()
	}
}

type releasingBody struct {
	*bytes.Reader
	h    *heldBytes
	once sync.Once
}

func (r *releasingBody) Close() error {
	r.once.Do(r.h.release)
	return nil
}

// overBudget is the 503 answered when the bodies in flight already hold the whole
// buffer budget.
func (p *Proxy) overBudget(req *http.Request, start time.Time) *http.Response {
	p.log.Warn("buffer budget exhausted: request refused", "method", req.Method, "path", p.shownPath(req.URL.Path), "budget", p.budget.max)
	resp := errorResponse(req, http.StatusServiceUnavailable, fmt.Sprintf("the recording proxy's buffer budget (%d bytes for the bodies of all requests in flight) is exhausted; retry later", p.budget.max))
	resp.Header.Set("Retry-After", "1")
	p.logInteraction(req, resp.StatusCode, time.Since(start), -1)
	return resp
}
