package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// started is a subcommand running in-process until its context is cancelled.
type started struct {
	url    string
	stdout *bufio.Reader
	cancel context.CancelFunc
	done   chan int
}

// start runs noticeconf with args until the test ends, and waits for the
// "listening on URL" line every server subcommand prints first.
func start(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &started{stdout: bufio.NewReader(pr), cancel: cancel, done: make(chan int, 1)}
	var stderr bytes.Buffer
	go func() {
		code := run(ctx, args, pw, &stderr)
		_ = pw.Close()
		s.done <- code
	}()
	line, err := s.stdout.ReadString('\n')
	if err != nil {
		t.Fatalf("noticeconf %s: no first line (%v); stderr: %s", strings.Join(args, " "), err, stderr.String())
	}
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		t.Fatalf("first line %q does not start with \"listening on \"", line)
	}
	s.url = url
	go func() { _, _ = io.Copy(io.Discard, s.stdout) }()
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop cancels the subcommand and returns its exit code.
func (s *started) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(15 * time.Second):
		t.Fatal("subcommand did not stop within 15s of cancellation")
		return -1
	}
}

// runCmd runs noticeconf to completion and returns its exit code, stdout and stderr.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "noticeconf ") {
		t.Fatalf("version: exit %d, stdout %q", code, out)
	}
}

func TestUnknownFlagIsUsageError(t *testing.T) {
	code, _, errOut := runCmd(t, "mock", "--no-such-flag")
	if code != exitUsage || !strings.Contains(errOut, "no-such-flag") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestMockServesTheDemoProfileAndStops(t *testing.T) {
	s := start(t, "mock", "--listen", "127.0.0.1:0")
	body := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`
	req, err := http.NewRequest(http.MethodPost, s.url+"/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", "noticeconf-demo-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if code := s.stop(t); code != exitOK {
		t.Fatalf("exit %d after SIGINT-like cancellation", code)
	}
}

func TestMockFlags(t *testing.T) {
	s := start(t, "mock", "--listen", "127.0.0.1:0", "--token", "t1", "--job-id", "0123456789abcdef0123456789abcdef", "--result-style", "null")
	for token, want := range map[string]int{"t1": 200, "noticeconf-demo-token": 401} {
		req, _ := http.NewRequest(http.MethodPost, s.url+"/v3/jobs/notice/0123456789abcdef0123456789abcdef/update",
			strings.NewReader(`{"notice_type":"MAIL","enabled_event_type_names":[]}`))
		req.Header.Set("X-Auth-Token", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("token %s: status %d, want %d (%s)", token, resp.StatusCode, want, b)
		}
		if want == 200 && !strings.Contains(string(b), `"result":null`) {
			t.Errorf("--result-style null: body %s", b)
		}
	}
}

func TestMockRefusesBadFlags(t *testing.T) {
	for name, args := range map[string][]string{
		"remote listen":   {"mock", "--listen", "0.0.0.0:0"},
		"result style":    {"mock", "--listen", "127.0.0.1:0", "--result-style", "list"},
		"ak without sk":   {"mock", "--listen", "127.0.0.1:0", "--ak", "AK"},
		"malformed jobid": {"mock", "--listen", "127.0.0.1:0", "--job-id", "short"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("NOTICECONF_SK", "")
			code, _, errOut := runCmd(t, args...)
			if code != exitUsage || errOut == "" {
				t.Fatalf("exit %d, stderr %q; want exit 2 with a message", code, errOut)
			}
		})
	}
}
