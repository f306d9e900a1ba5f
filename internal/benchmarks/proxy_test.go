package benchmarks

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v3/recorder"
)

// BenchmarkProxy compares one request sent directly to the upstream, through a bare
// httputil.ReverseProxy, through a ReverseProxy whose transport is go-vcr's recorder,
// and through noticeconf's recording proxy, at 1 and 32 concurrent clients.
func BenchmarkProxy(b *testing.B) {
	for _, clients := range []int{1, 32} {
		b.Run(fmt.Sprintf("direct/c=%d", clients), func(b *testing.B) {
			measure(b, upstream(b).URL, clients)
		})
		b.Run(fmt.Sprintf("reverseproxy/c=%d", clients), func(b *testing.B) {
			up := upstream(b)
			target, _ := url.Parse(up.URL)
			front := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
			defer front.Close()
			measure(b, front.URL, clients)
		})
		b.Run(fmt.Sprintf("govcr/c=%d", clients), func(b *testing.B) {
			up := upstream(b)
			target, _ := url.Parse(up.URL)
			rec, err := recorder.NewWithOptions(&recorder.Options{
				CassetteName:  filepath.Join(b.TempDir(), "govcr"),
				Mode:          recorder.ModeRecordOnly,
				RealTransport: http.DefaultTransport,
			})
			if err != nil {
				b.Fatal(err)
			}
			rp := httputil.NewSingleHostReverseProxy(target)
			rp.Transport = rec
			front := httptest.NewServer(rp)
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
