package thirdparty_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestThirdParty runs the specs of the verdict tables and of docs/mocks.md. With the
// build tag "thirdparty" it also starts Stoplight Prism and WireMock on loopback
// ports, runs `noticeconf verify` against each, and checks every verdict against the
// committed table; that needs `npm ci --prefix fixtures/thirdparty` and Java 17, and
// `make thirdparty` runs it.
func TestThirdParty(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Third-party mocks")
}
