package brokentest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/suites/brokentest"
)

var _ = Describe("noticeconf verify against a target that stops", func() {
	It("says once that the target stopped accepting connections, and which check's request it did not answer", func() {
		h, err := brokentest.Server{Name: "reference"}.Handler()
		Expect(err).NotTo(HaveOccurred())
		var (
			mu   sync.Mutex
			seen int
			ts   *httptest.Server
		)
		// The server exits (as Prism does on some paths) at its 400th request: that
		// request gets no answer, and nothing listens after it.
		ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen++
			n := seen
			mu.Unlock()
			if n == 400 {
				_ = ts.Listener.Close()
				ts.CloseClientConnections()
				panic(http.ErrAbortHandler)
			}
			h.ServeHTTP(w, r)
		}))
		DeferCleanup(ts.Close)
		res := runVerify(demoEnv(), "--target", ts.URL)
		Expect(res.code).To(Equal(1), res.stdout+res.stderr)
		Expect(res.report).NotTo(BeNil())
		var notes []string
		for _, n := range res.report.Notes {
			if strings.Contains(n, "stopped accepting connections") {
				notes = append(notes, n)
			}
		}
		Expect(notes).To(HaveLen(1), "one note, not one per check: %q", res.report.Notes)
		Expect(res.stdout).To(ContainSubstring("note: the target stopped accepting connections"))
	})
})
