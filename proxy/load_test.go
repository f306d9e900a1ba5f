package proxy_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/loadtest"
	"github.com/noticeconf/noticeconf/proxy"
)

// TestProxyUnderLoad drives bounded concurrent load through the recording proxy in
// reverse mode to the reference mock (a short run in `make test`, 200 clients for 20 s
// in `make soak`): no request may fail, every answered request must be in the
// cassette (go-vcr loads it afterwards), the live heap must level off, and no goroutine may outlive the proxy.
func TestProxyUnderLoad(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cfg, err := mock.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	m, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(m)
	defer up.Close()
	path := filepath.Join(t.TempDir(), "load.yaml")
	p, err := proxy.New(proxy.Config{Upstream: up.URL, Cassette: path})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	defer front.Close()

	clients, d, limit := loadtest.Soak()
	bodies := []string{
		`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}` + "\n",
		`{"notice_type":"MAIL"}`,
		`{"notice_type":"WECOM","enabled_event_type_names":["deleteJob"]}`,
	}
	want := []int{http.StatusOK, http.StatusBadRequest, http.StatusOK}
	res := loadtest.Run(context.Background(), loadtest.Config{
		Clients: clients, Duration: d, MaxRequests: limit,
		NewRequest: func(i int64) (*http.Request, error) {
			r, err := http.NewRequest(http.MethodPost, front.URL+contract.UpdatePathFor(cfg.JobIDs[0]), strings.NewReader(bodies[i%3]))
			if err != nil {
				return nil, err
			}
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set(contract.HeaderAuthToken, cfg.Tokens[0])
			return r, nil
		},
		Check: func(i int64, status int, _ []byte) error {
			if status != want[i%3] {
				return fmt.Errorf("status %d, want %d", status, want[i%3])
			}
			return nil
		},
	})
	t.Logf("proxy under load: %s", res)
	if err := res.Err(int64(clients)); err != nil {
		t.Fatal(err)
	}
	front.Close()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// Requests cut off by the end of the run may have been recorded too, at most one
	// per client.
	if got := int64(p.Recorded()); got < res.Requests || got > res.Requests+int64(clients) {
		t.Fatalf("the cassette holds %d interactions, want one per answered request (%d) and at most %d cut off", got, res.Requests, clients)
	}
	up.Close()
	c, err := vcr.Load(strings.TrimSuffix(path, ".yaml"))
	if err != nil {
		t.Fatalf("go-vcr cannot load the cassette: %v", err)
	}
	if len(c.Interactions) != p.Recorded() {
		t.Fatalf("go-vcr reads %d interactions, the proxy wrote %d", len(c.Interactions), p.Recorded())
	}
}
