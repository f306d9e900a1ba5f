package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/internal/verify"
)

var _ = Describe("noticeconf verify --target replay:PATH", func() {
	const (
		shipped = "../../cassettes/reference-mock"
		update  = "/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update"
		body    = `{"notice_type":"MESSAGE","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}`
		// Any values do: the replay names them, it never checks them.
		valid, forbidden, ak = "MIIverify-valid-token", "MIIverify-forbidden-token", "VERIFYAK0001"
	)
	e := &env{stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.DiscardHandler)}
	send := func(h http.Handler, token string) int {
		r := httptest.NewRequest(http.MethodPost, update, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json;charset=UTF-8")
		r.Header.Set("X-Auth-Token", token)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}

	It("names the credentials it sends as the shipped cassettes do, so each gets its own answer however often it asks", func() {
		var specs []string
		h, err := openReplay(e, &specs)(context.Background(), shipped, verify.DefaultReplayCredentials(valid, forbidden, ak, ""))
		Expect(err).NotTo(HaveOccurred())
		for i := range 40 { // more than the valid update's recordings
			Expect(send(h, forbidden)).To(Equal(http.StatusForbidden), "request %d with the forbidden token", 2*i)
			Expect(send(h, valid)).To(Equal(http.StatusOK), "request %d with the valid token", 2*i+1)
		}
	})

	It("answers each signed request of the shipped cassettes by its signature, valid or forged, however often it asks", func() {
		const sk = "verify-sk-0001"
		var specs []string
		h, err := openReplay(e, &specs)(context.Background(), shipped, verify.DefaultReplayCredentials(valid, forbidden, ak, sk))
		Expect(err).NotTo(HaveOccurred())
		signed := func(forge bool) int {
			r := httptest.NewRequest(http.MethodPost, update, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json;charset=UTF-8")
			Expect(aksk.Sign(r, []byte(body), aksk.Credential{AK: ak, SK: sk})).To(Succeed())
			if forge {
				r.Header.Set(contract.HeaderSdkDate, "20200101T000000Z") // after signing
			}
			r.Body = io.NopCloser(strings.NewReader(body))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w.Code
		}
		for i := range 10 { // more than the recordings of either
			Expect(signed(false)).To(Equal(http.StatusOK), "valid signature %d", i)
			Expect(signed(false)).To(Equal(http.StatusOK), "valid signature %d, again", i)
			Expect(signed(true)).To(Equal(http.StatusUnauthorized), "forged signature %d", i)
		}
	})

	It("uses the names --credential gives instead of its defaults", func() {
		GinkgoT().Setenv("NOTICECONF_TEST_FORBIDDEN", forbidden)
		specs := []string{"token=NOTICECONF_TEST_FORBIDDEN"}
		h, err := openReplay(e, &specs)(context.Background(), shipped, verify.DefaultReplayCredentials(valid, forbidden, ak, ""))
		Expect(err).NotTo(HaveOccurred())
		Expect(send(h, forbidden)).To(Equal(http.StatusOK), "the forbidden token, named token, gets the valid token's answer")
		Expect(send(h, valid)).To(Equal(http.StatusUnauthorized), "the valid token, named nothing, gets the unnamed (unknown) token's answer")
	})
})
