package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/provenance"
	"github.com/noticeconf/noticeconf/internal/version"
)

// serveCmd runs a server subcommand in-process until the spec ends and returns the
// URL of its first line, "listening on URL".
func serveCmd(args ...string) string {
	GinkgoHelper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, args, pw, &stderr)
		_ = pw.Close()
	}()
	DeferCleanup(func() {
		cancel()
		Eventually(done).WithTimeout(15 * time.Second).Should(Receive(Equal(exitOK)))
	})
	r := bufio.NewReader(pr)
	line, err := r.ReadString('\n')
	Expect(err).NotTo(HaveOccurred(), stderr.String())
	go func() { _, _ = io.Copy(io.Discard, r) }()
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	Expect(ok).To(BeTrue(), line)
	return url
}

// postUpdate sends a valid update of the demo job with the demo token to base.
func postUpdate(base string) {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodPost, base+contract.UpdatePathFor("48c66c6002964721be537cdc6ce0297b"),
		strings.NewReader(`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(contract.HeaderAuthToken, "noticeconf-demo-token")
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.Body.Close()).To(Succeed())
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
}

// runNoticeconf runs noticeconf to completion: its exit code, stdout and stderr.
func runNoticeconf(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

var _ = Describe("noticeconf record, the provenance it writes", func() {
	It("names the upstream, the date, the version and the kinds of credentials; audit wants it", func() {
		dir := GinkgoT().TempDir()
		path := filepath.Join(dir, "live.yaml")
		mockURL := serveCmd("mock", "--listen", "127.0.0.1:0")
		before := time.Now().UTC().Truncate(time.Second)
		func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{"record", "--upstream", mockURL + "/", "--cassette", path, "--listen", "127.0.0.1:0"}, pw, io.Discard)
				_ = pw.Close()
			}()
			r := bufio.NewReader(pr)
			line, err := r.ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
			go func() { _, _ = io.Copy(io.Discard, r) }()
			By("writing the provenance as soon as recording starts")
			p, err := provenance.Read(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(p.Credentials).To(BeEmpty())
			postUpdate(strings.TrimPrefix(strings.TrimSpace(line), "listening on "))
			cancel()
			Eventually(done).WithTimeout(15 * time.Second).Should(Receive(Equal(exitOK)))
		}()

		By("completing it with what was recorded when recording stops")
		p, err := provenance.Read(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Upstream).To(Equal(mockURL))
		Expect(p.Hosts).To(ConsistOf(strings.TrimPrefix(mockURL, "http://")))
		Expect(p.RecordedAt).To(BeTemporally(">=", before))
		Expect(p.RecordedAt).To(BeTemporally("<=", time.Now()))
		Expect(p.Tool).To(Equal(provenance.ToolRecord))
		Expect(p.ToolVersion).To(Equal(version.Version))
		Expect(p.Credentials).To(Equal([]cassette.AuthKind{cassette.AuthToken}))
		Expect(p.Mode).To(Equal("reverse"))
		raw, err := os.ReadFile(provenance.PathFor(path))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).NotTo(ContainSubstring("noticeconf-demo-token"))

		By("the cassette still loading, and auditing clean")
		_, err = cassette.LoadPaths(dir)
		Expect(err).NotTo(HaveOccurred(), "the sidecar is not taken for a cassette")
		code, out, _ := runNoticeconf("cassette", "audit", dir)
		Expect(code).To(Equal(exitOK), out)
		Expect(out).To(ContainSubstring("provenance complete"))

		By("audit reporting the cassette once its provenance is gone")
		Expect(os.Remove(provenance.PathFor(path))).To(Succeed())
		code, out, _ = runNoticeconf("cassette", "audit", dir)
		Expect(code).To(Equal(exitFail))
		Expect(out).To(ContainSubstring(path + ": provenance: no provenance: want live.yaml.provenance.json beside it"))
	})
})

var _ = Describe("noticeconf cassette normalize", func() {
	It("needs --date and a cassette with provenance", func() {
		code, _, stderr := runNoticeconf("cassette", "normalize", "x.yaml")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("--date is required"))
		path := filepath.Join(GinkgoT().TempDir(), "bare.yaml")
		Expect(os.WriteFile(path, []byte("---\nversion: 2\ninteractions:\n"), 0o644)).To(Succeed())
		code, _, stderr = runNoticeconf("cassette", "normalize", "--date", "2026-01-01T00:00:00Z", path)
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("no provenance file"))
	})
})
