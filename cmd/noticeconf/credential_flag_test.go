package main

import (
	"bytes"
	"context"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("noticeconf record --credential", func() {
	It("exits 2 naming what is wrong, before anything listens or is written", func() {
		cassette := filepath.Join(GinkgoT().TempDir(), "c.yaml")
		for _, tc := range []struct{ spec, want string }{
			{"forbidden", "--credential: credential \"forbidden\": want NAME=ENV_VAR"},
			{"forbidden=NOTICECONF_TEST_NEVER_SET", "the environment variable NOTICECONF_TEST_NEVER_SET is unset or empty"},
			{"bad name=PATH", "must be letters, digits"},
		} {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"record", "--upstream", "http://127.0.0.1:1", "--cassette", cassette, "--listen", "127.0.0.1:0", "--credential", tc.spec}, &stdout, &stderr)
			Expect(code).To(Equal(exitUsage), stderr.String())
			Expect(stderr.String()).To(ContainSubstring(tc.want))
			Expect(stdout.String()).To(BeEmpty())
			Expect(cassette).NotTo(BeAnExistingFile())
		}
	})
})
