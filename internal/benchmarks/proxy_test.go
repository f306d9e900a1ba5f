package benchmarks

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v3/recorder"

	"github.com/noticeconf/noticeconf/proxy"
)

// BenchmarkProxy compares one request sent directly to the upstream, through a bare
// httputil.ReverseProxy, through a ReverseProxy whose transport is go-vcr's recorder,
// and through noticeconf's recording proxy, at 1 and 32 concurrent clients. Both
// baselines are the ReverseProxy the recording proxy is built on (proxy.NewReverseProxy:
// the same rewrite and pooled copy buffers) over the recording proxy's own upstream
// transport (proxy.NewTransport: the same idle connections per host, timeouts and
// compression), so that what differs is the recording alone. go-vcr's recorder keeps
// what it records in memory until Stop (not timed) writes the cassette; noticeconf's
// writes each interaction to the cassette before its response is passed on.
func BenchmarkProxy(b *testing.B) {
	for _, clients := range []int{1, 32} {
		b.Run(fmt.Sprintf("direct/c=%d", clients), func(b *testing.B) {
			measure(b, upstream(b).URL, clients)
		})
		b.Run(fmt.Sprintf("reverseproxy/c=%d", clients), func(b *testing.B) {
			target := upstreamURL(b)
			tr := proxy.NewTransport(proxy.Config{})
			defer tr.CloseIdleConnections()
			front := httptest.NewServer(proxy.NewReverseProxy(target, tr))
			defer front.Close()
			measure(b, front.URL, clients)
		})
		b.Run(fmt.Sprintf("govcr/c=%d", clients), func(b *testing.B) {
			target := upstreamURL(b)
			tr := proxy.NewTransport(proxy.Config{})
			defer tr.CloseIdleConnections()
			rec, err := recorder.NewWithOptions(&recorder.Options{
				CassetteName:  filepath.Join(b.TempDir(), "govcr"),
				Mode:          recorder.ModeRecordOnly,
				RealTransport: tr,
				// Unless told to skip it, go-vcr waits the upstream's latency a
				// second time before it answers, in record mode too.
				SkipRequestLatency: true,
			})
			if err != nil {
				b.Fatal(err)
			}
			front := httptest.NewServer(proxy.NewReverseProxy(target, rec))
			defer front.Close()
			measure(b, front.URL, clients)
			b.StopTimer()
			if err := rec.Stop(); err != nil {
				b.Fatal(err)
			}
		})
		b.Run(fmt.Sprintf("noticeconf/c=%d", clients), func(b *testing.B) {
			benchRecordProxy(b, clients)
		})
	}
}

// upstreamURL starts the upstream and returns its URL.
func upstreamURL(b *testing.B) *url.URL {
	b.Helper()
	u, err := url.Parse(upstream(b).URL)
	if err != nil {
		b.Fatal(err)
	}
	return u
}
