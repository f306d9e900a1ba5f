package proxy_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// smallDisk mounts a tmpfs of size bytes on a new directory, or skips the spec,
// saying why, where mounting is not allowed (the injected full disk of
// diskfull_test.go covers the same ground everywhere).
func smallDisk(size int) string {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		Skip(fmt.Sprintf("cannot mount a tmpfs here (%v: %s); the injected full disk covers this", err, strings.TrimSpace(string(out))))
	}
	DeferCleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

var _ = Describe("noticeconf record on a real disk that fills", func() {
	It("answers 507 once the tmpfs is full, records on once space is freed, and the cassette holds exactly what was answered", func() {
		dir := smallDisk(256 << 10)
		filler := filepath.Join(dir, "filler")
		Expect(os.WriteFile(filler, make([]byte, 160<<10), 0o644)).To(Succeed())
		up := startMock(false)
		path := filepath.Join(dir, "full.yaml")
		s := noticeconf("record", "--upstream", up.URL, "--cassette", path, "--listen", "127.0.0.1:0")
		Eventually(s.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`listening on http://\S+\n`))
		base := listeningRE.FindStringSubmatch(string(s.Out.Contents()))[1]

		pad := strings.Repeat("q", 3000)
		var answered []string
		refused := 0
		for n := range 80 {
			if n == 60 {
				Expect(os.Remove(filler)).To(Succeed()) // space comes back
			}
			marker := fmt.Sprintf("tmpfs-%03d", n)
			body := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"],"param_config":"` + marker + pad + `"}` + "\n"
			resp, got := post(plainClient(), base, demoJob, body, tokenHeader())
			switch resp.StatusCode {
			case http.StatusOK:
				answered = append(answered, marker)
			case http.StatusInsufficientStorage:
				expectProxyError(resp, got, http.StatusInsufficientStorage, "no space left on device")
				refused++
			default:
				Fail(fmt.Sprintf("request %d: %d %s", n, resp.StatusCode, got))
			}
		}
		s.Interrupt()
		Eventually(s).WithTimeout(15 * time.Second).Should(gexec.Exit())
		Expect(refused).To(BeNumerically(">", 0), "the tmpfs must fill mid-run")
		Expect(len(answered)).To(BeNumerically(">", 20))

		f, err := cassette.LoadFile(path)
		Expect(err).NotTo(HaveOccurred(), "every reader still loads the cassette")
		Expect(f.Warnings).To(BeEmpty())
		var recorded []string
		for _, i := range f.Interactions {
			recorded = append(recorded, i.Request.Body[strings.Index(i.Request.Body, "tmpfs-"):][:9])
		}
		Expect(recorded).To(Equal(answered), "the cassette holds exactly the interactions answered 200")
		fmt.Fprintf(GinkgoWriter, "tmpfs: 80 requests, %d answered and recorded, %d refused with 507\n", len(answered), refused)
	})
})
