package benchmarks

import (
	"fmt"
	"path/filepath"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// BenchmarkPersist measures the cost of persisting one more interaction in a cassette
// that already holds 100 or 10k: noticeconf's writer as the recording proxy uses it
// (written before Append returns, fsynced in the background), the same writer with
// an fsync before Append returns, and go-vcr's Save, which rewrites the whole file.
func BenchmarkPersist(b *testing.B) {
	for _, existing := range []int{100, 10_000} {
		for _, mode := range []struct {
			name string
			opts cassette.WriterOptions
		}{{"noticeconf", cassette.WriterOptions{SyncBehind: true}}, {"noticeconf-fsync", cassette.WriterOptions{}}} {
			b.Run(fmt.Sprintf("writer=%s/existing=%d", mode.name, existing), func(b *testing.B) {
				path := filepath.Join(b.TempDir(), "persist.yaml")
				w, err := cassette.OpenWriterWith(path, cassette.CreateNew, cassette.WriterOptions{SyncBehind: true})
				if err != nil {
					b.Fatal(err)
				}
				for i := range existing {
					if _, err := w.Append(benchInteraction(i)); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				if w, err = cassette.OpenWriterWith(path, cassette.Append, mode.opts); err != nil {
					b.Fatal(err)
				}
				defer w.Close()
				i := benchInteraction(existing)
				b.ResetTimer()
				for b.Loop() {
					if _, err := w.Append(i); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(fmt.Sprintf("writer=govcr/existing=%d", existing), func(b *testing.B) {
			c := vcr.New(filepath.Join(b.TempDir(), "persist"))
			for i := range existing {
				c.AddInteraction(benchInteraction(i))
			}
			if err := c.Save(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			next := benchInteraction(existing)
			for b.Loop() {
				// One more interaction recorded, then go-vcr's Save, as its recorder
				// does; then dropped again, so the cassette keeps its size.
				c.AddInteraction(next)
				if err := c.Save(); err != nil {
					b.Fatal(err)
				}
				c.Interactions = c.Interactions[:existing]
			}
		})
	}
}
