package replay_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

var _ = Describe("replay placeholders", func() {
	When("one recording holds the placeholder where another holds a value", func() {
		It("lets the placeholder match any value for its own recording only, in a JSON field", func() {
			h := newHandler(file("c.yaml",
				rec{method: "POST", url: update, auth: cassette.AuthToken, body: `{"notice_type":"WECOM","param_config":"REDACTED"}`, code: 200, answer: "one"},
				rec{method: "POST", url: update, auth: cassette.AuthToken, body: `{"notice_type":"MAIL","param_config":"https://hook/a"}`, code: 400, answer: "two"},
			))
			By("a request identical to recording 2 gets recording 2")
			Expect(serve(h, request("POST", update, cassette.AuthToken, `{"notice_type":"MAIL","param_config":"https://hook/a"}`)).Body.String()).To(Equal("two"))
			By("a value recording 2 never held, with recording 2's other fields, matches nothing")
			rep := noMatch(serve(h, request("POST", update, cassette.AuthToken, `{"notice_type":"MAIL","param_config":"https://hook/never"}`)))
			Expect(rep.Closest).NotTo(BeEmpty())
			By("recording 1's placeholder still matches any value with recording 1's other fields")
			Expect(serve(h, request("POST", update, cassette.AuthToken, `{"notice_type":"WECOM","param_config":"https://hook/anything"}`)).Body.String()).To(Equal("one"))
		})

		It("lets the placeholder match any value for its own recording only, in a query parameter", func() {
			h := newHandler(file("c.yaml",
				rec{method: "GET", url: "/q?token=REDACTED&a=1", code: 200, answer: "one"},
				rec{method: "GET", url: "/q?token=abc&a=2", code: 403, answer: "two"},
			))
			Expect(serve(h, request("GET", "/q?a=2&token=abc", cassette.AuthNone, "")).Body.String()).To(Equal("two"))
			noMatch(serve(h, request("GET", "/q?a=2&token=other", cassette.AuthNone, "")))
			Expect(serve(h, request("GET", "/q?a=1&token=whatever", cassette.AuthNone, "")).Body.String()).To(Equal("one"))
		})

		It("answers the exact recording before one that matches through a placeholder", func() {
			h := newHandler(file("c.yaml",
				rec{method: "POST", url: update, auth: cassette.AuthToken, body: `{"notice_type":"MAIL","param_config":"REDACTED"}`, code: 200, answer: "placeholder"},
				rec{method: "POST", url: update, auth: cassette.AuthToken, body: `{"notice_type":"MAIL","param_config":"https://hook/a"}`, code: 400, answer: "exact"},
			))
			for range 3 {
				Expect(serve(h, request("POST", update, cassette.AuthToken, `{"notice_type":"MAIL","param_config":"https://hook/a"}`)).Body.String()).To(Equal("exact"))
			}
			Expect(serve(h, request("POST", update, cassette.AuthToken, `{"notice_type":"MAIL","param_config":"https://hook/b"}`)).Body.String()).To(Equal("placeholder"))
		})
	})
})
