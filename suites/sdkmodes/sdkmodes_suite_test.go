package sdkmodes_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSDKModes(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "The official Go SDK through every mode")
}
