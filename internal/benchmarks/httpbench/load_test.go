package httpbench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// replayRequests writes a cassette of n generated replay interactions, loads it, and
// returns its requests as read back from a requests file.
func replayRequests(t *testing.T, n int) []Recorded {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	if _, err := WriteCassette(path, n, ReplayInteraction); err != nil {
		t.Fatal(err)
	}
	f, err := cassette.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Interactions) != n {
		t.Fatalf("the cassette holds %d interactions, want %d", len(f.Interactions), n)
	}
	recs, err := RecordedRequests(f, true)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "requests.jsonl")
	if err := WriteRequests(file, recs); err != nil {
		t.Fatal(err)
	}
	if recs, err = ReadRequests(file); err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("the requests file holds %d requests, want %d", len(recs), n)
	}
	return recs
}

// recordedAnswers is a loopback server that answers each generated request with its
// recorded answer, and keeps the jobs asked for, in order.
type recordedAnswers struct {
	host string // the Host every request must name
	mu   sync.Mutex
	jobs []string
	bad  []string
}

func (s *recordedAnswers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	job := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v3/jobs/notice/"), "/update")
	s.mu.Lock()
	s.jobs = append(s.jobs, job)
	if r.Method != http.MethodPost || !strings.Contains(string(body), `"param_config":"cfg-`) ||
		cassette.AuthKindOf(r.Header) != cassette.AuthAKSK || r.Host != s.host {
		s.bad = append(s.bad, r.Method+" "+r.URL.Path+" "+string(body))
	}
	s.mu.Unlock()
	_, _ = io.WriteString(w, `{"result":"`+job+`","error":null,"status":"success"}`)
}

func TestLoadSendsTheRecordedRequestsInStrideOrder(t *testing.T) {
	const n = 10
	f := replayRequests(t, n)
	h := &recordedAnswers{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	h.host = strings.TrimPrefix(srv.URL, "http://")
	reqs, err := Requests(srv.URL, f)
	if err != nil {
		t.Fatal(err)
	}
	const start, count = 3, 25
	res, err := Load(context.Background(), LoadConfig{
		Addr: strings.TrimPrefix(srv.URL, "http://"), Conns: 1, Duration: time.Minute,
		MaxRequests: count, Requests: reqs, Start: start,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 0 || res.Requests != count || res.Sent != count {
		t.Fatalf("Load: %d answered, %d sent, %d errors (first: %s); want %d, %d, 0", res.Requests, res.Sent, res.Errors, res.FirstError, count, count)
	}
	if len(h.bad) > 0 {
		t.Errorf("the server got requests that are not the recorded ones: %q", h.bad)
	}
	if len(h.jobs) != count {
		t.Fatalf("the server got %d requests, want %d", len(h.jobs), count)
	}
	for k, job := range h.jobs {
		if want := Job(((start + k) * stride) % n); job != want {
			t.Fatalf("request %d was for job %s, want %s (request number %d in stride order)", k, job, want, start+k)
		}
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.Max < res.P99 {
		t.Errorf("Load: p50 %vµs, p99 %vµs, max %vµs: want 0 < p50 <= p99 <= max", res.P50, res.P99, res.Max)
	}
}

func TestLoadCountsWrongAnswers(t *testing.T) {
	f := replayRequests(t, 3)
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"status", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }, "status 418, want 200"},
		{"body", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "{}") }, `body "{}"`},
		{"closed", func(w http.ResponseWriter, _ *http.Request) {
			c, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = c.Close()
			}
		}, "read the answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			reqs, err := Requests(srv.URL, f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Load(context.Background(), LoadConfig{
				Addr: strings.TrimPrefix(srv.URL, "http://"), Conns: 2, Duration: time.Minute, Requests: reqs,
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Errors < maxErrors || res.Requests != 0 {
				t.Fatalf("Load against a server that answers wrong: %d errors, %d answered; want it to stop after %d errors, none answered", res.Errors, res.Requests, maxErrors)
			}
			if !strings.Contains(res.FirstError, tc.want) {
				t.Errorf("first error %q does not say %q", res.FirstError, tc.want)
			}
		})
	}
}

func TestRequestsRefusesANonHTTPTarget(t *testing.T) {
	f := replayRequests(t, 1)
	if _, err := Requests("https://127.0.0.1:1", f); err == nil {
		t.Error("Requests accepted an https target; the load generator speaks plain HTTP/1.1")
	}
}
