package benchmarks

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkVerify runs a full `noticeconf verify` against the built-in reference mock,
// as a user runs it: the built binary, start to exit.
func BenchmarkVerify(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "noticeconf")
	build := exec.Command("go", "build", "-o", bin, "github.com/noticeconf/noticeconf/cmd/noticeconf")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	b.ResetTimer()
	for b.Loop() {
		var out bytes.Buffer
		cmd := exec.Command(bin, "verify")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			b.Fatalf("noticeconf verify: %v\n%s", err, out.String())
		}
	}
}
