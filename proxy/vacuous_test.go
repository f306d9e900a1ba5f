package proxy_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("Verdicts that cannot be vacuous", func() {
	It("verify exits 2 when no check ran, saying why", func() {
		s := noticeconf("verify", "--focus", "no check has this name")
		Eventually(s).WithTimeout(60 * time.Second).Should(gexec.Exit(2))
		Expect(s.Err).To(gbytes.Say("no check ran against .*nothing was verified"))
	})

	It("verify refuses a --target with a path, a query or user information", func() {
		for _, target := range []string{"http://127.0.0.1:1/v3", "http://127.0.0.1:1?x=1", "http://u:p@127.0.0.1:1"} {
			s := noticeconf("verify", "--target", target)
			Eventually(s).WithTimeout(30*time.Second).Should(gexec.Exit(2), target)
			Expect(s.Err).To(gbytes.Say("--target"), target)
			Expect(string(s.Err.Contents())).NotTo(ContainSubstring("u:p"), "user information is never echoed")
		}
	})

	It("record, replay and mock refuse --listen addresses that bind other interfaces", func() {
		for _, listen := range []string{":0", "0.0.0.0:0", "[::]:0"} {
			s := noticeconf("mock", "--listen", listen)
			Eventually(s).WithTimeout(30*time.Second).Should(gexec.Exit(2), listen)
			Expect(s.Err).To(gbytes.Say("allow-remote"), listen)
		}
	})

	It("accepts localhost:0 once every address it resolves to is loopback", func() {
		s := noticeconf("mock", "--listen", "localhost:0")
		Eventually(s.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`listening on http://(127\.0\.0\.1|\[::1\]):\d+`))
		s.Interrupt()
		Eventually(s).WithTimeout(15 * time.Second).Should(gexec.Exit(0))
	})
})
