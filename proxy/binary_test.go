package proxy_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/fixtures/mock"
)

// binary is the noticeconf command, built once for the suite.
var binary string

var _ = BeforeSuite(func() {
	var err error
	binary, err = gexec.Build("github.com/noticeconf/noticeconf/cmd/noticeconf")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(gexec.CleanupBuildArtifacts)
})

// noticeconf starts the binary with args and a HOME of its own.
func noticeconf(args ...string) *gexec.Session {
	GinkgoHelper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "HOME="+GinkgoT().TempDir(), "XDG_CONFIG_HOME="+GinkgoT().TempDir())
	s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { s.Kill().Wait() })
	return s
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

var _ = Describe("noticeconf record", func() {
	When("it is killed with SIGKILL while 100 requests stream through it", func() {
		It("leaves a cassette that parses and holds every interaction whose response a client received", func() {
			cfg := mockConfig()
			cfg.Latency = 2 * time.Millisecond
			m, err := mock.New(cfg)
			Expect(err).NotTo(HaveOccurred())
			upstream := startMockHandler(m)
			path := filepath.Join(GinkgoT().TempDir(), "crash.yaml")
			s := noticeconf("record", "--upstream", upstream, "--cassette", path, "--listen", "127.0.0.1:0")
			Eventually(s.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`listening on http://\S+\n`))
			base := listeningRE.FindStringSubmatch(string(s.Out.Contents()))[1]

			const total, workers, killAfter = 100, 8, 50
			var (
				mu        sync.Mutex
				answered  []string
				next      atomic.Int64
				killOnce  sync.Once
				wg        sync.WaitGroup
				afterKill atomic.Int64
			)
			client := plainClient()
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer GinkgoRecover()
					for {
						n := next.Add(1) - 1
						if n >= total {
							return
						}
						marker := fmt.Sprintf("crash-%03d", n)
						body := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"],"param_config":"` + marker + `"}` + "\n"
						req, err := http.NewRequest(http.MethodPost, base+contract.UpdatePathFor(demoJob), strings.NewReader(body))
						Expect(err).NotTo(HaveOccurred())
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set(contract.HeaderAuthToken, demoToken)
						resp, err := client.Do(req)
						if err != nil {
							afterKill.Add(1)
							continue // the proxy is gone
						}
						_, err = readBody(resp)
						if err != nil || resp.StatusCode != http.StatusOK {
							afterKill.Add(1)
							continue
						}
						mu.Lock()
						answered = append(answered, marker)
						done := len(answered)
						mu.Unlock()
						if done == killAfter {
							killOnce.Do(func() { s.Kill() })
						}
					}
				}()
			}
			wg.Wait()
			Eventually(s).Should(gexec.Exit())
			ws, ok := s.Command.ProcessState.Sys().(syscall.WaitStatus)
			Expect(ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL).To(BeTrue(), "the process must have died from SIGKILL")
			Expect(len(answered)).To(BeNumerically(">=", killAfter))
			Expect(afterKill.Load()).To(BeNumerically(">", 0), "some requests must have been cut off by the kill")

			c := loadCassette(path)
			recorded := map[string]bool{}
			for _, i := range c.Interactions {
				for _, f := range regexp.MustCompile(`crash-\d{3}`).FindAllString(i.Request.Body, -1) {
					recorded[f] = true
				}
			}
			for _, m := range answered {
				Expect(recorded).To(HaveKey(m), "the client got the response to %s, so its interaction must be in the cassette", m)
			}
			fmt.Fprintf(GinkgoWriter, "answered %d, recorded %d, cut off %d\n", len(answered), len(c.Interactions), afterKill.Load())
		})
	})

	When("the cassette exists and neither --force nor --mode append is given", func() {
		It("refuses with exit code 2 and leaves the file alone", func() {
			path := filepath.Join(GinkgoT().TempDir(), "x.yaml")
			Expect(os.WriteFile(path, []byte("---\nversion: 2\ninteractions:\n"), 0o644)).To(Succeed())
			s := noticeconf("record", "--upstream", "http://127.0.0.1:1", "--cassette", path, "--listen", "127.0.0.1:0")
			Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(2))
			Expect(s.Err).To(gbytes.Say("--force"))
		})
	})

	When("--listen is not a loopback address", func() {
		It("refuses without --allow-remote", func() {
			s := noticeconf("record", "--upstream", "http://127.0.0.1:1", "--cassette", filepath.Join(GinkgoT().TempDir(), "x.yaml"), "--listen", "0.0.0.0:0")
			Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(2))
			Expect(s.Err).To(gbytes.Say("allow-remote"))
		})
	})

	When("--insecure-upstream is given", func() {
		It("warns at start", func() {
			s := noticeconf("record", "--forward", "--insecure-upstream", "--ca-dir", filepath.Join(GinkgoT().TempDir(), "ca"),
				"--cassette", filepath.Join(GinkgoT().TempDir(), "x.yaml"), "--listen", "127.0.0.1:0")
			Eventually(s.Err).WithTimeout(30 * time.Second).Should(gbytes.Say("NOT verified"))
			Eventually(s.Out).Should(gbytes.Say("listening on http://"))
			s.Interrupt()
			Eventually(s).WithTimeout(15 * time.Second).Should(gexec.Exit(0))
		})
	})
})

var _ = Describe("noticeconf ca", func() {
	It("generates the CA on first use and prints its path and how to trust it", func() {
		dir := filepath.Join(GinkgoT().TempDir(), "ca")
		s := noticeconf("ca", "--ca-dir", dir)
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(0))
		out := string(s.Out.Contents())
		Expect(out).To(ContainSubstring("CA certificate: " + filepath.Join(dir, "ca.pem")))
		Expect(out).To(ContainSubstring("generated now"))
		Expect(out).To(ContainSubstring("SSL_CERT_FILE="))
		Expect(out).To(ContainSubstring("curl --cacert"))
		Expect(out).NotTo(ContainSubstring("PRIVATE KEY"))
	})
})

var _ = Describe("noticeconf cassette audit", func() {
	It("exits 2 on a directory with no cassettes, saying so: an audit of nothing is no clean audit", func() {
		s := noticeconf("cassette", "audit", GinkgoT().TempDir())
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(2))
		Expect(s.Err).To(gbytes.Say("no cassettes .* found in .*: nothing to audit"))
	})

	It("exits 1 naming the file, interaction and field of a secret", func() {
		path := filepath.Join(GinkgoT().TempDir(), "leak.yaml")
		Expect(os.WriteFile(path, []byte(leakyCassette), 0o644)).To(Succeed())
		s := noticeconf("cassette", "audit", path)
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(1))
		Expect(s.Out).To(gbytes.Say(regexp.QuoteMeta(path) + `: interaction 0: request.headers.X-Auth-Token: not redacted: secret header "X-Auth-Token"`))
		Expect(string(s.Out.Contents()) + string(s.Err.Contents())).NotTo(ContainSubstring("leaked-token-value"))
	})
})

// leakyCassette holds one interaction with a live X-Auth-Token.
const leakyCassette = `---
version: 2
interactions:
- id: 0
  request:
    url: https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update
    method: POST
    headers:
      X-Auth-Token:
        - leaked-token-value
    body: ""
  response:
    code: 200
    status: 200 OK
    body: ""
    duration: 1ms
`
