package suites_test

import (
	"context"
	"net/http/httptest"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/suites"
)

// TestSuites runs the conformance specs against the reference mock, in-process. The
// mock answers result as a string here, the form every check (the official SDK's
// SHOULD included) accepts; the other forms are checked through `noticeconf verify`
// in suites/brokentest.
func TestSuites(t *testing.T) {
	RegisterFailHandler(Fail)
	cfg, err := mock.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.ResultStyle = mock.ResultString
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	target := suites.Target{
		URL:            ts.URL,
		Client:         ts.Client(),
		Token:          cfg.Tokens[0],
		AK:             cfg.Credentials[0].AK,
		SK:             cfg.Credentials[0].SK,
		JobID:          cfg.JobIDs[0],
		ForbiddenToken: cfg.ForbiddenTokens[0],
		FaultInjection: true,
	}
	if err := suites.Preflight(context.Background(), target); err != nil {
		t.Fatal(err)
	}
	if err := suites.Define(target); err != nil {
		t.Fatal(err)
	}
	RunSpecs(t, "Conformance suites against the reference mock")
}
