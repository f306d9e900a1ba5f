//go:build thirdparty

package thirdparty_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestThirdParty starts Stoplight Prism and WireMock on loopback ports, runs
// `noticeconf verify` against each, and checks every verdict against the committed
// table. It needs `npm ci --prefix fixtures/thirdparty` and Java 17: `make thirdparty`.
func TestThirdParty(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Third-party mocks")
}
