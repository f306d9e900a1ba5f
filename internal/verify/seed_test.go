package verify_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/internal/verify"
)

var _ = Describe("the seed and the notes of a run", func() {
	rep := verify.Report{Target: "t", Conforms: true, Seed: 42, Examples: 7,
		Notes: []string{"the job id \"ABC\" is outside the contract's pattern"}}

	It("are in the table, the Markdown and the JSON report", func() {
		var table, md, js bytes.Buffer
		Expect(rep.WriteTable(&table)).To(Succeed())
		Expect(rep.WriteMarkdown(&md)).To(Succeed())
		Expect(rep.WriteJSON(&js)).To(Succeed())
		for _, out := range []string{table.String(), md.String()} {
			Expect(out).To(ContainSubstring("seed: 42, 7 examples per generated check (noticeconf verify --seed 42 repeats this run)"))
			Expect(out).To(ContainSubstring(`note: the job id "ABC" is outside`))
		}
		Expect(js.String()).To(ContainSubstring(`"seed": 42`))
		Expect(js.String()).To(ContainSubstring(`"examples": 7`))
	})

	It("leave the table alone when the run had no generated checks to seed", func() {
		var table bytes.Buffer
		Expect(verify.Report{Target: "t", Conforms: true}.WriteTable(&table)).To(Succeed())
		Expect(table.String()).NotTo(ContainSubstring("seed:"))
	})
})
