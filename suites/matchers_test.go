package suites

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/contract"
)

// These specs test the suites' own parts; they run in the same Ginkgo suite as the
// conformance specs (suites_suite_test.go).

const testJobID = "48c66c6002964721be537cdc6ce0297b"

// exchangeOf builds an Exchange of a valid update answered with status, ct and body.
func exchangeOf(status int, ct, body string) *Exchange {
	GinkgoHelper()
	r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1"+contract.UpdatePathFor(testJobID), nil)
	Expect(err).NotTo(HaveOccurred())
	h := http.Header{}
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	return &Exchange{
		Method: r.Method, URL: r.URL.String(),
		RequestHeader: redact(http.Header{"X-Auth-Token": {"tok-123"}, "Content-Type": {jsonCT}}),
		RequestBody:   []byte(validBody),
		Status:        status, Header: h, Body: []byte(body), req: r,
	}
}

func loadContract() *contract.Contract {
	GinkgoHelper()
	c, err := contract.Load()
	Expect(err).NotTo(HaveOccurred())
	return c
}

var testRule = Rule{Must, contract.SourceSeed, "the rule in a sentence"}

var _ = Describe("Rule matchers", func() {
	It("fail with the reason first, then the rule, its level and source, the request and the response", func() {
		x := exchangeOf(http.StatusInternalServerError, "application/json", `{"error_code":"CB.00060101","error_msg":"Internal error."}`)
		m := haveStatus(testRule, http.StatusBadRequest)
		Expect(m.Match(x)).To(BeFalse())
		msg := m.FailureMessage(x)
		lines := strings.Split(msg, "\n")
		Expect(lines[0]).To(Equal("answered 500 Internal Server Error, want 400 Bad Request"))
		Expect(msg).To(ContainSubstring("rule: the rule in a sentence\nlevel: MUST, source: vendor API page (UpdateNotice)\n"))
		Expect(msg).To(ContainSubstring("request sent:\n    POST http://127.0.0.1:1/v3/jobs/notice/" + testJobID + "/update\n"))
		Expect(msg).To(ContainSubstring("    X-Auth-Token: REDACTED\n"))
		Expect(msg).NotTo(ContainSubstring("tok-123"))
		Expect(msg).To(ContainSubstring(validBody))
		Expect(msg).To(ContainSubstring("response got:\n    HTTP 500 Internal Server Error\n    Content-Type: application/json\n"))
		Expect(msg).To(ContainSubstring(`{"error_code":"CB.00060101","error_msg":"Internal error."}`))
	})

	It("accept a JSON content type with or without a charset, and nothing else", func() {
		for _, ct := range []string{"application/json", "application/json;charset=UTF-8", "application/json; charset=utf-8"} {
			Expect(haveJSONContentType(testRule).Match(exchangeOf(200, ct, "{}"))).To(BeTrue(), ct)
		}
		for _, ct := range []string{"", "text/html", "application/problem+json", "text/json"} {
			Expect(haveJSONContentType(testRule).Match(exchangeOf(200, ct, "{}"))).To(BeFalse(), ct)
		}
	})

	It("validate against the OpenAPI document leniently: key order, whitespace, extra keys, charset", func() {
		c := loadContract()
		for _, body := range []string{
			`{"result":"x","error":null,"status":"success"}`,
			"{\n  \"status\": \"success\",\n  \"error\": null,\n  \"result\": null\n}\n",
			`{"status":"success","result":{"job_id":"x"},"error":null,"request_id":"abc","extra":[1]}`,
		} {
			x := exchangeOf(200, "application/json;charset=UTF-8", body)
			Expect(matchDocumentedResponse(testRule, c, 200).Match(x)).To(BeTrue(), body)
		}
	})

	It("validate against the OpenAPI document strictly where it is strict, with a short reason", func() {
		c := loadContract()
		x := exchangeOf(200, "application/json", `{"result":"x","error":null}`)
		m := matchDocumentedResponse(testRule, c, 200)
		Expect(m.Match(x)).To(BeFalse())
		first, _, _ := strings.Cut(m.FailureMessage(x), "\n")
		Expect(first).To(Equal(`the answer is not the OpenAPI document's 200 response: response body doesn't match schema #/components/schemas/UpdateNoticeResponse: Error at "/status": property "status" is missing`))

		x = exchangeOf(400, "application/json", `{"error_code":"","error_msg":"m"}`)
		Expect(matchDocumentedResponse(testRule, c, 400).Match(x)).To(BeFalse(), "an empty error_code")
		x = exchangeOf(400, "text/html", `<html></html>`)
		Expect(matchDocumentedResponse(testRule, c, 400).Match(x)).To(BeFalse(), "an HTML page")
	})

	DescribeTable("check result against the document's three forms",
		func(body string, ok bool) {
			x := exchangeOf(200, "application/json", body)
			Expect(haveDocumentedResult(testRule, loadContract()).Match(x)).To(Equal(ok))
		},
		Entry("a string", `{"result":"id","error":null,"status":"success"}`, true),
		Entry("null", `{"result":null,"error":null,"status":"success"}`, true),
		Entry(`{"job_id": string}`, `{"result":{"job_id":"id"},"error":null,"status":"success"}`, true),
		Entry("a number", `{"result":42,"error":null,"status":"success"}`, false),
		Entry("an object without job_id", `{"result":{"id":"x"},"error":null,"status":"success"}`, false),
		Entry("an array", `{"result":["id"],"error":null,"status":"success"}`, false),
		Entry("missing", `{"error":null,"status":"success"}`, false),
	)

	DescribeTable("decode with the official Go SDK as the SDK does",
		func(body string, ok bool) {
			x := exchangeOf(200, "application/json", body)
			m := decodeWithSDK(Rule{Should, contract.SourceSDK, "sdk"})
			Expect(m.Match(x)).To(Equal(ok))
			if !ok {
				Expect(m.FailureMessage(x)).To(HavePrefix("not decodable by the official Go SDK"))
			}
		},
		Entry("a string", `{"result":"id","error":null,"status":"success"}`, true),
		Entry("null", `{"result":null,"error":null,"status":"success"}`, true),
		Entry("the object form", `{"result":{"job_id":"id"},"error":null,"status":"success"}`, false),
	)

	DescribeTable("check error_code against the vendor's family for the status",
		func(status int, body string, ok bool) {
			Expect(haveCodeOfFamily(testRule, status).Match(exchangeOf(status, "application/json", body))).To(Equal(ok))
		},
		Entry("400 CB.00060200", 400, `{"error_code":"CB.00060200","error_msg":""}`, true),
		Entry("400 CB.00060201", 400, `{"error_code":"CB.00060201","error_msg":""}`, true),
		Entry("400 APIGW.0301", 400, `{"error_code":"APIGW.0301","error_msg":""}`, false),
		Entry("401 APIGW.0301", 401, `{"error_code":"APIGW.0301","error_msg":""}`, true),
		Entry("404 CB.00060214", 404, `{"error_code":"CB.00060214","error_msg":""}`, true),
		Entry("no error_code", 404, `{"error_msg":""}`, false),
		Entry("a number", 400, `{"error_code":60200,"error_msg":""}`, false),
	)

	It("compare members as JSON values", func() {
		x := exchangeOf(200, "application/json", `{"status" : "success", "error" : null}`)
		Expect(haveMember(testRule, "status", "success").Match(x)).To(BeTrue())
		Expect(haveMember(testRule, "error", nil).Match(x)).To(BeTrue())
		Expect(haveMember(testRule, "result", nil).Match(x)).To(BeFalse(), "a missing member is not null")
		Expect(haveMember(testRule, "status", "fail").Match(x)).To(BeFalse())
	})

	It("read a check's level and source back from its labels", func() {
		level, source, ok := RuleOf(Rule{Should, contract.SourceObserved, ""}.labels())
		Expect(ok).To(BeTrue())
		Expect(level).To(Equal(Should))
		Expect(source).To(Equal(contract.SourceObserved))
		_, _, ok = RuleOf([]string{"validation"})
		Expect(ok).To(BeFalse())
	})
})

var _ = Describe("Target", func() {
	It("sends requests with secrets redacted from the exchange", func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(contract.HeaderSubjectToken, "subject-secret")
			w.WriteHeader(http.StatusTeapot)
		}))
		DeferCleanup(srv.Close)
		t, err := Target{URL: srv.URL + "/", Token: "tok-secret", AK: "AK1", SK: "sk-secret", JobID: testJobID}.withDefaults()
		Expect(err).NotTo(HaveOccurred())
		for _, creds := range []credentials{credsValid, credsAKSK, credsBadSignature} {
			rq := t.validUpdate()
			rq.creds = creds
			x, err := t.send(context.Background(), rq)
			Expect(err).NotTo(HaveOccurred())
			Expect(x.Status).To(Equal(http.StatusTeapot))
			Expect(x.String()).NotTo(ContainSubstring("secret"))
			Expect(x.String()).To(ContainSubstring("REDACTED"))
		}
	})

	It("draws well-formed random job ids", func() {
		c := loadContract()
		a, b := RandomJobID(), RandomJobID()
		Expect(c.ValidJobID(a)).To(BeTrue())
		Expect(a).NotTo(Equal(b))
	})

	DescribeTable("refuses an unusable target",
		func(t Target, want string) {
			_, err := t.withDefaults()
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("no URL", Target{Token: "t", JobID: testJobID}, "target URL"),
		Entry("no credentials", Target{URL: "http://h", JobID: testJobID}, "credentials"),
		Entry("an AK alone", Target{URL: "http://h", Token: "t", AK: "a", JobID: testJobID}, "an AK needs its SK"),
		Entry("a job id that is not one path segment", Target{URL: "http://h", Token: "t", JobID: "a/b"}, "job id"),
		Entry("a malformed missing job id", Target{URL: "http://h", Token: "t", JobID: testJobID, MissingJobID: "y"}, "missing job id"),
		Entry("the same job twice", Target{URL: "http://h", Token: "t", JobID: testJobID, MissingJobID: testJobID}, "is the existing job id"),
	)

	It("checks a job id outside the contract's pattern as given, with a note", func() {
		t, err := Target{URL: "http://h", Token: "t", JobID: "48C66C6002964721BE537CDC6CE0297B"}.withDefaults()
		Expect(err).NotTo(HaveOccurred())
		Expect(t.JobID).To(Equal("48C66C6002964721BE537CDC6CE0297B"))
		Expect(t.Notes()).To(ConsistOf(ContainSubstring("checked as given")))
		Expect(Target{JobID: testJobID}.Notes()).To(BeEmpty())
	})

	Describe("Preflight", func() {
		serveStatus := func(status int) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(status)
				_, _ = w.Write([]byte(`{"error_code":"APIGW.0301","error_msg":"no"}`))
			}))
			DeferCleanup(srv.Close)
			return srv.URL
		}
		It("tells an unreachable target", func() {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			url := "http://" + ln.Addr().String()
			Expect(ln.Close()).To(Succeed())
			err = Preflight(context.Background(), Target{URL: url, Token: "t", JobID: testJobID})
			Expect(errors.Is(err, ErrUnreachable)).To(BeTrue(), "%v", err)
		})
		It("tells credentials the target rejects", func() {
			for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
				err := Preflight(context.Background(), Target{URL: serveStatus(status), Token: "t", JobID: testJobID})
				Expect(errors.Is(err, ErrCredentialsRejected)).To(BeTrue(), "%v", err)
				Expect(err).To(MatchError(ContainSubstring("APIGW.0301")))
			}
		})
		It("leaves any other answer to the checks", func() {
			Expect(Preflight(context.Background(), Target{URL: serveStatus(http.StatusBadRequest), Token: "t", JobID: testJobID})).To(Succeed())
		})
	})
})
