package brokentest_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites/brokentest"
)

var _ = Describe("noticeconf verify, the generated checks", func() {
	// serveBroken serves the broken server named name.
	serveBroken := func(name string) string {
		GinkgoHelper()
		for _, s := range brokentest.Broken() {
			if s.Name == name {
				h, err := s.Handler()
				Expect(err).NotTo(HaveOccurred())
				return serve(h)
			}
		}
		Fail("no broken server " + name)
		return ""
	}
	// failure returns the details of the one failed check whose name holds check.
	failure := func(rep *verify.Report, check string) string {
		GinkgoHelper()
		var found []string
		for _, c := range withResult(rep, verify.ResultFail) {
			if strings.Contains(c.Name, check) {
				found = append(found, c.Details)
			}
		}
		Expect(found).To(HaveLen(1), "want one failed check named %q", check)
		return found[0]
	}
	// wallClock drops what differs between two answers to the same request: the
	// Date and X-Request-Id headers.
	wallClock := regexp.MustCompile(`(?m)^\s*(Date|X-Request-Id): .*\n`)

	const check = "answers every valid update 200 with the envelope"

	It("reports the smallest failing request with the rule, the seed and a curl line, and no secret", func() {
		url := serveBroken("param-config-500")
		res := runVerify(demoEnv(), "--target", url, "--seed", "42", "--focus", check)
		Expect(res.code).To(Equal(1), res.stdout+res.stderr)
		d := failure(res.report, check)
		Expect(d).To(HavePrefix("a valid update"))
		Expect(d).To(ContainSubstring("answered 500 Internal Server Error"))
		Expect(d).To(ContainSubstring("rule: every valid update"))
		Expect(d).To(ContainSubstring("level: MUST, source: vendor API page"))
		Expect(d).To(ContainSubstring("shrunk: the smallest failing example"))
		Expect(d).To(ContainSubstring("seed: 42; run it again with: noticeconf verify --seed 42 --focus"))
		Expect(d).To(ContainSubstring(`"param_config"`), "the shrunk request keeps what breaks the server")
		Expect(d).To(ContainSubstring("curl -sS -i -X POST"))
		Expect(d).To(ContainSubstring(`-H "X-Auth-Token: ${NOTICECONF_TOKEN}"`))
		Expect(res.stdout).To(ContainSubstring("seed: 42,"))
		Expect(res.stdout).To(ContainSubstring(d[:strings.Index(d, "\n")]), "the table and the details show the reason")
		for _, secret := range []string{demo().Tokens[0], demo().Credentials[0].SK, demo().ForbiddenTokens[0]} {
			Expect(res.stdout + res.stderr).NotTo(ContainSubstring(secret))
		}
	})

	It("repeats a run exactly with the same --seed, and draws other requests with another", func() {
		url := serveBroken("param-config-500")
		run := func(seed string) string {
			res := runVerify(demoEnv(), "--target", url, "--seed", seed, "--focus", check)
			Expect(res.code).To(Equal(1), res.stdout+res.stderr)
			return wallClock.ReplaceAllString(failure(res.report, check), "")
		}
		first := run("7")
		Expect(run("7")).To(Equal(first))
		Expect(run("8")).NotTo(Equal(first), "another seed, another run (the report shows the seed)")
	})

	It("sends --examples requests per generated check", func() {
		var posts atomic.Int64
		h, err := brokentest.Server{Name: "reference"}.Handler()
		Expect(err).NotTo(HaveOccurred())
		url := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				posts.Add(1)
			}
			h.ServeHTTP(w, r)
		}))
		for _, n := range []int64{7, 30} {
			posts.Store(0)
			res := runVerify(demoEnv(), "--target", url, "--examples", strconv.FormatInt(n, 10), "--focus", "answers every invalid update 400")
			Expect(res.code).To(Equal(0), res.stdout+res.stderr)
			Expect(posts.Load()).To(Equal(n+1), "the preflight's update, then one per example")
		}
	})

	It("checks a job id outside the contract's pattern as given, with a note in the report", func() {
		const upper = "48C66C6002964721BE537CDC6CE0297B"
		h, err := brokentest.Server{Name: "reference"}.Handler()
		Expect(err).NotTo(HaveOccurred())
		// A server whose job ids are upper case: it looks them up in lower case.
		url := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.URL.Path = strings.Replace(r.URL.Path, contract.NoticePrefix+upper+"/", contract.NoticePrefix+strings.ToLower(upper)+"/", 1)
			h.ServeHTTP(w, r)
		}))
		env := append(demoEnv(), "NOTICECONF_JOB_ID="+upper)
		res := runVerify(env, "--target", url)
		Expect(res.code).To(Equal(0), res.stdout+res.stderr)
		Expect(res.report.Notes).To(ConsistOf(ContainSubstring(upper)))
		Expect(res.stdout).To(ContainSubstring("note: the job id \"" + upper + "\" is outside"))
		Expect(names(withResult(res.report, verify.ResultPass))).To(ContainElement(ContainSubstring("valid and authenticated answers 200")))
	})
})
