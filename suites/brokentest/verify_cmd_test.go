package brokentest_test

import (
	"encoding/xml"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites"
	"github.com/noticeconf/noticeconf/suites/brokentest"
)

var _ = Describe("noticeconf verify, the command", func() {
	When("run with no flags", func() {
		It("checks the built-in mock, passes with the official SDK's warning, and writes every report", func() {
			dir := GinkgoT().TempDir()
			junit := filepath.Join(dir, "verify.xml")
			md := filepath.Join(dir, "verify.md")
			res := runVerify(nil, "--junit-report", junit, "--markdown-report", md)
			Expect(res.code).To(Equal(0), res.stdout+res.stderr)
			Expect(res.stdout).To(HavePrefix("noticeconf verify: built-in reference mock (http://127.0.0.1:"))
			Expect(res.stdout).To(MatchRegexp(`CHECK\s+LEVEL\s+RESULT\s+REASON`))
			Expect(res.stdout).To(ContainSubstring("PASS with warnings"))
			Expect(res.stdout).To(ContainSubstring("not decodable by the official Go SDK"))

			rep := res.report
			Expect(rep.Conforms).To(BeTrue())
			Expect(rep.Summary.Checks).To(BeNumerically(">=", 60))
			Expect(rep.Summary.Skipped).To(BeZero(), "the mock supports every check")
			Expect(names(withResult(rep, verify.ResultWarn))).To(ConsistOf(ContainSubstring("the official Go SDK decodes")))
			for _, c := range rep.Checks {
				Expect(c.Level).To(BeElementOf(suites.Must, suites.Should), c.Name)
				Expect(c.Source).NotTo(BeEmpty(), c.Name)
			}
			// How long the run takes is measured by the benchmarks, not asserted here.
			GinkgoWriter.Printf("verify against the built-in mock: %d checks in %s\n", rep.Summary.Checks, time.Duration(rep.Duration))

			By("writing a JUnit report with one test case per check")
			b, err := os.ReadFile(junit)
			Expect(err).NotTo(HaveOccurred())
			var suitesXML struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
			}
			Expect(xml.Unmarshal(b, &suitesXML)).To(Succeed())
			Expect(suitesXML.Tests).To(BeNumerically(">=", rep.Summary.Checks))
			Expect(suitesXML.Failures).To(Equal(1), "the SHOULD warning is a JUnit failure")

			By("writing a Markdown report with the table and the warning's details")
			b, err = os.ReadFile(md)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b)).To(ContainSubstring("| Check | Level | Source | Result | Reason |"))
			Expect(string(b)).To(ContainSubstring("## Failures and warnings"))
			Expect(string(b)).To(ContainSubstring("response got:"))
		})
	})

	When("the target cannot be used", func() {
		It("exits 2 for an unreachable target, before running any check", func() {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			addr := ln.Addr().String()
			Expect(ln.Close()).To(Succeed())
			res := runVerify(demoEnv(), "--target", "http://"+addr)
			Expect(res.code).To(Equal(2))
			Expect(res.stderr).To(ContainSubstring("target unreachable"))
			Expect(res.stdout).To(BeEmpty())
			Expect(res.report).To(BeNil())
		})

		It("exits 2 when the target rejects the token on the success case", func() {
			h, err := brokentest.Server{Name: "reference"}.Handler()
			Expect(err).NotTo(HaveOccurred())
			env := append(demoEnv(), "NOTICECONF_TOKEN=not-the-token")
			res := runVerify(env, "--target", serve(h))
			Expect(res.code).To(Equal(2))
			Expect(res.stderr).To(ContainSubstring("target rejected the credentials"))
			Expect(res.stderr).To(ContainSubstring("answered 401"))
			Expect(res.stdout).To(BeEmpty())
		})

		DescribeTable("exits 2 for a usage error",
			func(env []string, want string, args ...string) {
				res := runVerify(env, args...)
				Expect(res.code).To(Equal(2), res.stdout+res.stderr)
				Expect(res.stderr).To(ContainSubstring(want))
				Expect(res.stdout).To(BeEmpty())
			},
			Entry("a replay target whose cassettes do not exist", []string{"NOTICECONF_TOKEN=t"},
				"no-such-dir: cannot read", "--target", "replay:no-such-dir", "--job-id", "48c66c6002964721be537cdc6ce0297b"),
			Entry("a replay target without a path", nil,
				"needs a cassette file or directory", "--target", "replay:"),
			Entry("a URL target without a job id", []string{"NOTICECONF_TOKEN=t"},
				"--job-id", "--target", "http://127.0.0.1:9"),
			Entry("a URL target without credentials", []string{"NOTICECONF_JOB_ID=48c66c6002964721be537cdc6ce0297b"},
				"give credentials", "--target", "http://127.0.0.1:9"),
			Entry("a target that is not a URL", nil, "want mock, replay:PATH or a URL", "--target", "ftp://example.com"),
			Entry("an AK without its SK", []string{"NOTICECONF_AK=a"}, "--ak and --sk go together"),
			Entry("a job id that is not one path segment", []string{"NOTICECONF_TOKEN=t"}, "job id", "--target", "http://127.0.0.1:9", "--job-id", "a/b"),
			Entry("a bad label filter", nil, "--label-filter", "--label-filter", "MUST &&"),
			Entry("a bad focus expression", nil, "--focus", "--focus", "("),
			Entry("an argument", nil, "unknown command", "extra"),
		)
	})

	When("checks are selected or lack what they need", func() {
		It("runs only the checks --label-filter selects and says why the others were skipped", func() {
			res := runVerify(nil, "--label-filter", "MUST && validation")
			Expect(res.code).To(Equal(0), res.stdout+res.stderr)
			ran := append(withResult(res.report, verify.ResultPass), withResult(res.report, verify.ResultFail)...)
			Expect(ran).NotTo(BeEmpty())
			for _, c := range ran {
				Expect(c.Level).To(Equal(suites.Must))
				Expect(c.Labels).To(ContainElement("validation"))
			}
			Expect(withResult(res.report, verify.ResultSkip)).To(HaveEach(HaveField("Reason", ContainSubstring("not selected by --label-filter"))))
		})

		It("runs only the checks --focus names, less those --skip names", func() {
			res := runVerify(nil, "--focus", "job_id is", "--skip", "error_code")
			Expect(res.code).To(Equal(0), res.stdout+res.stderr)
			passed := names(withResult(res.report, verify.ResultPass))
			Expect(passed).To(HaveLen(4), "the status checks of the 4 job_id cases; --skip drops the two error_code checks of each")
			Expect(passed).To(HaveEach(ContainSubstring("job_id is")))
			Expect(passed).NotTo(ContainElement(ContainSubstring("error_code")))
		})

		It("skips the 403, 500 and AK/SK checks against a URL target that was given no means for them", func() {
			h, err := brokentest.Server{Name: "reference"}.Handler()
			Expect(err).NotTo(HaveOccurred())
			p := demo()
			env := []string{"NOTICECONF_TOKEN=" + p.Tokens[0], "NOTICECONF_JOB_ID=" + p.JobIDs[0]}
			res := runVerify(env, "--target", serve(h))
			Expect(res.code).To(Equal(0), res.stdout+res.stderr)
			skipped := withResult(res.report, verify.ResultSkip)
			Expect(skipped).To(ContainElement(SatisfyAll(
				HaveField("Name", ContainSubstring("not allowed to update the job answers 403")),
				HaveField("Reason", ContainSubstring("--forbidden-token")))))
			Expect(skipped).To(ContainElement(SatisfyAll(
				HaveField("Name", ContainSubstring("Prefer: code=500) answers 500")),
				HaveField("Reason", ContainSubstring("--fault-injection")))))
			Expect(skipped).To(ContainElement(SatisfyAll(
				HaveField("Name", ContainSubstring("signed with AK/SK")),
				HaveField("Reason", ContainSubstring("--ak")))))
			Expect(res.stdout).To(MatchRegexp(`answers 403\s+MUST\s+SKIP\s+no forbidden token`))
		})

		It("checks a target that takes only AK/SK, signing with the official SDK's signer", func() {
			cfg := mock.Config{
				Credentials: []mock.Credential{{AK: "VERIFYTESTAK", SK: "verify-test-sk"}},
				JobIDs:      []string{"0123456789abcdef0123456789abcdef"},
				ResultStyle: mock.ResultNull,
			}
			srv, err := mock.New(cfg)
			Expect(err).NotTo(HaveOccurred())
			env := []string{"NOTICECONF_AK=VERIFYTESTAK", "NOTICECONF_SK=verify-test-sk", "NOTICECONF_JOB_ID=0123456789abcdef0123456789abcdef"}
			res := runVerify(env, "--target", serve(srv), "--fault-injection")
			Expect(res.code).To(Equal(0), res.stdout+res.stderr)
			Expect(withResult(res.report, verify.ResultWarn)).To(BeEmpty())
			Expect(names(withResult(res.report, verify.ResultPass))).To(ContainElement(ContainSubstring("valid and authenticated answers 200")))
		})
	})

	It("streams Ginkgo's verbose output with -v", func() {
		res := runVerify(nil, "-v", "--focus", "no credentials are sent answers")
		Expect(res.code).To(Equal(0))
		Expect(res.stdout).To(ContainSubstring("Ran 3 of"))
		Expect(res.stdout).To(ContainSubstring("noticeconf verify: built-in reference mock"))
	})

	It("never writes a secret to stdout, stderr or a report", func() {
		const token, sk, forbidden = "s3cret-token-7f2a", "s3cret-sk-91b4", "s3cret-forbidden-c3d0"
		cfg := mock.Config{
			Tokens:          []string{token},
			ForbiddenTokens: []string{forbidden},
			Credentials:     []mock.Credential{{AK: "VERIFYTESTAK", SK: sk}},
			JobIDs:          []string{"0123456789abcdef0123456789abcdef"},
		}
		srv, err := mock.New(cfg)
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		env := []string{"NOTICECONF_TOKEN=" + token, "NOTICECONF_AK=VERIFYTESTAK", "NOTICECONF_SK=" + sk,
			"NOTICECONF_FORBIDDEN_TOKEN=" + forbidden, "NOTICECONF_JOB_ID=0123456789abcdef0123456789abcdef"}
		// The object form warns, so the report carries full exchanges.
		res := runVerify(env, "--target", serve(srv), "--fault-injection",
			"--junit-report", filepath.Join(dir, "r.xml"), "--markdown-report", filepath.Join(dir, "r.md"))
		Expect(res.code).To(Equal(0), res.stdout+res.stderr)
		Expect(res.stdout).To(ContainSubstring("X-Auth-Token: REDACTED"))
		outputs := []string{res.stdout, res.stderr}
		for _, f := range []string{filepath.Join(res.dir, "report.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.md")} {
			b, err := os.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			outputs = append(outputs, string(b))
		}
		for _, out := range outputs {
			for _, secret := range []string{token, sk, forbidden} {
				Expect(strings.Contains(out, secret)).To(BeFalse(), "a secret leaked")
			}
		}
	})
})
