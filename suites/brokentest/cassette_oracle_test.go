package brokentest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
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

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/provenance"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/proxy"
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

// recordedFrom records, through the recording proxy, what the server h answers to
// each request (method, path and body, sent with the headers given), and returns the
// cassette's path: a cassette of a broken server, as `noticeconf record` makes it.
func recordedFrom(h http.Handler, reqs ...brokenRequest) string {
	GinkgoHelper()
	return recordedNamed(h, nil, reqs...)
}

// recordedNamed is recordedFrom with the credentials names names.
func recordedNamed(h http.Handler, names *credential.Names, reqs ...brokenRequest) string {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), "broken.yaml")
	p, err := proxy.New(proxy.Config{Upstream: serve(h), Cassette: path, Logger: slog.New(slog.DiscardHandler), Credentials: names})
	Expect(err).NotTo(HaveOccurred())
	ps := httptest.NewServer(p)
	for _, rq := range reqs {
		req, err := http.NewRequest(rq.method, ps.URL+rq.path, strings.NewReader(rq.body))
		Expect(err).NotTo(HaveOccurred())
		for k, vs := range rq.header {
			req.Header[k] = vs
		}
		resp, err := ps.Client().Do(req)
		Expect(err).NotTo(HaveOccurred())
		_, _ = io.Copy(io.Discard, resp.Body)
		Expect(resp.Body.Close()).To(Succeed())
	}
	ps.Close()
	Expect(p.Close()).To(Succeed())
	return path
}

// brokenRequest is one request sent to a broken server while recording it.
type brokenRequest struct {
	method, path, body string
	header             http.Header
}

// answering is a broken server that answers every request with status, the headers
// (Content-Type application/json and an X-Request-Id unless h says otherwise) and body.
func answering(status int, h http.Header, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("X-Request-Id", "0123456789abcdef0123456789abcdef")
		for k, vs := range h {
			w.Header()[k] = vs
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

// checkOf returns the one check of rep whose name ends with suffix.
func checkOf(rep *verify.Report, suffix string) verify.Check {
	GinkgoHelper()
	var found []verify.Check
	for _, c := range rep.Checks {
		if strings.HasSuffix(c.Name, suffix) {
			found = append(found, c)
		}
	}
	Expect(found).To(HaveLen(1), "one check named ...%s", suffix)
	return found[0]
}

var _ = Describe("the cassette oracle's checks, against broken servers", func() {
	const job = "48c66c6002964721be537cdc6ce0297b"
	update := "/v3/jobs/notice/" + job + "/update"
	valid := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`
	token := http.Header{"X-Auth-Token": {"broken-test-token"}, "Content-Type": {"application/json"}}
	const (
		seedCheck = "was recorded answering as the vendor's API page says"
		docsCheck = "was recorded answering as the vendor's other docs and the SDK say"
	)

	// Each broken server breaks one rule of what a recording must hold; the check of
	// recorded answers MUST fail (or, for a SHOULD rule, warn) naming it.
	DescribeTable("fails the recording of a server that breaks one rule, naming it",
		func(h http.Handler, rq brokenRequest, check string, want verify.Result, reason string) {
			path := recordedFrom(h, rq)
			res := runVerify(nil, "--cassettes", path, "--label-filter", suites.LabelRecordedContract)
			c := checkOf(res.report, check)
			Expect(c.Result).To(Equal(want), c.Details)
			Expect(c.Reason).To(ContainSubstring(reason))
			if want == verify.ResultFail {
				Expect(res.code).To(Equal(1), res.stdout+res.stderr)
			} else {
				Expect(res.code).To(Equal(0), res.stdout+res.stderr)
			}
		},
		Entry("an error body of another shape than the document's",
			answering(400, nil, `{"error_code":7}`), brokenRequest{"POST", update, `{}`, token},
			seedCheck, verify.ResultFail, "the answer is not the OpenAPI document's 400 response"),
		Entry("a success for a request without credentials",
			answering(200, nil, `{"result":null,"error":null,"status":"success"}`),
			brokenRequest{"POST", update, valid, http.Header{"Content-Type": {"application/json"}}},
			seedCheck, verify.ResultFail, "the request had no credentials and was answered 200 OK, want 401 Unauthorized"),
		Entry("a success for a request the contract rejects",
			answering(200, nil, `{"result":null,"error":null,"status":"success"}`), brokenRequest{"POST", update, `{"notice_type":"MAIL"}`, token},
			seedCheck, verify.ResultFail, "the request breaks the contract"),
		Entry("a 200 whose status is not success",
			answering(200, nil, `{"result":null,"error":null,"status":"fail"}`), brokenRequest{"POST", update, valid, token},
			seedCheck, verify.ResultFail, `"status" is "fail", want "success"`),
		Entry("a 200 with an error",
			answering(200, nil, `{"result":null,"error":"boom","status":"success"}`), brokenRequest{"POST", update, valid, token},
			seedCheck, verify.ResultFail, `"error" is "boom", want null`),
		Entry("an error code of another status's family",
			answering(400, nil, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: decrypt token fail"}`),
			brokenRequest{"POST", update, `{}`, token},
			docsCheck, verify.ResultWarn, `error_code "APIGW.0301" is not one the vendor uses with 400`),
		Entry("an answer without X-Request-Id",
			answering(400, http.Header{"X-Request-Id": nil}, `{"error_code":"CB.00060200","error_msg":"Invalid parameter."}`),
			brokenRequest{"POST", update, `{}`, token},
			docsCheck, verify.ResultWarn, "the answer has no X-Request-Id header"),
		Entry("a success body the official SDK cannot decode",
			answering(200, nil, `{"result":{"job_id":"`+job+`"},"error":null,"status":"success"}`), brokenRequest{"POST", update, valid, token},
			docsCheck, verify.ResultWarn, "not decodable by the official Go SDK"),
	)

	When("the target does not answer", func() {
		It("fails each interaction it hangs up on, saying so", func() {
			// The recorded mock, except that it closes the connection without an
			// answer to a request asking for a fault.
			ref := objectMock()
			hangUp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Prefer") == "" {
					ref.ServeHTTP(w, r)
					return
				}
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					_ = conn.Close()
				}
			})
			res := oracle(hangUp)
			Expect(res.code).To(Equal(1), res.stdout+res.stderr)
			failed := drifts(res.report, verify.ResultFail)
			Expect(failed).To(HaveLen(recordedWhere(func(in *cassette.Interaction) bool { return in.Request.Headers.Get("Prefer") != "" })))
			Expect(reasons(failed)).To(HaveEach(HavePrefix("no answer from the target: ")))
		})
	})

	When("the target answers an array shorter or longer than the recorded one", func() {
		// Recorded ["a","b"]; a live [] or ["a","b","c","d"] is a drift, element by
		// element (the oracle once compared only the elements both sides have).
		It("fails naming each element on one side only", func() {
			recorded := `{"result":["buildJobSuccess","buildJobFail"],"error":null,"status":"success"}`
			path := recordedFrom(answering(200, nil, recorded), brokenRequest{"POST", update, valid, token})
			for _, tc := range []struct{ body, reason string }{
				{`{"result":[],"error":null,"status":"success"}`,
					`$.result[0]: recorded string "buildJobSuccess", got (absent); $.result[1]: recorded string "buildJobFail", got (absent)`},
				{`{"result":["buildJobSuccess","buildJobFail","deleteJob","forbiddenJob"],"error":null,"status":"success"}`,
					`$.result[2]: recorded (absent), got string "deleteJob"; $.result[3]: recorded (absent), got string "forbiddenJob"`},
			} {
				res := runVerify(demoEnv(), "--target", serve(answering(200, nil, tc.body)), "--cassettes", path, "--label-filter", suites.LabelDrift)
				Expect(res.code).To(Equal(1), res.stdout+res.stderr)
				Expect(reasons(drifts(res.report, verify.ResultFail))).To(ConsistOf("drift from the recording: " + tc.reason))
			}
			res := runVerify(demoEnv(), "--target", serve(answering(200, nil, recorded)), "--cassettes", path, "--label-filter", suites.LabelDrift)
			Expect(res.code).To(Equal(0), "the recorded array itself is no drift: %s", res.stdout+res.stderr)
		})
	})
})

var _ = Describe("noticeconf verify --target replay: --credential", func() {
	It("replays to each of verify's credentials the answer recorded under its name", func() {
		p := demo()
		env := map[string]string{"ALLOWED": p.Tokens[0], "FORBIDDEN": p.ForbiddenTokens[0]}
		names, err := credential.Parse([]string{"allowed=ALLOWED", "forbidden=FORBIDDEN"}, func(k string) string { return env[k] })
		Expect(err).NotTo(HaveOccurred())
		update := "/v3/jobs/notice/" + p.JobIDs[0] + "/update"
		body := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`
		// The forbidden token first: by order alone a replay would answer the
		// valid token's request 403.
		path := recordedNamed(objectMock(), names,
			brokenRequest{"POST", update, body, http.Header{"X-Auth-Token": {p.ForbiddenTokens[0]}, "Content-Type": {"application/json"}}},
			brokenRequest{"POST", update, body, http.Header{"X-Auth-Token": {p.Tokens[0]}, "Content-Type": {"application/json"}}},
		)
		text, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(text)).To(And(ContainSubstring("REDACTED:allowed"), ContainSubstring("REDACTED:forbidden")))
		Expect(string(text)).NotTo(Or(ContainSubstring(p.Tokens[0]), ContainSubstring(p.ForbiddenTokens[0])))

		args := []string{"--target", "replay:" + path, "--cassettes", path, "--label-filter", suites.LabelDrift}
		res := runVerify(demoEnv(), append(args, "--credential", "allowed=NOTICECONF_TOKEN", "--credential", "forbidden=NOTICECONF_FORBIDDEN_TOKEN")...)
		Expect(res.code).To(Equal(0), res.stdout+res.stderr)
		Expect(drifts(res.report, verify.ResultPass)).To(HaveLen(2))

		res = runVerify(demoEnv(), args...)
		Expect(res.code).To(Equal(1), "without names nothing recorded under a name matches: %s", res.stdout+res.stderr)
		Expect(reasons(drifts(res.report, verify.ResultFail))).To(HaveEach(ContainSubstring("status: recorded")))

		res = runVerify(demoEnv(), append(args, "--credential", "allowed=NOTICECONF_NOT_SET")...)
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring("NOTICECONF_NOT_SET is unset or empty"))
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
