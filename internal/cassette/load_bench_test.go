package cassette_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/internal/cassette"
)

// writeBenchCassette saves, with go-vcr's own Save, a cassette of n UpdateNotice
// interactions shaped like the official SDK's, and returns its path.
func writeBenchCassette(b *testing.B, n int) string {
	b.Helper()
	c := vcr.New(filepath.Join(b.TempDir(), "bench"))
	for i := range n {
		job := fmt.Sprintf("%032x", i)
		c.AddInteraction(&vcr.Interaction{
			Request: vcr.Request{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: 96,
				Host: "cloudbuild-ext.cn-north-4.myhuaweicloud.com",
				Body: fmt.Sprintf("{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\",\"buildJobFail\"],\"param_config\":\"cfg-%d\"}\n", i),
				Headers: http.Header{
					"Content-Type":    {"application/json"},
					"Accept-Encoding": {"gzip"},
					"User-Agent":      {"huaweicloud-usdk-go/3.0 noticeconf"},
					"X-Sdk-Date":      {"20261126T193942Z"},
					"Authorization":   {"SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=content-type;host;x-sdk-date, Signature=REDACTED"},
				},
				URL:    "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/" + job + "/update",
				Method: "POST",
			},
			Response: vcr.Response{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: 80,
				Body: `{"result":"` + job + `","error":null,"status":"success"}`,
				Headers: http.Header{
					"Content-Type": {"application/json;charset=UTF-8"},
					"X-Request-Id": {job},
					"Date":         {"Thu, 26 Nov 2026 19:39:42 GMT"},
				},
				Status: "200 OK", Code: 200, Duration: 12345678 * time.Nanosecond,
			},
		})
	}
	if err := c.Save(); err != nil {
		b.Fatal(err)
	}
	return c.File
}

// BenchmarkLoad10k loads a 10k-interaction cassette with this package's loader and,
// as the baseline, with go-vcr v3's cassette.Load.
func BenchmarkLoad10k(b *testing.B) {
	path := writeBenchCassette(b, 10_000)
	b.Run("loader=noticeconf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := cassette.LoadFile(path)
			if err != nil || len(f.Interactions) != 10_000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("loader=go-vcr", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := vcr.Load(strings.TrimSuffix(path, ".yaml"))
			if err != nil || len(c.Interactions) != 10_000 {
				b.Fatal(err)
			}
		}
	})
}
