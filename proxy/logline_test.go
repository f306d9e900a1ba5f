package proxy

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the proxy's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// successUpstream is an upstream answering every request 200 with a JSON body, closed
// when the test ends.
func successUpstream(t *testing.T) *httptest.Server {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"success"}`))
	}))
	t.Cleanup(up.Close)
	return up
}

// recordUpdate sends an update through p, with credentials set by auth, and fails
// the test unless it is answered 200.
func recordUpdate(t *testing.T, p *Proxy, auth func(*http.Request)) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update", strings.NewReader(`{"notice_type":"MAIL"}`))
	auth(req)
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

// TestInteractionLineNamesItsFieldsAndSource records two updates through a proxy
// whose logger shows the source: each gives one line with the method, host, path,
// status, duration, recorded and the id, and the source of the line in this package.
func TestInteractionLineNamesItsFieldsAndSource(t *testing.T) {
	up := successUpstream(t)
	var logs syncBuffer
	p, err := New(Config{Upstream: up.URL, Cassette: filepath.Join(t.TempDir(), "c.yaml"),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{AddSource: true}))})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		recordUpdate(t, p, func(*http.Request) {})
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`level=INFO source=\S+/proxy/record\.go:\d+ msg=interaction method=POST host=` + regexp.QuoteMeta(strings.TrimPrefix(up.URL, "http://")) +
		` path=/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update status=200 duration=\S+ recorded=true id=(\d+)\n`)
	got := line.FindAllStringSubmatch(logs.String(), -1)
	if len(got) != 2 || got[0][1] != "0" || got[1][1] != "1" {
		t.Errorf("want two interaction lines with ids 0 and 1, their source in record.go; the log:\n%s", logs.String())
	}
}

// TestInteractionLinesPastTheLimitAreCounted records 40 updates through a proxy
// logging at most 3 interaction lines a second: every interaction is either a line
// or in a count, and the count of the last second is logged on Close.
func TestInteractionLinesPastTheLimitAreCounted(t *testing.T) {
	up := successUpstream(t)
	var logs syncBuffer
	p, err := New(Config{Upstream: up.URL, Cassette: filepath.Join(t.TempDir(), "c.yaml"), LinesPerSecond: 3,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	const n = 40
	for range n {
		recordUpdate(t, p, func(*http.Request) {})
	}
	seconds := time.Now().Unix() - start.Unix() + 1
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	lines := len(regexp.MustCompile(`msg=interaction `).FindAllString(logs.String(), -1))
	counted := 0
	for _, m := range regexp.MustCompile(`msg="record: interactions not logged one by one" requests=(\d+) `).FindAllStringSubmatch(logs.String(), -1) {
		c, _ := strconv.Atoi(m[1])
		counted += c
	}
	if lines < 3 || int64(lines) > 3*seconds || lines+counted != n {
		t.Errorf("%d interactions over %d second(s), at most 3 lines a second: %d lines and %d counted; the log:\n%s", n, seconds, lines, counted, logs.String())
	}
}
