package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites"
)

// spec builds the report of one It under the endpoint's Describe and a When.
func spec(when, it string, state types.SpecState, msg string, labels ...string) types.SpecReport {
	return types.SpecReport{
		ContainerHierarchyTexts: []string{"POST /v3/jobs/notice/{job_id}/update", when},
		LeafNodeText:            it,
		LeafNodeType:            types.NodeTypeIt,
		LeafNodeLabels:          labels,
		State:                   state,
		Failure:                 types.Failure{Message: msg},
	}
}

var _ = Describe("FromGinkgo", func() {
	It("turns each It into a check with its level, source, result and a one-line reason", func() {
		r := types.Report{RunTime: 1500 * time.Millisecond, SpecReports: types.SpecReports{
			spec("when a", "answers 200", types.SpecStatePassed, "", "MUST", "source:seed"),
			spec("when b", "answers 400", types.SpecStateFailed, "answered 500, want 400\nrule: ...", "MUST", "source:seed", "validation"),
			spec("when c", "decodes", types.SpecStateFailed, "not decodable\nrest", "SHOULD", "source:sdk"),
			spec("when d", "answers 403", types.SpecStateSkipped, "no forbidden token configured\n", "MUST", "source:seed"),
			spec("when e", "answers 404", types.SpecStateSkipped, "", "MUST", "source:seed"),
			spec("when f", "panics", types.SpecStatePanicked, ""),
			{LeafNodeType: types.NodeTypeReportAfterSuite, State: types.SpecStateFailed},
		}}
		rep := verify.FromGinkgo("target", r)
		Expect(rep.Checks).To(HaveLen(6), "only It specs are checks")
		Expect(rep.Checks[0]).To(Equal(verify.Check{Name: "when a answers 200", Level: suites.Must, Source: contract.SourceSeed,
			Result: verify.ResultPass, Labels: []string{"MUST", "source:seed"}}))
		Expect(rep.Checks[1].Result).To(Equal(verify.ResultFail))
		Expect(rep.Checks[1].Reason).To(Equal("answered 500, want 400"))
		Expect(rep.Checks[1].Details).To(ContainSubstring("rule: ..."))
		Expect(rep.Checks[2].Result).To(Equal(verify.ResultWarn), "a failed SHOULD only warns")
		Expect(rep.Checks[2].Source).To(Equal(contract.SourceSDK))
		Expect(rep.Checks[3]).To(HaveField("Result", verify.ResultSkip))
		Expect(rep.Checks[3]).To(HaveField("Reason", "no forbidden token configured"))
		Expect(rep.Checks[4]).To(HaveField("Reason", verify.NotSelected), "a filtered check says so")
		Expect(rep.Checks[5]).To(HaveField("Level", suites.Must), "a check without a level counts as MUST")
		Expect(rep.Checks[5]).To(HaveField("Reason", "panicked"))
		Expect(rep.Summary).To(Equal(verify.Summary{Checks: 6, Passed: 1, Failed: 2, Warnings: 1, Skipped: 2}))
		Expect(rep.Conforms).To(BeFalse())
		Expect(rep.Verdict()).To(HavePrefix("FAIL"))
	})

	It("tells the checks a cut-short run did not reach from the ones its filters left out, and gives no verdict", func() {
		r := types.Report{
			SuiteDescription:           "noticeconf verify",
			SuiteConfig:                types.SuiteConfig{LabelFilter: "MUST", SkipStrings: []string{"answers 418"}},
			SpecialSuiteFailureReasons: []string{"Suite Timeout Elapsed"},
			SpecReports: types.SpecReports{
				spec("when a", "answers 200", types.SpecStatePassed, "", "MUST", "source:seed"),
				spec("when b", "answers 400", types.SpecStateTimedout, "A suite timeout occurred", "MUST", "source:seed"),
				spec("when c", "answers 404", types.SpecStateSkipped, "", "MUST", "source:seed"),
				spec("when d", "decodes", types.SpecStateSkipped, "", "SHOULD", "source:sdk"),
				spec("when e", "answers 418", types.SpecStateSkipped, "", "MUST", "source:seed"),
			},
		}
		rep := verify.FromGinkgo("t", r)
		Expect(rep.CutShort).To(ContainSubstring("--run-timeout"))
		Expect(rep.Checks[1]).To(HaveField("Result", verify.ResultSkip), "the check running when the time ran out has no verdict")
		Expect(rep.Checks[1].Reason).To(HavePrefix("cut off: "))
		Expect(rep.Checks[2].Reason).To(HavePrefix("not run: "), "selected, but after the cut")
		Expect(rep.Checks[3]).To(HaveField("Reason", verify.NotSelected), "left out by the label filter")
		Expect(rep.Checks[4]).To(HaveField("Reason", verify.NotSelected), "left out by --skip")
		Expect(rep.Conforms).To(BeTrue())
		Expect(rep.Verdict()).To(HavePrefix("INCOMPLETE: "))

		r.SpecReports = append(r.SpecReports, spec("when f", "answers 401", types.SpecStateFailed, "answered 200", "MUST", "source:seed"))
		Expect(verify.FromGinkgo("t", r).Verdict()).To(HavePrefix("FAIL"), "a MUST check that failed before the cut is a verdict")
	})

	It("conforms when only SHOULD checks fail", func() {
		rep := verify.FromGinkgo("t", types.Report{SpecReports: types.SpecReports{
			spec("when a", "answers 200", types.SpecStatePassed, "", "MUST", "source:seed"),
			spec("when c", "decodes", types.SpecStateFailed, "not decodable", "SHOULD", "source:sdk"),
		}})
		Expect(rep.Conforms).To(BeTrue())
		Expect(rep.Verdict()).To(HavePrefix("PASS with warnings"))
	})
})

var _ = Describe("Report writers", func() {
	var rep verify.Report
	BeforeEach(func() {
		rep = verify.FromGinkgo("http://127.0.0.1:8080", types.Report{RunTime: 42 * time.Millisecond, SpecReports: types.SpecReports{
			spec("when a | b", "answers 200", types.SpecStatePassed, "", "MUST", "source:seed"),
			spec("when b", "answers 400", types.SpecStateFailed, "answered 500, want 400\nrequest sent:\n    ```", "MUST", "source:seed"),
		}})
	})

	It("writes a table with check, level, result and reason, then the failures' details", func() {
		var b bytes.Buffer
		Expect(rep.WriteTable(&b)).To(Succeed())
		Expect(b.String()).To(MatchRegexp(`CHECK\s+LEVEL\s+RESULT\s+REASON\n`))
		Expect(b.String()).To(MatchRegexp(`when b answers 400\s+MUST\s+FAIL\s+answered 500, want 400\n`))
		Expect(b.String()).To(ContainSubstring("--- FAIL MUST: when b answers 400\n    answered 500, want 400\n    request sent:"))
	})

	It("counts the checks a filter left out in one line instead of listing them", func() {
		rep = verify.FromGinkgo("t", types.Report{SpecReports: types.SpecReports{
			spec("when a", "answers 200", types.SpecStatePassed, "", "MUST", "source:seed"),
			spec("when e", "answers 404", types.SpecStateSkipped, "", "MUST", "source:seed"),
			spec("when f", "answers 403", types.SpecStateSkipped, "no forbidden token configured", "MUST", "source:seed"),
		}})
		var b bytes.Buffer
		Expect(rep.WriteTable(&b)).To(Succeed())
		Expect(b.String()).NotTo(ContainSubstring("when e answers 404"))
		Expect(b.String()).To(MatchRegexp(`when f answers 403\s+MUST\s+SKIP\s+no forbidden token configured\n`))
		Expect(b.String()).To(ContainSubstring("(1 more checks " + verify.NotSelected + " are left out of this table"))
	})

	It("writes JSON that reads back into the same report", func() {
		var b bytes.Buffer
		Expect(rep.WriteJSON(&b)).To(Succeed())
		Expect(b.String()).To(ContainSubstring(`"duration": "42ms"`))
		var back verify.Report
		Expect(json.Unmarshal(b.Bytes(), &back)).To(Succeed())
		Expect(back).To(Equal(rep))
	})

	It("writes Markdown whose table cells and code blocks survive the content", func() {
		var b bytes.Buffer
		Expect(rep.WriteMarkdown(&b)).To(Succeed())
		Expect(b.String()).To(ContainSubstring(`| when a \| b answers 200 | MUST | vendor API page (UpdateNotice) | pass |  |`))
		Expect(b.String()).To(ContainSubstring("| when b answers 400 | MUST | vendor API page (UpdateNotice) | **FAIL** | answered 500, want 400 |"))
		Expect(b.String()).To(ContainSubstring("### when b answers 400 (MUST, **FAIL**)"))
		Expect(b.String()).To(MatchRegexp("\n````\n[^`]*```[^`]*\n````\n"), "the details' own fence is inside a longer one, so it cannot end the code block")
	})

	When("a target's answer holds escape sequences, HTML and Markdown", func() {
		BeforeEach(func() {
			hostile := "answered <img src=x onerror=alert(1)> **bold** [link](http://x) \x1b[2J\x1b]0;pwned\x07\r"
			rep = verify.FromGinkgo("http://127.0.0.1:8080", types.Report{SpecReports: types.SpecReports{
				spec("when b", "answers 400", types.SpecStateFailed, hostile+"\nresponse got:\n    ````\n    \x1b[31mred", "MUST", "source:seed"),
			}})
		})

		It("shows them escaped on the terminal", func() {
			var b bytes.Buffer
			Expect(rep.WriteTable(&b)).To(Succeed())
			Expect(b.String()).NotTo(ContainSubstring("\x1b"))
			Expect(b.String()).NotTo(ContainSubstring("\x07"))
			Expect(b.String()).NotTo(ContainSubstring("\r"))
			Expect(b.String()).To(ContainSubstring(`\x1b[2J\x1b]0;pwned\x07\x0d`))
			Expect(b.String()).To(ContainSubstring(`    \x1b[31mred`))
		})

		It("escapes them in the Markdown table and fences them in the details", func() {
			var b bytes.Buffer
			Expect(rep.WriteMarkdown(&b)).To(Succeed())
			table, details, ok := strings.Cut(b.String(), "## Failures and warnings")
			Expect(ok).To(BeTrue())
			Expect(table).To(ContainSubstring(`answered &lt;img src=x onerror=alert(1)&gt; \*\*bold\*\* \[link\](http://x) \\x1b\[2J`), "the escape's backslash is itself escaped, so it renders as \\x1b")
			Expect(table).NotTo(ContainSubstring("<img"))
			Expect(details).To(ContainSubstring("\n`````\n"), "a fence longer than the four backticks inside")
			Expect(b.String()).NotTo(ContainSubstring("\x1b"))
		})
	})

	It("reports a write error", func() {
		Expect(rep.WriteTable(failingWriter{})).To(MatchError(ContainSubstring("write report")))
		Expect(rep.WriteMarkdown(failingWriter{})).To(HaveOccurred())
		Expect(rep.WriteJSON(failingWriter{})).To(HaveOccurred())
	})

	It("writes report files whole and private (0600), creating their directory", func() {
		dir := GinkgoT().TempDir()
		o := verify.Options{JSONReport: filepath.Join(dir, "a", "r.json"), MarkdownReport: filepath.Join(dir, "r.md"), JUnitReport: filepath.Join(dir, "r.xml")}
		Expect(o.WriteFiles(rep, types.Report{})).To(Succeed())
		for _, f := range []string{o.JSONReport, o.MarkdownReport, o.JUnitReport} {
			st, err := os.Stat(f)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.Mode().Perm()).To(Equal(os.FileMode(0o600)), "a report shows requests and answers")
		}
		Expect(names(dir)).To(ConsistOf("a", "r.md", "r.xml"), "no temporary file is left behind")
		Expect(names(filepath.Join(dir, "a"))).To(ConsistOf("r.json"), "no temporary file is left behind")
		junit, err := os.ReadFile(o.JUnitReport)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(junit)).To(ContainSubstring("<testsuites"))
	})

	It("writes report files 0600 under a umask that takes the owner's bits away", func() {
		dir := GinkgoT().TempDir()
		old := syscall.Umask(0o277)
		DeferCleanup(func() { syscall.Umask(old) })
		o := verify.Options{JSONReport: filepath.Join(dir, "r.json"), MarkdownReport: filepath.Join(dir, "r.md"), JUnitReport: filepath.Join(dir, "r.xml")}
		Expect(o.WriteFiles(rep, types.Report{})).To(Succeed())
		syscall.Umask(old)
		for _, f := range []string{o.JSONReport, o.MarkdownReport, o.JUnitReport} {
			st, err := os.Stat(f)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.Mode().Perm()).To(Equal(os.FileMode(0o600)), "%s: ReportFileMode whatever the umask", f)
		}
	})

	It("says which report it could not write", func() {
		dir := GinkgoT().TempDir()
		blocker := filepath.Join(dir, "file")
		Expect(os.WriteFile(blocker, nil, 0o600)).To(Succeed())
		o := verify.Options{JSONReport: filepath.Join(blocker, "r.json")}
		Expect(o.WriteFiles(rep, types.Report{})).To(MatchError(ContainSubstring(o.JSONReport)))
	})
})

// names lists the entries of dir.
func names(dir string) []string {
	entries, err := os.ReadDir(dir)
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

var _ = Describe("Options", func() {
	ctx := context.Background()

	It("serves the built-in mock with its demo profile and fault injection on", func() {
		t, name, stop, err := verify.Options{}.ResolveTarget(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(stop)
		Expect(name).To(HavePrefix("built-in reference mock (http://127.0.0.1:"))
		Expect(t.Token).NotTo(BeEmpty())
		Expect(t.AK).NotTo(BeEmpty())
		Expect(t.ForbiddenToken).NotTo(BeEmpty())
		Expect(t.FaultInjection).To(BeTrue())
		Expect(suites.Preflight(ctx, t)).To(Succeed())
	})

	It("turns fault injection off for the mock when asked", func() {
		off := false
		t, _, stop, err := verify.Options{Target: verify.TargetMock, FaultInjection: &off}.ResolveTarget(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(stop)
		Expect(t.FaultInjection).To(BeFalse())
	})

	It("serves a replay target through OpenReplay", func() {
		var gotPath string
		o := verify.Options{Target: "replay:cassettes/x.yaml", Token: "t", JobID: "0123456789abcdef0123456789abcdef",
			OpenReplay: func(_ context.Context, path string, _ []verify.ReplayCredential) (http.Handler, error) {
				gotPath = path
				return http.NotFoundHandler(), nil
			}}
		t, name, stop, err := o.ResolveTarget(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(stop)
		Expect(gotPath).To(Equal("cassettes/x.yaml"))
		Expect(name).To(HavePrefix("replay of cassettes/x.yaml (http://127.0.0.1:"))
		Expect(t.FaultInjection).To(BeFalse())
	})

	It("hides a password in a URL target's name", func() {
		_, name, stop, err := verify.Options{Target: "http://user:pa55@127.0.0.1:9", Token: "t", JobID: "0123456789abcdef0123456789abcdef"}.ResolveTarget(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(stop)
		Expect(name).To(Equal("http://127.0.0.1:9"))
	})

	DescribeTable("refuses bad options with ErrUsage",
		func(o verify.Options, want string) {
			_, _, _, err := o.ResolveTarget(ctx)
			if err == nil {
				_, err = o.SuiteConfig()
			}
			Expect(err).To(MatchError(verify.ErrUsage))
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("replay unavailable", verify.Options{Target: "replay:x"}, "not available"),
		Entry("replay without a path", verify.Options{Target: "replay:", OpenReplay: func(context.Context, string, []verify.ReplayCredential) (http.Handler, error) { return nil, nil }}, "needs a cassette"),
		Entry("replay that fails to open", verify.Options{Target: "replay:x", OpenReplay: func(context.Context, string, []verify.ReplayCredential) (http.Handler, error) {
			return nil, errors.New("no such file")
		}}, "no such file"),
		Entry("a URL without credentials", verify.Options{Target: "http://h", JobID: "j"}, "give credentials"),
		Entry("a URL without a job", verify.Options{Target: "http://h", Token: "t"}, "--job-id"),
		Entry("not a URL", verify.Options{Target: "h:80"}, "want mock, replay:PATH or a URL"),
		Entry("an SK without its AK", verify.Options{SK: "s"}, "go together"),
		Entry("a bad label filter", verify.Options{Target: "http://h", Token: "t", JobID: "j", LabelFilter: "(MUST"}, "--label-filter"),
		Entry("a bad skip expression", verify.Options{Target: "http://h", Token: "t", JobID: "j", Skip: []string{"["}}, "--focus/--skip"),
	)

	It("passes the filters to Ginkgo and fixes the seed", func() {
		sc, err := verify.Options{LabelFilter: "MUST", Focus: []string{"a"}, Skip: []string{"b"}}.SuiteConfig()
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.LabelFilter).To(Equal("MUST"))
		Expect(sc.FocusStrings).To(Equal([]string{"a"}))
		Expect(sc.SkipStrings).To(Equal([]string{"b"}))
		Expect(sc.RandomSeed).To(Equal(int64(1)))
	})
})
