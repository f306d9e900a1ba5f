package brokentest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/internal/cassette"
	"github.com/noticeconf/noticeconf/internal/mock"
	"github.com/noticeconf/noticeconf/internal/provenance"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites"
)

// shipped is the cassette `make cassettes` records from the reference mock.
const shipped = "../../cassettes/reference-mock/conformance.yaml"

// objectMock is the reference mock as it was recorded: the demo profile, result as
// an object.
func objectMock() http.Handler {
	GinkgoHelper()
	cfg, err := mock.DefaultConfig()
	Expect(err).NotTo(HaveOccurred())
	cfg.ResultStyle = mock.ResultObject
	m, err := mock.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	return m
}

// changed serves the request with ref and lets f change the status, the header and
// the JSON object body of the answer.
func changed(ref http.Handler, f func(r *http.Request, status *int, h http.Header, m map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		ref.ServeHTTP(rec, r)
		status, h, body := rec.Code, rec.Header().Clone(), rec.Body.Bytes()
		var m map[string]any
		if json.Unmarshal(body, &m) == nil && m != nil {
			f(r, &status, h, m)
			body, _ = json.Marshal(m)
		}
		for k, vs := range h {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// oracle runs the cassette oracle's drift checks of the shipped cassette against h.
func oracle(h http.Handler, extra ...string) result {
	GinkgoHelper()
	args := append([]string{"--target", serve(h), "--cassettes", shipped, "--fault-injection", "--label-filter", suites.LabelDrift}, extra...)
	return runVerify(demoEnv(), args...)
}

// drifts returns the drift checks of a report with result r.
func drifts(rep *verify.Report, r verify.Result) []verify.Check {
	var out []verify.Check
	for _, c := range withResult(rep, r) {
		if slices.Contains(c.Labels, suites.LabelDrift) {
			out = append(out, c)
		}
	}
	return out
}

// recordedWhere counts the shipped cassette's interactions that satisfy keep.
func recordedWhere(keep func(in *cassette.Interaction) bool) int {
	GinkgoHelper()
	f, err := cassette.LoadFile(shipped)
	Expect(err).NotTo(HaveOccurred())
	n := 0
	for i := range f.Interactions {
		if keep(&f.Interactions[i]) {
			n++
		}
	}
	return n
}

func reasons(cs []verify.Check) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Reason
	}
	return out
}

var _ = Describe("noticeconf verify --cassettes, the cassette oracle", func() {
	It("passes a mock that answers as recorded, re-sending every interaction", func() {
		res := oracle(objectMock())
		Expect(res.code).To(Equal(0), res.stdout+res.stderr)
		passed := drifts(res.report, verify.ResultPass)
		Expect(passed).To(HaveLen(recordedWhere(func(*cassette.Interaction) bool { return true })))
		Expect(drifts(res.report, verify.ResultSkip)).To(BeEmpty())
		Expect(passed[0].Name).To(HavePrefix(shipped + " interaction 0: POST /v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update recorded 200 answers as recorded"))
		Expect(passed[0].Level).To(Equal(suites.Must))
	})

	DescribeTable("fails a mock that differs in one thing, with a diff naming exactly that",
		func(f func(r *http.Request, status *int, h http.Header, m map[string]any), reason string, recorded func(in *cassette.Interaction) bool) {
			res := oracle(changed(objectMock(), f))
			Expect(res.code).To(Equal(1), res.stdout+res.stderr)
			failed := drifts(res.report, verify.ResultFail)
			Expect(failed).To(HaveLen(recordedWhere(recorded)), "one failure per recorded interaction concerned")
			Expect(reasons(failed)).To(HaveEach(Equal("drift from the recording: "+reason)), "nothing else differs")
			Expect(failed[0].Details).To(ContainSubstring("differences (recorded vs got):\n    " + reason + "\n"))
			Expect(failed[0].Details).To(ContainSubstring("recorded in: " + shipped + " interaction "))
			Expect(failed[0].Details).To(ContainSubstring("recorded answer:\n"))
		},
		Entry("a status: 422 for an unknown job, as other job endpoints answer",
			func(_ *http.Request, status *int, _ http.Header, _ map[string]any) {
				if *status == http.StatusNotFound {
					*status = http.StatusUnprocessableEntity
				}
			},
			"status: recorded 404 Not Found, got 422 Unprocessable Entity",
			func(in *cassette.Interaction) bool { return in.Response.Code == http.StatusNotFound }),
		Entry("an error code: CB.00060200 for a malformed job id",
			func(_ *http.Request, _ *int, _ http.Header, m map[string]any) {
				if m["error_code"] == "CB.00060201" {
					m["error_code"] = "CB.00060200"
				}
			},
			`$.error_code: recorded string "CB.00060201", got string "CB.00060200"`,
			func(in *cassette.Interaction) bool { return strings.Contains(in.Response.Body, `"CB.00060201"`) }),
		Entry("an envelope key: no error member on success",
			func(r *http.Request, status *int, _ http.Header, m map[string]any) {
				if *status == http.StatusOK && r.Method == http.MethodPost {
					delete(m, "error")
				}
			},
			"$.error: recorded null, got (absent)",
			func(in *cassette.Interaction) bool {
				return in.Response.Code == http.StatusOK && in.Request.Method == http.MethodPost
			}),
		Entry("a JSON type: result a string, not an object",
			func(r *http.Request, status *int, _ http.Header, m map[string]any) {
				if *status == http.StatusOK && r.Method == http.MethodPost {
					m["result"] = "48c66c6002964721be537cdc6ce0297b"
				}
			},
			`$.result: recorded object {"job_id":"48c66c6002964721be537cdc6ce0297b"}, got string "48c66c6002964721be537cdc6ce0297b"`,
			func(in *cassette.Interaction) bool {
				return in.Response.Code == http.StatusOK && in.Request.Method == http.MethodPost
			}),
	)

	When("the mock differs only in what the oracle ignores by default", func() {
		// error_msg text, request_id, X-Request-Id, Date and the job id in result.
		ignoredOnly := func() http.Handler {
			return changed(objectMock(), func(r *http.Request, status *int, h http.Header, m map[string]any) {
				h.Set("X-Request-Id", "ffffffffffffffffffffffffffffffff")
				h.Set("Date", "Sat, 01 Jan 2000 00:00:00 GMT")
				if _, ok := m["error_msg"]; ok {
					m["error_msg"] = "Something else entirely."
				}
				if _, ok := m["request_id"]; ok {
					m["request_id"] = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
				}
				if res, ok := m["result"].(map[string]any); ok {
					res["job_id"] = "db8467d972cc47f7a1bd2a3a3e77596a"
				}
			})
		}

		It("passes", func() {
			res := oracle(ignoredOnly())
			Expect(res.code).To(Equal(0), res.stdout+res.stderr)
			Expect(drifts(res.report, verify.ResultFail)).To(BeEmpty())
		})

		It("fails on exactly what --include adds", func() {
			res := oracle(ignoredOnly(), "--include", "error-msg,result-job-ids")
			Expect(res.code).To(Equal(1), res.stdout+res.stderr)
			failed := drifts(res.report, verify.ResultFail)
			Expect(failed).NotTo(BeEmpty())
			for _, c := range failed {
				Expect(c.Reason).To(Or(
					MatchRegexp(`^drift from the recording: \$\.error_msg: recorded string ".+", got string "Something else entirely\."$`),
					Equal(`drift from the recording: $.result.job_id: recorded string "48c66c6002964721be537cdc6ce0297b" (the recorded job id, mapped), got string "db8467d972cc47f7a1bd2a3a3e77596a"`),
				), c.Name)
			}
		})
	})

	It("maps recorded job ids onto the target's with --job-map", func() {
		cfg, err := mock.DefaultConfig()
		Expect(err).NotTo(HaveOccurred())
		other := "0123456789abcdef0123456789abcdef"
		cfg.JobIDs = []string{other}
		m, err := mock.New(cfg)
		Expect(err).NotTo(HaveOccurred())
		url := serve(m)
		env := append(demoEnv(), "NOTICECONF_JOB_ID="+other)
		args := []string{"--target", url, "--cassettes", shipped, "--fault-injection", "--label-filter", suites.LabelDrift}
		res := runVerify(env, args...)
		Expect(res.code).To(Equal(1), "without the map, the recorded job does not exist on the target")
		res = runVerify(env, append(args, "--job-map", "48c66c6002964721be537cdc6ce0297b="+other, "--include", "result-job-ids")...)
		Expect(res.code).To(Equal(0), res.stdout+res.stderr)
	})

	It("skips what the target cannot be asked to reproduce, saying why", func() {
		env := slices.DeleteFunc(demoEnv(), func(kv string) bool {
			return strings.HasPrefix(kv, "NOTICECONF_FORBIDDEN_TOKEN=") || strings.HasPrefix(kv, "NOTICECONF_AK=") || strings.HasPrefix(kv, "NOTICECONF_SK=")
		})
		res := runVerify(env, "--target", serve(objectMock()), "--cassettes", shipped, "--label-filter", suites.LabelDrift)
		Expect(res.code).To(Equal(0), res.stdout+res.stderr)
		skipped := reasons(drifts(res.report, verify.ResultSkip))
		Expect(skipped).To(ContainElement(HavePrefix("recorded with a fault injected (Prefer: code=500)")))
		Expect(skipped).To(ContainElement(HavePrefix("recorded 403 for a token; no forbidden token configured")))
		Expect(skipped).To(ContainElement(HavePrefix("recorded with an AK/SK signature; the target has no AK/SK configured")))
	})

	It("checks the recorded answers against the contract", func() {
		res := runVerify(nil, "--cassettes", "../../cassettes/seed-example.yaml", "--label-filter", suites.LabelRecordedContract)
		Expect(res.code).To(Equal(0), res.stdout+res.stderr)
		Expect(names(withResult(res.report, verify.ResultPass))).To(ConsistOf(HaveSuffix("was recorded answering as the vendor's API page says")))
		Expect(reasons(withResult(res.report, verify.ResultWarn))).To(ConsistOf(HavePrefix("not decodable by the official Go SDK")),
			"the seed page's own example has result as an object")
	})
})

var _ = Describe("make cassettes", func() {
	It("records byte for byte the shipped cassettes again", func() {
		prov, err := provenance.Read(shipped)
		Expect(err).NotTo(HaveOccurred())
		out := filepath.Join(GinkgoT().TempDir(), "reference-mock")
		cmd := exec.Command("../../cassettes/record-reference-mock.sh", bin, out, prov.RecordedAt.Format("2006-01-02T15:04:05Z07:00"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		Expect(cmd.Run()).To(Succeed(), stderr.String())
		for _, name := range []string{"conformance.yaml", "conformance.yaml" + provenance.Suffix} {
			want, err := os.ReadFile(filepath.Join("../../cassettes/reference-mock", name))
			Expect(err).NotTo(HaveOccurred())
			got, err := os.ReadFile(filepath.Join(out, name))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(got)).To(Equal(string(want)), "%s differs from the committed one: run make cassettes and look at git diff", name)
		}
		entries, err := os.ReadDir(out)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(2))
	})
})
