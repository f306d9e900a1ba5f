package serve_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noticeconf/noticeconf/internal/serve"
)

// start serves h with o on a loopback port until the test ends, and returns the
// address and a function that cancels the context and waits for RunWith's result.
func start(t *testing.T, h http.Handler, o serve.Options) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- serve.RunWith(ctx, h, "127.0.0.1:0", o, func(a string) { addrc <- a }) }()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatal(err)
	}
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-errc:
			case <-time.After(60 * time.Second):
				stopErr = fmt.Errorf("RunWith did not return")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return addr, stop
}

// closedByServer reports whether the server closes c (EOF or reset) before the
// client's own, much later, deadline.
func closedByServer(t *testing.T, c net.Conn) bool {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return true
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	_, _ = io.WriteString(w, "ok")
})

// TestSilentAndSlowClientsAreCutOff: 50 connections that send nothing, 50 that send
// half a request's headers and 50 that send headers then a body byte by byte too
// slowly: the server closes every one of them.
func TestSilentAndSlowClientsAreCutOff(t *testing.T) {
	addr, _ := start(t, ok, serve.Options{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 400 * time.Millisecond, IdleTimeout: 200 * time.Millisecond})
	var conns []net.Conn
	for kind := range 3 {
		for range 50 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = c.Close() })
			switch kind {
			case 1:
				_, _ = io.WriteString(c, "POST /v3/jobs/notice/x/update HTTP/1.1\r\nHost: x\r\n")
			case 2:
				_, _ = io.WriteString(c, "POST /v3/jobs/notice/x/update HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
			}
			conns = append(conns, c)
		}
	}
	for n, c := range conns {
		if !closedByServer(t, c) {
			t.Fatalf("connection %d (kind %d) was never closed by the server", n, n/50)
		}
	}
}

// TestIdleKeepAliveClosed: a kept-alive connection that sends no next request is
// closed after the idle timeout.
func TestIdleKeepAliveClosed(t *testing.T) {
	addr, _ := start(t, ok, serve.Options{IdleTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if !closedByServer(t, c) {
		t.Fatal("an idle kept-alive connection was never closed")
	}
}

// TestShutdownEndsWithinDeadline: a client in the middle of a request that never
// ends does not keep RunWith from returning once the shutdown deadline has passed.
func TestShutdownEndsWithinDeadline(t *testing.T) {
	entered := make(chan struct{}, 1)
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		_, _ = io.Copy(io.Discard, r.Body) // the client drips forever
	})
	addr, stop := start(t, hang, serve.Options{ReadTimeout: time.Hour, WriteTimeout: time.Hour, ShutdownTimeout: 300 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	<-entered
	err = stop()
	if err == nil || !strings.Contains(err.Error(), "cut off") {
		t.Fatalf("RunWith: %v, want it to return saying the request in flight was cut off", err)
	}
}

// TestNegativeTimeoutRefused: a negative duration is an error, not "no timeout".
func TestNegativeTimeoutRefused(t *testing.T) {
	err := serve.RunWith(context.Background(), ok, "127.0.0.1:0", serve.Options{IdleTimeout: -time.Second}, nil)
	if err == nil || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("RunWith with a negative idle timeout: %v, want it refused", err)
	}
}
