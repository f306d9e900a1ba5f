package proxy_test

import (
	"fmt"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

var _ = Describe("Two recorders on one cassette", func() {
	It("refuses the second with exit 2 and an error naming the first one's pid and start time, and the first records on", func() {
		up := startMock(false)
		path := filepath.Join(GinkgoT().TempDir(), "shared.yaml")
		first := noticeconf("record", "--upstream", up.URL, "--cassette", path, "--listen", "127.0.0.1:0")
		Eventually(first.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`listening on http://\S+\n`))
		base := listeningRE.FindStringSubmatch(string(first.Out.Contents()))[1]

		for _, mode := range []string{"append", "record"} {
			args := []string{"record", "--upstream", up.URL, "--cassette", path, "--listen", "127.0.0.1:0", "--mode", mode}
			if mode == "record" {
				args = append(args, "--force")
			}
			second := noticeconf(args...)
			Eventually(second).WithTimeout(30 * time.Second).Should(gexec.Exit(2))
			Expect(second.Err).To(gbytes.Say(fmt.Sprintf(`being written by another recorder \(pid %d, started \d{4}-`, first.Command.Process.Pid)))
		}

		for range 3 {
			resp, _ := post(plainClient(), base, demoJob, updateBody, tokenHeader())
			Expect(resp.StatusCode).To(Equal(200))
		}
		first.Interrupt()
		Eventually(first).WithTimeout(15 * time.Second).Should(gexec.Exit(0))
		f, err := cassette.LoadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Interactions).To(HaveLen(3), "the refused recorders wrote nothing and truncated nothing")
		Expect(cassette.LockPath(path)).NotTo(BeAnExistingFile(), "the lock file goes when the recorder stops")
	})
})
