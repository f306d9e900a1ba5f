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

var _ = Describe("the cassette oracle's comparison of every kind of difference it reports", func() {
	c := comparer{
		isJobID:  func(s string) bool { return len(s) == 32 },
		mapJobID: func(s string) string { return s },
	}
	all := comparer{include: Include{ErrorMsg: true, RequestID: true, XRequestID: true, Date: true}, isJobID: c.isJobID, mapJobID: c.mapJobID}
	body := func(status int, b string) answer {
		return answer{status: status, header: http.Header{}, body: []byte(b)}
	}
	list := func(cmp comparer, rec, got answer) []string {
		var out []string
		for _, d := range cmp.compare(rec, got) {
			out = append(out, d.String())
		}
		return out
	}

	DescribeTable("names the place and both sides",
		func(cmp comparer, rec, got answer, want []string) {
			Expect(list(cmp, rec, got)).To(Equal(want))
			Expect(list(cmp, rec, rec)).To(BeEmpty(), "an answer equal to the recording differs in nothing")
		},
		Entry("a recorded array longer than the one got: each missing element",
			c, body(200, `{"result":["a","b"]}`), body(200, `{"result":[]}`),
			[]string{`$.result[0]: recorded string "a", got (absent)`, `$.result[1]: recorded string "b", got (absent)`}),
		Entry("an array got longer than the recorded one: each extra element",
			c, body(200, `{"result":["a","b"]}`), body(200, `{"result":["a","b","c",{"d":1}]}`),
			[]string{`$.result[2]: recorded (absent), got string "c"`, `$.result[3]: recorded (absent), got object {"d":1}`}),
		Entry("arrays far apart in length: the first elements, then both lengths",
			c, body(200, `{"result":[]}`), body(200, `{"result":[0,1,2,3,4,5,6,7,8,9]}`),
			[]string{`$.result[0]: recorded (absent), got number 0`, `$.result[1]: recorded (absent), got number 1`,
				`$.result[2]: recorded (absent), got number 2`, `$.result[3]: recorded (absent), got number 3`,
				`$.result[4]: recorded (absent), got number 4`, `$.result[5]: recorded (absent), got number 5`,
				`$.result[6]: recorded (absent), got number 6`, `$.result[7]: recorded (absent), got number 7`,
				`$.result: recorded array of 0 elements, got array of 10 elements`}),
		Entry("an element of another type, inside an object inside an array",
			c, body(200, `{"result":[{"enable_map":{"buildJobSuccess":true}}]}`), body(200, `{"result":[{"enable_map":{"buildJobSuccess":"true"}}]}`),
			[]string{`$.result[0].enable_map.buildJobSuccess: recorded boolean true, got string "true"`}),
		Entry("a recorded body that is not JSON, an answer that is",
			c, body(502, `<html>bad gateway</html>`), body(502, `{"error_code":"x"}`),
			[]string{`$: recorded not JSON: "<html>bad gateway</html>", got object {"error_code":"x"}`}),
		Entry("a recorded empty body, an answer with one",
			c, body(204, ``), body(204, `oops`),
			[]string{`$: recorded an empty body, got "oops"`}),
		Entry("a recorded body, an empty answer",
			c, body(502, `bad gateway`), body(502, ``),
			[]string{`$: recorded "bad gateway", got an empty body`}),
		Entry("the value of status and of error",
			c, body(200, `{"status":"success","error":null}`), body(200, `{"status":"fail","error":"x"}`),
			[]string{`$.error: recorded null, got string "x"`, `$.status: recorded string "success", got string "fail"`}),
		Entry("an included header absent from the answer",
			all, answer{status: 200, header: http.Header{"X-Request-Id": {"a"}}, body: []byte(`{}`)}, body(200, `{}`),
			[]string{`header X-Request-Id: recorded "a", got (absent)`}),
		Entry("an included header the recording lacks",
			all, body(200, `{}`), answer{status: 200, header: http.Header{"Date": {"d"}}, body: []byte(`{}`)},
			[]string{`header Date: recorded (absent), got "d"`}),
		Entry("a job id in result, mapped, when included",
			comparer{include: Include{ResultJobIDs: true}, isJobID: c.isJobID, mapJobID: c.mapJobID},
			body(200, `{"result":["48c66c6002964721be537cdc6ce0297b"]}`), body(200, `{"result":["0123456789abcdef0123456789abcdef"]}`),
			[]string{`$.result[0]: recorded string "48c66c6002964721be537cdc6ce0297b" (the recorded job id, mapped), got string "0123456789abcdef0123456789abcdef"`}),
	)
})
