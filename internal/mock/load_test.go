package mock_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/noticeconf/noticeconf/internal/contract"
	"github.com/noticeconf/noticeconf/internal/loadtest"
	"github.com/noticeconf/noticeconf/internal/mock"
)

// TestMockUnderLoad drives bounded concurrent load at the mock (a short run in
// `make test`, 200 clients for 20 s in `make soak`): no request may fail, the live heap
// must level off, and no goroutine may outlive the server.
func TestMockUnderLoad(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cfg, err := mock.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	m, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()

	clients, d, limit := loadtest.Soak()
	bodies := []string{
		`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`,
		`{"notice_type":"MAIL"}`,
		`{"notice_type":"WECOM","enabled_event_type_names":["deleteJob"]}` + "\n",
	}
	want := []int{200, 400, 200}
	res := loadtest.Run(context.Background(), loadtest.Config{
		Clients: clients, Duration: d, MaxRequests: limit,
		NewRequest: func(i int64) (*http.Request, error) {
			r, err := http.NewRequest(http.MethodPost, srv.URL+contract.UpdatePathFor(cfg.JobIDs[0]), strings.NewReader(bodies[i%3]))
			if err != nil {
				return nil, err
			}
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
	t.Logf("mock under load: %s", res)
	if err := res.Err(int64(clients)); err != nil {
		t.Fatal(err)
	}
	srv.Close()
}
