package httpbench

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/mock"
)

// apiHost is the vendor's API host the generated recordings name.
const apiHost = "cloudbuild-ext.cn-north-4.myhuaweicloud.com"

// Job returns the job id of the i-th generated interaction: 32 lowercase hex digits.
func Job(i int) string { return fmt.Sprintf("%032x", i) }

// ReplayInteraction is the i-th of a replay cassette's distinct update interactions,
// shaped as the recording proxy records the official SDK's AK/SK-signed requests
// (credentials redacted), each for its own job with its own answer.
func ReplayInteraction(i int) *vcr.Interaction {
	job := Job(i)
	body := fmt.Sprintf("{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\",\"buildJobFail\"],\"param_config\":\"cfg-%d\"}\n", i)
	return &vcr.Interaction{
		Request: vcr.Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: int64(len(body)),
			Host: apiHost,
			Body: body,
			Headers: http.Header{
				"Content-Type":    {"application/json"},
				"Accept-Encoding": {"gzip"},
				"User-Agent":      {"huaweicloud-usdk-go/3.0 noticeconf"},
				"X-Sdk-Date":      {"20261126T193942Z"},
				"Authorization":   {"SDK-HMAC-SHA256 Access=" + cassette.Redacted + ", SignedHeaders=content-type;host;x-sdk-date, Signature=" + cassette.Redacted},
			},
			URL:    "https://" + apiHost + "/v3/jobs/notice/" + job + "/update",
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
			Status: "200 OK", Code: http.StatusOK, Duration: 12345678 * time.Nanosecond,
		},
	}
}

// MockRequests returns a generator of distinct update requests the reference mock's
// demo profile (mock.DefaultConfig) accepts: its first job id and token, and a
// param_config of its own in each request, so that a recorder that keeps only new
// requests records every one. The recorded answer is the status the mock gives (200)
// with no body: the body is not compared.
func MockRequests() (func(i int) *vcr.Interaction, error) {
	def, err := mock.DefaultConfig()
	if err != nil {
		return nil, fmt.Errorf("the reference mock's demo profile: %w", err)
	}
	if len(def.Tokens) == 0 || len(def.JobIDs) == 0 {
		return nil, fmt.Errorf("the reference mock's demo profile has no token or no job id")
	}
	token, job := def.Tokens[0], def.JobIDs[0]
	return func(i int) *vcr.Interaction {
		body := fmt.Sprintf("{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\",\"buildJobFail\"],\"param_config\":\"cfg-%d\"}", i)
		return &vcr.Interaction{
			Request: vcr.Request{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: int64(len(body)),
				Host: apiHost, Body: body,
				Headers: http.Header{"Content-Type": {"application/json"}, "X-Auth-Token": {token}},
				URL:     "https://" + apiHost + "/v3/jobs/notice/" + job + "/update",
				Method:  http.MethodPost,
			},
			Response: vcr.Response{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: -1,
				Headers: http.Header{}, Status: "200 OK", Code: http.StatusOK,
			},
		}
	}, nil
}

// WriteCassette writes a new cassette of n interactions, gen(0) to gen(n-1), at path
// with the recording proxy's writer (cassette.Writer), and returns its size in bytes.
func WriteCassette(path string, n int, gen func(int) *vcr.Interaction) (int64, error) {
	w, err := cassette.OpenWriterWith(path, cassette.CreateNew, cassette.WriterOptions{SyncBehind: true})
	if err != nil {
		return 0, err
	}
	for i := range n {
		if _, err := w.Append(gen(i)); err != nil {
			return 0, fmt.Errorf("write %s: %w", path, errors.Join(err, w.Close()))
		}
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
