package brokentest_test

import (
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites/brokentest"
)

var _ = Describe("noticeconf verify --run-timeout", func() {
	It("gives no verdict when the run's time bound passes first: it says why, marks the checks cut off or not run, and exits 2", func() {
		h, err := brokentest.Server{Name: "reference"}.Handler()
		Expect(err).NotTo(HaveOccurred())
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(5 * time.Millisecond) // some 2,400 requests: 12 s in all, over the bound
			h.ServeHTTP(w, r)
		})
		res := runVerify(demoEnv(), "--target", serve(slow), "--run-timeout", "1s")
		Expect(res.code).To(Equal(2), res.stdout+res.stderr)
		Expect(res.stderr).To(ContainSubstring("--run-timeout"))
		Expect(res.stderr).To(ContainSubstring("no verdict"))
		Expect(res.stdout).To(ContainSubstring("INCOMPLETE: "))
		Expect(res.report).NotTo(BeNil())
		Expect(res.report.Conforms).To(BeTrue(), "nothing failed before the cut")
		Expect(res.report.CutShort).NotTo(BeEmpty())
		var cut, notRun int
		for _, c := range res.report.Checks {
			Expect(c.Result).NotTo(Equal(verify.ResultFail), c.Name)
			switch {
			case c.Result == verify.ResultSkip && strings.HasPrefix(c.Reason, "cut off: "):
				cut++
			case c.Result == verify.ResultSkip && strings.HasPrefix(c.Reason, "not run: "):
				notRun++
			}
		}
		Expect(cut).To(Equal(1), "the check running when the bound passed")
		Expect(notRun).To(BeNumerically(">", 0), "the checks after it")
	})
})
