package replay_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

var _ = Describe("replay.NewServer", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	When("given a directory of cassettes", func() {
		It("serves every interaction in them on a loopback URL until closed", func() {
			Expect(os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(
				"---\nversion: 2\ninteractions:\n- id: 0\n  request: {method: GET, url: http://api.example/a}\n  response: {code: 200, body: A}\n"), 0o600)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, "b.yml"), []byte(
				"---\nversion: 2\ninteractions:\n- id: 0\n  request: {method: GET, url: /b}\n  response: {code: 202, body: B}\n"), 0o600)).To(Succeed())
			before := goleak.IgnoreCurrent()
			client := &http.Client{Transport: &http.Transport{}}
			srv, err := replay.NewServer(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(srv.URL).To(HavePrefix("http://127.0.0.1:"))
			for path, want := range map[string]string{"/a": "A", "/b": "B"} {
				resp, err := client.Get(srv.URL + path)
				Expect(err).NotTo(HaveOccurred())
				b, err := io.ReadAll(resp.Body)
				Expect(err).NotTo(HaveOccurred())
				Expect(resp.Body.Close()).To(Succeed())
				Expect(string(b)).To(Equal(want))
			}
			Expect(srv.Close()).To(Succeed())
			Expect(srv.Close()).To(Succeed())
			_, err = client.Get(srv.URL + "/a")
			Expect(err).To(HaveOccurred())
			client.CloseIdleConnections()
			Expect(goleak.Find(before)).To(Succeed(), "no goroutine left behind")
		})
	})

	When("a cassette is bad", func() {
		It("returns the loader's error naming the file and line, and starts nothing", func() {
			bad := filepath.Join(dir, "bad.yaml")
			Expect(os.WriteFile(bad, []byte("version: 1\ninteractions: []\n"), 0o600)).To(Succeed())
			srv, err := replay.NewServer(bad)
			Expect(srv).To(BeNil())
			var le *cassette.LoadError
			Expect(errors.As(err, &le)).To(BeTrue())
			Expect(err).To(MatchError(bad + ":1: version: format version 1, want 2 (go-vcr v3); re-record the cassette with noticeconf or go-vcr v3"))
		})
	})
})

var _ = Describe("parallel replay", func() {
	// Parallel requests MUST be race-free (run under -race) and each recorded answer
	// MUST be handed out exactly once before the last one repeats.
	It("hands out each key's recordings exactly once, then the last, under concurrent load", func() {
		const keys, perKey, workers, rounds = 4, 5, 8, 10
		var recs []rec
		for k := range keys {
			for n := range perKey {
				recs = append(recs, rec{method: "POST", url: fmt.Sprintf("/k/%d", k), auth: cassette.AuthToken,
					body: fmt.Sprintf(`{"k":%d}`, k), code: 200, answer: fmt.Sprintf("%d-%d", k, n),
					header: http.Header{"X-Answer": {fmt.Sprintf("%d-%d", k, n)}}})
			}
		}
		srv, err := replay.Start(newHandler(file("p.yaml", recs...)))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)

		var (
			mu  sync.Mutex
			got = map[string]int{}
			wg  sync.WaitGroup
		)
		for w := range workers {
			wg.Go(func() {
				defer GinkgoRecover()
				for i := range rounds {
					k := (w + i) % keys
					req, err := http.NewRequest("POST", fmt.Sprintf("%s/k/%d", srv.URL, k), strings.NewReader(fmt.Sprintf("{ \"k\": %d }\n", k)))
					Expect(err).NotTo(HaveOccurred())
					req.Header.Set("X-Auth-Token", fmt.Sprintf("token-%d", w))
					resp, err := http.DefaultClient.Do(req)
					Expect(err).NotTo(HaveOccurred())
					b, err := io.ReadAll(resp.Body)
					Expect(err).NotTo(HaveOccurred())
					Expect(resp.Body.Close()).To(Succeed())
					Expect(resp.StatusCode).To(Equal(200), string(b))
					Expect(resp.Header.Get("X-Answer")).To(Equal(string(b)))
					mu.Lock()
					got[string(b)]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		asked := workers * rounds / keys
		for k := range keys {
			for n := range perKey - 1 {
				Expect(got[fmt.Sprintf("%d-%d", k, n)]).To(Equal(1), "key %d answer %d", k, n)
			}
			Expect(got[fmt.Sprintf("%d-%d", k, perKey-1)]).To(Equal(asked-(perKey-1)), "key %d last answer", k)
		}
	})
})
