package replay_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/fixtures/contract"
)

var _ = Describe("replay.Handler matching", func() {
	var h *replay.Handler
	BeforeEach(func() {
		h = newHandler(file("c.yaml",
			rec{method: "POST", url: "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com" + update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: okAnswer},
			rec{method: "GET", url: "/v3/jobs/notice/" + jobID + "/query?b=2&a=1&a=0", auth: cassette.AuthAKSK, code: 200, answer: `{"result":[]}`},
			rec{method: "POST", url: "/form", body: "a=1&b=2", code: 201, answer: "form"},
		))
	})

	When("the JSON body differs only in key order, whitespace and the trailing newline", func() {
		It("answers the recorded interaction", func() {
			body := "{ \"enabled_event_type_names\" : [ \"buildJobSuccess\", \"buildJobFail\" ],\n  \"notice_type\": \"MAIL\" }"
			w := serve(h, request("POST", update, cassette.AuthToken, body))
			Expect(w.Code).To(Equal(200))
			Expect(w.Body.String()).To(Equal(okAnswer))
		})
	})
	When("the JSON body differs in array order", func() {
		It("matches nothing and names the array elements", func() {
			body := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobFail","buildJobSuccess"]}`
			rep := noMatch(serve(h, request("POST", update, cassette.AuthToken, body)))
			Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{
				{Field: replay.FieldBody, JSONPath: "$.enabled_event_type_names[0]", Recorded: str(`"buildJobSuccess"`), Received: str(`"buildJobFail"`)},
				{Field: replay.FieldBody, JSONPath: "$.enabled_event_type_names[1]", Recorded: str(`"buildJobFail"`), Received: str(`"buildJobSuccess"`)},
			}))
		})
	})
	When("the query parameters come in another order", func() {
		It("answers the recorded interaction", func() {
			w := serve(h, request("GET", "/v3/jobs/notice/"+jobID+"/query?a=1&b=2&a=0", cassette.AuthAKSK, ""))
			Expect(w.Code).To(Equal(200))
			Expect(w.Body.String()).To(Equal(`{"result":[]}`))
		})
	})
	When("a query parameter has another value", func() {
		It("matches nothing and names the parameter", func() {
			rep := noMatch(serve(h, request("GET", "/v3/jobs/notice/"+jobID+"/query?a=1&b=3&a=0", cassette.AuthAKSK, "")))
			Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{
				{Field: replay.FieldQuery, Param: "b", Recorded: str("2"), Received: str("3")},
			}))
		})
	})
	When("a body that is not JSON differs by one byte", func() {
		It("matches nothing: such bodies compare byte for byte", func() {
			Expect(serve(h, request("POST", "/form", cassette.AuthNone, "a=1&b=2")).Code).To(Equal(201))
			rep := noMatch(serve(h, request("POST", "/form", cassette.AuthNone, "a=1&b=2\n")))
			Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{
				{Field: replay.FieldBody, Recorded: str("a=1&b=2"), Received: str("a=1&b=2\n")},
			}))
		})
	})
	When("the request has a nil Body, as a hand-made one may", func() {
		It("treats it as empty", func() {
			r := request("GET", "/v3/jobs/notice/"+jobID+"/query?a=0&a=1&b=2", cassette.AuthAKSK, "")
			r.Body = nil
			Expect(serve(h, r).Code).To(Equal(200))
		})
	})
	When("the credential values differ from the recording's", func() {
		It("ignores them: only the kind of authentication matters", func() {
			r := request("POST", update, cassette.AuthToken, mailBody)
			r.Header.Set("X-Request-Id", "anything")
			r.Header.Set("User-Agent", "another-client")
			Expect(serve(h, r).Code).To(Equal(200))
		})
	})

	// A request without credentials MUST NOT get a recorded 200 (issue 4, matching).
	When("the request has no credentials but the recording had a token", func() {
		It("matches nothing, answers a status the endpoint never uses, and names the auth kind", func() {
			w := serve(h, request("POST", update, cassette.AuthNone, mailBody))
			Expect(contract.Statuses()).NotTo(ContainElement(w.Code))
			rep := noMatch(w)
			Expect(rep.Closest).To(HaveLen(1))
			Expect(rep.Closest[0]).To(Equal(replay.Closest{
				Cassette: "c.yaml", ID: 0, Line: 4, Method: "POST", Path: update,
				Differences: []replay.Difference{{Field: replay.FieldAuth, Recorded: str("token"), Received: str("none")}},
			}))
			Expect(rep.ErrorCode).To(Equal(replay.NoMatchCode))
			Expect(rep.ErrorMsg).To(Equal("noticeconf replay: no recorded interaction matches POST " + update +
				": closest is c.yaml id 0 (line 4), which differs in auth: recorded token, received none"))
		})
	})
	When("the request signs with AK/SK but the recording had a token", func() {
		It("matches nothing and names the auth kind", func() {
			rep := noMatch(serve(h, request("POST", update, cassette.AuthAKSK, mailBody)))
			Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{{Field: replay.FieldAuth, Recorded: str("token"), Received: str("aksk")}}))
		})
	})
	When("one body field has another value", func() {
		It("names the field by its JSON path, with both values", func() {
			body := strings.Replace(mailBody, "MAIL", "MESSAGE", 1)
			rep := noMatch(serve(h, request("POST", update, cassette.AuthToken, body)))
			Expect(rep.Closest[0].ID).To(Equal(0))
			Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{
				{Field: replay.FieldBody, JSONPath: "$.notice_type", Recorded: str(`"MAIL"`), Received: str(`"MESSAGE"`)},
			}))
			Expect(rep.ErrorMsg).To(HaveSuffix(`differs in body $.notice_type: recorded "MAIL", received "MESSAGE"`))
		})
	})
	When("a body field is missing or added", func() {
		It("names each with the side it is absent from", func() {
			body := `{"notice_type":"MAIL","send_switch":"true"}`
			rep := noMatch(serve(h, request("POST", update, cassette.AuthToken, body)))
			Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{
				{Field: replay.FieldBody, JSONPath: "$.enabled_event_type_names", Recorded: str(`["buildJobSuccess","buildJobFail"]`)},
				{Field: replay.FieldBody, JSONPath: "$.send_switch", Received: str(`"true"`)},
			}))
		})
	})
	When("the path has another job id", func() {
		It("names the path, with both values", func() {
			rep := noMatch(serve(h, request("POST", "/v3/jobs/notice/"+otherJob+"/update", cassette.AuthToken, mailBody)))
			Expect(rep.Closest[0].ID).To(Equal(0))
			Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{
				{Field: replay.FieldPath, Recorded: str(update), Received: str("/v3/jobs/notice/" + otherJob + "/update")},
			}))
		})
	})
	When("the method differs", func() {
		It("names the method", func() {
			rep := noMatch(serve(h, request("PUT", update, cassette.AuthToken, mailBody)))
			Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{
				{Field: replay.FieldMethod, Recorded: str("POST"), Received: str("PUT")},
			}))
		})
	})

	When("nothing matches a request carrying credentials", func() {
		It("echoes the request with every credential redacted, in the body and in the log", func() {
			var logs bytes.Buffer
			files := []*cassette.File{file("c.yaml", rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: okAnswer})}
			h, err := replay.New(files, replay.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			Expect(err).NotTo(HaveOccurred())
			r := request("POST", update+"?access_token=query-secret-1&x=1", cassette.AuthAKSK, `{"notice_type":"MAIL","token":"body-secret-2"}`)
			r.Header.Set("X-Security-Token", "security-secret-3")
			r.Header.Set("X-Auth-Token", "token-secret-4")
			w := serve(h, r)
			rep := noMatch(w)
			for _, secret := range []string{"query-secret-1", "body-secret-2", "security-secret-3", "token-secret-4", "LIVEAKSECRET0001", "0123456789abcdef0123456789abcdef"} {
				Expect(w.Body.String()).NotTo(ContainSubstring(secret))
				Expect(logs.String()).NotTo(ContainSubstring(secret))
			}
			Expect(rep.Request.Method).To(Equal("POST"))
			Expect(rep.Request.Path).To(Equal(update))
			Expect(rep.Request.Query).To(Equal("access_token=REDACTED&x=1"))
			Expect(rep.Request.Auth).To(Equal(cassette.AuthToken))
			Expect(rep.Request.Headers.Get("Authorization")).To(Equal("SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=content-type;x-sdk-date, Signature=REDACTED"))
			Expect(rep.Request.Headers.Get("X-Security-Token")).To(Equal(cassette.Redacted))
			Expect(rep.Request.Headers.Get("X-Auth-Token")).To(Equal(cassette.Redacted))
			Expect(rep.Request.Headers.Get("X-Sdk-Date")).To(Equal("20261126T200000Z"))
			Expect(rep.Request.Body).To(Equal(`{"notice_type":"MAIL","token":"REDACTED"}`))
			// The log line carries the same reason as the body.
			Expect(logs.String()).To(ContainSubstring("replay: no match"))
			Expect(logs.String()).To(ContainSubstring(`differs in query access_token: recorded (absent), received REDACTED`))
		})
	})

	DescribeTable("a credential the older name list let through stays out of the no-match answer and its log",
		func(query, contentType, body string) {
			const secret = "noticeconf-replay-leak-7781"
			var logs bytes.Buffer
			files := []*cassette.File{file("c.yaml", rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: okAnswer})}
			h, err := replay.New(files, replay.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			Expect(err).NotTo(HaveOccurred())
			target := update
			if query != "" {
				target += "?" + query + secret
			}
			r := request("POST", target, cassette.AuthToken, strings.ReplaceAll(body, "SECRET", secret))
			if contentType != "" {
				r.Header.Set("Content-Type", contentType)
			}
			w := serve(h, r)
			noMatch(w)
			Expect(w.Body.String()).NotTo(ContainSubstring(secret))
			Expect(logs.String()).NotTo(ContainSubstring(secret))
		},
		Entry("query sig", "x=1&sig=", "", mailBody),
		Entry("query passwd", "passwd=", "", mailBody),
		Entry("query apikey", "apikey=", "", mailBody),
		Entry("query api_key", "api_key=", "", mailBody),
		Entry("query key", "key=", "", mailBody),
		Entry("query AccessKeyId", "AccessKeyId=", "", mailBody),
		Entry("query auth", "auth=", "", mailBody),
		Entry("JSON apikey", "", "", `{"notice_type":"MAIL","apikey":"SECRET"}`),
		Entry("JSON in param_config", "", "", `{"notice_type":"WECOM","param_config":"{\"webhook\":\"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?a=1\u0026key=SECRET\"}"}`),
		Entry("a form body", "", "application/x-www-form-urlencoded", "user=bob&password=SECRET"),
		Entry("a text body", "", "text/plain", "please use token=SECRET for the hook"),
	)

	When("the cassettes hold no interaction", func() {
		It("says so", func() {
			rep := noMatch(serve(newHandler(&cassette.File{Path: "empty.yaml", Version: 2}), request("GET", "/x", cassette.AuthNone, "")))
			Expect(rep.Closest).To(BeEmpty())
			Expect(rep.ErrorMsg).To(HaveSuffix(": the cassettes hold no interaction"))
		})
	})

	When("the recording holds the placeholder in a query parameter or a body value", func() {
		It("matches any value there", func() {
			h := newHandler(file("c.yaml",
				rec{method: "GET", url: "/q?token=REDACTED&a=1", code: 200, answer: "q"},
				rec{method: "POST", url: update, auth: cassette.AuthToken, body: `{"notice_type":"WECOM","param_config":"REDACTED"}`, code: 200, answer: "p"},
			))
			Expect(serve(h, request("GET", "/q?a=1&token=live-value", cassette.AuthNone, "")).Body.String()).To(Equal("q"))
			Expect(serve(h, request("POST", update, cassette.AuthToken, `{"param_config":"{\"url\":\"https://hook/secret\"}","notice_type":"WECOM"}`)).Body.String()).To(Equal("p"))
			rep := noMatch(serve(h, request("POST", update, cassette.AuthToken, `{"param_config":"x","notice_type":"MAIL"}`)))
			Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{
				{Field: replay.FieldBody, JSONPath: "$.notice_type", Recorded: str(`"WECOM"`), Received: str(`"MAIL"`)},
			}))
		})
	})
})

var _ = Describe("replay.Handler and a webhook redacted inside param_config", func() {
	It("matches the live request, whatever its webhook's token and secret, as the redaction policy writes it", func() {
		recorded := `{"notice_type":"DING_TALK","enabled_event_type_names":["buildJobSuccess"],"param_config":"{\"secret\":\"REDACTED\",\"webhook\":\"https://oapi.dingtalk.com/robot/send?access_token=REDACTED&timestamp=1764547200000&sign=REDACTED\"}"}`
		h := newHandler(file("c.yaml", rec{method: "POST", url: update, auth: cassette.AuthToken, body: recorded, code: 200, answer: "ding"}))
		// The fake signing secret is put together here, so that no file holds a
		// secret-shaped literal.
		const fakeSecret = "SEC" + "0123456789abcdef"
		live := `{"notice_type":"DING_TALK","enabled_event_type_names":["buildJobSuccess"],"param_config":"{\"secret\":\"` + fakeSecret + `\",\"webhook\":\"https://oapi.dingtalk.com/robot/send?access_token=0a1b2c3d4e5f\u0026timestamp=1764547200000\u0026sign=c2lnbmF0dXJl\"}"}` + "\n"
		Expect(serve(h, request("POST", update, cassette.AuthToken, live)).Body.String()).To(Equal("ding"))
		By("still telling another timestamp apart")
		other := strings.Replace(live, "1764547200000", "1764547299999", 1)
		rep := noMatch(serve(h, request("POST", update, cassette.AuthToken, other)))
		Expect(rep.ErrorMsg).NotTo(ContainSubstring("0a1b2c3d4e5f"))
		Expect(rep.ErrorMsg).NotTo(ContainSubstring(fakeSecret))
	})
})

var _ = Describe("replay.Handler repeats", func() {
	var h *replay.Handler
	BeforeEach(func() {
		h = newHandler(
			file("a.yaml",
				rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: "first"},
				rec{method: "GET", url: "/other", code: 200, answer: "other"},
				rec{method: "POST", url: update, auth: cassette.AuthToken, body: `{"enabled_event_type_names":["buildJobSuccess","buildJobFail"],"notice_type":"MAIL"}`, code: 500, answer: "second"},
			),
			file("b.yaml", rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 404, answer: "third"}),
		)
	})

	When("an identical request is sent more times than it was recorded", func() {
		It("answers the recordings in order (files in the order given), then repeats the last one", func() {
			var got []string
			for range 5 {
				w := serve(h, request("POST", update, cassette.AuthToken, mailBody))
				got = append(got, w.Body.String())
			}
			Expect(got).To(Equal([]string{"first", "second", "third", "third", "third"}))
			Expect(serve(h, request("GET", "/other", cassette.AuthNone, "")).Body.String()).To(Equal("other"))
			Expect(serve(h, request("GET", "/other", cassette.AuthNone, "")).Body.String()).To(Equal("other"))
		})
	})
	When("Reset is called", func() {
		It("starts every key from its first recording again", func() {
			serve(h, request("POST", update, cassette.AuthToken, mailBody))
			serve(h, request("POST", update, cassette.AuthToken, mailBody))
			h.Reset()
			Expect(serve(h, request("POST", update, cassette.AuthToken, mailBody)).Body.String()).To(Equal("first"))
		})
	})
	It("counts every interaction", func() {
		Expect(h.Len()).To(Equal(4))
	})
})

var _ = Describe("replay.Handler answers", func() {
	When("the recording has hop-by-hop headers and a stale Content-Length", func() {
		It("answers status, headers and body as recorded, without them, Content-Length recomputed", func() {
			body := "\x00\x01binary\xff body"
			h := newHandler(file("c.yaml", rec{method: "GET", url: "/bin", code: 203, answer: body, header: http.Header{
				"Content-Type":      {"application/octet-stream"},
				"X-Request-Id":      {"abc"},
				"Set-Cookie":        {"a=1", "b=2"},
				"Connection":        {"close, X-Hop"},
				"X-Hop":             {"gone"},
				"Keep-Alive":        {"timeout=5"},
				"Transfer-Encoding": {"chunked"},
				"Content-Length":    {"999"},
				"Date":              {"Thu, 26 Nov 2026 19:39:42 GMT"},
			}}))
			srv, err := replay.Start(h)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(srv.Close)
			resp, err := http.Get(srv.URL + "/bin")
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(resp.Body.Close)
			Expect(resp).To(HaveHTTPStatus(203))
			Expect(resp).To(HaveHTTPBody([]byte(body)))
			want := http.Header{
				"Content-Type":   {"application/octet-stream"},
				"X-Request-Id":   {"abc"},
				"Set-Cookie":     {"a=1", "b=2"},
				"Content-Length": {strconv.Itoa(len(body))},
				"Date":           {"Thu, 26 Nov 2026 19:39:42 GMT"},
			}
			Expect(resp.Header).To(Equal(want))
		})
	})
	When("the recording has neither Date nor Content-Type", func() {
		It("adds neither", func() {
			h := newHandler(file("c.yaml", rec{method: "GET", url: "/plain", code: 200, answer: "<html>", header: http.Header{}}))
			w := serve(h, request("GET", "/plain", cassette.AuthNone, ""))
			srv, err := replay.Start(h)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(srv.Close)
			resp, err := http.Get(srv.URL + "/plain")
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(resp.Body.Close)
			Expect(resp.Header).To(Equal(http.Header{"Content-Length": {"6"}}))
			Expect(w.Body.String()).To(Equal("<html>"))
		})
	})
	When("the method is HEAD or the status has no body", func() {
		It("writes no body", func() {
			h := newHandler(file("c.yaml",
				rec{method: "HEAD", url: "/h", code: 200, answer: "ignored"},
				rec{method: "DELETE", url: "/d", code: 204, answer: ""},
			))
			w := serve(h, request("HEAD", "/h", cassette.AuthNone, ""))
			Expect(w.Code).To(Equal(200))
			Expect(w.Body.Len()).To(BeZero())
			Expect(w.Header().Get("Content-Length")).To(Equal("7"))
			w = serve(h, request("DELETE", "/d", cassette.AuthNone, ""))
			Expect(w.Code).To(Equal(204))
			Expect(w.Header()).NotTo(HaveKey("Content-Length"))
		})
	})
	When("a caller changes the headers of an answer", func() {
		It("changes neither the cassette nor later answers", func() {
			f := file("c.yaml", rec{method: "GET", url: "/x", code: 200, answer: "x",
				header: http.Header{"X-Request-Id": {"orig"}, "Content-Type": {"text/plain"}}})
			h := newHandler(f)
			w := serve(h, request("GET", "/x", cassette.AuthNone, ""))
			w.Header()["X-Request-Id"][0] = "changed"
			w.Header().Add("X-Request-Id", "added")
			Expect(serve(h, request("GET", "/x", cassette.AuthNone, "")).Header()["X-Request-Id"]).To(Equal([]string{"orig"}))
			Expect(f.Interactions[0].Response.Headers).To(Equal(http.Header{"X-Request-Id": {"orig"}, "Content-Type": {"text/plain"}}))
		})
	})
	When("the body is over the limit", func() {
		It("matches nothing and says why", func() {
			h, err := replay.New([]*cassette.File{file("c.yaml", rec{method: "POST", url: "/x", body: "0123456789", code: 200})}, replay.Options{MaxBodyBytes: 4})
			Expect(err).NotTo(HaveOccurred())
			rep := noMatch(serve(h, request("POST", "/x", cassette.AuthNone, "0123456789")))
			Expect(rep.ErrorMsg).To(Equal("noticeconf replay: no recorded interaction matches POST /x: the request body is over 4 bytes"))
		})
	})
})

var _ = Describe("replay latency", func() {
	var files []*cassette.File
	BeforeEach(func() {
		f := file("c.yaml", rec{method: "GET", url: "/slow", code: 200, answer: "slow"})
		f.Interactions[0].Response.Duration = time.Hour
		files = []*cassette.File{f}
	})
	When("latency is not asked for", func() {
		It("answers without waiting the recorded hour", func() {
			h, err := replay.New(files, replay.Options{})
			Expect(err).NotTo(HaveOccurred())
			Expect(serve(h, request("GET", "/slow", cassette.AuthNone, "")).Body.String()).To(Equal("slow"))
		})
	})
	When("latency is recorded", func() {
		It("waits the recorded duration, and stops waiting when the client goes away", func() {
			h, err := replay.New(files, replay.Options{Latency: replay.LatencyRecorded})
			Expect(err).NotTo(HaveOccurred())
			ctx, cancel := context.WithCancel(context.Background())
			r := request("GET", "/slow", cassette.AuthNone, "").WithContext(ctx)
			done := make(chan *bytes.Buffer)
			go func() {
				w := serve(h, r)
				done <- w.Body
			}()
			Consistently(done).WithTimeout(100 * time.Millisecond).ShouldNot(Receive())
			cancel()
			var body *bytes.Buffer
			Eventually(done).Should(Receive(&body))
			Expect(body.Len()).To(BeZero())
		})
	})
	It("refuses an unknown latency mode", func() {
		_, err := replay.New(files, replay.Options{Latency: "sometimes"})
		Expect(err).To(MatchError(`latency "sometimes": want none or recorded`))
		_, err = replay.ParseLatency("recorded")
		Expect(err).NotTo(HaveOccurred())
	})
})

var _ = Describe("replay.NoMatchStatus", func() {
	// The no-match status MUST be one the endpoint never answers, or a client could take
	// it for a recorded answer (source: contract.Statuses, the documented statuses).
	It("is none of the endpoint's statuses", func() {
		Expect(slices.Contains(contract.Statuses(), replay.NoMatchStatus)).To(BeFalse())
		for _, e := range contract.Errors() {
			Expect(e.Status).NotTo(Equal(replay.NoMatchStatus))
		}
	})
})
