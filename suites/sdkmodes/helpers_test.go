package sdkmodes_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3/model"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/audit"
	"github.com/noticeconf/noticeconf/internal/sdkclient"
	"github.com/noticeconf/noticeconf/proxy"
)

// credential is how the SDK authenticates: AK/SK signing or an IAM token.
type credential string

const (
	akskCredential  credential = "AK/SK"
	tokenCredential credential = "token"
)

// undecodable is what the official SDK says about the object form of `result`.
const undecodable = "UpdateNoticeResponse.Result: ReadString"

// demo is the reference mock's demo configuration (fixtures/profile.json).
func demo(style mock.ResultStyle) mock.Config {
	GinkgoHelper()
	cfg, err := mock.DefaultConfig()
	Expect(err).NotTo(HaveOccurred())
	cfg.ResultStyle = style
	return cfg
}

// startMock serves the reference mock for cfg over plain HTTP, or over TLS.
func startMock(cfg mock.Config, useTLS bool) *httptest.Server {
	GinkgoHelper()
	m, err := mock.New(cfg)
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

// endpoint is where the SDK sends its requests: a base URL and, if not nil, the
// transport that carries them.
type endpoint struct {
	url       string
	transport http.RoundTripper
}

// recording is a recording proxy served on a loopback port.
type recording struct {
	proxy    *proxy.Proxy
	server   *httptest.Server
	cassette string
	stopped  bool
}

// startRecording serves a recording proxy for cfg, writing a new cassette in a
// temporary directory.
func startRecording(cfg proxy.Config) *recording {
	GinkgoHelper()
	cfg.Cassette = filepath.Join(GinkgoT().TempDir(), "sdk.yaml")
	cfg.Logger = slog.New(slog.NewTextHandler(GinkgoWriter, nil))
	p, err := proxy.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	r := &recording{proxy: p, server: httptest.NewServer(p), cassette: cfg.Cassette}
	DeferCleanup(r.stop)
	return r
}

// stop closes the server, then the proxy, which flushes and closes the cassette.
func (r *recording) stop() {
	GinkgoHelper()
	if r.stopped {
		return
	}
	r.stopped = true
	r.server.CloseClientConnections()
	r.server.Close()
	Expect(r.proxy.Close()).To(Succeed())
}

// reverseProxy records in front of upstream, in reverse mode: the SDK's endpoint
// is the proxy.
func reverseProxy(upstream *httptest.Server) (endpoint, *recording) {
	GinkgoHelper()
	r := startRecording(proxy.Config{Upstream: upstream.URL})
	return endpoint{url: r.server.URL}, r
}

// forwardProxy records in forward mode: the SDK keeps the upstream's HTTPS endpoint
// and goes through the proxy as HTTPS_PROXY would send it, trusting only the proxy's
// generated CA. The proxy trusts the upstream's test certificate.
func forwardProxy(upstream *httptest.Server) (endpoint, *recording) {
	GinkgoHelper()
	ca, err := proxy.LoadOrCreateCA(filepath.Join(GinkgoT().TempDir(), "ca"))
	Expect(err).NotTo(HaveOccurred())
	upstreamRoots := x509.NewCertPool()
	upstreamRoots.AddCert(upstream.Certificate())
	r := startRecording(proxy.Config{
		Forward:         true,
		CA:              ca,
		AllowHosts:      []string{"127.0.0.1"},
		UpstreamRootCAs: upstreamRoots,
	})
	proxyURL, err := url.Parse(r.server.URL)
	Expect(err).NotTo(HaveOccurred())
	tr := &http.Transport{
		Proxy:           http.ProxyURL(proxyURL),
		TLSClientConfig: &tls.Config{RootCAs: ca.CertPool(), MinVersion: tls.VersionTLS12},
	}
	DeferCleanup(tr.CloseIdleConnections)
	return endpoint{url: upstream.URL, transport: tr}, r
}

// updateNotice calls UpdateNotice through the official SDK at e with the demo
// credential cred.
func updateNotice(e endpoint, cfg mock.Config, cred credential, events ...string) (*model.UpdateNoticeResponse, error) {
	GinkgoHelper()
	o := sdkclient.Options{Endpoint: e.url, Transport: e.transport}
	switch cred {
	case akskCredential:
		o.AK, o.SK = cfg.Credentials[0].AK, cfg.Credentials[0].SK
	case tokenCredential:
		o.Token = cfg.Tokens[0]
	}
	c, err := sdkclient.New(o)
	Expect(err).NotTo(HaveOccurred())
	return c.UpdateNotice(&model.UpdateNoticeRequest{
		JobId: cfg.JobIDs[0],
		Body:  &model.UpdateNoticeRequestBody{NoticeType: "MAIL", EnabledEventTypeNames: events},
	})
}

// expectDecoded asserts a successful call whose `result` (the string form) decoded.
func expectDecoded(resp *model.UpdateNoticeResponse, err error, cfg mock.Config) {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred(), "the SDK must decode the string form of result")
	Expect(resp.HttpStatusCode).To(Equal(http.StatusOK))
	Expect(resp.Result).To(HaveValue(Equal(cfg.JobIDs[0])))
	Expect(resp.Status).To(HaveValue(Equal("success")))
	Expect(resp.Error).To(BeNil())
}

// expectUndecodable asserts exactly how the SDK fails on the object form of
// `result`: a ServiceResponseError with the 200 status and the decoder's message.
func expectUndecodable(resp *model.UpdateNoticeResponse, err error) {
	GinkgoHelper()
	Expect(err).To(HaveOccurred(), "the SDK cannot decode result as an object, yet it returned %+v", resp)
	var se *sdkerr.ServiceResponseError
	Expect(errors.As(err, &se)).To(BeTrue(), "want a *sdkerr.ServiceResponseError, got %T: %v", err, err)
	Expect(se.StatusCode).To(Equal(http.StatusOK))
	Expect(se.ErrorMessage).To(ContainSubstring(undecodable))
}

// expectAuditClean stops the recording and asserts its cassette holds n interactions
// and no secret: the audit finds nothing and no demo credential is in the file.
func expectAuditClean(r *recording, cfg mock.Config, n int) {
	GinkgoHelper()
	r.stop()
	rep, err := audit.Paths([]string{r.cassette}, audit.Options{})
	Expect(err).NotTo(HaveOccurred())
	Expect(rep.Interactions).To(Equal(n))
	Expect(rep.Findings).To(BeEmpty(), "the SDK-recorded cassette must pass the audit")
	b, err := os.ReadFile(r.cassette)
	Expect(err).NotTo(HaveOccurred())
	for _, secret := range []string{cfg.Tokens[0], cfg.Credentials[0].AK, cfg.Credentials[0].SK} {
		Expect(string(b)).NotTo(ContainSubstring(secret))
	}
}

// recordedURLs stops the recording and returns the URLs of its interactions, read
// with go-vcr v3's own loader.
func recordedURLs(r *recording) []string {
	GinkgoHelper()
	r.stop()
	c, err := vcr.Load(strings.TrimSuffix(r.cassette, ".yaml"))
	Expect(err).NotTo(HaveOccurred())
	var urls []string
	for _, i := range c.Interactions {
		urls = append(urls, i.Request.URL)
	}
	return urls
}

// proxyMode is how the recording proxy runs.
type proxyMode string

const (
	reverseMode proxyMode = "reverse"
	forwardMode proxyMode = "forward"
)

// outcome is what one UpdateNotice call returned.
type outcome struct {
	resp *model.UpdateNoticeResponse
	err  error
}

// call is updateNotice with the demo job and one enabled event, as an outcome.
func call(e endpoint, cfg mock.Config, cred credential) outcome {
	GinkgoHelper()
	resp, err := updateNotice(e, cfg, cred, "buildJobSuccess")
	return outcome{resp: resp, err: err}
}
