package cassette_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/noticeconf/noticeconf/internal/cassette"
)

// BenchmarkAppend measures one Append (encode, write, fsync) on cassettes that already
// hold 0, 1000 and 10000 interactions: the cost must not grow with the cassette.
func BenchmarkAppend(b *testing.B) {
	for _, existing := range []int{0, 1000, 10000} {
		b.Run(fmt.Sprintf("existing=%d", existing), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.yaml")
			w, err := cassette.OpenWriter(path, cassette.CreateNew)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			for range existing {
				if _, err := w.Append(interaction(`{"notice_type":"MAIL"}` + "\n")); err != nil {
					b.Fatal(err)
				}
			}
			i := interaction(`{"notice_type":"MAIL"}` + "\n")
			b.ResetTimer()
			for b.Loop() {
				if _, err := w.Append(i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
