package suites_test

import (
	"testing"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/suites"
)

// Run is called from a test of your own, once per test binary: here, against the
// reference mock, with the shipped cassettes re-sent to it by the cassette oracle.
func ExampleRun() {
	testMock := func(t *testing.T) {
		cfg, err := mock.DefaultConfig()
		if err != nil {
			t.Fatal(err)
		}
		srv, err := mock.NewServer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		recorded, err := cassette.LoadPaths("cassettes/reference-mock")
		if err != nil {
			t.Fatal(err)
		}
		suites.Run(t, suites.Target{
			URL:            srv.URL,
			Token:          cfg.Tokens[0],
			AK:             cfg.Credentials[0].AK,
			SK:             cfg.Credentials[0].SK,
			ForbiddenToken: cfg.ForbiddenTokens[0],
			JobID:          cfg.JobIDs[0],
			FaultInjection: true,
		}, suites.WithRecorded(suites.Recorded{Files: recorded}))
	}
	_ = testMock // func TestMock(t *testing.T) { ... } in a _test.go file
}
