package thirdparty_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites/thirdparty"
)

// asExpected is the report a mock gets when every check has its expected verdict.
func asExpected(m thirdparty.Mock) verify.Report {
	r := verify.Report{Target: m.Title, Conforms: true}
	for _, e := range m.Expected {
		c := verify.Check{Name: e.Check, Level: "MUST", Result: e.Result}
		if e.Result != verify.ResultPass {
			c.Reason = "seen: " + string(e.Result)
		}
		r.Checks = append(r.Checks, c)
		r.Summary.Checks++
		switch e.Result {
		case verify.ResultPass:
			r.Summary.Passed++
		case verify.ResultFail:
			r.Summary.Failed++
			r.Conforms = false
		case verify.ResultWarn:
			r.Summary.Warnings++
		case verify.ResultSkip:
			r.Summary.Skipped++
		}
	}
	return r
}

func allAsExpected() map[string]verify.Report {
	reps := map[string]verify.Report{}
	for _, m := range thirdparty.Mocks() {
		reps[m.Name] = asExpected(m)
	}
	return reps
}

var _ = Describe("The verdict tables", func() {
	It("name each check once per mock, with a verdict and a reason", func() {
		Expect(thirdparty.Mocks()).To(HaveLen(3))
		for _, m := range thirdparty.Mocks() {
			seen := map[string]bool{}
			Expect(m.Expected).NotTo(BeEmpty(), m.Name)
			for _, e := range m.Expected {
				Expect(seen).NotTo(HaveKey(e.Check), "%s lists %q twice", m.Name, e.Check)
				seen[e.Check] = true
				Expect(e.Result).To(BeElementOf(verify.ResultPass, verify.ResultFail, verify.ResultWarn, verify.ResultSkip), e.Check)
				Expect(e.Why).NotTo(BeEmpty(), e.Check)
			}
		}
	})

	When("a report is compared with its table", func() {
		var (
			m thirdparty.Mock
			r verify.Report
		)
		BeforeEach(func() {
			m = thirdparty.Mocks()[0]
			r = asExpected(m)
		})

		It("finds no difference when every verdict is the expected one", func() {
			Expect(m.Mismatches(r)).To(BeEmpty())
		})

		It("names a check whose verdict changed, with both verdicts and the reason", func() {
			r.Checks[0].Result, r.Checks[0].Reason = verify.ResultFail, "answered 500"
			Expect(m.Mismatches(r)).To(ConsistOf(And(
				ContainSubstring(r.Checks[0].Name), ContainSubstring("got fail, expected pass"), ContainSubstring("answered 500"))))
		})

		It("names a check the table lacks and one the report lacks", func() {
			r.Checks[0].Name = "when something new answers 200"
			Expect(m.Mismatches(r)).To(ConsistOf(
				ContainSubstring("the report has no such check"),
				ContainSubstring("the expected table has no such check"),
			))
		})
	})
})

var _ = Describe("WriteDoc, the writer of docs/mocks.md", func() {
	It("writes each mock's section, its table with every check, and how to pass more", func() {
		var buf bytes.Buffer
		Expect(thirdparty.WriteDoc(&buf, allAsExpected())).To(Succeed())
		doc := buf.String()
		for _, m := range thirdparty.Mocks() {
			Expect(doc).To(ContainSubstring("\n## " + m.Title + "\n"))
			for _, e := range m.Expected {
				Expect(doc).To(ContainSubstring("| " + strings.ReplaceAll(e.Check, "|", `\|`) + " |"))
			}
		}
		Expect(strings.Count(doc, "### Configure it to pass more")).To(Equal(3))
		Expect(doc).To(ContainSubstring("| **FAIL** |"))
	})

	It("refuses a report whose verdicts differ from the table, writing nothing", func() {
		reps := allAsExpected()
		m := thirdparty.Mocks()[1]
		r := reps[m.Name]
		r.Checks[0].Result = verify.ResultSkip
		reps[m.Name] = r
		var buf bytes.Buffer
		Expect(thirdparty.WriteDoc(&buf, reps)).To(MatchError(ContainSubstring("differs from the expected verdicts")))
		Expect(buf.Len()).To(BeZero())
	})

	It("refuses a missing report", func() {
		reps := allAsExpected()
		delete(reps, thirdparty.NameWireMock)
		Expect(thirdparty.WriteDoc(&bytes.Buffer{}, reps)).To(MatchError(ContainSubstring("no report of WireMock")))
	})

	It("reads back the reports it is given as files and writes the page atomically", func() {
		dir := GinkgoT().TempDir()
		for name, r := range allAsExpected() {
			var b bytes.Buffer
			Expect(r.WriteJSON(&b)).To(Succeed())
			Expect(os.WriteFile(thirdparty.ReportFile(dir, name), b.Bytes(), 0o644)).To(Succeed())
		}
		reps, err := thirdparty.ReadReports(dir)
		Expect(err).NotTo(HaveOccurred())
		out := filepath.Join(dir, "mocks.md")
		Expect(thirdparty.WriteDocFile(out, reps)).To(Succeed())
		var want bytes.Buffer
		Expect(thirdparty.WriteDoc(&want, allAsExpected())).To(Succeed())
		got, err := os.ReadFile(out)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(want.String()))
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(4), "three reports and the page, no temporary file left")
	})
})
