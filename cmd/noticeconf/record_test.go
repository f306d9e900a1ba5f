package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/provenance"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader in two goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var _ = Describe("noticeconf record, its own messages and the redaction flags", func() {
	It("shows --upstream without its userinfo or query token, and --redact-pattern redacts what it matches", func() {
		const (
			password = "upstream-password-4471"
			qtoken   = "upstream-query-token-9925"
			hook     = "whsec-abc123def456"
		)
		dir := GinkgoT().TempDir()
		path := filepath.Join(dir, "live.yaml")
		mockURL, err := url.Parse(serveCmd("mock", "--listen", "127.0.0.1:0"))
		Expect(err).NotTo(HaveOccurred())
		mockURL.User = url.UserPassword("builder", password)
		mockURL.RawQuery = "access_token=" + qtoken
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		pr, pw := io.Pipe()
		var stderr syncBuffer
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"record", "--upstream", mockURL.String(), "--cassette", path, "--listen", "127.0.0.1:0",
				"--redact-pattern", `whsec-[a-z0-9]+`, "--redact-header", "X-Tenant"}, pw, &stderr)
			_ = pw.Close()
		}()
		r := bufio.NewReader(pr)
		line, err := r.ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		var stdout syncBuffer
		stdout.Write([]byte(line))
		copied := make(chan struct{})
		go func() { _, _ = io.Copy(&stdout, r); close(copied) }()
		base := strings.TrimPrefix(strings.TrimSpace(line), "listening on ")

		req, err := http.NewRequest(http.MethodPost, base+contract.UpdatePathFor("48c66c6002964721be537cdc6ce0297b"),
			strings.NewReader(`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"],"param_config":"`+hook+`"}`))
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(contract.HeaderAuthToken, "noticeconf-demo-token")
		req.Header.Set("X-Tenant", "tenant-acme-0042")
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		cancel()
		Eventually(done).WithTimeout(15 * time.Second).Should(Receive(Equal(exitOK)))
		Eventually(copied).WithTimeout(5 * time.Second).Should(BeClosed())

		Expect(stdout.String()).To(ContainSubstring("reverse proxy to http://REDACTED@127.0.0.1:"))
		Expect(stdout.String()).To(ContainSubstring("?access_token=REDACTED"))
		cas, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		prov, err := os.ReadFile(provenance.PathFor(path))
		Expect(err).NotTo(HaveOccurred())
		for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "cassette": string(cas), "provenance": string(prov)} {
			for _, s := range []string{password, qtoken, hook, "tenant-acme-0042", "noticeconf-demo-token"} {
				Expect(out).NotTo(ContainSubstring(s), "%s holds %q", name, s)
			}
		}
		Expect(string(cas)).To(ContainSubstring(`"param_config":"REDACTED"`), "--redact-pattern redacts in bodies")
		Expect(string(cas)).To(ContainSubstring("X-Tenant:\n            - REDACTED"), "--redact-header")

		By("writing the provenance file with the umask's mode: it holds no request")
		probe := filepath.Join(dir, "probe")
		f, err := os.Create(probe)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Close()).To(Succeed())
		want, err := os.Stat(probe)
		Expect(err).NotTo(HaveOccurred())
		got, err := os.Stat(provenance.PathFor(path))
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Mode().Perm()).To(Equal(want.Mode().Perm()))
	})
})
