// Package runtest checks suites.Run from a plain test, in a process of its own (Ginkgo
// runs one suite per process).
package runtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/suites"
)

const (
	token = "runtest-secret-token-0123456789"
	job   = "0123456789abcdef0123456789abcdef"
)

// recordingT records what Run reports instead of failing the test.
type recordingT struct {
	testing.TB
	errors, logs, fatals []string
}

func (r *recordingT) Helper()                   {}
func (r *recordingT) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }
func (r *recordingT) Logf(f string, a ...any)   { r.logs = append(r.logs, fmt.Sprintf(f, a...)) }
func (r *recordingT) Fatal(a ...any)            { r.fatals = append(r.fatals, fmt.Sprint(a...)) }
func (r *recordingT) Fatalf(f string, a ...any) { r.fatals = append(r.fatals, fmt.Sprintf(f, a...)) }

// broken is the reference mock with two rules broken: a body that is not JSON
// answers 500 (a MUST rule), and no answer has an X-Request-Id (a SHOULD rule).
func broken(t *testing.T) http.Handler {
	m, err := mock.New(mock.Config{Tokens: []string{token}, JobIDs: []string{job}, ResultStyle: mock.ResultString})
	if err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if r.Method == http.MethodPost && len(body) > 0 && !json.Valid(body) && r.Header.Get("X-Auth-Token") == token {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error_code":"CB.00060101","error_msg":"Internal error."}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		m.ServeHTTP(noRequestID{w}, r)
	})
}

// noRequestID drops the X-Request-Id header of every answer.
type noRequestID struct{ http.ResponseWriter }

func (w noRequestID) WriteHeader(code int) {
	w.Header().Del("X-Request-Id")
	w.ResponseWriter.WriteHeader(code)
}

func (w noRequestID) Write(b []byte) (int, error) {
	w.Header().Del("X-Request-Id")
	return w.ResponseWriter.Write(b)
}

func TestRunReportsMUSTFailuresAsErrorsAndSHOULDFailuresAsWarnings(t *testing.T) {
	rt := &recordingT{TB: t}
	suites.Run(rt, suites.Target{Handler: broken(t), Token: token, JobID: job, Seed: 1, Examples: 5},
		suites.WithLabelFilter("!stateful"))
	if len(rt.fatals) > 0 {
		t.Fatalf("Run stopped: %v", rt.fatals)
	}
	all := strings.Join(append(append([]string{}, rt.errors...), rt.logs...), "\n")
	if strings.Contains(all, token) {
		t.Errorf("Run's output holds the token:\n%s", all)
	}
	var notJSON bool
	for _, e := range rt.errors {
		if !strings.HasPrefix(e, "FAIL MUST: ") {
			t.Errorf("a test failure that is not a MUST check's:\n%s", e)
		}
		if strings.Contains(e, "X-Request-Id") {
			t.Errorf("the X-Request-Id check (SHOULD) failed the test:\n%s", e)
		}
		if strings.HasPrefix(e, "FAIL MUST: when the body is not JSON answers 400\n") {
			notJSON = true
		}
	}
	if !notJSON {
		t.Errorf("the MUST check %q is not a test failure; failures:\n%s", "when the body is not JSON answers 400", strings.Join(rt.errors, "\n"))
	}
	var requestID bool
	for _, l := range rt.logs {
		if strings.HasPrefix(l, "WARN SHOULD: ") && strings.Contains(l, "X-Request-Id") {
			requestID = true
		}
	}
	if !requestID {
		t.Errorf("no SHOULD warning about X-Request-Id in the log:\n%s", strings.Join(rt.logs, "\n"))
	}

	t.Logf("Run reported %d MUST failures and logged %d lines; the last: %s", len(rt.errors), len(rt.logs), rt.logs[len(rt.logs)-1])

	again := &recordingT{TB: t}
	suites.Run(again, suites.Target{Handler: broken(t), Token: token, JobID: job})
	if len(again.fatals) != 1 || !strings.Contains(again.fatals[0], "once per test binary") {
		t.Errorf("a second Run: got fatals %q, want one saying Run runs once per test binary", again.fatals)
	}
}
