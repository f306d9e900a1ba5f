package proxy_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/serve"
	"github.com/noticeconf/noticeconf/proxy"
)

// gzipBomb is a small gzip stream of n zero bytes.
func gzipBomb(n int) []byte {
	GinkgoHelper()
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	Expect(err).NotTo(HaveOccurred())
	_, err = zw.Write(make([]byte, n))
	Expect(err).NotTo(HaveOccurred())
	Expect(zw.Close()).To(Succeed())
	return b.Bytes()
}

var _ = Describe("Bounds on what a client or upstream can make the proxy hold", func() {
	const limit = 1 << 20

	When("a gzip request body decompresses to more than the body limit (a compression bomb)", func() {
		It("answers 413 with a JSON body, sends nothing upstream and records nothing", func() {
			reached := 0
			up := startMockHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++ }))
			p := startProxy(proxy.Config{Upstream: up, MaxBodyBytes: limit})
			bomb := gzipBomb(16 * limit)
			Expect(len(bomb)).To(BeNumerically("<", limit/16), "the bomb itself is small")
			resp, body := post(plainClient(), p.URL, demoJob, string(bomb), http.Header{contract.HeaderAuthToken: {demoToken}, "Content-Encoding": {"gzip"}})
			expectProxyError(resp, body, http.StatusRequestEntityTooLarge, "decompresses to more than the recording limit")
			Expect(reached).To(BeZero())
			Expect(p.load().Interactions).To(BeEmpty())
		})
	})

	When("the upstream's gzip answer decompresses to more than the body limit", func() {
		It("answers 502 with a JSON body and records nothing", func() {
			bomb := gzipBomb(16 * limit)
			up := startMockHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(bomb)
			}))
			p := startProxy(proxy.Config{Upstream: up, MaxBodyBytes: limit})
			resp, body := post(plainClient(), p.URL, demoJob, updateBody, tokenHeader())
			expectProxyError(resp, body, http.StatusBadGateway, "decompresses to more than the recording limit")
			Expect(p.load().Interactions).To(BeEmpty())
		})
	})

	When("the bodies in flight hold the whole buffer budget", func() {
		It("answers 503 with Retry-After to the request that would pass it, and serves the others", func() {
			release := make(chan struct{})
			arrived := make(chan struct{}, 4)
			up := startMockHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				arrived <- struct{}{}
				<-release
				_, _ = io.WriteString(w, `{"status":"success"}`)
			}))
			p := startProxy(proxy.Config{Upstream: up, MaxBodyBytes: limit, MaxBufferBytes: 3 * limit / 2})
			big := strings.Repeat("b", limit)
			first := make(chan int, 1)
			go func() {
				defer GinkgoRecover()
				resp, _ := post(plainClient(), p.URL, demoJob, big, tokenHeader())
				first <- resp.StatusCode
			}()
			Eventually(arrived).WithTimeout(30 * time.Second).Should(Receive())
			resp, body := post(plainClient(), p.URL, demoJob, big, tokenHeader())
			expectProxyError(resp, body, http.StatusServiceUnavailable, "buffer budget")
			Expect(resp.Header.Get("Retry-After")).NotTo(BeEmpty())
			close(release)
			Eventually(first).WithTimeout(30 * time.Second).Should(Receive(Equal(http.StatusOK)))
			resp, _ = post(plainClient(), p.URL, demoJob, big, tokenHeader())
			Expect(resp.StatusCode).To(Equal(http.StatusOK), "the budget is given back once an answer is passed on")
			Expect(p.load().Interactions).To(HaveLen(2))
		})
	})

	When("a client tunnels to ever new subdomains of an allowed domain", func() {
		It("keeps at most MaxCachedLeaves leaf certificates", func() {
			ca, err := proxy.LoadOrCreateCA(filepath.Join(GinkgoT().TempDir(), "ca"))
			Expect(err).NotTo(HaveOccurred())
			for n := range proxy.MaxCachedLeaves + 50 {
				Expect(ca.Leaf(fmt.Sprintf("h%d.myhuaweicloud.com", n))).To(Succeed())
			}
			Expect(ca.CachedLeaves()).To(Equal(proxy.MaxCachedLeaves))
		})
	})

	When("clients open CONNECT tunnels and then send nothing", func() {
		It("closes each after the idle timeout, and shuts down within its deadline with tunnels open", func() {
			ca, err := proxy.LoadOrCreateCA(filepath.Join(GinkgoT().TempDir(), "ca"))
			Expect(err).NotTo(HaveOccurred())
			pr, err := proxy.New(proxy.Config{Forward: true, CA: ca, Cassette: filepath.Join(GinkgoT().TempDir(), "c.yaml")})
			Expect(err).NotTo(HaveOccurred())
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			srv, conns := serve.NewServer(pr, serve.Options{IdleTimeout: 300 * time.Millisecond})
			go func() { _ = srv.Serve(conns.Listener(ln)) }()

			const silent = 20
			tunnels := make([]net.Conn, silent)
			for n := range tunnels {
				c, err := net.Dial("tcp", ln.Addr().String())
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(c.Close)
				_, err = fmt.Fprintf(c, "CONNECT cloudbuild-ext.cn-north-4.myhuaweicloud.com:443 HTTP/1.1\r\nHost: cloudbuild-ext.cn-north-4.myhuaweicloud.com:443\r\n\r\n")
				Expect(err).NotTo(HaveOccurred())
				line, err := bufio.NewReader(c).ReadString('\n')
				Expect(err).NotTo(HaveOccurred())
				Expect(line).To(ContainSubstring("200"))
				tunnels[n] = c
			}
			for _, c := range tunnels {
				Expect(c.SetReadDeadline(time.Now().Add(30 * time.Second))).To(Succeed())
				_, err := io.ReadAll(c)
				Expect(err).NotTo(HaveOccurred(), "the proxy closes the silent tunnel (EOF), long before the client's own deadline")
			}
			Eventually(conns.Open).WithTimeout(10 * time.Second).Should(BeZero())

			// Open tunnels again, then shut down: they are closed by the deadline.
			for range 5 {
				c, err := net.Dial("tcp", ln.Addr().String())
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(c.Close)
				_, err = fmt.Fprintf(c, "CONNECT cloudbuild-ext.cn-north-4.myhuaweicloud.com:443 HTTP/1.1\r\nHost: x\r\n\r\n")
				Expect(err).NotTo(HaveOccurred())
			}
			Eventually(conns.Open).WithTimeout(10 * time.Second).Should(Equal(5))
			done := make(chan error, 1)
			go func() { done <- serve.Shutdown(srv, conns, 2*time.Second) }()
			Eventually(done).WithTimeout(20 * time.Second).Should(Receive())
			Expect(conns.Open()).To(BeZero())
			Expect(pr.Close()).To(Succeed())
			_, err = cassette.LoadFile(pr.Cassette())
			Expect(err).NotTo(HaveOccurred())
		})
	})
})
