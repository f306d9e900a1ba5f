// Package proxy is the recording proxy: it passes traffic between clients and the
// live API and writes the notice endpoints' interactions to a go-vcr v3 cassette,
// secret-free (one redaction policy decides what is a secret by where secrets live)
// and crash-safe (cassette.Writer: every interaction is on disk, in a file that
// parses, before its response reaches the client), with the provenance file that
// `noticeconf cassette audit` asks for beside it.
//
// It runs as a reverse proxy in front of one upstream (clients point their endpoint
// at it) or as an HTTP(S) forward proxy for HTTPS_PROXY, built on goproxy, that
// intercepts TLS with a CA of its own (LoadOrCreateCA) and serves only allow-listed
// hosts. Failures of the proxy itself are answered with a JSON body that says so:
// 403 for a host off the allow-list, 413 for a request body over the limit, 502 when
// the upstream cannot be reached or breaks off mid-response, 504 when it does not
// answer within Config.ResponseHeaderTimeout.
package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elazarl/goproxy"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/internal/loglimit"
	"github.com/noticeconf/noticeconf/internal/provenance"
	"github.com/noticeconf/noticeconf/internal/redact"
)

// Mode is what the proxy does with an existing cassette file.
type Mode int

const (
	// ModeRecord starts a new cassette. An existing file is an error unless
	// Config.Force is set, which overwrites it.
	ModeRecord Mode = iota
	// ModeAppend adds new interactions after those of an existing cassette (or starts
	// a new one).
	ModeAppend
)

// ParseMode parses "record" or "append".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "record":
		return ModeRecord, nil
	case "append":
		return ModeAppend, nil
	}
	return 0, fmt.Errorf("mode %q: want record or append", s)
}

// DefaultAllowHost is the host pattern the forward proxy always serves: the vendor's
// API hosts.
const DefaultAllowHost = "*.myhuaweicloud.com"

// DefaultMaxBodyBytes is the body size limit when Config.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 32 << 20

// DefaultMaxBufferBytes is Config.MaxBufferBytes when it is zero: eight bodies of the
// default limit each way.
const DefaultMaxBufferBytes = 16 * DefaultMaxBodyBytes

// DefaultResponseHeaderTimeout is Config.ResponseHeaderTimeout when it is zero.
const DefaultResponseHeaderTimeout = 60 * time.Second

// Config configures a Proxy.
type Config struct {
	// Upstream is the base URL of the API, e.g.
	// "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com". In reverse mode (Forward
	// unset) every request goes to it and it is required. In forward mode it is
	// optional: its host joins the allow-list, and requests that are not proxy
	// requests go to it.
	Upstream string
	// Forward makes the proxy a forward proxy for HTTP_PROXY/HTTPS_PROXY that
	// intercepts TLS, signing per-host certificates with CA.
	Forward bool
	// CA signs the certificates the forward proxy shows its clients. It is required
	// when Forward is set and unused otherwise.
	CA *CA
	// AllowHosts are more hosts the forward proxy serves, besides DefaultAllowHost and
	// Upstream's host: "api.example.com", or "*.example.com" for its subdomains,
	// optionally with ":port". Other hosts get 403.
	AllowHosts []string
	// UpstreamRootCAs are the roots trusted for upstream TLS. If nil, the system's.
	UpstreamRootCAs *x509.CertPool
	// InsecureUpstream turns off verification of upstream certificates. New logs a
	// warning when it is set.
	InsecureUpstream bool
	// Cassette is the path of the cassette file. Required.
	Cassette string
	// Mode is what to do with an existing cassette. The zero value is ModeRecord.
	Mode Mode
	// Force lets ModeRecord overwrite an existing cassette.
	Force bool
	// RecordAll records every interaction. If false, only the notice endpoints
	// (paths under contract.NoticePrefix) are recorded; other traffic passes through.
	RecordAll bool
	// Redact adds to the redaction policy: the run's known secrets and URLs, more
	// headers, JSON body fields and patterns. The policy's rules always apply;
	// Upstream's userinfo and secret query values are added to its known secrets.
	Redact Redaction
	// Credentials names credentials: the cassette holds "REDACTED:NAME" where the
	// request carried one of them (see package credential). If nil, every credential
	// is recorded as the unnamed placeholder.
	Credentials *credential.Names
	// MaxBodyBytes caps a recorded body. A bigger request body is refused with 413; a
	// bigger response is passed on but not recorded. If zero, DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxBufferBytes caps the bytes of bodies that all the interactions in flight
	// hold together; a request that would pass it is answered 503 with Retry-After.
	// If zero, DefaultMaxBufferBytes.
	MaxBufferBytes int64
	// FsyncBeforeResponse makes each interaction durable (fsynced) before its response
	// is passed on. If false, each interaction is written to the cassette before its
	// response is passed on, so that a crash of the proxy cannot lose it, and fsynced
	// in the background right after, within cassette.DefaultMaxSyncLag (100 ms), so
	// that the fsync is off the response path.
	FsyncBeforeResponse bool
	// ResponseHeaderTimeout is how long the proxy waits for the upstream's response
	// headers before it answers 504 itself. If zero, DefaultResponseHeaderTimeout.
	ResponseHeaderTimeout time.Duration
	// WrapCassetteFile, if not nil, wraps the cassette file the proxy writes through
	// (see cassette.WriterOptions.WrapFile): a fault injector for tests.
	WrapCassetteFile func(cassette.Sink) cassette.Sink
	// Logger receives a line per interaction (see LinesPerSecond) and the proxy's
	// warnings. If nil, nothing is logged.
	Logger *slog.Logger
	// LinesPerSecond bounds the interaction lines logged in one second: past it, the
	// rest of that second's are counted in one line (at the first interaction of a
	// later second, or on Close). Warnings are always logged. If zero,
	// DefaultLinesPerSecond; if negative, every interaction is logged.
	LinesPerSecond int
}

// DefaultLinesPerSecond is the default of Config.LinesPerSecond.
const DefaultLinesPerSecond = loglimit.DefaultPerSecond

// Proxy is the recording proxy, an http.Handler. The caller must call Close when
// finished, after the server in front of it has stopped.
type Proxy struct {
	cfg       Config
	log       *slog.Logger
	lines     *loglimit.Limiter    // which interaction lines are logged
	observed  *provenance.Observer // the hosts and credentials of the cassette's interactions, for its provenance
	upstream  *url.URL
	allow     []string
	transport *http.Transport
	redactor  *redact.Policy
	writer    *cassette.Writer
	prov      provenance.Provenance
	handler   http.Handler
	maxBody   int64
	budget    *budget
	// headerTimeout is the transport's ResponseHeaderTimeout.
	headerTimeout time.Duration

	// logPC is where the interaction lines come from (logInteraction), for handlers
	// that show the source; 0 until the first line.
	logPC atomic.Uintptr

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
	firstErr error
}

var _ http.Handler = (*Proxy)(nil)

// New checks cfg, opens the cassette, writes its provenance file
// (CASSETTE.provenance.json: the upstream, when recording started, the tool) and
// returns a Proxy. The caller should call Close when finished.
func New(cfg Config) (*Proxy, error) {
	p := &Proxy{cfg: cfg, log: cfg.Logger, maxBody: cfg.MaxBodyBytes}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.lines = loglimit.New(cfg.LinesPerSecond, p.log, "record: interactions not logged one by one")
	if p.maxBody <= 0 {
		p.maxBody = DefaultMaxBodyBytes
	}
	p.budget = &budget{max: cfg.MaxBufferBytes}
	if p.budget.max <= 0 {
		p.budget.max = DefaultMaxBufferBytes
	}
	if cfg.Cassette == "" {
		return nil, errors.New("proxy: no cassette path")
	}
	if cfg.Upstream != "" {
		u, err := url.Parse(cfg.Upstream)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("proxy: upstream %q is not an http(s) URL", cfg.Upstream)
		}
		p.upstream = u
	}
	switch {
	case cfg.Forward && cfg.CA == nil:
		return nil, errors.New("proxy: forward mode needs a CA")
	case !cfg.Forward && p.upstream == nil:
		return nil, errors.New("proxy: reverse mode needs an upstream URL")
	}
	p.allow = []string{DefaultAllowHost}
	if p.upstream != nil {
		p.allow = append(p.allow, p.upstream.Host)
	}
	for _, h := range cfg.AllowHosts {
		if h = strings.ToLower(strings.TrimSpace(h)); h == "" {
			return nil, errors.New("proxy: empty allowed host")
		}
		p.allow = append(p.allow, h)
	}
	var err error
	rcfg := redact.Config(cfg.Redact)
	if sks := cfg.Credentials.SecretKeys(); len(sks) > 0 {
		// Secret keys are never on the wire; if an answer echoes one, it is redacted.
		rcfg.Secrets = append(slices.Clone(rcfg.Secrets), sks...)
	}
	if cfg.Upstream != "" {
		rcfg.URLs = append(slices.Clone(rcfg.URLs), cfg.Upstream)
	}
	if p.redactor, err = redact.New(rcfg); err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	if cfg.InsecureUpstream {
		p.log.Warn("upstream TLS certificates are NOT verified (--insecure-upstream): anyone on the path can read and change the traffic, secrets included")
	}
	p.transport = NewTransport(cfg)
	p.headerTimeout = p.transport.ResponseHeaderTimeout
	mode := cassette.Append
	if cfg.Mode == ModeRecord {
		mode = cassette.CreateNew
		if cfg.Force {
			mode = cassette.Overwrite
		}
	}
	wopts := cassette.WriterOptions{SyncBehind: !cfg.FsyncBeforeResponse, WrapFile: cfg.WrapCassetteFile}
	if p.writer, err = cassette.OpenWriterWith(cfg.Cassette, mode, wopts); err != nil {
		if errors.Is(err, cassette.ErrLocked) {
			return nil, fmt.Errorf("proxy: %w", err)
		}
		if errors.Is(err, cassette.ErrExists) {
			return nil, fmt.Errorf("proxy: %w; use --mode append to add to it or --force to overwrite it", err)
		}
		return nil, fmt.Errorf("proxy: cannot write the cassette: %w", err)
	}
	var reverse http.Handler
	if p.upstream != nil {
		reverse = p.newReverse()
	}
	if cfg.Forward {
		p.handler = p.newForward(reverse)
	} else {
		p.handler = reverse
	}
	if err := p.startProvenance(time.Now()); err != nil {
		return nil, errors.Join(err, p.writer.Close())
	}
	return p, nil
}

// ServeHTTP proxies one request.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.handler.ServeHTTP(w, r)
}

// Cassette returns the path of the cassette file.
func (p *Proxy) Cassette() string { return p.writer.Path() }

// Recorded returns the number of interactions in the cassette.
func (p *Proxy) Recorded() int { return p.writer.Len() }

// Close waits for the interactions in flight, closes the cassette and the idle
// upstream connections, completes the provenance file (the hosts and kinds of
// credentials recorded), and returns the first error met while writing the cassette.
// Requests that arrive after Close get 503.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	p.inflight.Wait()
	p.lines.Flush()
	err := p.writer.Close()
	p.transport.CloseIdleConnections()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil && p.firstErr == nil {
		err = p.finishProvenance()
	}
	return errors.Join(p.firstErr, err)
}

// begin registers an interaction in flight; it reports false after Close.
func (p *Proxy) begin() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.inflight.Add(1)
	return true
}

func (p *Proxy) noteErr(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.firstErr == nil {
		p.firstErr = err
	}
}

// newReverse returns the reverse proxy to the upstream.
func (p *Proxy) newReverse() http.Handler {
	rp := NewReverseProxy(p.upstream, roundTripperFunc(func(r *http.Request) (*http.Response, error) { return p.roundTrip(r), nil }))
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		p.log.Warn("proxy error", "method", r.Method, "path", p.shownPath(r.URL.Path), "err", p.shownText(err.Error()))
		writeError(w, r, http.StatusBadGateway, "the proxy failed to pass the answer on: "+err.Error())
	}
	rp.ErrorLog = log.New(printfLogger{p.log, p.redactor}, "", 0)
	return rp
}

// newForward returns the forward proxy. reverse, if not nil, serves requests that are
// not proxy requests.
func (p *Proxy) newForward(reverse http.Handler) http.Handler {
	g := goproxy.NewProxyHttpServer()
	g.Logger = printfLogger{p.log, p.redactor}
	g.Tr = p.transport
	// Never chain to the proxy in the environment: it may be this one.
	g.ConnectDial = nil
	g.KeepAcceptEncoding = true
	g.NonproxyHandler = reverse
	if reverse == nil {
		g.NonproxyHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, r, http.StatusBadRequest, "this is a forward proxy: set HTTPS_PROXY to its address, or start it with an upstream to use it as a reverse proxy")
		})
	}
	g.OnRequest().HandleConnectFunc(func(host string, ctx *goproxy.ProxyCtx) (*goproxy.ConnectAction, string) {
		if !p.allowed(host) {
			ctx.Resp = errorResponse(ctx.Req, http.StatusForbidden, p.refusal(host))
			p.log.Info("refused", "method", http.MethodConnect, "host", host, "status", http.StatusForbidden)
			return &goproxy.ConnectAction{Action: goproxy.ConnectReject}, host
		}
		return &goproxy.ConnectAction{Action: goproxy.ConnectMitm, TLSConfig: p.leafTLSConfig}, host
	})
	g.OnRequest().DoFunc(func(r *http.Request, ctx *goproxy.ProxyCtx) (*http.Request, *http.Response) {
		// Checked again inside a tunnel: the Host of a request there picks the
		// destination, whatever the CONNECT said.
		if !p.allowed(r.URL.Host) {
			p.log.Info("refused", "method", r.Method, "host", r.URL.Host, "status", http.StatusForbidden)
			return r, errorResponse(r, http.StatusForbidden, p.refusal(r.URL.Host))
		}
		ctx.RoundTripper = goproxy.RoundTripperFunc(func(r *http.Request, _ *goproxy.ProxyCtx) (*http.Response, error) {
			return p.roundTrip(r), nil
		})
		return r, nil
	})
	return g
}

// leafTLSConfig is the TLS configuration shown to a client that tunnels to host.
func (p *Proxy) leafTLSConfig(host string, _ *goproxy.ProxyCtx) (*tls.Config, error) {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	leaf, err := p.cfg.CA.leaf(strings.ToLower(name))
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{*leaf}, MinVersion: tls.VersionTLS12}, nil
}

func (p *Proxy) refusal(host string) string {
	return fmt.Sprintf("host %s is not on the recording proxy's allow-list (%s); add it with --allow-host", host, strings.Join(p.allow, ", "))
}

// allowed reports whether the forward proxy serves hostport.
func (p *Proxy) allowed(hostport string) bool {
	hostport = strings.ToLower(hostport)
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	for _, pat := range p.allow {
		target := host
		if _, _, err := net.SplitHostPort(pat); err == nil {
			target = hostport
		}
		if suffix, ok := strings.CutPrefix(pat, "*."); ok {
			if _, port, err := net.SplitHostPort(suffix); err == nil {
				// "*.example.com:8443": compare the port apart.
				h, _, _ := net.SplitHostPort(suffix)
				if _, tp, err := net.SplitHostPort(hostport); err != nil || tp != port {
					continue
				}
				suffix, target = h, host
			}
			if strings.HasSuffix(target, "."+suffix) {
				return true
			}
			continue
		}
		if target == pat {
			return true
		}
	}
	return false
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// printfLogger passes goproxy's and the reverse proxy's messages to slog as
// warnings (goproxy only prints them when something went wrong, or when it is
// verbose, which it is not here), through the redaction policy: a message may quote
// a request line or a URL.
type printfLogger struct {
	log      *slog.Logger
	redactor *redact.Policy
}

func (l printfLogger) Printf(format string, v ...any) {
	l.log.Warn(redact.Printable(l.redactor.Text(strings.TrimSpace(fmt.Sprintf(format, v...)))), "source", "goproxy")
}

// Write passes one message of a log.Logger on as Printf does.
func (l printfLogger) Write(b []byte) (int, error) {
	l.log.Warn(redact.Printable(l.redactor.Text(strings.TrimSpace(string(b)))), "source", "reverse proxy")
	return len(b), nil
}
