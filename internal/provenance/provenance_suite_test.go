package provenance_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestProvenance(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "provenance")
}
