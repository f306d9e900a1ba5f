package proxy_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3/model"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/sdkclient"
	"github.com/noticeconf/noticeconf/proxy"
)

var _ = Describe("Forward mode", func() {
	var (
		upstream *httptest.Server
		ca       *proxy.CA
		p        *running
		client   *http.Client
	)

	BeforeEach(func() {
		upstream = startMock(true)
		var err error
		ca, err = proxy.LoadOrCreateCA(filepath.Join(GinkgoT().TempDir(), "ca"))
		Expect(err).NotTo(HaveOccurred())
		p = startProxy(proxy.Config{Forward: true, CA: ca, AllowHosts: []string{"127.0.0.1"}, UpstreamRootCAs: serverRoots(upstream)})
		client = forwardClient(p.URL, ca.CertPool())
	})

	When("a net/http client goes through HTTPS_PROXY to an allowed host", func() {
		It("intercepts TLS with the generated CA and records the interaction in a cassette go-vcr loads", func() {
			resp, body := post(client, upstream.URL, demoJob, updateBody, http.Header{contract.HeaderAuthToken: {demoToken}})
			Expect(resp).To(HaveHTTPStatus(http.StatusOK))
			Expect(resp.TLS).NotTo(BeNil())
			Expect(resp.TLS.PeerCertificates[0].Issuer.CommonName).To(Equal(ca.Certificate().Subject.CommonName),
				"the client must see a certificate signed by the generated CA, never goproxy's")

			c := p.load()
			Expect(c.Interactions).To(HaveLen(1))
			i := c.Interactions[0]
			Expect(i.Request.URL).To(Equal(upstream.URL + contract.UpdatePathFor(demoJob)))
			Expect(i.Request.Body).To(Equal(updateBody))
			Expect(i.Request.Headers.Get(contract.HeaderAuthToken)).To(Equal(cassette.Redacted))
			Expect(i.Response.Body).To(Equal(body))
			Expect(readFile(p.cassette)).NotTo(ContainSubstring(demoToken))
		})

		It("serves the same cached certificate for the host on a new connection", func() {
			serial := func() string {
				c := forwardClient(p.URL, ca.CertPool())
				resp, err := c.Get(upstream.URL + contract.QueryPathFor(demoJob))
				Expect(err).NotTo(HaveOccurred())
				Expect(resp.Body.Close()).To(Succeed())
				return resp.TLS.PeerCertificates[0].SerialNumber.String()
			}
			Expect(serial()).To(Equal(serial()))
		})
	})

	When("the official SDK goes through the proxy", func() {
		It("records its AK/SK-signed update", func() {
			sdk, err := sdkclient.New(sdkclient.Options{Endpoint: upstream.URL, AK: demoAK, SK: demoSK, Transport: client.Transport})
			Expect(err).NotTo(HaveOccurred())
			_, err = sdk.UpdateNotice(&model.UpdateNoticeRequest{
				JobId: demoJob,
				Body:  &model.UpdateNoticeRequestBody{NoticeType: "MAIL", EnabledEventTypeNames: []string{"buildJobSuccess"}},
			})
			Expect(err).NotTo(HaveOccurred())
			c := p.load()
			Expect(c.Interactions).To(HaveLen(1))
			Expect(cassette.AuthKindOf(c.Interactions[0].Request.Headers)).To(Equal(cassette.AuthAKSK))
			Expect(c.Interactions[0].Request.Body).To(HaveSuffix("\n"))
			Expect(readFile(p.cassette)).NotTo(ContainSubstring(demoAK))
		})
	})

	When("a host is not on the allow-list", func() {
		It("refuses a CONNECT to it with 403 and a JSON body saying why", func() {
			conn, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(conn.Close)
			_, err = fmt.Fprint(conn, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
			Expect(err).NotTo(HaveOccurred())
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(HaveHTTPStatus(http.StatusForbidden))
			b, err := io.ReadAll(resp.Body)
			Expect(err).NotTo(HaveOccurred())
			Expect(proxyErrorBody(string(b))["error_msg"]).To(ContainSubstring("example.com:443 is not on the recording proxy's allow-list"))
		})

		It("refuses a plain HTTP proxy request to it with 403", func() {
			resp, body := post(client, "http://example.com", demoJob, updateBody, nil)
			Expect(resp).To(HaveHTTPStatus(http.StatusForbidden))
			Expect(proxyErrorBody(body)["error_msg"]).To(ContainSubstring("allow-list"))
		})

		It("refuses a request inside an allowed tunnel whose Host names it", func() {
			req, err := http.NewRequest(http.MethodGet, upstream.URL+contract.QueryPathFor(demoJob), nil)
			Expect(err).NotTo(HaveOccurred())
			req.Host = "example.com"
			resp, err := client.Do(req)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Body.Close()).To(Succeed())
			Expect(resp).To(HaveHTTPStatus(http.StatusForbidden))
		})

		It("allows the vendor's hosts by default", func() {
			Expect(proxy.DefaultAllowHost).To(Equal("*.myhuaweicloud.com"))
		})
	})

	When("the upstream is unreachable", func() {
		It("answers 502 with a JSON body saying the proxy failed", func() {
			resp, body := post(client, "https://"+deadAddr(), demoJob, updateBody, nil)
			Expect(resp).To(HaveHTTPStatus(http.StatusBadGateway))
			Expect(proxyErrorBody(body)["error_msg"]).To(ContainSubstring("the API did not answer"))
			Expect(p.load().Interactions).To(BeEmpty())
		})
	})

	When("the upstream's certificate is not trusted", func() {
		It("answers 502 rather than talk to it", func() {
			up := startProxy(proxy.Config{Forward: true, CA: ca, AllowHosts: []string{"127.0.0.1"}})
			resp, body := post(forwardClient(up.URL, ca.CertPool()), upstream.URL, demoJob, updateBody, http.Header{contract.HeaderAuthToken: {demoToken}})
			Expect(resp).To(HaveHTTPStatus(http.StatusBadGateway))
			Expect(proxyErrorBody(body)["error_msg"]).To(ContainSubstring("certificate"))
		})

		It("talks to it with InsecureUpstream, and warns", func() {
			up := startProxy(proxy.Config{Forward: true, CA: ca, AllowHosts: []string{"127.0.0.1"}, InsecureUpstream: true})
			resp, _ := post(forwardClient(up.URL, ca.CertPool()), upstream.URL, demoJob, updateBody, http.Header{contract.HeaderAuthToken: {demoToken}})
			Expect(resp).To(HaveHTTPStatus(http.StatusOK))
			Expect(up.logs.String()).To(ContainSubstring("NOT verified"))
		})
	})

	When("a request is not a proxy request and no upstream is set", func() {
		It("answers 400 with a JSON body", func() {
			resp, body := post(plainClient(), p.URL, demoJob, updateBody, nil)
			Expect(resp).To(HaveHTTPStatus(http.StatusBadRequest))
			Expect(proxyErrorBody(body)["error_msg"]).To(ContainSubstring("forward proxy"))
		})
	})
})
