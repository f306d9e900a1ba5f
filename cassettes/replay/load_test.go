package replay_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/internal/loadtest"
)

// loadCassetteSize is how many distinct interactions the load test's cassette holds.
const loadCassetteSize = 1000

// writeLoadCassette records n distinct token-authenticated updates, as the recording
// proxy writes them, and returns the cassette's path.
func writeLoadCassette(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "load.yaml")
	w, err := cassette.OpenWriterWith(path, cassette.CreateNew, cassette.WriterOptions{SyncBehind: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		job := fmt.Sprintf("%032x", i)
		body := fmt.Sprintf(`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"],"param_config":"cfg-%d"}`+"\n", i)
		_, err := w.Append(&vcr.Interaction{
			Request: vcr.Request{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: int64(len(body)),
				Host: "cloudbuild-ext.cn-north-4.myhuaweicloud.com", Body: body, Method: http.MethodPost,
				URL:     "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/" + job + "/update",
				Headers: http.Header{"Content-Type": {"application/json"}, "X-Auth-Token": {cassette.Redacted}},
			},
			Response: vcr.Response{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: -1,
				Body:    `{"result":"` + job + `","error":null,"status":"success"}`,
				Headers: http.Header{"Content-Type": {"application/json;charset=UTF-8"}},
				Status:  "200 OK", Code: http.StatusOK, Duration: time.Millisecond,
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReplayUnderLoad drives bounded concurrent load at the replay server over a
// 1000-interaction cassette (a short run in `make test`, 200 clients for 20 s in
// `make soak`): every request must get its own recorded answer, none may fail, the
// live heap must level off, and no goroutine may outlive the server.
func TestReplayUnderLoad(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	path := writeLoadCassette(t, loadCassetteSize)
	srv, err := replay.NewServer(path)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	clients, d, limit := loadtest.Soak()
	res := loadtest.Run(context.Background(), loadtest.Config{
		Clients: clients, Duration: d, MaxRequests: limit,
		NewRequest: func(i int64) (*http.Request, error) {
			k := i % loadCassetteSize
			// The body's keys in another order than recorded, and a live token.
			body := fmt.Sprintf(`{"param_config":"cfg-%d","enabled_event_type_names":["buildJobSuccess"],"notice_type":"MAIL"}`, k)
			r, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/v3/jobs/notice/%032x/update", srv.URL, k), strings.NewReader(body))
			if err != nil {
				return nil, err
			}
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Auth-Token", "live-token-under-load")
			return r, nil
		},
		Check: func(i int64, status int, body []byte) error {
			if status != http.StatusOK {
				return fmt.Errorf("status %d, want 200", status)
			}
			if want := fmt.Sprintf(`"result":"%032x"`, i%loadCassetteSize); !strings.Contains(string(body), want) {
				return fmt.Errorf("answer of another interaction, want %s", want)
			}
			return nil
		},
	})
	t.Logf("replay server under load: %s", res)
	if err := res.Err(int64(clients)); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
}
