package suites

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/aksk"
	redactpkg "github.com/noticeconf/noticeconf/internal/redact"
)

// maxBody caps the bytes read of a response body.
const maxBody = 1 << 20

// maxShown caps the bytes of a body shown in a failure message.
const maxShown = 2048

// credentials says which credentials a request carries.
type credentials int

const (
	// credsValid: the target's success-case credentials (token, else AK/SK).
	credsValid credentials = iota
	// credsNone: no X-Auth-Token and no signature.
	credsNone
	// credsInvalidToken: an X-Auth-Token no server issued.
	credsInvalidToken
	// credsForbidden: Target.ForbiddenToken.
	credsForbidden
	// credsAKSK: an AK/SK signature with Target.AK and Target.SK.
	credsAKSK
	// credsBadSignature: an AK/SK signature made with the wrong secret key.
	credsBadSignature
)

// request is what a spec sends.
type request struct {
	method string
	path   string
	header http.Header
	body   []byte
	creds  credentials
	// tamper, if set, changes the request after it is signed (a generated check's
	// forged credentials, header spellings) and returns the body to send.
	tamper func(r *http.Request, body []byte) []byte
	// secrets are values tamper puts in the request that derive from a secret (a
	// token with one byte changed): the exchange shows them redacted, and the curl
	// line as the shell expression shellOf gives.
	secrets []derived
	// chunked, if set, sends the body with Transfer-Encoding: chunked and no
	// Content-Length.
	chunked bool
	// wire, if set, says how the request travels otherwise than the client sends
	// it by default.
	wire *wire
}

// wire is how a request travels: the protocol version and the headers of the
// connection and of content negotiation, which change nothing of what it asks.
type wire struct {
	// http10 sends the request as HTTP/1.0, on a connection of its own.
	http10 bool
	// close sends Connection: close.
	close bool
	// expect sends Expect: 100-continue.
	expect bool
	// accept, if set, is the Accept header.
	accept string
	// userAgent, if set, is the User-Agent header; "-" sends none.
	userAgent string
	// acceptEncoding, if set, is the Accept-Encoding header, and the answer is
	// decoded by send, not by the client.
	acceptEncoding string
}

// derived is a value made from a secret, and how a shell builds it from the
// environment variable that holds the secret.
type derived struct {
	value, shell string
}

// jsonCT is the Content-Type a generic JSON client sends. The official SDK's form,
// without the charset, is a check of its own.
const jsonCT = "application/json;charset=UTF-8"

// validBody is a valid update body: a type and the events it enables.
const validBody = `{"notice_type":"MESSAGE","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}`

// update returns a POST to the update endpoint of jobID with body.
func update(jobID, body string) request {
	return request{
		method: http.MethodPost,
		path:   contract.UpdatePathFor(jobID),
		header: http.Header{"Content-Type": {jsonCT}},
		body:   []byte(body),
	}
}

// validUpdate returns a valid, authenticated update of the target's job.
func (t Target) validUpdate() request { return update(t.JobID, validBody) }

// Exchange is one request sent to the target and the response got, as shown in
// failure messages. Secret header values are replaced by cassette.Redacted; String
// shows the bodies through the redaction policy (package internal/redact) with the
// run's credentials, and every control character escaped.
type Exchange struct {
	// Method and URL of the request sent, the URL's userinfo and secret query
	// parameters redacted.
	Method, URL string
	// RequestHeader is the request's header, secrets redacted.
	RequestHeader http.Header
	// RequestBody is the request's body.
	RequestBody []byte
	// Status is the response's status code.
	Status int
	// Header is the response's header, secrets redacted.
	Header http.Header
	// Body is the response's body (at most 1 MiB).
	Body []byte
	// Curl is a curl command that sends the request again, credentials written as
	// the environment variables that hold them (NOTICECONF_TOKEN, ...), never their
	// values.
	Curl string

	// acceptEncoding is the Accept-Encoding the request sent explicitly, if any:
	// Header's Content-Encoding is then the server's, and Body decoded only when it
	// is gzip and the request accepts it.
	acceptEncoding string

	// req is the request without its body, for routing in the contract.
	req *http.Request
	// policy redacts what String shows. If nil, the default policy.
	policy *redactpkg.Policy
}

// policy returns the redaction policy of t's run: the default rules plus t's
// credentials (the token, the AK, the SK, the forbidden token) and the userinfo of
// its URL.
func (t Target) policy() *redactpkg.Policy {
	p, err := redactpkg.New(redactpkg.Config{
		Secrets: []string{t.Token, t.AK, t.SK, t.ForbiddenToken},
		URLs:    []string{t.URL},
	})
	if err != nil { // no headers, fields or patterns: cannot fail
		return redactpkg.Default()
	}
	return p
}

// redactText returns s through the exchange's redaction policy, its control
// characters escaped.
func (x *Exchange) redactText(s string) string {
	p := x.policy
	if p == nil {
		p = redactpkg.Default()
	}
	return redactpkg.Printable(p.Text(s))
}

// send sends rq to the target and reads the whole answer.
func (t Target) send(ctx context.Context, rq request) (*Exchange, error) {
	r, err := http.NewRequestWithContext(ctx, rq.method, t.URL+rq.path, bytes.NewReader(rq.body))
	if err != nil {
		return nil, fmt.Errorf("build request %s %s: %w", rq.method, rq.path, err)
	}
	if len(rq.body) == 0 {
		r.Body, r.ContentLength = http.NoBody, 0
	}
	for k, vs := range rq.header {
		r.Header[k] = slices.Clone(vs)
	}
	switch rq.creds {
	case credsValid:
		err = t.sign(r, rq.body)
	case credsNone:
	case credsInvalidToken:
		// Drawn from the seed, so that a run repeats exactly; no server issued it.
		r.Header.Set(contract.HeaderAuthToken, "noticeconf-invalid-"+jobIDOfSeed(t.Seed+1))
	case credsForbidden:
		r.Header.Set(contract.HeaderAuthToken, t.ForbiddenToken)
	case credsAKSK:
		err = aksk.Sign(r, rq.body, aksk.Credential{AK: t.AK, SK: t.SK})
	case credsBadSignature:
		err = aksk.Sign(r, rq.body, aksk.Credential{AK: t.AK, SK: t.SK + "-wrong"})
	}
	if err != nil {
		return nil, err
	}
	if rq.tamper != nil {
		rq.body = rq.tamper(r, rq.body)
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(rq.body)), int64(len(rq.body))
		if len(rq.body) == 0 {
			r.Body = http.NoBody
		}
	}
	if rq.chunked && len(rq.body) > 0 {
		// The transport writes the framing; the header is there for the exchange
		// shown and the curl line, which sends the body chunked too.
		r.ContentLength, r.TransferEncoding = -1, []string{"chunked"}
		r.Header.Set("Transfer-Encoding", "chunked")
	}
	if w := rq.wire; w != nil {
		if w.close {
			r.Close = true
			r.Header.Set("Connection", "close")
		}
		if w.expect && len(rq.body) > 0 {
			r.Header.Set("Expect", "100-continue")
		}
		if w.accept != "" {
			r.Header.Set("Accept", w.accept)
		}
		switch w.userAgent {
		case "":
		case "-":
			r.Header["User-Agent"] = []string{""} // the client sends none
		default:
			r.Header.Set("User-Agent", w.userAgent)
		}
		if w.acceptEncoding != "" {
			r.Header.Set("Accept-Encoding", w.acceptEncoding)
		}
		if w.http10 && rq.chunked { // HTTP/1.0 has no chunked framing
			r.ContentLength, r.TransferEncoding = int64(len(rq.body)), nil
			r.Header.Del("Transfer-Encoding")
		}
	}
	pol := t.policy()
	secrets := t.secretsOf(rq)
	x := &Exchange{
		Method:        rq.method,
		URL:           pol.URL(scrub(r.URL.String(), secrets)),
		RequestHeader: scrubHeader(pol.Header(r.Header), secrets),
		RequestBody:   rq.body,
		Curl:          curlOf(r, rq.body, secrets),
		req:           r.Clone(context.WithoutCancel(ctx)),
		policy:        pol,
	}
	x.req.Body = http.NoBody
	var resp *http.Response
	if rq.wire != nil && rq.wire.http10 {
		x.Curl = strings.Replace(x.Curl, "curl -sS", "curl --http1.0 -sS", 1)
		resp, err = t.doHTTP10(ctx, r)
	} else {
		resp, err = t.Client.Do(r)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %s", rq.method, x.URL, x.redactText(err.Error()))
	}
	defer resp.Body.Close()
	x.Status = resp.StatusCode
	x.Header = pol.Header(resp.Header)
	var body io.Reader = resp.Body
	if rq.wire != nil && rq.wire.acceptEncoding != "" {
		x.acceptEncoding = rq.wire.acceptEncoding
		if ce := resp.Header.Get("Content-Encoding"); strings.EqualFold(ce, "gzip") && acceptsCoding(x.acceptEncoding, ce) {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				return nil, fmt.Errorf("read the answer to %s %s: Content-Encoding gzip: %w", rq.method, x.URL, err)
			}
			body = zr
		}
	}
	if x.Body, err = io.ReadAll(io.LimitReader(body, maxBody)); err != nil {
		return nil, fmt.Errorf("read the answer to %s %s: %w", rq.method, x.URL, err)
	}
	return x, nil
}

// doHTTP10 sends r as HTTP/1.0 on a connection of its own, which the answer
// closes, within the client's timeout (DefaultTimeout if it has none). The request
// is written by net/http, its version changed; 1xx interim answers are skipped.
func (t Target) doHTTP10(ctx context.Context, r *http.Request) (*http.Response, error) {
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		return nil, fmt.Errorf("write the request: %w", err)
	}
	raw := buf.Bytes()
	line := bytes.IndexByte(raw, '\n')
	if line < 0 || !bytes.HasSuffix(raw[:line+1], []byte(" HTTP/1.1\r\n")) {
		return nil, errors.New("write the request: no HTTP/1.1 request line")
	}
	copy(raw[line+1-len("1.1\r\n"):], "1.0")
	timeout := t.Client.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	host := r.URL.Host
	if r.URL.Port() == "" {
		host = net.JoinHostPort(r.URL.Hostname(), map[bool]string{true: "443", false: "80"}[r.URL.Scheme == "https"])
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		cancel()
		return nil, err
	}
	if r.URL.Scheme == "https" {
		conn = tls.Client(conn, &tls.Config{ServerName: r.URL.Hostname(), MinVersion: tls.VersionTLS12})
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	done := func() { stop(); cancel(); _ = conn.Close() }
	if _, err := conn.Write(raw); err != nil {
		done()
		return nil, err
	}
	br := bufio.NewReader(conn)
	for {
		resp, err := http.ReadResponse(br, r)
		if err != nil {
			done()
			return nil, err
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			resp.Body = &closeAfter{ReadCloser: resp.Body, done: done}
			return resp, nil
		}
	}
}

// closeAfter is a body that closes its connection when closed.
type closeAfter struct {
	io.ReadCloser
	done func()
}

func (c *closeAfter) Close() error {
	err := c.ReadCloser.Close()
	c.done()
	return err
}

// acceptsCoding reports whether an Accept-Encoding value accepts the content
// coding coding (RFC 9110 section 12.5.3): named, or matched by "*", with a
// weight above 0. Coding names are case-insensitive.
func acceptsCoding(acceptEncoding, coding string) bool {
	accepted, star := false, false
	named := false
	for _, item := range strings.Split(acceptEncoding, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(item), ";")
		name = strings.TrimSpace(name)
		weight := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				weight = q
			}
		}
		switch {
		case strings.EqualFold(name, coding):
			named, accepted = true, weight > 0
		case name == "*":
			star = weight > 0
		}
	}
	if named {
		return accepted
	}
	return star
}

// redact returns a copy of h with every secret value replaced by the placeholder, as
// the default redaction policy says.
func redact(h http.Header) http.Header { return redactpkg.Default().Header(h) }

// String shows the exchange as a person reads it: the request sent, the response got,
// through the redaction policy, control characters escaped.
func (x *Exchange) String() string {
	if x == nil {
		return "(no exchange)"
	}
	p := x.policy
	if p == nil {
		p = redactpkg.Default()
	}
	p = p.Learn(x.RequestHeader).Learn(x.Header)
	var b strings.Builder
	b.WriteString("request sent:\n")
	fmt.Fprintf(&b, "    %s %s\n", x.Method, redactpkg.Printable(p.URL(x.URL)))
	writeHeader(&b, p.Header(x.RequestHeader))
	writeBody(&b, p.Body(x.RequestBody, x.RequestHeader.Get("Content-Type")))
	b.WriteString("response got:\n")
	fmt.Fprintf(&b, "    HTTP %d %s\n", x.Status, http.StatusText(x.Status))
	writeHeader(&b, p.Header(x.Header))
	writeBody(&b, p.Body(x.Body, x.Header.Get("Content-Type")))
	if x.Curl != "" {
		b.WriteString("reproduce with:\n")
		for _, line := range strings.Split(x.Curl, "\n") {
			fmt.Fprintf(&b, "    %s\n", redactpkg.Printable(line))
		}
	}
	return b.String()
}

func writeHeader(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "    %s: %s\n", redactpkg.Printable(k), redactpkg.Printable(v))
		}
	}
}

func writeBody(b *strings.Builder, body []byte) {
	if len(body) == 0 {
		b.WriteString("    (empty body)\n")
		return
	}
	s := string(body)
	if len(s) > maxShown {
		s = s[:maxShown] + fmt.Sprintf("... (%d bytes in all)", len(body))
	}
	b.WriteString("\n")
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		fmt.Fprintf(b, "    %s\n", redactpkg.Printable(line))
	}
	if strings.HasSuffix(s, "\n") {
		b.WriteString("    (the body ends with a newline)\n")
	}
}
