package proxy_test

import (
	"net/http"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/audit"
	"github.com/noticeconf/noticeconf/internal/provenance"
	"github.com/noticeconf/noticeconf/proxy"
)

var _ = Describe("Provenance written by the library", func() {
	When("a cassette is recorded from Go, with no CLI", func() {
		It("writes CASSETTE.provenance.json, so that the cassette passes cassette audit", func() {
			m := startMock(false)
			r := startProxy(proxy.Config{Upstream: m.URL})
			_, err := os.Stat(provenance.PathFor(r.cassette))
			Expect(err).NotTo(HaveOccurred(), "New writes the provenance file before the first request")
			resp, _ := post(plainClient(), r.URL, demoJob, updateBody, http.Header{"X-Auth-Token": {demoToken}})
			Expect(resp).To(HaveHTTPStatus(http.StatusOK))
			r.stop()

			prov, err := provenance.Read(r.cassette)
			Expect(err).NotTo(HaveOccurred())
			Expect(prov.Credentials).To(Equal([]cassette.AuthKind{cassette.AuthToken}), "Close records the kinds of credentials the requests carried")
			Expect(prov.Hosts).To(HaveLen(1))
			rep, err := audit.Paths([]string{r.cassette}, audit.Options{})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.Interactions).To(Equal(1))
			Expect(rep.Provenance).To(BeEmpty())
			Expect(rep.Findings).To(BeEmpty())
		})
	})
})
