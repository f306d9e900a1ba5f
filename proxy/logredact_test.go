package proxy_test

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/proxy"
)

var _ = Describe("the forward proxy's log of a broken request inside a tunnel", func() {
	It("holds no secret of the request line or the Host", func() {
		const secret = "Zq-tunnel-secret-0001"
		ca, err := proxy.LoadOrCreateCA(filepath.Join(GinkgoT().TempDir(), "ca"))
		Expect(err).NotTo(HaveOccurred())
		p := startProxy(proxy.Config{Forward: true, CA: ca, AllowHosts: []string{"127.0.0.1"}})
		for _, broken := range []string{
			// No protocol version: the request line is in the read error.
			"GET /v3/jobs?access_token=" + secret + "\r\nHost: 127.0.0.1\r\n\r\n",
			// A Host that is no host: the URL made of it is in the parse error.
			"GET /v3/jobs?access_token=" + secret + " HTTP/1.1\r\nHost: 127.0.0.1 x\r\n\r\n",
		} {
			conn, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(conn.Close)
			Expect(conn.SetDeadline(time.Now().Add(10 * time.Second))).To(Succeed())
			_, err = fmt.Fprint(conn, "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n")
			Expect(err).NotTo(HaveOccurred())
			line, err := bufio.NewReader(conn).ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
			Expect(line).To(ContainSubstring("200"))
			tc := tls.Client(conn, &tls.Config{RootCAs: ca.CertPool(), ServerName: "127.0.0.1"})
			Expect(tc.Handshake()).To(Succeed())
			_, err = io.WriteString(tc, broken)
			Expect(err).NotTo(HaveOccurred())
			_, _ = io.ReadAll(tc) // the proxy closes the tunnel
		}
		Eventually(p.logs.String).WithTimeout(5*time.Second).Should(ContainSubstring("access_token"), "the broken requests are logged")
		Expect(p.logs.String()).NotTo(ContainSubstring(secret))
	})
})

var _ = Describe("the proxy's log and answer when the upstream speaks no HTTP", func() {
	It("holds no secret of the request the upstream echoed", func() {
		const secret = "Zq-echoed-line-secret-0001"
		// A TCP echo where the upstream should be: Go's transport quotes the echoed
		// request line as a malformed status line.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ln.Close)
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					line, _ := bufio.NewReader(c).ReadString('\n')
					_, _ = io.WriteString(c, line+"\r\n")
				}()
			}
		}()
		p := startProxy(proxy.Config{Upstream: "http://" + ln.Addr().String()})
		resp, err := plainClient().Post(p.URL+contract.UpdatePathFor(demoJob)+"?access_token="+secret, "application/json", strings.NewReader(updateBody))
		Expect(err).NotTo(HaveOccurred())
		b, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		body := string(b)
		Expect(resp.StatusCode).To(Equal(http.StatusBadGateway))
		Expect(p.logs.String()).To(ContainSubstring("malformed"), "the transport's error is logged")
		Expect(p.logs.String()).NotTo(ContainSubstring(secret))
		Expect(body).NotTo(ContainSubstring(secret))
	})
})
