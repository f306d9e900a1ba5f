package cassette

import (
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// gatedSync is a Sink whose every Sync waits until the test lets it through, and
// says when one has started.
type gatedSync struct {
	Sink
	armed   atomic.Bool // the header's own fsync, at open, goes through
	started chan struct{}
	release chan struct{}
}

func (g *gatedSync) Sync() error {
	if !g.armed.Load() {
		return g.Sink.Sync()
	}
	g.started <- struct{}{}
	<-g.release
	return g.Sink.Sync()
}

// TestSyncBehindAgesWritesFromWhenTheyWereMade holds the back-pressure of SyncBehind
// to what it promises: a write made while an fsync was under way is as old as it is,
// not as old as that fsync, so that a slow fsync does not make every later Append
// wait for the next one.
func TestSyncBehindAgesWritesFromWhenTheyWereMade(t *testing.T) {
	g := &gatedSync{started: make(chan struct{}), release: make(chan struct{})}
	w, err := OpenWriterWith(filepath.Join(t.TempDir(), "lag.yaml"), CreateNew, WriterOptions{
		SyncBehind: true,
		WrapFile:   func(s Sink) Sink { g.Sink = s; return g },
	})
	if err != nil {
		t.Fatal(err)
	}
	g.armed.Store(true)
	it := func(body string) *vcr.Interaction {
		return &vcr.Interaction{Request: vcr.Request{Method: "POST", Body: body}, Response: vcr.Response{Code: 200}}
	}
	if _, err := w.Append(it("a")); err != nil {
		t.Fatal(err)
	}
	<-g.started // the fsync of a is under way
	during := time.Now()
	if _, err := w.Append(it("b")); err != nil {
		t.Fatal(err)
	}
	g.release <- struct{}{} // the fsync of a ends; b is not covered
	<-g.started             // the fsync of b has begun: the first one is accounted for
	w.mu.Lock()
	since := w.unsyncedSince
	w.mu.Unlock()
	if since.Before(during) {
		t.Errorf("the write of b, made at %v or later, is aged from %v: before it was made", during, since)
	}
	close(g.release)
	go func() {
		for range g.started {
		}
	}()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	close(g.started)
}
