//go:build thirdparty

package thirdparty_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites/thirdparty"
)

// The demo profile (fixtures/profile.json): not secrets.
const (
	demoJob            = "48c66c6002964721be537cdc6ce0297b"
	otherDemoJob       = "db8467d972cc47f7a1bd2a3a3e77596a"
	demoToken          = "noticeconf-demo-token"
	demoForbiddenToken = "noticeconf-forbidden-token"
	demoAK             = "NOTICECONFDEMOAK0001"
	demoSK             = "noticeconf-demo-sk"
)

// reportsEnv names the directory the JSON reports are written to; `make thirdparty`
// sets it for `make docs-mocks`. If unset, a temporary directory.
const reportsEnv = "NOTICECONF_THIRDPARTY_REPORTS"

// violation is one entry of Prism's sl-violations response header.
type violation struct {
	Location []string `json:"location"`
	Severity string   `json:"severity"`
	Message  string   `json:"message"`
}

// onResponse reports whether v is about the response (not the request).
func (v violation) onResponse() bool { return len(v.Location) > 0 && v.Location[0] == "response" }

// violationLog collects the sl-violations headers of the answers passed through it.
type violationLog struct {
	mu   sync.Mutex
	seen []violation
}

func (l *violationLog) add(h http.Header) error {
	for _, raw := range h.Values("sl-violations") {
		var vs []violation
		if err := json.Unmarshal([]byte(raw), &vs); err != nil {
			return fmt.Errorf("sl-violations header %q: %w", raw, err)
		}
		l.mu.Lock()
		l.seen = append(l.seen, vs...)
		l.mu.Unlock()
	}
	return nil
}

// split returns the violations seen, on the request and on the response.
func (l *violationLog) split() (request, response []violation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, v := range l.seen {
		if v.onResponse() {
			response = append(response, v)
		} else {
			request = append(request, v)
		}
	}
	return request, response
}

// world is what BeforeSuite starts and runs, shared read-only by the specs.
type world struct {
	reportsDir string
	reports    map[string]verify.Report
	exitCodes  map[string]int
	// proxyViolations are the sl-violations of the conformance run through Prism's
	// validation proxy; proxyLog is that Prism's output.
	proxyViolations *violationLog
	proxyLog        *gbytes.Buffer
	// brokenProxy is Prism's validation proxy in front of brokenServer; brokenLog is
	// its output.
	brokenProxy string
	brokenLog   *gbytes.Buffer
}

var w *world

var _ = BeforeSuite(func(ctx SpecContext) {
	began := time.Now()
	p := newPaths()
	w = &world{
		reportsDir:      os.Getenv(reportsEnv),
		reports:         map[string]verify.Report{},
		exitCodes:       map[string]int{},
		proxyViolations: &violationLog{},
	}
	if w.reportsDir == "" {
		w.reportsDir = GinkgoT().TempDir()
	}
	Expect(os.MkdirAll(w.reportsDir, 0o755)).To(Succeed())

	By("building noticeconf")
	bin, err := gexec.Build("github.com/noticeconf/noticeconf/cmd/noticeconf")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(gexec.CleanupBuildArtifacts)

	By("starting Prism (mock mode), WireMock, the reference mock and a broken server")
	prismPort, wiremockPort := freePort(), freePort()
	prism := startProcess("prism", p.root, nil, p.prism, "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(prismPort), p.openapi)
	wiremock := startProcess("wiremock", p.root, nil, "java", "-jar", p.wiremockJar,
		"--port", strconv.Itoa(wiremockPort), "--bind-address", "127.0.0.1", "--root-dir", p.wiremockRoot, "--disable-banner")
	refMock := startProcess("noticeconf mock", p.root, nil, bin, "mock", "--listen", "127.0.0.1:0")
	Eventually(refMock.Out).WithTimeout(startTimeout).Should(gbytes.Say(`listening on (http://127\.0\.0\.1:\d+)\n`))
	mockURL := strings.TrimSuffix(strings.TrimPrefix(firstLine(refMock.Out.Contents()), "listening on "), "\n")
	broken := httptest.NewServer(brokenServer())
	DeferCleanup(broken.Close)

	By("starting Prism's validation proxy in front of the reference mock and of the broken server")
	proxyPort, brokenPort := freePort(), freePort()
	proxy := startProcess("prism proxy", p.root, nil, p.prism, "proxy", p.openapi, mockURL, "-h", "127.0.0.1", "-p", strconv.Itoa(proxyPort))
	brokenProxy := startProcess("prism proxy (broken)", p.root, nil, p.prism, "proxy", p.openapi, broken.URL, "-h", "127.0.0.1", "-p", strconv.Itoa(brokenPort))
	w.proxyLog, w.brokenLog, w.brokenProxy = proxy.Out, brokenProxy.Out, baseURL(brokenPort)

	awaitHTTP("prism", baseURL(prismPort), prism)
	awaitHTTP("wiremock", baseURL(wiremockPort), wiremock)
	awaitHTTP("prism proxy", baseURL(proxyPort), proxy)
	awaitHTTP("prism proxy (broken)", baseURL(brokenPort), brokenProxy)
	GinkgoWriter.Printf("the mocks answer after %s\n", time.Since(began).Round(time.Millisecond))

	// The run through Prism's proxy goes through a recorder of its sl-violations
	// headers first.
	capture := httptest.NewServer(violationRecorder(baseURL(proxyPort), w.proxyViolations))
	DeferCleanup(capture.Close)

	By("running noticeconf verify against each, at the same time")
	targets := map[string]string{
		thirdparty.NamePrism:      baseURL(prismPort),
		thirdparty.NameWireMock:   baseURL(wiremockPort),
		thirdparty.NamePrismProxy: capture.URL,
	}
	sessions := map[string]*gexec.Session{}
	for name, target := range targets {
		sessions[name] = runVerify(bin, p.root, name, target, thirdparty.ReportFile(w.reportsDir, name))
	}
	for name, s := range sessions {
		Eventually(ctx, s).WithTimeout(verifyTimeout).Should(gexec.Exit(), "noticeconf verify against %s", name)
		w.exitCodes[name] = s.ExitCode()
		b, err := os.ReadFile(thirdparty.ReportFile(w.reportsDir, name))
		Expect(err).NotTo(HaveOccurred(), "noticeconf verify against %s (exit %d) wrote no report:\n%s", name, s.ExitCode(), s.Err.Contents())
		var r verify.Report
		Expect(json.Unmarshal(b, &r)).To(Succeed())
		w.reports[name] = r
	}
	GinkgoWriter.Printf("mocks started and verified in %s\n", time.Since(began).Round(time.Millisecond))
}, NodeTimeout(4*time.Minute))

// runVerify starts `noticeconf verify` against target with the demo profile's
// credentials (in the environment, as secrets would be) and the flags that fit every
// mock here: the demo job, fault injection (Prism's `Prefer: code=500`), and the
// seed the committed verdicts of the generated checks were got with.
func runVerify(bin, dir, name, target, report string) *gexec.Session {
	GinkgoHelper()
	return startProcess("verify "+name, dir, []string{
		"NOTICECONF_TOKEN=" + demoToken,
		"NOTICECONF_FORBIDDEN_TOKEN=" + demoForbiddenToken,
		"NOTICECONF_AK=" + demoAK,
		"NOTICECONF_SK=" + demoSK,
	}, bin, "verify", "--target", target, "--job-id", demoJob, "--fault-injection", "--seed", thirdparty.Seed, "--json-report", report)
}

// violationRecorder is a reverse proxy to target that records the sl-violations
// header of every answer in log.
func violationRecorder(target string, log *violationLog) http.Handler {
	u, err := url.Parse(target)
	Expect(err).NotTo(HaveOccurred())
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(r *http.Response) error { return log.add(r.Header) }
	return rp
}

// brokenServer answers every update with a body that breaks fixtures/openapi.yaml:
// for the demo job a 200 whose status is a number and whose result and error are
// missing, for any other job a 400 without error_msg and with a numeric error_code.
func brokenServer() http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		rw.Header().Set("Content-Type", "application/json;charset=UTF-8")
		rw.Header().Set("X-Request-Id", "0123456789abcdef0123456789abcdef")
		if r.URL.Path == contract.UpdatePathFor(demoJob) {
			rw.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(rw, `{"status":5}`)
			return
		}
		rw.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(rw, `{"error_code":5}`)
	})
}

// postUpdate sends a valid, authenticated update of job to base and returns the
// answer's sl-violations.
func postUpdate(base, job string) []violation {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodPost, base+contract.UpdatePathFor(job),
		strings.NewReader(`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(contract.HeaderAuthToken, demoToken)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	Expect(err).NotTo(HaveOccurred())
	_, _ = io.Copy(io.Discard, resp.Body)
	Expect(resp.Body.Close()).To(Succeed())
	l := &violationLog{}
	Expect(l.add(resp.Header)).To(Succeed())
	_, response := l.split()
	return response
}

// responseViolationLines are the lines of a Prism log that report a response
// violation.
func responseViolationLines(log []byte) []string {
	var out []string
	for _, line := range strings.Split(string(log), "\n") {
		if strings.Contains(line, "Violation: response") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return string(line)
}

var _ = Describe("Third-party mock servers under noticeconf verify", func() {
	for _, m := range thirdparty.Mocks() {
		When("the server is "+m.Title, func() {
			It("gets the committed verdict on every check, and the exit status that goes with it", func() {
				r := w.reports[m.Name]
				Expect(m.Mismatches(r)).To(BeEmpty(), "the verdicts of %s changed: update the table in suites/thirdparty/expected.go (and say why), then run make docs-mocks", m.Title)
				want := 0
				if !r.Conforms {
					want = 1
				}
				Expect(w.exitCodes[m.Name]).To(Equal(want), "noticeconf verify exits 0 when every MUST check passes and 1 otherwise")
			})
		})
	}
})

var _ = Describe("Prism's validation proxy", func() {
	When("it fronts the reference mock for the whole conformance run", func() {
		It("reports no response violation, in the sl-violations headers or in its log", func() {
			request, response := w.proxyViolations.split()
			Expect(response).To(BeEmpty(), "the reference mock's answers must all fit fixtures/openapi.yaml")
			Expect(responseViolationLines(w.proxyLog.Contents())).To(BeEmpty())
			By("while it does report the invalid requests the checks send on purpose, so the headers were read")
			Expect(request).NotTo(BeEmpty())
			Expect(string(w.proxyLog.Contents())).To(ContainSubstring("Violation: request"))
		})
	})

	When("it fronts a server whose error body breaks the document", func() {
		It("reports a response violation in the header and in its log", func() {
			got := postUpdate(w.brokenProxy, otherDemoJob)
			Expect(got).To(ContainElement(HaveField("Message", ContainSubstring("error_msg"))))
			Eventually(func() []string { return responseViolationLines(w.brokenLog.Contents()) }).
				WithTimeout(5 * time.Second).ShouldNot(BeEmpty())
		})
	})

	When("it fronts a server whose 200 body breaks the document", func() {
		It("reports a response violation naming result", func() {
			got := postUpdate(w.brokenProxy, demoJob)
			Expect(got).To(ContainElement(HaveField("Message", ContainSubstring("result"))))
		})
	})
})

var _ = Describe("docs/mocks.md", func() {
	It("is the page make docs-mocks writes from these reports", func() {
		var buf bytes.Buffer
		Expect(thirdparty.WriteDoc(&buf, w.reports)).To(Succeed())
		committed, err := os.ReadFile(filepath.Join(repoRoot(), "docs", "mocks.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(committed)).To(Equal(buf.String()), "docs/mocks.md is stale: run make docs-mocks and commit it")
	})
})
