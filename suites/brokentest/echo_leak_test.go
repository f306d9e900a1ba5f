package brokentest_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/mock"
)

var _ = Describe("noticeconf verify against a target that echoes credentials", func() {
	It("writes none of them, nor a refused --target's userinfo, to stdout, stderr or a report, and escapes the target's control characters", func() {
		p := demo()
		ref := mustMock()
		echoing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			ref.ServeHTTP(rec, r)
			// Every credential the request carried, in a header and a body no rule
			// names, and escape sequences that would clear a terminal and retitle it.
			seen := r.Header.Get("X-Auth-Token") + " " + r.Header.Get("Authorization")
			for k, vs := range rec.Header() {
				w.Header()[k] = vs
			}
			w.Header().Set("X-Echo", seen)
			body := rec.Body.Bytes()
			status := rec.Code
			if status == http.StatusBadRequest {
				// Breaks the 400 checks, so that their failures show the exchange.
				status = http.StatusUnprocessableEntity
				w.Header().Set("Content-Type", "text/plain")
				body = []byte("you sent " + seen + " \x1b[2J\x1b]0;pwned\x07 <script>alert(1)</script>\n")
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(status)
			_, _ = w.Write(body)
		})
		base, err := url.Parse(serve(echoing))
		Expect(err).NotTo(HaveOccurred())
		const password = "noticeconf-target-password-7731"
		withUser := *base
		withUser.User = url.UserPassword("builder", password)
		By("refusing a --target with user information, without printing it")
		refused := runVerify(demoEnv(), "--target", withUser.String())
		Expect(refused.code).To(Equal(2), refused.stdout+refused.stderr)
		Expect(refused.stderr).To(ContainSubstring("user information"))
		for name, out := range map[string]string{"stdout": refused.stdout, "stderr": refused.stderr} {
			Expect(out).NotTo(ContainSubstring(password), "%s holds the target password", name)
		}

		By("checking the echoing target")
		dir := GinkgoT().TempDir()
		junit, md := filepath.Join(dir, "verify.xml"), filepath.Join(dir, "verify.md")
		res := runVerify(demoEnv(), "--target", base.String(), "--junit-report", junit, "--markdown-report", md)
		Expect(res.code).To(Equal(1), res.stdout+res.stderr)
		Expect(res.report.Summary.Failed).To(BeNumerically(">", 0))
		Expect(res.stdout).To(ContainSubstring("response got:"), "the failures show the exchanges")

		outputs := map[string]string{"stdout": res.stdout, "stderr": res.stderr}
		for _, f := range []string{junit, md, filepath.Join(res.dir, "report.json")} {
			b, err := os.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			outputs[filepath.Base(f)] = string(b)
			st, err := os.Stat(f)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.Mode().Perm()).To(Equal(os.FileMode(0o600)), "%s holds requests: only its owner may read it", f)
		}
		secrets := map[string]string{
			"token": p.Tokens[0], "forbidden token": p.ForbiddenTokens[0], "AK": p.Credentials[0].AK,
			"SK": p.Credentials[0].SK, "target password": password,
		}
		for name, out := range outputs {
			for what, secret := range secrets {
				Expect(out).NotTo(ContainSubstring(secret), "%s holds the %s", name, what)
				Expect(out).NotTo(ContainSubstring(url.QueryEscape(secret)), "%s holds the %s, URL-encoded", name, what)
			}
			Expect(out).NotTo(ContainSubstring("\x1b"), "%s holds a raw escape sequence", name)
			Expect(out).NotTo(ContainSubstring("\x07"), "%s holds a raw BEL", name)
		}
		Expect(outputs["stdout"]).To(ContainSubstring(`\x1b[2J`), "the escape sequence is shown escaped")
		table, details, _ := strings.Cut(outputs["verify.md"], "## Failures and warnings")
		Expect(table).NotTo(ContainSubstring("<script>"), "the Markdown table escapes HTML")
		Expect(details).To(ContainSubstring("<script>"), "inside a code block HTML is text")
		Expect(strings.Count(outputs["stdout"], "REDACTED")).To(BeNumerically(">", 0))
	})
})

// mustMock returns the reference mock of the demo profile.
func mustMock() http.Handler {
	GinkgoHelper()
	cfg, err := mock.DefaultConfig()
	Expect(err).NotTo(HaveOccurred())
	m, err := mock.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	return m
}
