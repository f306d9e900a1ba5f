package proxy_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/fixtures/mock"
)

// slowClients opens n connections to addr that each send the headers of an update
// and one byte of its body, then nothing.
func slowClients(addr string, n int) {
	GinkgoHelper()
	for range n {
		c, err := net.Dial("tcp", addr)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(c.Close)
		_, err = fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%s: %s\r\nContent-Length: 100000\r\n\r\n{",
			contract.UpdatePathFor(demoJob), contract.HeaderAuthToken, demoToken)
		Expect(err).NotTo(HaveOccurred())
	}
}

var _ = Describe("Servers and hostile clients", func() {
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM} {
		When(fmt.Sprintf("noticeconf record gets %v while slow clients hold requests open", sig), func() {
			It("stops within its shutdown deadline, exit 0, and the cassette holds every answered interaction", func() {
				up := startMock(false)
				path := filepath.Join(GinkgoT().TempDir(), "slow.yaml")
				s := noticeconf("record", "--upstream", up.URL, "--cassette", path, "--listen", "127.0.0.1:0",
					"--read-timeout", "1h", "--write-timeout", "2h", "--shutdown-timeout", "1s")
				Eventually(s.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`listening on http://\S+\n`))
				base := listeningRE.FindStringSubmatch(string(s.Out.Contents()))[1]
				slowClients(base[len("http://"):], 20)
				// Answered after the slow clients connected: the server, which accepts in
				// order, holds all of them by now.
				for range 3 {
					resp, _ := post(plainClient(), base, demoJob, updateBody, tokenHeader())
					Expect(resp.StatusCode).To(Equal(200))
				}
				s.Signal(sig)
				Eventually(s).WithTimeout(15*time.Second).Should(gexec.Exit(0), "a slow client must not keep the recorder alive past its shutdown deadline")
				Expect(s.Err).To(gbytes.Say("cut off"))
				f, err := cassette.LoadFile(path)
				Expect(err).NotTo(HaveOccurred())
				Expect(f.Interactions).To(HaveLen(3))
			})
		})
	}

	When("200 connections to noticeconf replay send nothing or half a request", func() {
		It("closes every one after its timeouts", func() {
			s := noticeconf("replay", "--cassette", "../cassettes/seed-example.yaml", "--listen", "127.0.0.1:0",
				"--read-header-timeout", "300ms", "--idle-timeout", "300ms")
			Eventually(s.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`listening on http://\S+\n`))
			addr := listeningRE.FindStringSubmatch(string(s.Out.Contents()))[1][len("http://"):]
			conns := make([]net.Conn, 200)
			for n := range conns {
				c, err := net.Dial("tcp", addr)
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(c.Close)
				if n%2 == 1 {
					_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
				}
				conns[n] = c
			}
			for n, c := range conns {
				Expect(c.SetReadDeadline(time.Now().Add(30 * time.Second))).To(Succeed())
				_, err := io.ReadAll(c)
				if ne, ok := err.(net.Error); ok {
					Expect(ne.Timeout()).To(BeFalse(), "connection %d was never closed by the replay server", n)
				}
			}
			s.Interrupt()
			Eventually(s).WithTimeout(15 * time.Second).Should(gexec.Exit(0))
		})
	})

	When("a duration flag is negative", func() {
		It("refuses it with exit 2, for every command that takes one", func() {
			for _, args := range [][]string{
				{"mock", "--latency", "-1s"},
				{"mock", "--idle-timeout", "-1s"},
				{"replay", "--cassette", "../cassettes/seed-example.yaml", "--read-timeout", "-5s"},
				{"record", "--upstream", "http://127.0.0.1:1", "--cassette", filepath.Join(GinkgoT().TempDir(), "n.yaml"), "--response-header-timeout", "-1s"},
				{"verify", "--timeout", "-1s"},
			} {
				s := noticeconf(args...)
				Eventually(s).WithTimeout(30*time.Second).Should(gexec.Exit(2), "%v", args)
				Expect(s.Err).To(gbytes.Say("negative|positive"), "%v", args)
			}
		})
	})
})

var _ = Describe("noticeconf verify and signals", func() {
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM} {
		When(fmt.Sprintf("it gets %v while a check waits on a target that stopped answering", sig), func() {
			It("stops at once with exit 130 and says there is no verdict", func() {
				m, err := mock.New(mockConfig())
				Expect(err).NotTo(HaveOccurred())
				var served atomic.Int64
				target := startMockHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if served.Add(1) > 3 {
						_, _ = io.Copy(io.Discard, r.Body) // so that the server sees the client go
						<-r.Context().Done()               // hangs until the client gives up
						return
					}
					m.ServeHTTP(w, r)
				}))
				s := noticeconf("verify", "--target", target, "--token", demoToken, "--job-id", demoJob, "--timeout", "1h")
				Eventually(s.Err).WithTimeout(30 * time.Second).Should(gbytes.Say("checking target"))
				Eventually(served.Load).WithTimeout(30 * time.Second).Should(BeNumerically(">", 3))
				s.Signal(sig)
				Eventually(s).WithTimeout(40 * time.Second).Should(gexec.Exit(130))
				Expect(s.Err).To(gbytes.Say("no verdict"))
			})
		})
	}
})
