package suites

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("the cassette oracle's comparison", func() {
	c := comparer{
		isJobID:  func(s string) bool { return len(s) == 32 },
		mapJobID: func(s string) string { return s },
	}
	rec := answer{status: 400, header: http.Header{"X-Request-Id": {"a"}, "Date": {"d1"}},
		body: []byte(`{"error_code":"CB.00060201","error_msg":"Invalid task ID.","request_id":"r1"}`)}
	with := func(status int, body string) answer {
		return answer{status: status, header: http.Header{"X-Request-Id": {"b"}, "Date": {"d2"}}, body: []byte(body)}
	}

	DescribeTable("lists exactly what differs",
		func(cmp comparer, got answer, want []string) {
			var diffs []string
			for _, d := range cmp.compare(rec, got) {
				diffs = append(diffs, d.String())
			}
			if len(want) == 0 {
				Expect(diffs).To(BeEmpty())
				return
			}
			Expect(diffs).To(Equal(want))
		},
		Entry("nothing but ignored values", c, with(400, `{"error_msg":"Other text.","error_code":"CB.00060201"}`), nil),
		Entry("the status", c, with(404, `{"error_code":"CB.00060201","error_msg":"x"}`),
			[]string{"status: recorded 400 Bad Request, got 404 Not Found"}),
		Entry("the error code", c, with(400, `{"error_code":"CB.00060200","error_msg":"x"}`),
			[]string{`$.error_code: recorded string "CB.00060201", got string "CB.00060200"`}),
		Entry("a missing and an extra key", c, with(400, `{"error_code":"CB.00060201","code":"x"}`),
			[]string{`$.code: recorded (absent), got string "x"`, `$.error_msg: recorded string "Invalid task ID.", got (absent)`}),
		Entry("a type", c, with(400, `{"error_code":"CB.00060201","error_msg":7}`),
			[]string{`$.error_msg: recorded string "Invalid task ID.", got number 7`}),
		Entry("a body that is not JSON", c, with(400, `<html>`),
			[]string{`$: recorded object {"error_code":"CB.00060201","error_msg":"Invalid task ID.","request_id":"r1"}, got not JSON: "<html>"`}),
		Entry("error_msg, request_id and the headers when included",
			comparer{include: Include{ErrorMsg: true, RequestID: true, XRequestID: true, Date: true}, isJobID: c.isJobID, mapJobID: c.mapJobID},
			with(400, `{"error_code":"CB.00060201","error_msg":"Other.","request_id":"r2"}`),
			[]string{`header X-Request-Id: recorded "a", got "b"`, `header Date: recorded "d1", got "d2"`,
				`$.error_msg: recorded string "Invalid task ID.", got string "Other."`, `$.request_id: recorded string "r1", got string "r2"`}),
	)

	It("compares result's shape everywhere and its job ids only when included, after the map", func() {
		const id, other = "48c66c6002964721be537cdc6ce0297b", "0123456789abcdef0123456789abcdef"
		ok := answer{status: 200, body: []byte(`{"result":{"job_id":"` + id + `"},"error":null,"status":"success"}`)}
		got := answer{status: 200, body: []byte(`{"result":{"job_id":"` + other + `"},"error":null,"status":"success"}`)}
		Expect(c.compare(ok, got)).To(BeEmpty())
		inc := c
		inc.include.ResultJobIDs = true
		Expect(inc.compare(ok, got)).To(HaveLen(1))
		inc.mapJobID = func(string) string { return other }
		Expect(inc.compare(ok, got)).To(BeEmpty())
		fail := answer{status: 200, body: []byte(`{"result":{"job_id":"` + id + `"},"error":null,"status":"fail"}`)}
		Expect(c.compare(ok, fail)).To(ConsistOf(Difference{"$.status", `string "success"`, `string "fail"`}))
	})
})
