package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures"
	"github.com/noticeconf/noticeconf/internal/contract"
)

const jobID = "48c66c6002964721be537cdc6ce0297b"

var _ = Describe("the embedded OpenAPI document", func() {
	var c *contract.Contract

	BeforeEach(func() {
		var err error
		c, err = contract.Load()
		Expect(err).NotTo(HaveOccurred())
	})

	It("declares the update operation and its read-back with both auth schemes", func() {
		doc := c.Doc()
		Expect(doc.Paths.Find(contract.UpdatePath).Post).NotTo(BeNil())
		Expect(doc.Paths.Find(contract.QueryPath).Get).NotTo(BeNil())
		Expect(doc.Components.SecuritySchemes).To(HaveKey("token"))
		Expect(doc.Components.SecuritySchemes).To(HaveKey("aksk"))
		Expect(doc.Components.SecuritySchemes["token"].Value.Name).To(Equal(contract.HeaderAuthToken))
		Expect(doc.Components.SecuritySchemes["aksk"].Value.Name).To(Equal(contract.HeaderAuthorization))
	})

	It("declares every status of the error table on the update operation", func() {
		responses := c.Doc().Paths.Find(contract.UpdatePath).Post.Responses
		for _, status := range contract.Statuses() {
			Expect(responses.Status(status)).NotTo(BeNil(), "status %d", status)
		}
	})

	It("takes the job_id pattern from the document", func() {
		Expect(c.ValidJobID(jobID)).To(BeTrue())
		Expect(c.ValidJobID(jobID[:31])).To(BeFalse())
		Expect(c.ValidJobID(jobID + "0")).To(BeFalse())
		Expect(c.ValidJobID(strings.ToUpper(jobID))).To(BeFalse())
		Expect(c.ValidJobID(jobID[:31] + "-")).To(BeFalse())
	})

	It("rejects a document that is not valid OpenAPI", func() {
		broken := bytes.Replace(fixtures.OpenAPI, []byte("openapi: 3.0.3"), []byte("openapi: [3]"), 1)
		_, err := contract.LoadData(broken)
		Expect(err).To(MatchError(ContainSubstring("OpenAPI document")))
	})

	Describe("ValidateResponse", func() {
		post := func() *http.Request {
			return httptest.NewRequest(http.MethodPost, contract.UpdatePathFor(jobID), nil)
		}
		validate := func(status int, contentType, body string) error {
			h := http.Header{"Content-Type": {contentType}}
			return c.ValidateResponse(context.Background(), post(), status, h, []byte(body))
		}

		It("accepts every example response the document itself gives", func() {
			op := c.Doc().Paths.Find(contract.UpdatePath).Post
			n := 0
			for code, ref := range op.Responses.Map() {
				mt := ref.Value.Content.Get("application/json")
				if mt == nil || mt.Example == nil {
					continue
				}
				body, err := json.Marshal(mt.Example)
				Expect(err).NotTo(HaveOccurred())
				status, err := strconv.Atoi(code)
				Expect(err).NotTo(HaveOccurred())
				Expect(validate(status, contract.ContentType, string(body))).To(Succeed(), "example for %s", code)
				n++
			}
			Expect(n).To(BeNumerically(">=", 6))
		})

		It("accepts the vendor page's own example and the string and null forms of result", func() {
			Expect(validate(200, "application/json", `{ "result" : { "job_id" : "db8467d972cc47f7a1bd2a3a3e77596a" }, "error" : null, "status" : "success" }`)).To(Succeed())
			Expect(validate(200, contract.ContentType, `{"result":"ok","error":null,"status":"success"}`)).To(Succeed())
			Expect(validate(200, contract.ContentType, `{"result":null,"error":null,"status":"success","extra":1}`)).To(Succeed())
		})

		DescribeTable("rejects responses that break the schema",
			func(status int, contentType, body, want string) {
				Expect(validate(status, contentType, body)).To(MatchError(ContainSubstring(want)))
			},
			Entry("result as a number", 200, contract.ContentType, `{"result":1,"error":null,"status":"success"}`, "result"),
			Entry("result object without job_id", 200, contract.ContentType, `{"result":{},"error":null,"status":"success"}`, "result"),
			Entry("status missing", 200, contract.ContentType, `{"result":null,"error":null}`, "status"),
			Entry("error body without error_code", 400, contract.ContentType, `{"error_msg":"x"}`, "error_code"),
			Entry("error_code as a number", 401, contract.ContentType, `{"error_code":301,"error_msg":"x"}`, "error_code"),
			Entry("an HTML error page", 500, "text/html", `<html>oops</html>`, "text/html"),
			Entry("an undeclared status", 302, contract.ContentType, `{}`, "302"),
		)
	})

	Describe("ValidateRequest", func() {
		request := func(path, body string) *http.Request {
			r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			return r
		}

		It("accepts the official SDK's body, trailing newline included", func() {
			r := request(contract.UpdatePathFor(jobID), `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`+"\n")
			Expect(c.ValidateRequest(context.Background(), r)).To(Succeed())
		})

		DescribeTable("names the field at fault",
			func(path, body, param, field string) {
				err := c.ValidateRequest(context.Background(), request(path, body))
				var v *contract.RequestViolation
				Expect(errors.As(err, &v)).To(BeTrue(), "got %v", err)
				Expect(v.Parameter).To(Equal(param))
				Expect(v.Field).To(Equal(field))
			},
			Entry("missing notice_type", contract.UpdatePathFor(jobID), `{"enabled_event_type_names":[]}`, "", "notice_type"),
			Entry("missing enabled_event_type_names", contract.UpdatePathFor(jobID), `{"notice_type":"MAIL"}`, "", "enabled_event_type_names"),
			Entry("a number for notice_type", contract.UpdatePathFor(jobID), `{"notice_type":1,"enabled_event_type_names":[]}`, "", "notice_type"),
			Entry("a non-string element", contract.UpdatePathFor(jobID), `{"notice_type":"MAIL","enabled_event_type_names":[1]}`, "", "enabled_event_type_names/0"),
			Entry("an object for param_config", contract.UpdatePathFor(jobID), `{"notice_type":"MAIL","enabled_event_type_names":[],"param_config":{}}`, "", "param_config"),
			Entry("a short job_id", contract.UpdatePathFor("abc"), `{"notice_type":"MAIL","enabled_event_type_names":[]}`, "job_id", ""),
		)

		It("reports a body that is not JSON without a field", func() {
			err := c.ValidateRequest(context.Background(), request(contract.UpdatePathFor(jobID), `{"notice_type":`))
			var v *contract.RequestViolation
			Expect(errors.As(err, &v)).To(BeTrue())
			Expect(v.Field).To(BeEmpty())
			Expect(v.Error()).To(ContainSubstring("not valid JSON"))
		})

		It("reports an unknown path as ErrNoRoute", func() {
			err := c.ValidateRequest(context.Background(), request("/v3/jobs/other", `{}`))
			Expect(errors.Is(err, contract.ErrNoRoute)).To(BeTrue())
		})
	})
})

var _ = Describe("the error table", func() {
	It("gives each case one row, and each row a status the document declares", func() {
		seen := map[contract.ErrorCase]bool{}
		for _, e := range contract.Errors() {
			Expect(seen[e.Case]).To(BeFalse(), "case %s twice", e.Case)
			seen[e.Case] = true
			Expect(contract.Statuses()).To(ContainElement(e.Status), "case %s", e.Case)
			Expect(contract.Error(e.Case)).To(Equal(e))
		}
	})

	It("gives the vendor's code family per status", func() {
		Expect(contract.CodesForStatus(http.StatusUnauthorized)).To(Equal([]string{"APIGW.0301"}))
		Expect(contract.CodesForStatus(http.StatusBadRequest)).To(ConsistOf("CB.00060200", "CB.00060201"))
		Expect(contract.CodesForStatus(http.StatusNotFound)).To(ConsistOf("CB.00060214", "APIGW.0101"))
		Expect(contract.CodesForStatus(http.StatusTeapot)).To(BeEmpty())
	})

	It("returns a fresh slice on every call", func() {
		a := contract.Errors()
		a[0].Code = "changed"
		Expect(contract.Errors()[0].Code).NotTo(Equal("changed"))
	})
})
