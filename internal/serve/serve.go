// Package serve runs an http.Handler on a listener until a context ends, with a
// graceful shutdown that ends within a deadline: the one server loop the mock, proxy
// and replay commands share. StartLoopback is the one test server on a loopback port,
// behind mock.NewServer, replay.NewServer, suites.Run and verify's local targets.
package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Options' zero fields.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 120 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultShutdownTimeout   = 10 * time.Second
)

// ErrCutOff is returned (wrapped) by RunWith and Shutdown when requests still in
// flight at the shutdown deadline were cut off.
var ErrCutOff = errors.New("requests still in flight were cut off")

// Options bounds what a client can hold on to. A zero field takes its default; no
// field can be turned off, so that no client holds a connection forever.
type Options struct {
	// ReadHeaderTimeout bounds reading a request's headers. If zero,
	// DefaultReadHeaderTimeout.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included. If zero,
	// DefaultReadTimeout.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end of its
	// answer. If zero, DefaultWriteTimeout.
	WriteTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection may wait for its next request,
	// and how long a hijacked connection (a forward proxy's CONNECT tunnel) may go
	// without a byte from its client. If zero, DefaultIdleTimeout.
	IdleTimeout time.Duration
	// ShutdownTimeout is how long requests in flight get once the context ends;
	// then every connection is closed, hijacked ones too. If zero,
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
}

// Validate reports a negative duration.
func (o Options) Validate() error {
	for name, d := range map[string]time.Duration{
		"read-header-timeout": o.ReadHeaderTimeout, "read-timeout": o.ReadTimeout,
		"write-timeout": o.WriteTimeout, "idle-timeout": o.IdleTimeout, "shutdown-timeout": o.ShutdownTimeout,
	} {
		if d < 0 {
			return fmt.Errorf("--%s %s: a duration must not be negative", name, d)
		}
	}
	return nil
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&o.ReadTimeout, DefaultReadTimeout)
	def(&o.WriteTimeout, DefaultWriteTimeout)
	def(&o.IdleTimeout, DefaultIdleTimeout)
	def(&o.ShutdownTimeout, DefaultShutdownTimeout)
	return o
}

// Run listens on addr, calls ready with the bound address, and serves h until ctx is
// done, with default Options.
func Run(ctx context.Context, h http.Handler, addr string, ready func(string)) error {
	return RunWith(ctx, h, addr, Options{}, ready)
}

// RunWith is Run with options. Once ctx is done, requests in flight get
// o.ShutdownTimeout to finish; then every connection is closed, so that RunWith
// returns within that deadline whatever clients do.
func RunWith(ctx context.Context, h http.Handler, addr string, o Options, ready func(string)) error {
	if err := o.Validate(); err != nil {
		return err
	}
	o = o.withDefaults()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv, conns := NewServer(h, o)
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(conns.Listener(ln)) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve on %s: %w", addr, err)
	case <-ctx.Done():
	}
	shutdownErr := Shutdown(srv, conns, o.ShutdownTimeout)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve on %s: %w", addr, err)
	}
	if shutdownErr != nil {
		return fmt.Errorf("shut down %s: %w", addr, shutdownErr)
	}
	return nil
}

// NewServer returns an http.Server for h with o's timeouts (zero fields take their
// defaults), and the tracker of its hijacked connections: the server must Serve on
// conns.Listener(ln), and be stopped with Shutdown.
func NewServer(h http.Handler, o Options) (*http.Server, *Hijacked) {
	o = o.withDefaults()
	conns := &Hijacked{idle: o.IdleTimeout, write: o.WriteTimeout, open: map[*trackedConn]struct{}{}}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		ConnState:         conns.connState,
	}
	srv.RegisterOnShutdown(conns.shutdown)
	return srv, conns
}

// Shutdown stops srv gracefully within timeout, then closes every connection left,
// the hijacked ones in conns too.
func Shutdown(srv *http.Server, conns *Hijacked, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if err != nil {
		// Clients that would not finish: cut them off.
		err = errors.Join(fmt.Errorf("%w after %s: %w", ErrCutOff, timeout, err), srv.Close())
	}
	conns.wait(ctx)
	conns.closeAll()
	return err
}

// Hijacked tracks the connections an http.Server's handlers hijacked (a forward
// proxy's CONNECT tunnels), which the server no longer times out or closes itself:
// each read must see a byte within the idle timeout and each write finish within the
// write timeout, and all are closed at shutdown.
type Hijacked struct {
	idle, write time.Duration

	mu       sync.Mutex
	open     map[*trackedConn]struct{}
	stopping bool
	gone     chan struct{} // closed when open empties during shutdown
}

// listener wraps every accepted connection in a trackedConn, which passes reads and
// writes through untouched until its connection is hijacked.
type listener struct {
	net.Listener
	h *Hijacked
}

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &trackedConn{Conn: c, h: l.h}, nil
}

// Listener wraps ln for a server made by NewServer: Serve must be given it, so that
// hijacked connections can be bounded.
func (h *Hijacked) Listener(ln net.Listener) net.Listener { return listener{ln, h} }

// connState starts bounding a connection once it is hijacked.
func (h *Hijacked) connState(c net.Conn, state http.ConnState) {
	t, ok := c.(*trackedConn)
	if !ok || state != http.StateHijacked {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	t.hijacked.Store(true)
	if h.stopping {
		_ = t.Conn.Close()
		return
	}
	h.open[t] = struct{}{}
}

func (h *Hijacked) forget(t *trackedConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.open[t]; !ok {
		return
	}
	delete(h.open, t)
	if h.stopping && len(h.open) == 0 && h.gone != nil {
		close(h.gone)
		h.gone = nil
	}
}

// shutdown makes every hijacked connection's reads fail from now on: idle tunnels
// end at once, and a tunnel in the middle of an exchange can still write its answer.
func (h *Hijacked) shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopping = true
	for t := range h.open {
		_ = t.Conn.SetReadDeadline(time.Now())
	}
}

// isStopping reports whether shutdown has begun.
func (h *Hijacked) isStopping() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stopping
}

// wait waits until ctx is done or no hijacked connection is left open.
func (h *Hijacked) wait(ctx context.Context) {
	h.mu.Lock()
	h.stopping = true
	if len(h.open) == 0 {
		h.mu.Unlock()
		return
	}
	gone := make(chan struct{})
	h.gone = gone
	h.mu.Unlock()
	select {
	case <-gone:
	case <-ctx.Done():
	}
}

// closeAll closes every hijacked connection still open.
func (h *Hijacked) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for t := range h.open {
		_ = t.Conn.Close()
		delete(h.open, t)
	}
}

// Open returns the number of hijacked connections open.
func (h *Hijacked) Open() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.open)
}

// trackedConn is an accepted connection. Once hijacked it sets its own deadlines:
// before each read (the idle timeout, or now once shutdown has begun) and before
// each write (the write timeout).
type trackedConn struct {
	net.Conn
	h        *Hijacked
	hijacked atomic.Bool
}

func (t *trackedConn) isHijacked() bool { return t.hijacked.Load() }

func (t *trackedConn) Read(p []byte) (int, error) {
	if t.isHijacked() {
		d := time.Now().Add(t.h.idle)
		if t.h.isStopping() {
			d = time.Now()
		}
		if err := t.Conn.SetReadDeadline(d); err != nil {
			return 0, err
		}
	}
	return t.Conn.Read(p)
}

func (t *trackedConn) Write(p []byte) (int, error) {
	if t.isHijacked() {
		if err := t.Conn.SetWriteDeadline(time.Now().Add(t.h.write)); err != nil {
			return 0, err
		}
	}
	return t.Conn.Write(p)
}

func (t *trackedConn) Close() error {
	t.h.forget(t)
	return t.Conn.Close()
}

// CloseWrite shuts down the writing side of a TCP connection, as *net.TCPConn does.
func (t *trackedConn) CloseWrite() error {
	if cw, ok := t.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
