package replay_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

// shippedCassette is the cassette `make cassettes` records from the reference mock.
const shippedCassette = "../reference-mock/conformance.yaml"

var _ = Describe("replay --repeat", func() {
	three := func() *cassette.File {
		return file("c.yaml",
			rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: "a"},
			rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: "b"},
			rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: "c"},
		)
	}
	DescribeTable("what five identical requests get from three recordings",
		func(mode replay.Repeat, want []string) {
			h, err := replay.New([]*cassette.File{three()}, replay.Options{Repeat: mode})
			Expect(err).NotTo(HaveOccurred())
			var got []string
			for range 5 {
				w := serve(h, request("POST", update, cassette.AuthToken, mailBody))
				if w.Code == replay.NoMatchStatus {
					got = append(got, "no-match")
					Expect(noMatch(w).ErrorMsg).To(HaveSuffix("the request was replayed past its 3 recording(s) (c.yaml id 0, line 4, and those identical to it) and --repeat is strict"))
					continue
				}
				got = append(got, w.Body.String())
			}
			Expect(got).To(Equal(want))
			h.Reset()
			Expect(serve(h, request("POST", update, cassette.AuthToken, mailBody)).Body.String()).To(Equal("a"), "Reset rewinds every mode")
		},
		Entry("the default, last: recorded order, then the last", replay.Repeat(""), []string{"a", "b", "c", "c", "c"}),
		Entry("last", replay.RepeatLast, []string{"a", "b", "c", "c", "c"}),
		Entry("first: always the first", replay.RepeatFirst, []string{"a", "a", "a", "a", "a"}),
		Entry("cycle: recorded order, again", replay.RepeatCycle, []string{"a", "b", "c", "a", "b"}),
		Entry("strict: each once, then the no-match answer naming it", replay.RepeatStrict, []string{"a", "b", "c", "no-match", "no-match"}),
	)

	It("refuses an unknown mode", func() {
		_, err := replay.New(nil, replay.Options{Repeat: "sometimes"})
		Expect(err).To(MatchError(`repeat "sometimes": want last, first, cycle or strict`))
		_, err = replay.ParseRepeat("LAST")
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("replay of a fault recorded for Prefer: code=500", func() {
	It("answers it only to a request that asks for it, and names Prefer when one does not match", func() {
		f := file("c.yaml",
			rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: "ok"},
			rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 500, answer: "fault"},
		)
		f.Interactions[1].Request.Headers.Set("Prefer", "code=500")
		h := newHandler(f)
		fault := func() *http.Request {
			r := request("POST", update, cassette.AuthToken, mailBody)
			r.Header.Set("Prefer", "code=500")
			return r
		}
		for range 3 {
			Expect(serve(h, request("POST", update, cassette.AuthToken, mailBody)).Body.String()).To(Equal("ok"))
			Expect(serve(h, fault()).Body.String()).To(Equal("fault"))
		}
		r := request("POST", update, cassette.AuthToken, mailBody)
		r.Header.Set("Prefer", "code=404")
		rep := noMatch(serve(h, r))
		Expect(rep.Closest).To(HaveLen(2))
		Expect(rep.Closest[0].Differences).To(Equal([]replay.Difference{{Field: replay.FieldHeader, Param: "Prefer", Received: str("code=404")}}))
		Expect(rep.Closest[1].Differences).To(Equal([]replay.Difference{{Field: replay.FieldHeader, Param: "Prefer", Recorded: str("code=500"), Received: str("code=404")}}))
	})
})
