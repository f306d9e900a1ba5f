package benchmarks

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/internal/cassette"
)

const apiBase = "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com"

func benchJob(i int) string { return fmt.Sprintf("%032x", i) }

// benchInteraction is the i-th of a cassette's distinct UpdateNotice interactions,
// shaped as the recording proxy records the official SDK's requests.
func benchInteraction(i int) *vcr.Interaction {
	job := benchJob(i)
	body := fmt.Sprintf("{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\",\"buildJobFail\"],\"param_config\":\"cfg-%d\"}\n", i)
	return &vcr.Interaction{
		Request: vcr.Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: int64(len(body)),
			Host: "cloudbuild-ext.cn-north-4.myhuaweicloud.com",
			Body: body,
			Headers: http.Header{
				"Content-Type":    {"application/json"},
				"Accept-Encoding": {"gzip"},
				"User-Agent":      {"huaweicloud-usdk-go/3.0 noticeconf"},
				"X-Sdk-Date":      {"20261126T193942Z"},
				"Authorization":   {"SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=content-type;host;x-sdk-date, Signature=REDACTED"},
			},
			URL:    apiBase + "/v3/jobs/notice/" + job + "/update",
			Method: http.MethodPost,
		},
		Response: vcr.Response{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: -1,
			Body: `{"result":"` + job + `","error":null,"status":"success"}`,
			Headers: http.Header{
				"Content-Type": {"application/json;charset=UTF-8"},
				"X-Request-Id": {job},
				"Date":         {"Thu, 26 Nov 2026 19:39:42 GMT"},
			},
			Status: "200 OK", Code: 200, Duration: 12345678 * time.Nanosecond,
		},
	}
}

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
