package proxy

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
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

// TestInteractionLineNamesItsFieldsAndSource records two updates through a proxy
// whose logger shows the source: each gives one line with the method, host, path,
// status, duration, recorded and the id, and the source of the line in this package.
func TestInteractionLineNamesItsFieldsAndSource(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"success"}`))
	}))
	defer up.Close()
	var logs syncBuffer
	p, err := New(Config{Upstream: up.URL, Cassette: filepath.Join(t.TempDir(), "c.yaml"),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{AddSource: true}))})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		req := httptest.NewRequest(http.MethodPost, "/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update", strings.NewReader(`{"notice_type":"MAIL"}`))
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
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
