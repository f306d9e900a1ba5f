package brokentest_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

// TestBrokentest runs `noticeconf verify`, built once, as a subprocess: Ginkgo's
// RunSpecs runs once per process, and every verify run is one.
func TestBrokentest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "noticeconf verify against broken and conforming servers")
}

// bin is the noticeconf binary under test, built in BeforeSuite.
var bin string

var _ = BeforeSuite(func() {
	var err error
	bin, err = gexec.Build("github.com/noticeconf/noticeconf/cmd/noticeconf")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(gexec.CleanupBuildArtifacts)
})
