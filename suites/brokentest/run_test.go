package brokentest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/verify"
)

// result is one run of `noticeconf verify`.
type result struct {
	code           int
	stdout, stderr string
	// report is the --json-report, when one was written.
	report *verify.Report
	// dir holds the report files.
	dir string
}

// runVerify runs `noticeconf verify args...` with env added to a clean environment,
// asks for a JSON report, and decodes it.
func runVerify(env []string, args ...string) result {
	GinkgoHelper()
	res, err := execVerify(GinkgoT().TempDir(), env, args...)
	Expect(err).NotTo(HaveOccurred())
	return res
}

// execVerify is runVerify, the JSON report written in dir. It makes no assertion, so
// that runs may go on in parallel goroutines: the error says what went wrong.
func execVerify(dir string, env []string, args ...string) (result, error) {
	jsonPath := filepath.Join(dir, "report.json")
	cmd := exec.Command(bin, append(append([]string{"verify"}, args...), "--json-report", jsonPath)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NOTICECONF_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String(), dir: dir}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.code = exit.ExitCode()
	} else if err != nil {
		return res, fmt.Errorf("run %s verify: %w", bin, err)
	}
	if b, err := os.ReadFile(jsonPath); err == nil {
		res.report = &verify.Report{}
		if err := json.Unmarshal(b, res.report); err != nil {
			return res, fmt.Errorf("the JSON report %s: %w", jsonPath, err)
		}
	}
	return res, nil
}

// demo returns the demo profile the variants serve.
func demo() mock.Profile {
	GinkgoHelper()
	p, err := mock.DefaultProfile()
	Expect(err).NotTo(HaveOccurred())
	return p
}

// demoEnv gives verify the demo profile's credentials, as a user would: secrets in
// the environment.
func demoEnv() []string {
	p := demo()
	return []string{
		"NOTICECONF_TOKEN=" + p.Tokens[0],
		"NOTICECONF_AK=" + p.Credentials[0].AK,
		"NOTICECONF_SK=" + p.Credentials[0].SK,
		"NOTICECONF_FORBIDDEN_TOKEN=" + p.ForbiddenTokens[0],
		"NOTICECONF_JOB_ID=" + p.JobIDs[0],
	}
}

// serve starts h on a loopback port for the current spec.
func serve(h http.Handler) string {
	ts := httptest.NewServer(h)
	DeferCleanup(ts.Close)
	return ts.URL
}

// withResult selects the checks of a report with result r.
func withResult(rep *verify.Report, r verify.Result) []verify.Check {
	var out []verify.Check
	for _, c := range rep.Checks {
		if c.Result == r {
			out = append(out, c)
		}
	}
	return out
}

// names returns the names of checks.
func names(cs []verify.Check) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// regexpQuote quotes s for a regular expression.
func regexpQuote(s string) string { return regexp.QuoteMeta(s) }
