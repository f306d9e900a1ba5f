package benchmarks

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/noticeconf/noticeconf/proxy"
)

// benchRecordProxy measures noticeconf's recording proxy in reverse mode, recording
// every request to a new cassette in a temporary directory.
func benchRecordProxy(b *testing.B, clients int) {
	up := upstream(b)
	p, err := proxy.New(proxy.Config{
		Upstream: up.URL,
		Cassette: filepath.Join(b.TempDir(), "bench.yaml"),
	})
	if err != nil {
		b.Fatal(err)
	}
	front := httptest.NewServer(p)
	measure(b, front.URL, clients)
	b.StopTimer()
	front.Close()
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
}
