package cassette_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestCassetteWriter(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "internal/cassette writer")
}
