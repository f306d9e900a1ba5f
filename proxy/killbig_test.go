package proxy_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
)

var bigMarkerRE = regexp.MustCompile(`big-\d-\d{3}`)

var _ = Describe("noticeconf record killed during large writes", func() {
	When("it is killed with SIGKILL, three times, while interactions of about 2 MB stream through it", func() {
		It("leaves each time a cassette every reader loads, holding every interaction a client received", func() {
			pad := strings.Repeat("p", 1<<20) // 1 MiB each way: about 2 MB per interaction
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				marker := bigMarkerRE.FindString(string(b))
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"result":"`+marker+`","pad":"`+pad+`","error":null,"status":"success"}`)
			}))
			DeferCleanup(up.Close)
			torn := 0
			for round := range 3 {
				path := filepath.Join(GinkgoT().TempDir(), "big.yaml")
				s := noticeconf("record", "--upstream", up.URL, "--cassette", path, "--listen", "127.0.0.1:0")
				Eventually(s.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`listening on http://\S+\n`))
				base := listeningRE.FindStringSubmatch(string(s.Out.Contents()))[1]

				const workers, killAfter = 4, 6
				var (
					mu       sync.Mutex
					answered []string
					next     atomic.Int64
					killOnce sync.Once
					wg       sync.WaitGroup
				)
				client := plainClient()
				for range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						defer GinkgoRecover()
						for {
							n := next.Add(1) - 1
							if n >= 40 {
								return
							}
							marker := fmt.Sprintf("big-%d-%03d", round, n)
							body := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"],"param_config":"` + marker + pad + `"}` + "\n"
							req, err := http.NewRequest(http.MethodPost, base+contract.UpdatePathFor(demoJob), strings.NewReader(body))
							Expect(err).NotTo(HaveOccurred())
							req.Header.Set("Content-Type", "application/json")
							req.Header.Set(contract.HeaderAuthToken, demoToken)
							resp, err := client.Do(req)
							if err != nil {
								return // the proxy is gone
							}
							got, err := readBody(resp)
							if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(got), marker) {
								return
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

				f, err := cassette.LoadFile(path)
				Expect(err).NotTo(HaveOccurred(), "every reader (replay, verify, audit, normalize) loads the cassette after kill -9")
				if len(f.Warnings) > 0 {
					torn++
				}
				recorded := map[string]bool{}
				for _, i := range f.Interactions {
					recorded[bigMarkerRE.FindString(i.Request.Body)] = true
				}
				for _, m := range answered {
					Expect(recorded).To(HaveKey(m), "the client got the response to %s, so its interaction must be in the cassette", m)
				}
				a := noticeconf("cassette", "audit", path)
				Eventually(a).WithTimeout(60*time.Second).Should(gexec.Exit(0), "the audit reads the killed cassette")
				fmt.Fprintf(GinkgoWriter, "kill %d: answered %d, recorded %d, torn tail left out: %v\n", round+1, len(answered), len(f.Interactions), len(f.Warnings) > 0)
			}
			fmt.Fprintf(GinkgoWriter, "3 kills: %d left a torn tail, which every reader left out with a warning\n", torn)
		})
	})
})
