package benchmarks

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v3/recorder"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

// replayBase is the scheme and host noticeconf's replay server is sent its requests at.
const replayBase = "http://127.0.0.1:8082"

// replaySizes are the cassette sizes the replay benchmarks compare.
var replaySizes = []int{10, 1_000, 10_000, 100_000}

// discard is a ResponseWriter that keeps nothing, so the benchmark measures replay.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// replayRequests builds the recorded requests as a client sends them to the replay
// server: live-looking credentials, and the body's keys in another order than
// recorded. Each request is built when it is sent, from hot memory, as a server reads
// it off the socket: a table of n prepared requests would add the cost of reading that
// table from cold memory at 100k, which is the client's, not the replay's. base is
// the scheme and host the requests go to.
type replayRequests struct {
	base string
	n    int
}

func newReplayRequests(base string, n int) *replayRequests {
	return &replayRequests{base: base, n: n}
}

func (rr *replayRequests) request(i int) *http.Request {
	url := rr.base + "/v3/jobs/notice/" + benchJob(i) + "/update"
	body := `{"param_config":"cfg-` + strconv.Itoa(i) + `","notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}`
	r, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	r.Header = http.Header{
		"Content-Type":  {"application/json"},
		"Authorization": {"SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;x-sdk-date, Signature=abc"},
		"X-Sdk-Date":    {"20261126T200000Z"},
	}
	return r
}

// replayHandler loads a cassette of n interactions with noticeconf's loader and
// returns the replay handler over it.
func replayHandler(b *testing.B, n int) *replay.Handler {
	b.Helper()
	files, err := cassette.LoadPaths(writeCassette(b, n))
	if err != nil {
		b.Fatal(err)
	}
	h, err := replay.New(files, replay.Options{})
	if err != nil {
		b.Fatal(err)
	}
	// Collect the garbage of writing and loading the cassette now, so that the timed
	// loop pays only for the garbage of its own requests (a collection then still
	// marks the whole loaded cassette, as it would in a long-running replay server).
	runtime.GC()
	return h
}

// BenchmarkReplay answers one recorded request per op, picked all over the cassette,
// in process: noticeconf's replay handler (canonicalising the request, the indexed
// lookup and writing the answer) from one goroutine and from many, against go-vcr v3's
// recorder in replay mode over the same cassette file (its default method and URL
// matcher, a scan under its lock). Both are handed the same requests, built the same
// way when they are sent (go-vcr's at the recorded API's URL, since its matcher
// compares the whole URL), and both answers' bodies are read to the end. go-vcr is
// measured up to 10k interactions: loading 100k takes it longer than a benchmark
// should.
func BenchmarkReplay(b *testing.B) {
	for _, n := range replaySizes {
		b.Run(fmt.Sprintf("server=noticeconf/n=%d", n), func(b *testing.B) {
			h := replayHandler(b, n)
			rr := newReplayRequests(replayBase, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				w := &discard{h: http.Header{}}
				h.ServeHTTP(w, rr.request((i*7919)%n))
			}
		})
		b.Run(fmt.Sprintf("server=noticeconf-parallel/n=%d", n), func(b *testing.B) {
			h := replayHandler(b, n)
			rr := newReplayRequests(replayBase, n)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for i := 0; pb.Next(); i++ {
					h.ServeHTTP(&discard{h: http.Header{}}, rr.request((i*7919)%n))
				}
			})
		})
		if n > 10_000 {
			continue
		}
		b.Run(fmt.Sprintf("server=govcr/n=%d", n), func(b *testing.B) {
			path := writeCassette(b, n)
			rec, err := recorder.NewWithOptions(&recorder.Options{
				CassetteName:       strings.TrimSuffix(path, ".yaml"),
				Mode:               recorder.ModeReplayOnly,
				SkipRequestLatency: true,
			})
			if err != nil {
				b.Fatal(err)
			}
			rec.SetReplayableInteractions(true)
			rr := newReplayRequests(apiBase, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				resp, err := rec.RoundTrip(rr.request((i * 7919) % n))
				if err != nil {
					b.Fatal(err)
				}
				_, err = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
