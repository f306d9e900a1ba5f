package replay_test

import (
	"net/http/httptest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/proxy"
)

// recordingProxy starts noticeconf's recording proxy in reverse mode in front of
// upstream, writing every interaction (notice endpoints and others) to cassettePath.
// It returns the proxy's base URL; the proxy is closed when the spec ends.
func recordingProxy(upstream, cassettePath string) string {
	GinkgoHelper()
	p, err := proxy.New(proxy.Config{Upstream: upstream, Cassette: cassettePath, RecordAll: true})
	Expect(err).NotTo(HaveOccurred())
	srv := httptest.NewServer(p)
	DeferCleanup(func() {
		srv.Close()
		Expect(p.Close()).To(Succeed())
	})
	return srv.URL
}
