package serve

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// Loopback is an http.Server on a free port of 127.0.0.1, for tests: what the
// importable packages' NewServer functions start. The caller should call Close when
// finished.
type Loopback struct {
	// URL is the base URL, http://127.0.0.1:PORT, with no trailing slash.
	URL string

	name      string
	srv       *http.Server
	conns     *Hijacked
	errc      chan error
	closeOnce sync.Once
	closeErr  error
}

// StartLoopback serves h on a free port of 127.0.0.1 with the default Options. name
// says what is served in errors ("replay server").
func StartLoopback(name string, h http.Handler) (*Loopback, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("%s: listen: %w", name, err)
	}
	srv, conns := NewServer(h, Options{})
	l := &Loopback{URL: "http://" + ln.Addr().String(), name: name, srv: srv, conns: conns, errc: make(chan error, 1)}
	go func() { l.errc <- srv.Serve(conns.Listener(ln)) }()
	return l, nil
}

// Close stops the server, waiting up to DefaultShutdownTimeout for requests in
// flight. Calling it again returns the first call's result.
func (l *Loopback) Close() error {
	l.closeOnce.Do(func() { l.closeErr = l.shutdown() })
	return l.closeErr
}

func (l *Loopback) shutdown() error {
	shutdownErr := Shutdown(l.srv, l.conns, DefaultShutdownTimeout)
	if err := <-l.errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("%s %s: %w", l.name, l.URL, err)
	}
	if shutdownErr != nil {
		return fmt.Errorf("%s %s: shut down: %w", l.name, l.URL, shutdownErr)
	}
	return nil
}
