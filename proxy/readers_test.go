package proxy_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/provenance"
	"github.com/noticeconf/noticeconf/proxy"
)

var _ = Describe("Every reader of a cassette with a torn last interaction", func() {
	It("loads the complete interactions and warns, naming the file: replay, verify --cassettes, audit, normalize", func() {
		dir := GinkgoT().TempDir()
		path := filepath.Join(dir, "torn.yaml")
		// A cassette recorded through the proxy, its last record then cut in two.
		up := startMock(false)
		p := startProxy(proxy.Config{Upstream: up.URL, Cassette: path})
		for range 3 {
			resp, _ := post(plainClient(), p.URL, demoJob, updateBody, tokenHeader())
			Expect(resp.StatusCode).To(Equal(200))
		}
		p.stop()
		data, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(path, data[:len(data)-40], 0o644)).To(Succeed())
		Expect(provenance.Write(path, provenance.New(up.URL, time.Now()))).To(Succeed())

		r := noticeconf("replay", "--cassette", path, "--listen", "127.0.0.1:0")
		Eventually(r.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`replaying 2 interaction\(s\)`))
		Expect(r.Err).To(gbytes.Say(`torn\.yaml:\d+: last interaction torn`))
		r.Interrupt()
		Eventually(r).WithTimeout(15 * time.Second).Should(gexec.Exit(0))

		a := noticeconf("cassette", "audit", path)
		Eventually(a).WithTimeout(30 * time.Second).Should(gexec.Exit(0))
		Expect(a.Err).To(gbytes.Say(`last interaction torn`))
		Expect(a.Out).To(gbytes.Say(`2 interaction\(s\)`))

		v := noticeconf("verify", "--cassettes", path, "--label-filter", "recorded-contract")
		Eventually(v).WithTimeout(60 * time.Second).Should(gexec.Exit(0))
		Expect(v.Err).To(gbytes.Say(`last interaction torn`))

		n := noticeconf("cassette", "normalize", "--date", "2026-01-01T00:00:00Z", path)
		Eventually(n).WithTimeout(30 * time.Second).Should(gexec.Exit(0))
		Expect(n.Err).To(gbytes.Say(`last interaction torn`))
		f, err := cassette.LoadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Warnings).To(BeEmpty(), "normalize writes the complete interactions only")
		Expect(f.Interactions).To(HaveLen(2))
	})
})
