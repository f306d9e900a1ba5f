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

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/replay"
)

var _ = Describe("noticeconf replay", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	runReplay := func(args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"replay"}, args...), &stdout, &stderr)
		return code, stderr.String()
	}

	// A bad cassette MUST exit 2 naming the file, the line and what is wrong (issue 4).
	When("a cassette is bad", func() {
		It("exits 2 naming the file, the line and what is wrong", func() {
			bad := filepath.Join(dir, "bad.yaml")
			Expect(os.WriteFile(bad, []byte("version: 2\ninteractions:\n  - id: 0\n    request: {url: /x}\n    response: {code: 200}\n"), 0o600)).To(Succeed())
			code, stderr := runReplay("--cassette", bad, "--listen", "127.0.0.1:0")
			Expect(code).To(Equal(exitUsage))
			Expect(stderr).To(Equal("noticeconf: " + bad + ":4: interactions[0].request: no method: want e.g. \"method: POST\"\n"))
		})
		It("exits 2 for a file that cannot be read and for an empty directory", func() {
			code, stderr := runReplay("--cassette", filepath.Join(dir, "none.yaml"))
			Expect(code).To(Equal(exitUsage))
			Expect(stderr).To(ContainSubstring("none.yaml: cannot read: no such file or directory"))
			code, stderr = runReplay("--cassette", dir)
			Expect(code).To(Equal(exitUsage))
			Expect(stderr).To(ContainSubstring(dir + ": directory holds no cassette"))
		})
	})
	When("the flags are wrong", func() {
		It("exits 2", func() {
			good := filepath.Join(dir, "good.yaml")
			Expect(os.WriteFile(good, []byte("version: 2\ninteractions: []\n"), 0o600)).To(Succeed())
			for _, args := range [][]string{
				{},
				{"--cassette", good, "--latency", "sometimes"},
				{"--cassette", good, "--listen", "0.0.0.0:0"},
				{"--cassette", good, "extra-arg"},
				{"--cassette", good, "--credential", "forbidden"},
				{"--cassette", good, "--repeat", "sometimes"},
				{"--cassette", good, "--credential", "forbidden=NOTICECONF_TEST_NEVER_SET"},
			} {
				code, stderr := runReplay(args...)
				Expect(code).To(Equal(exitUsage), "args %q: %s", args, stderr)
			}
			_, stderr := runReplay("--cassette", good, "--credential", "forbidden=NOTICECONF_TEST_NEVER_SET")
			Expect(stderr).To(ContainSubstring("the environment variable NOTICECONF_TEST_NEVER_SET is unset or empty"))
		})
	})

	When("the cassettes are good", func() {
		It("prints the listening URL first, replays, and exits 0 when stopped", func() {
			good := filepath.Join(dir, "good.yaml")
			Expect(os.WriteFile(good, []byte("version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: /hello}\n    response: {code: 200, body: hi}\n"), 0o600)).To(Succeed())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			lines := make(chan string, 10)
			go func() {
				sc := bufio.NewScanner(pr)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			var stderr bytes.Buffer
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{"replay", "--cassette", good, "--listen", "127.0.0.1:0"}, pw, &stderr)
				_ = pw.Close()
			}()
			var first string
			Eventually(lines).Should(Receive(&first))
			Expect(first).To(MatchRegexp(`^listening on http://127\.0\.0\.1:\d+$`))
			url := strings.TrimPrefix(first, "listening on ")
			resp, err := http.Get(url + "/hello")
			Expect(err).NotTo(HaveOccurred())
			b, err := io.ReadAll(resp.Body)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Body.Close()).To(Succeed())
			Expect(string(b)).To(Equal("hi"))
			resp, err = http.Get(url + "/nothing")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Body.Close()).To(Succeed())
			Expect(resp.StatusCode).To(Equal(replay.NoMatchStatus))
			cancel()
			Eventually(done).Should(Receive(Equal(exitOK)))
			Expect(stderr.String()).To(ContainSubstring("replay: no match"))
		})
	})
})
