package replay_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(s))
	_ = zw.Close()
	return b.String()
}

var _ = Describe("replay of a request as a client really sends it", func() {
	one := func() *cassette.File {
		return file("c.yaml", rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: okAnswer})
	}
	When("the body is sent with Content-Encoding: gzip", func() {
		It("compares it decoded", func() {
			r := request("POST", update, cassette.AuthToken, gzipped(mailBody))
			r.Header.Set("Content-Encoding", "gzip")
			w := serve(newHandler(one()), r)
			Expect(w.Code).To(Equal(http.StatusOK), w.Body.String())
			Expect(w.Body.String()).To(Equal(okAnswer))
		})
		It("matches a recording of a gzip body recorded as sent", func() {
			f := one()
			f.Interactions[0].Request.Body = gzipped(mailBody)
			f.Interactions[0].Request.Headers.Set("Content-Encoding", "gzip")
			Expect(serve(newHandler(f), request("POST", update, cassette.AuthToken, mailBody)).Code).To(Equal(http.StatusOK))
		})
		It("says so when it does not decode", func() {
			r := request("POST", update, cassette.AuthToken, mailBody)
			r.Header.Set("Content-Encoding", "gzip")
			rep := noMatch(serve(newHandler(one()), r))
			Expect(rep.ErrorMsg).To(ContainSubstring("the request body is sent with Content-Encoding: gzip but is not gzip"))
		})
		It("stops decoding at the body limit", func() {
			h, err := replay.New([]*cassette.File{one()}, replay.Options{MaxBodyBytes: 16 << 10})
			Expect(err).NotTo(HaveOccurred())
			bomb := gzipped(strings.Repeat("0", 8<<20))
			Expect(len(bomb)).To(BeNumerically("<", 16<<10), "a small body that decodes large")
			r := request("POST", update, cassette.AuthToken, bomb)
			r.Header.Set("Content-Encoding", "gzip")
			rep := noMatch(serve(h, r))
			Expect(rep.ErrorMsg).To(HaveSuffix("the request body, sent with Content-Encoding: gzip, decodes to over 16384 bytes"))
		})
	})
	When("the body is sent with another Content-Encoding", func() {
		It("compares it as sent", func() {
			r := request("POST", update, cassette.AuthToken, gzipped(mailBody))
			r.Header.Set("Content-Encoding", "br")
			noMatch(serve(newHandler(one()), r))
		})
	})

	When("a recording's final status is 1xx", func() {
		It("refuses the cassette at load, naming the file, the line and the interaction", func() {
			for _, code := range []int{100, 101, 103, 199} {
				f := one()
				f.Interactions[0].Response.Code = code
				_, err := replay.New([]*cassette.File{f}, replay.Options{})
				Expect(err).To(MatchError(ContainSubstring("c.yaml:4: interaction 0: response code %d is an interim (1xx) answer", code)))
			}
		})
	})
})
