package proxy_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/proxy"
)

// The demo profile of the reference mock (fixtures/profile.json).
const (
	demoToken = "noticeconf-demo-token"
	demoAK    = "NOTICECONFDEMOAK0001"
	demoSK    = "noticeconf-demo-sk"
	demoJob   = "48c66c6002964721be537cdc6ce0297b"
)

// updateBody is an update request body as the official SDK sends it (trailing newline).
const updateBody = `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}` + "\n"

// logBuffer collects log output safely from many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mockConfig is the reference mock's demo configuration, answering `result` as a
// string (the form the official SDK decodes).
func mockConfig() mock.Config {
	GinkgoHelper()
	cfg, err := mock.DefaultConfig()
	Expect(err).NotTo(HaveOccurred())
	cfg.ResultStyle = mock.ResultString
	return cfg
}

// startMock serves the reference mock over plain HTTP, or over TLS.
func startMock(useTLS bool) *httptest.Server {
	GinkgoHelper()
	m, err := mock.New(mockConfig())
	Expect(err).NotTo(HaveOccurred())
	var s *httptest.Server
	if useTLS {
		s = httptest.NewTLSServer(m)
	} else {
		s = httptest.NewServer(m)
	}
	DeferCleanup(s.Close)
	return s
}

// running is a proxy served on a loopback port.
type running struct {
	*proxy.Proxy
	URL      string
	cassette string
	logs     *logBuffer
	server   *httptest.Server
	closed   bool
}

// startProxy serves a proxy for cfg; cfg.Cassette defaults to a new temporary file.
func startProxy(cfg proxy.Config) *running {
	GinkgoHelper()
	if cfg.Cassette == "" {
		cfg.Cassette = filepath.Join(GinkgoT().TempDir(), "cassettes", "test.yaml")
	}
	logs := &logBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(io.MultiWriter(logs, GinkgoWriter), nil))
	p, err := proxy.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	s := httptest.NewServer(p)
	r := &running{Proxy: p, URL: s.URL, cassette: cfg.Cassette, logs: logs, server: s}
	DeferCleanup(r.stop)
	return r
}

// stop closes the server, then the proxy, which flushes and closes the cassette.
func (r *running) stop() {
	GinkgoHelper()
	if r.closed {
		return
	}
	r.closed = true
	r.server.CloseClientConnections()
	r.server.Close()
	Expect(r.Close()).To(Succeed())
}

// load stops the proxy and reads its cassette with go-vcr v3's own loader.
func (r *running) load() *vcr.Cassette {
	GinkgoHelper()
	r.stop()
	return loadCassette(r.cassette)
}

func loadCassette(path string) *vcr.Cassette {
	GinkgoHelper()
	c, err := vcr.Load(strings.TrimSuffix(path, ".yaml"))
	Expect(err).NotTo(HaveOccurred(), "go-vcr v3's cassette.Load must read %s", path)
	return c
}

func readFile(path string) string {
	GinkgoHelper()
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// forwardClient is an HTTP client that goes through the forward proxy at proxyURL and
// trusts only roots.
func forwardClient(proxyURL string, roots *x509.CertPool) *http.Client {
	GinkgoHelper()
	u, err := url.Parse(proxyURL)
	Expect(err).NotTo(HaveOccurred())
	tr := &http.Transport{
		Proxy:              http.ProxyURL(u),
		TLSClientConfig:    &tls.Config{RootCAs: roots},
		DisableCompression: true,
	}
	DeferCleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// plainClient is an HTTP client with its own transport.
func plainClient() *http.Client {
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 100}
	DeferCleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// post sends an update with token auth and returns the status and body.
func post(c *http.Client, base, jobID, body string, header http.Header) (*http.Response, string) {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodPost, base+contract.UpdatePathFor(jobID), strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp, string(b)
}

// proxyErrorBody decodes a JSON error of the proxy itself.
func proxyErrorBody(body string) map[string]string {
	GinkgoHelper()
	var m map[string]string
	Expect(json.Unmarshal([]byte(body), &m)).To(Succeed(), "the proxy's own answers have a JSON body: %q", body)
	return m
}

// deadAddr returns a loopback address nobody listens on.
func deadAddr() string {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := ln.Addr().String()
	Expect(ln.Close()).To(Succeed())
	return addr
}

// serverRoots is a pool trusting the TLS test server s.
func serverRoots(s *httptest.Server) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.Certificate())
	return p
}

// startMockHandler serves h over plain HTTP and returns its URL.
func startMockHandler(h http.Handler) string {
	s := httptest.NewServer(h)
	DeferCleanup(s.Close)
	return s.URL
}

// readBody reads and closes a response body.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
