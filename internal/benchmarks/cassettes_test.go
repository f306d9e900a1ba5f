package benchmarks

import (
	"fmt"
	"path/filepath"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/benchmarks/httpbench"
)

const apiBase = "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com"

func benchJob(i int) string { return httpbench.Job(i) }

// benchInteraction is the i-th of a cassette's distinct UpdateNotice interactions,
// shaped as the recording proxy records the official SDK's requests: the same ones
// `make bench-http` serves (httpbench.ReplayInteraction).
func benchInteraction(i int) *vcr.Interaction { return httpbench.ReplayInteraction(i) }

// writeCassette writes a cassette of n interactions with the recording proxy's
// writer (the file is the same go-vcr v3 format go-vcr's Save writes) and returns its
// path.
func writeCassette(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), fmt.Sprintf("bench-%d.yaml", n))
	w, err := cassette.OpenWriterWith(path, cassette.CreateNew, cassette.WriterOptions{SyncBehind: true})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if _, err := w.Append(benchInteraction(i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}
