package verify_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestVerify tests the report and the option handling in-process. verify.Run itself
// calls RunSpecs, so it is tested as a subprocess in suites/brokentest.
func TestVerify(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "verify")
}
