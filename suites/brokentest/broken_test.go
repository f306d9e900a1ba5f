package brokentest_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites"
	"github.com/noticeconf/noticeconf/suites/brokentest"
)

var _ = Describe("noticeconf verify", func() {
	It("has at least 20 broken servers that break a MUST rule", func() {
		n := 0
		for _, s := range brokentest.Broken() {
			if s.Level == suites.Must {
				n++
			}
		}
		Expect(n).To(BeNumerically(">=", 20))
	})

	var conformingEntries []TableEntry
	for _, s := range brokentest.Conforming() {
		conformingEntries = append(conformingEntries, Entry(s.Name, s))
	}

	DescribeTable("against a conforming variant of the mock, passes",
		func(s brokentest.Server) {
			h, err := s.Handler()
			Expect(err).NotTo(HaveOccurred())
			res := runVerify(demoEnv(), "--target", serve(h), "--fault-injection")
			Expect(res.code).To(Equal(0), "stdout:\n%s\nstderr:\n%s", res.stdout, res.stderr)
			Expect(res.report.Conforms).To(BeTrue())
			Expect(withResult(res.report, verify.ResultFail)).To(BeEmpty())
			if s.Check == "" {
				Expect(withResult(res.report, verify.ResultWarn)).To(BeEmpty())
			} else {
				Expect(names(withResult(res.report, verify.ResultWarn))).To(ConsistOf(ContainSubstring(s.Check)))
			}
			if s.Skipped == "" {
				Expect(withResult(res.report, verify.ResultSkip)).To(BeEmpty())
			} else {
				skipped := names(withResult(res.report, verify.ResultSkip))
				Expect(skipped).NotTo(BeEmpty())
				Expect(skipped).To(HaveEach(ContainSubstring(s.Skipped)))
			}
		}, conformingEntries)
})
