package proxy_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3/model"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/sdkclient"
	"github.com/noticeconf/noticeconf/proxy"
)

var _ = Describe("Reverse mode", func() {
	var (
		upstream *httptest.Server
		p        *running
	)

	BeforeEach(func() {
		upstream = startMock(false)
		p = startProxy(proxy.Config{Upstream: upstream.URL})
	})

	When("a net/http client sends an update with a token", func() {
		It("passes the answer on and records the interaction byte for byte, token redacted, in a cassette go-vcr loads", func() {
			resp, body := post(plainClient(), p.URL, demoJob, updateBody, http.Header{contract.HeaderAuthToken: {demoToken}})
			// The mock accepted the live token: redaction never touches live traffic.
			Expect(resp).To(HaveHTTPStatus(http.StatusOK))

			c := p.load()
			Expect(c.Interactions).To(HaveLen(1))
			i := c.Interactions[0]
			Expect(i.ID).To(Equal(0))
			Expect(i.Request.Method).To(Equal(http.MethodPost))
			Expect(i.Request.URL).To(Equal(upstream.URL + contract.UpdatePathFor(demoJob)))
			Expect(i.Request.Body).To(Equal(updateBody), "the request body, trailing newline included, must be recorded byte for byte")
			Expect(i.Request.Headers.Get(contract.HeaderAuthToken)).To(Equal(cassette.Redacted))
			Expect(cassette.AuthKindOf(i.Request.Headers)).To(Equal(cassette.AuthToken))
			Expect(i.Response.Code).To(Equal(http.StatusOK))
			Expect(i.Response.Body).To(Equal(body), "the response body must be recorded as the client got it")
			Expect(i.Response.Duration).To(BeNumerically(">", 0))
			Expect(readFile(p.cassette)).NotTo(ContainSubstring(demoToken))
			Expect(p.logs.String()).To(ContainSubstring("path=" + contract.UpdatePathFor(demoJob)))
			Expect(p.logs.String()).To(ContainSubstring("status=200"))
		})
	})

	When("a client has received its response", func() {
		It("finds the interaction already on disk, in a file that parses, while the proxy still runs", func() {
			for n := range 3 {
				resp, _ := post(plainClient(), p.URL, demoJob, updateBody, http.Header{contract.HeaderAuthToken: {demoToken}})
				Expect(resp).To(HaveHTTPStatus(http.StatusOK))
				Expect(loadCassette(p.cassette).Interactions).To(HaveLen(n+1), "no Close, no flush: the file must already hold it")
			}
		})
	})

	When("the official SDK signs its requests with AK/SK", func() {
		It("records them with the Authorization header's shape kept and AK and signature redacted", func() {
			client, err := sdkclient.New(sdkclient.Options{Endpoint: p.URL, AK: demoAK, SK: demoSK})
			Expect(err).NotTo(HaveOccurred())
			_, err = client.UpdateNotice(&model.UpdateNoticeRequest{
				JobId: demoJob,
				Body:  &model.UpdateNoticeRequestBody{NoticeType: "MAIL", EnabledEventTypeNames: []string{"buildJobSuccess"}},
			})
			Expect(err).NotTo(HaveOccurred(), "the mock must accept the SDK's signature through the proxy")

			c := p.load()
			Expect(c.Interactions).To(HaveLen(1))
			i := c.Interactions[0]
			Expect(cassette.AuthKindOf(i.Request.Headers)).To(Equal(cassette.AuthAKSK))
			Expect(i.Request.Headers.Get("Authorization")).To(MatchRegexp(`^SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=[a-z;-]+, Signature=REDACTED$`))
			Expect(i.Request.Body).To(HaveSuffix("\n"), "the SDK's trailing newline must be kept")
			Expect(i.Request.Headers.Get("X-Sdk-Date")).NotTo(BeEmpty())
			Expect(readFile(p.cassette)).NotTo(ContainSubstring(demoAK))
		})
	})

	When("a request is not for a notice endpoint", func() {
		It("passes it through without recording it", func() {
			resp, err := plainClient().Get(p.URL + "/v3/somewhere/else")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Body.Close()).To(Succeed())
			Expect(resp.Header.Get(proxy.HeaderProxyError)).To(BeEmpty(), "the answer is the upstream's")
			Expect(p.load().Interactions).To(BeEmpty())
		})
	})

	When("500 clients send at once", func() {
		It("records exactly 500 interactions, each response with its own request", func() {
			echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Echo", r.Header.Get("X-Marker"))
				fmt.Fprintf(w, `{"echo":%q}`, b)
			}))
			DeferCleanup(echo.Close)
			ep := startProxy(proxy.Config{Upstream: echo.URL})
			client := plainClient()
			const n = 500
			var wg sync.WaitGroup
			for k := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer GinkgoRecover()
					marker := fmt.Sprintf("marker-%03d", k)
					resp, body := post(client, ep.URL, demoJob, marker, http.Header{"X-Marker": {marker}, contract.HeaderAuthToken: {demoToken}})
					Expect(resp).To(HaveHTTPStatus(http.StatusOK))
					Expect(body).To(Equal(fmt.Sprintf(`{"echo":%q}`, marker)))
				}()
			}
			wg.Wait()
			c := ep.load()
			Expect(c.Interactions).To(HaveLen(n))
			seen := map[string]bool{}
			for pos, i := range c.Interactions {
				Expect(i.ID).To(Equal(pos))
				marker := i.Request.Body
				Expect(seen).NotTo(HaveKey(marker), "each request is recorded once")
				seen[marker] = true
				Expect(i.Request.Headers.Get("X-Marker")).To(Equal(marker))
				Expect(i.Response.Body).To(Equal(fmt.Sprintf(`{"echo":%q}`, marker)), "interaction %d pairs a response with another request", i.ID)
				Expect(i.Response.Headers.Get("X-Echo")).To(Equal(marker))
			}
			Expect(seen).To(HaveLen(n))
		})
	})

	When("the upstream answers with gzip", func() {
		It("hands the client the gzip bytes and records the body decoded with consistent headers", func() {
			plain := `{"result":"ok","error":null,"status":"success"}` + "\n"
			var zipped bytes.Buffer
			zw := gzip.NewWriter(&zipped)
			_, err := zw.Write([]byte(plain))
			Expect(err).NotTo(HaveOccurred())
			Expect(zw.Close()).To(Succeed())
			gz := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(zipped.Bytes())
			}))
			DeferCleanup(gz.Close)
			gp := startProxy(proxy.Config{Upstream: gz.URL})
			resp, body := post(plainClient(), gp.URL, demoJob, updateBody, http.Header{"Accept-Encoding": {"gzip"}})
			Expect(resp).To(HaveHTTPHeaderWithValue("Content-Encoding", "gzip"))
			Expect([]byte(body)).To(Equal(zipped.Bytes()), "the live response must not be altered")

			i := gp.load().Interactions[0]
			Expect(i.Response.Body).To(Equal(plain))
			Expect(i.Response.Headers.Get("Content-Encoding")).To(BeEmpty())
			Expect(i.Response.Headers.Get("Content-Length")).To(Equal(fmt.Sprint(len(plain))))
			Expect(i.Response.ContentLength).To(BeEquivalentTo(len(plain)))
		})
	})

	When("the upstream is unreachable", func() {
		It("answers 502 with a JSON body saying the proxy, not the API, failed, and records nothing", func() {
			dp := startProxy(proxy.Config{Upstream: "http://" + deadAddr()})
			resp, body := post(plainClient(), dp.URL, demoJob, updateBody, http.Header{contract.HeaderAuthToken: {demoToken}})
			Expect(resp).To(HaveHTTPStatus(http.StatusBadGateway))
			Expect(resp).To(HaveHTTPHeaderWithValue(proxy.HeaderProxyError, "true"))
			e := proxyErrorBody(body)
			Expect(e["error_msg"]).To(ContainSubstring("recording proxy"))
			Expect(e["error_msg"]).To(ContainSubstring("the API did not answer"))
			Expect(dp.load().Interactions).To(BeEmpty())
		})
	})

	When("the cassette already exists", func() {
		var path string

		BeforeEach(func() {
			path = p.cassette
			post(plainClient(), p.URL, demoJob, updateBody, http.Header{contract.HeaderAuthToken: {demoToken}})
			p.stop()
		})

		It("refuses to record over it without Force", func() {
			_, err := proxy.New(proxy.Config{Upstream: upstream.URL, Cassette: path})
			Expect(err).To(MatchError(ContainSubstring("--force")))
			Expect(loadCassette(path).Interactions).To(HaveLen(1))
		})

		It("starts it anew with Force", func() {
			fp := startProxy(proxy.Config{Upstream: upstream.URL, Cassette: path, Force: true})
			Expect(fp.load().Interactions).To(BeEmpty())
		})

		It("adds to it in ModeAppend, numbering on", func() {
			ap := startProxy(proxy.Config{Upstream: upstream.URL, Cassette: path, Mode: proxy.ModeAppend})
			post(plainClient(), ap.URL, demoJob, strings.Replace(updateBody, "MAIL", "WECOM", 1), http.Header{contract.HeaderAuthToken: {demoToken}})
			c := ap.load()
			Expect(c.Interactions).To(HaveLen(2))
			Expect(c.Interactions[1].ID).To(Equal(1))
			Expect(c.Interactions[1].Request.Body).To(ContainSubstring("WECOM"))
		})
	})
})
