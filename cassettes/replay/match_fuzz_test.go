package replay_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

// FuzzReplayMatch records one update with any body and any query value, in the
// format the recording proxy writes (go-vcr v3, through the cassette writer), loads it with
// the cassette loader and replays it: the same request, sent with a live token, must
// get the recorded answer, and the same request for another job must not.
func FuzzReplayMatch(f *testing.F) {
	f.Add([]byte(`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`+"\n"), "")
	f.Add([]byte(`{"b":[1,2.50,-3e2],"a":{"z":"\u00e9"}}`), "a b&c=d")
	f.Add([]byte("\xff\xfe not utf-8"), "%zz")
	f.Add([]byte(""), "REDACTED")
	const (
		base   = "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com"
		job    = "48c66c6002964721be537cdc6ce0297b"
		other  = "00000000000000000000000000000000"
		answer = `{"result":"fuzz-answer","error":null,"status":"success"}`
	)
	f.Fuzz(func(t *testing.T, body []byte, q string) {
		query := ""
		if q != "" {
			query = "?" + url.Values{"page": {q}}.Encode()
		}
		i := &vcr.Interaction{
			Request: vcr.Request{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: int64(len(body)),
				Host: "cloudbuild-ext.cn-north-4.myhuaweicloud.com", Method: http.MethodPost,
				URL:     base + "/v3/jobs/notice/" + job + "/update" + query,
				Body:    string(body),
				Headers: http.Header{"Content-Type": {"application/json"}, "X-Auth-Token": {cassette.Redacted}},
			},
			Response: vcr.Response{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: int64(len(answer)),
				Body: answer, Headers: http.Header{"Content-Type": {"application/json;charset=UTF-8"}},
				Status: "200 OK", Code: http.StatusOK, Duration: time.Millisecond,
			},
		}
		path := filepath.Join(t.TempDir(), "fuzz.yaml")
		w, err := cassette.OpenWriter(path, cassette.CreateNew)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Append(i); err != nil {
			t.Fatalf("the recording proxy's writer refuses the interaction: %v", err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		file, err := cassette.Parse("fuzz.yaml", data)
		if err != nil {
			t.Fatalf("the loader refuses what the recording proxy writes: %v\n%s", err, data)
		}
		h, err := replay.New([]*cassette.File{file}, replay.Options{})
		if err != nil {
			t.Fatal(err)
		}
		send := func(jobID string) (int, string) {
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8082/v3/jobs/notice/"+jobID+"/update"+query, bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Auth-Token", "live-token-value")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			got, _ := io.ReadAll(w.Result().Body)
			return w.Code, string(got)
		}
		if code, got := send(job); code != http.StatusOK || got != answer {
			t.Fatalf("the recorded request got %d %q, want 200 and the recorded answer\n%s", code, got, data)
		}
		if code, got := send(other); code == http.StatusOK || got == answer {
			t.Fatalf("a request for another job got the recorded answer (%d)", code)
		}
	})
}
