package proxy_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/proxy"
)

// tokenHeader is the header set of an update sent with the demo token.
func tokenHeader() http.Header {
	return http.Header{contract.HeaderAuthToken: {demoToken}}
}

// expectProxyError checks an answer the proxy made itself: the status, the marker
// header, and a JSON body in the API's error shape whose message says what failed.
func expectProxyError(resp *http.Response, body string, status int, says string) {
	GinkgoHelper()
	Expect(resp).To(HaveHTTPStatus(status))
	Expect(resp).To(HaveHTTPHeaderWithValue(proxy.HeaderProxyError, "true"))
	Expect(resp).To(HaveHTTPHeaderWithValue("Content-Type", "application/json"))
	m := proxyErrorBody(body)
	Expect(m).To(HaveKeyWithValue("error_code", fmt.Sprintf("NOTICECONF.PROXY.%d", status)))
	Expect(m["error_msg"]).To(ContainSubstring(says))
}

var _ = Describe("Faults", func() {
	When("the upstream closes the connection in the middle of its response", func() {
		It("answers 502 with a JSON body saying the upstream broke off, and records nothing", func() {
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "1000")
				w.WriteHeader(http.StatusOK)
				_, _ = io.WriteString(w, `{"result":"cut`)
				w.(http.Flusher).Flush()
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					_ = conn.Close()
				}
			}))
			DeferCleanup(up.Close)
			p := startProxy(proxy.Config{Upstream: up.URL})
			resp, body := post(plainClient(), p.URL, demoJob, updateBody, tokenHeader())
			expectProxyError(resp, body, http.StatusBadGateway, "could not get an answer from the upstream")
			Expect(body).To(ContainSubstring("read the response"))
			Expect(p.load().Interactions).To(BeEmpty())
		})
	})

	When("the upstream sends no response headers within ResponseHeaderTimeout", func() {
		It("answers 504 with a JSON body saying the proxy timed out, and records nothing", func() {
			release := make(chan struct{})
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}))
			DeferCleanup(up.Close)
			DeferCleanup(func() { close(release) })
			p := startProxy(proxy.Config{Upstream: up.URL, ResponseHeaderTimeout: 300 * time.Millisecond})
			resp, body := post(plainClient(), p.URL, demoJob, updateBody, tokenHeader())
			expectProxyError(resp, body, http.StatusGatewayTimeout, "timed out waiting for the upstream")
			Expect(body).To(ContainSubstring("300ms"))
			Expect(p.load().Interactions).To(BeEmpty())
		})

		It("answers 504 for traffic it does not record too", func() {
			release := make(chan struct{})
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}))
			DeferCleanup(up.Close)
			DeferCleanup(func() { close(release) })
			p := startProxy(proxy.Config{Upstream: up.URL, ResponseHeaderTimeout: 300 * time.Millisecond})
			resp, err := plainClient().Get(p.URL + "/v3/other")
			Expect(err).NotTo(HaveOccurred())
			body, err := readBody(resp)
			Expect(err).NotTo(HaveOccurred())
			expectProxyError(resp, string(body), http.StatusGatewayTimeout, "timed out")
		})
	})

	When("no ResponseHeaderTimeout is set", func() {
		It("uses DefaultResponseHeaderTimeout, a minute", func() {
			Expect(proxy.DefaultResponseHeaderTimeout).To(Equal(time.Minute))
		})
	})

	When("a request body is over MaxBodyBytes", func() {
		It("answers 413 with a JSON body, never calls the upstream, and records nothing", func() {
			var calls atomic.Int64
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
			}))
			DeferCleanup(up.Close)
			p := startProxy(proxy.Config{Upstream: up.URL, MaxBodyBytes: 1024})
			big := `{"notice_type":"MAIL","param_config":"` + strings.Repeat("x", 2048) + `"}`
			resp, body := post(plainClient(), p.URL, demoJob, big, tokenHeader())
			expectProxyError(resp, body, http.StatusRequestEntityTooLarge, "over the recording limit of 1024 bytes")
			Expect(calls.Load()).To(BeZero())
			Expect(p.load().Interactions).To(BeEmpty())
		})

		It("still passes a body of exactly the limit", func() {
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				_, _ = io.WriteString(w, `{"status":"success"}`)
			}))
			DeferCleanup(up.Close)
			body := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`
			p := startProxy(proxy.Config{Upstream: up.URL, MaxBodyBytes: int64(len(body))})
			resp, _ := post(plainClient(), p.URL, demoJob, body, tokenHeader())
			Expect(resp).To(HaveHTTPStatus(http.StatusOK))
			Expect(p.load().Interactions).To(HaveLen(1))
		})
	})

	When("a response body is over MaxBodyBytes", func() {
		It("passes it on whole, unrecorded, and logs a warning", func() {
			big := strings.Repeat("y", 4096)
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, big)
			}))
			DeferCleanup(up.Close)
			p := startProxy(proxy.Config{Upstream: up.URL, MaxBodyBytes: 1024})
			resp, body := post(plainClient(), p.URL, demoJob, updateBody, tokenHeader())
			Expect(resp).To(HaveHTTPStatus(http.StatusOK))
			Expect(body).To(Equal(big))
			Expect(p.load().Interactions).To(BeEmpty())
			Expect(p.logs.String()).To(ContainSubstring("over the recording limit"))
		})
	})

	When("the cassette's directory cannot be written", func() {
		It("fails at start with an error naming the cassette, rather than losing interactions later", func() {
			file := filepath.Join(GinkgoT().TempDir(), "a-file")
			Expect(os.WriteFile(file, []byte("x"), 0o644)).To(Succeed())
			_, err := proxy.New(proxy.Config{Upstream: "http://127.0.0.1:1", Cassette: filepath.Join(file, "sub", "c.yaml")})
			Expect(err).To(MatchError(ContainSubstring("cannot write the cassette")))
			Expect(err).To(MatchError(ContainSubstring(filepath.Join(file, "sub", "c.yaml"))))
		})

		It("fails at start on a directory nobody may create files in, root included", func() {
			// /proc refuses new files to every user, so this holds when tests run as root.
			_, err := proxy.New(proxy.Config{Upstream: "http://127.0.0.1:1", Cassette: "/proc/noticeconf-cassette.yaml"})
			Expect(err).To(MatchError(ContainSubstring("cannot write the cassette")))
			Expect(err).To(MatchError(ContainSubstring("/proc/noticeconf-cassette.yaml")))
		})
	})
})

var _ = Describe("noticeconf record faults", func() {
	When("the cassette's directory cannot be written", func() {
		It("exits 2 at start with a clear error", func() {
			file := filepath.Join(GinkgoT().TempDir(), "a-file")
			Expect(os.WriteFile(file, []byte("x"), 0o644)).To(Succeed())
			s := noticeconf("record", "--upstream", "http://127.0.0.1:1", "--cassette", filepath.Join(file, "c.yaml"), "--listen", "127.0.0.1:0")
			Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(2))
			Expect(s.Err).To(gbytes.Say("cannot write the cassette"))
			Expect(s.Out.Contents()).NotTo(ContainSubstring("listening on"))
		})
	})

	When("it gets SIGINT while requests are in flight", func() {
		It("lets them finish, records every one, and exits 0", func() {
			const n = 8
			var (
				arrived = make(chan struct{}, n)
				release = make(chan struct{})
				once    sync.Once
			)
			m := startMock(false)
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.HasPrefix(r.URL.Path, contract.NoticePrefix) {
					return // the probe below
				}
				arrived <- struct{}{}
				<-release
				// Answer as the reference mock does.
				r.URL.Scheme, r.URL.Host = "http", strings.TrimPrefix(m.URL, "http://")
				resp, err := http.DefaultTransport.RoundTrip(r.Clone(r.Context()))
				if err != nil {
					w.WriteHeader(http.StatusTeapot)
					return
				}
				defer resp.Body.Close()
				for k, vs := range resp.Header {
					w.Header()[k] = vs
				}
				w.WriteHeader(resp.StatusCode)
				_, _ = io.Copy(w, resp.Body)
			}))
			DeferCleanup(up.Close)
			DeferCleanup(func() { once.Do(func() { close(release) }) })

			path := filepath.Join(GinkgoT().TempDir(), "sigint.yaml")
			s := noticeconf("record", "--upstream", up.URL, "--cassette", path, "--listen", "127.0.0.1:0")
			Eventually(s.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`listening on http://\S+\n`))
			base := listeningRE.FindStringSubmatch(string(s.Out.Contents()))[1]

			client := plainClient()
			statuses := make(chan int, n)
			for k := range n {
				go func() {
					defer GinkgoRecover()
					body := fmt.Sprintf(`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"],"param_config":"inflight-%d"}`+"\n", k)
					req, err := http.NewRequest(http.MethodPost, base+contract.UpdatePathFor(demoJob), strings.NewReader(body))
					Expect(err).NotTo(HaveOccurred())
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set(contract.HeaderAuthToken, demoToken)
					resp, err := client.Do(req)
					if err != nil {
						statuses <- -1
						return
					}
					_, _ = readBody(resp)
					statuses <- resp.StatusCode
				}()
			}
			for range n {
				Eventually(arrived).WithTimeout(30 * time.Second).Should(Receive())
			}
			s.Interrupt()
			// The proxy stops accepting connections before it exits: wait for that,
			// so the requests are released only once the shutdown is under way.
			probe := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
			Eventually(func() error {
				c, err := probe.Get(base + "/probe")
				if err == nil {
					_ = c.Body.Close()
				}
				return err
			}).WithTimeout(15 * time.Second).Should(HaveOccurred())
			Consistently(s).WithTimeout(200*time.Millisecond).ShouldNot(gexec.Exit(), "it must wait for the requests in flight")
			once.Do(func() { close(release) })
			for range n {
				Expect(<-statuses).To(Equal(http.StatusOK))
			}
			Eventually(s).WithTimeout(15 * time.Second).Should(gexec.Exit(0))
			Expect(s.Out).To(gbytes.Say(fmt.Sprintf("holds %d interaction", n)))
			c := loadCassette(path)
			Expect(c.Interactions).To(HaveLen(n))
			seen := map[string]bool{}
			for _, i := range c.Interactions {
				Expect(i.Response.Code).To(Equal(http.StatusOK))
				Expect(i.Request.Headers.Get(contract.HeaderAuthToken)).NotTo(Equal(demoToken))
				for k := range n {
					if strings.Contains(i.Request.Body, fmt.Sprintf("inflight-%d\"", k)) {
						seen[fmt.Sprint(k)] = true
					}
				}
			}
			Expect(seen).To(HaveLen(n), "each request in flight must be recorded")
		})
	})
})
