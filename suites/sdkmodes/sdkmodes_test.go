package sdkmodes_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/fixtures/mock"
)

// Each spec calls UpdateNotice as a user of the official SDK would. The SDK decodes
// `result` as a string and fails on the object form the vendor page's example shows
// (CONTRACT.md [sdk]); the reference mock answers the object form by default and the
// string form with ResultString.
var _ = Describe("The official Go SDK's UpdateNotice", Label("sdk"), func() {
	credentials := []TableEntry{
		Entry("signed with AK/SK", akskCredential),
		Entry("with a token credential (X-Auth-Token)", tokenCredential),
	}

	When("it calls the reference mock directly", func() {
		DescribeTable("decodes the string form of result", func(cred credential) {
			cfg := demo(mock.ResultString)
			s := startMock(cfg, false)
			resp, err := updateNotice(endpoint{url: s.URL}, cfg, cred, "buildJobSuccess")
			expectDecoded(resp, err, cfg)
		}, credentials)

		DescribeTable("fails to decode the mock's default object form of result with a ServiceResponseError 200", func(cred credential) {
			cfg := demo(mock.ResultObject)
			s := startMock(cfg, false)
			resp, err := updateNotice(endpoint{url: s.URL}, cfg, cred, "buildJobSuccess")
			expectUndecodable(resp, err)
		}, credentials)
	})

	When("it goes through the recording proxy in reverse mode", func() {
		DescribeTable("decodes the answer and the recorded cassette passes the audit", func(cred credential) {
			cfg := demo(mock.ResultString)
			e, rec := reverseProxy(startMock(cfg, false))
			resp, err := updateNotice(e, cfg, cred, "buildJobSuccess")
			expectDecoded(resp, err, cfg)
			expectAuditClean(rec, cfg, 1)
		}, credentials)

		DescribeTable("fails on the object form of result as it does without the proxy", func(cred credential) {
			cfg := demo(mock.ResultObject)
			e, rec := reverseProxy(startMock(cfg, false))
			resp, err := updateNotice(e, cfg, cred, "buildJobSuccess")
			expectUndecodable(resp, err)
			expectAuditClean(rec, cfg, 1)
		}, credentials)
	})

	When("it goes through the recording proxy in forward mode, trusting the generated CA", func() {
		DescribeTable("decodes the answer over TLS and the recorded cassette passes the audit", func(cred credential) {
			cfg := demo(mock.ResultString)
			e, rec := forwardProxy(startMock(cfg, true))
			resp, err := updateNotice(e, cfg, cred, "buildJobSuccess")
			expectDecoded(resp, err, cfg)
			expectAuditClean(rec, cfg, 1)
			Expect(recordedURLs(rec)).To(ConsistOf(HavePrefix(e.url+"/v3/jobs/notice/")), "the proxy must record the HTTPS request it intercepted")
			Expect(e.url).To(HavePrefix("https://"))
		}, credentials)

		DescribeTable("fails on the object form of result as it does without the proxy", func(cred credential) {
			cfg := demo(mock.ResultObject)
			e, rec := forwardProxy(startMock(cfg, true))
			resp, err := updateNotice(e, cfg, cred, "buildJobSuccess")
			expectUndecodable(resp, err)
			expectAuditClean(rec, cfg, 1)
		}, credentials)
	})

	When("it calls the replay server serving what the recording proxy recorded", func() {
		// The SDK calls once live through the proxy, the mock stops, and the same call
		// goes to the replay server over the cassette: it must get the same answer.
		modes := []TableEntry{
			Entry("in reverse mode, signed with AK/SK", reverseMode, akskCredential),
			Entry("in reverse mode, with a token credential", reverseMode, tokenCredential),
			Entry("in forward mode, signed with AK/SK", forwardMode, akskCredential),
			Entry("in forward mode, with a token credential", forwardMode, tokenCredential),
		}
		recordThenReplay := func(style mock.ResultStyle, mode proxyMode, cred credential) (live, replayed outcome) {
			GinkgoHelper()
			cfg := demo(style)
			// Forward mode intercepts TLS, so its upstream serves HTTPS.
			upstream := startMock(cfg, mode == forwardMode)
			record := reverseProxy
			if mode == forwardMode {
				record = forwardProxy
			}
			e, rec := record(upstream)
			live = call(e, cfg, cred)
			expectAuditClean(rec, cfg, 1)
			upstream.Close() // from here on, only the cassette can answer
			srv, err := replay.NewServer(rec.cassette)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(srv.Close)
			return live, call(endpoint{url: srv.URL}, cfg, cred)
		}

		DescribeTable("decodes the recorded answer exactly as it decoded it live", func(mode proxyMode, cred credential) {
			live, replayed := recordThenReplay(mock.ResultString, mode, cred)
			expectDecoded(live.resp, live.err, demo(mock.ResultString))
			expectDecoded(replayed.resp, replayed.err, demo(mock.ResultString))
			Expect(*replayed.resp).To(Equal(*live.resp))
		}, modes)

		DescribeTable("fails on the recorded object form of result exactly as it failed live", func(mode proxyMode, cred credential) {
			live, replayed := recordThenReplay(mock.ResultObject, mode, cred)
			expectUndecodable(live.resp, live.err)
			expectUndecodable(replayed.resp, replayed.err)
			Expect(replayed.err).To(Equal(live.err))
		}, modes)
	})
})
