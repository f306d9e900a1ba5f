// Package asynclog is the writer noticeconf's logs go through: it passes log lines on
// to stderr from a goroutine of its own, so that a server that logs a line per request
// never makes a request wait for stderr.
package asynclog

import (
	"io"
	"sync"
	"time"
)

// MaxBuffered bounds what a Writer holds: a Write waits while this much is not yet
// written.
const MaxBuffered = 1 << 20

// Linger is how long the goroutine waits, once woken by a line, for more to write
// with it: a server under load logs a line every few microseconds, and one write(2)
// and one wake-up for every line cost it more than the line itself.
const Linger = time.Millisecond

// Writer passes what is written to it on to w from a goroutine of its own, within
// Linger, so that a server that logs a line per request never waits for the write to
// the terminal or file behind stderr: lines written within Linger of each other, or
// while one write is under way, go out together, one write(2) for many requests. It is safe for
// concurrent use. The caller must call Close when finished; Close returns once
// everything written before it is out, and later writes go straight to w. What is
// still queued when the process dies abruptly (kill -9, a fatal runtime error) is
// lost: at most the lines of the last write(2) in progress.
type Writer struct {
	w    io.Writer
	wake chan struct{} // holds a token when buf may hold something to write
	done chan struct{} // closed when the goroutine has written everything and ended

	mu     sync.Mutex
	taken  *sync.Cond // broadcast when buf is taken for writing, or on Close
	buf    []byte
	closed bool
}

// NewWriter returns a Writer that writes to w. The caller must call Close when
// finished.
func NewWriter(w io.Writer) *Writer {
	l := &Writer{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
	l.taken = sync.NewCond(&l.mu)
	go l.run()
	return l
}

// Write queues a copy of p and returns at once, unless MaxBuffered bytes are queued.
// It never fails before Close: a failed write to w is dropped, as slog drops it.
func (l *Writer) Write(p []byte) (int, error) {
	l.mu.Lock()
	for len(l.buf) >= MaxBuffered && !l.closed {
		l.taken.Wait()
	}
	if l.closed {
		l.mu.Unlock()
		<-l.done // after the last queued bytes
		return l.w.Write(p)
	}
	l.buf = append(l.buf, p...)
	l.mu.Unlock()
	l.kick()
	return len(p), nil
}

func (l *Writer) kick() {
	select {
	case l.wake <- struct{}{}:
	default: // already due to run
	}
}

func (l *Writer) run() {
	defer close(l.done)
	var out []byte
	for range l.wake {
		l.mu.Lock()
		lingering := !l.closed && len(l.buf) < MaxBuffered/2
		l.mu.Unlock()
		if lingering {
			time.Sleep(Linger)
		}
		l.mu.Lock()
		out, l.buf = l.buf, out[:0]
		closed := l.closed
		l.taken.Broadcast()
		l.mu.Unlock()
		if len(out) > 0 {
			_, _ = l.w.Write(out) // as slog does, a failed log write is not the caller's failure
		}
		if closed {
			return
		}
	}
}

// Close writes out everything written so far and ends the goroutine. Calling it again
// does nothing.
func (l *Writer) Close() {
	l.mu.Lock()
	already := l.closed
	l.closed = true
	l.taken.Broadcast()
	l.mu.Unlock()
	if !already {
		l.kick()
	}
	<-l.done
}
