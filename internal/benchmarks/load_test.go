package benchmarks

import (
	"path/filepath"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// BenchmarkLoad10k loads a 10k-interaction cassette written by go-vcr v3's own Save,
// with noticeconf's loader (which also checks every interaction) and, as the
// baseline, with go-vcr v3's cassette.Load.
func BenchmarkLoad10k(b *testing.B) {
	c := vcr.New(filepath.Join(b.TempDir(), "govcr-10k"))
	for i := range 10_000 {
		c.AddInteraction(benchInteraction(i))
	}
	if err := c.Save(); err != nil {
		b.Fatal(err)
	}
	path := c.File
	b.Run("loader=noticeconf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := cassette.LoadFile(path)
			if err != nil || len(f.Interactions) != 10_000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("loader=govcr", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := vcr.Load(strings.TrimSuffix(path, ".yaml"))
			if err != nil || len(c.Interactions) != 10_000 {
				b.Fatal(err)
			}
		}
	})
}
