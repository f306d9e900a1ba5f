package replay_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/internal/cassette"
	"github.com/noticeconf/noticeconf/internal/replay"
)

// benchSizes are the cassette sizes the lookup benchmarks compare.
var benchSizes = []int{10, 1_000, 10_000, 100_000}

func benchJob(i int) string { return fmt.Sprintf("%032x", i) }

func benchBody(i int) string {
	return fmt.Sprintf("{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\",\"buildJobFail\"],\"param_config\":\"cfg-%d\"}\n", i)
}

// benchFile is a cassette of n distinct UpdateNotice interactions, as the SDK sends them.
func benchFile(n int) *cassette.File {
	recs := make([]rec, n)
	for i := range recs {
		recs[i] = rec{method: "POST", url: "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/" + benchJob(i) + "/update",
			auth: cassette.AuthAKSK, body: benchBody(i), code: 200,
			header: http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "X-Request-Id": {benchJob(i)}},
			answer: `{"result":"` + benchJob(i) + `","error":null,"status":"success"}`}
	}
	return file("bench.yaml", recs...)
}

// discard is a ResponseWriter that keeps nothing, so the benchmark measures replay.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// benchRequests are the recorded requests as a client sends them: live-looking
// credentials, and the body's keys in another order than recorded.
type benchRequests struct{ urls, bodies []string }

func newBenchRequests(n int) *benchRequests {
	br := &benchRequests{urls: make([]string, n), bodies: make([]string, n)}
	for i := range n {
		br.urls[i] = "http://127.0.0.1:8082/v3/jobs/notice/" + benchJob(i) + "/update"
		br.bodies[i] = fmt.Sprintf(`{"param_config":"cfg-%d","notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}`, i)
	}
	return br
}

// request builds the i-th request.
func (br *benchRequests) request(i int) *http.Request {
	r, _ := http.NewRequest("POST", br.urls[i], strings.NewReader(br.bodies[i]))
	r.Header = http.Header{
		"Content-Type":  {"application/json"},
		"Authorization": {"SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;x-sdk-date, Signature=abc"},
		"X-Sdk-Date":    {"20261126T200000Z"},
	}
	return r
}

// BenchmarkReplayLookup answers one recorded request (spread over the whole cassette)
// per op, in process: canonicalising the request, the indexed lookup and writing the
// answer. The cost per op does not grow with the cassette's size.
func BenchmarkReplayLookup(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("interactions=%d", n), func(b *testing.B) {
			h, err := replay.New([]*cassette.File{benchFile(n)}, replay.Options{})
			if err != nil {
				b.Fatal(err)
			}
			br := newBenchRequests(n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				h.ServeHTTP(&discard{h: http.Header{}}, br.request((i*7919)%n))
			}
		})
	}
}

// BenchmarkReplayLookupParallel is BenchmarkReplayLookup from GOMAXPROCS goroutines.
func BenchmarkReplayLookupParallel(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("interactions=%d", n), func(b *testing.B) {
			h, err := replay.New([]*cassette.File{benchFile(n)}, replay.Options{})
			if err != nil {
				b.Fatal(err)
			}
			br := newBenchRequests(n)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for i := 0; pb.Next(); i++ {
					h.ServeHTTP(&discard{h: http.Header{}}, br.request((i*7919)%n))
				}
			})
		})
	}
}

// BenchmarkGoVCRLookup is the baseline: go-vcr v3's own cassette lookup (a scan under
// a lock, with its default method and URL matcher) over the same interactions.
func BenchmarkGoVCRLookup(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("interactions=%d", n), func(b *testing.B) {
			c := vcr.New("bench")
			for _, in := range benchFile(n).Interactions {
				c.AddInteraction(&in.Interaction)
			}
			c.ReplayableInteractions = true
			reqs := make([]*http.Request, n)
			for i := range reqs {
				reqs[i], _ = http.NewRequest("POST", "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/"+benchJob(i)+"/update", nil)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := c.GetInteraction(reqs[(i*7919)%n]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
