package replay

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"

	"github.com/noticeconf/noticeconf/cassette"
	"github.com/noticeconf/noticeconf/internal/serve"
)

// Server is a replay server listening on a loopback port, for tests: the replay
// counterpart of httptest.Server. The caller should call Close when finished.
type Server struct {
	// URL is the base URL of the server, http://127.0.0.1:PORT, with no trailing slash.
	URL string
	// Handler is what the server serves; use it to Reset repeats between tests.
	Handler *Handler

	srv       *http.Server
	conns     *serve.Hijacked
	errc      chan error
	closeOnce sync.Once
	closeErr  error
}

// NewServer loads the cassettes named by paths (files, or directories of *.yaml and
// *.yml files; see cassette.LoadPaths) and starts a Server replaying them with default
// Options. The caller should call Close when finished.
func NewServer(paths ...string) (*Server, error) {
	files, err := cassette.LoadPaths(paths...)
	if err != nil {
		return nil, err
	}
	h, err := New(files, Options{})
	if err != nil {
		return nil, err
	}
	return Start(h)
}

// Start serves h on a free port of 127.0.0.1. The caller should call Close when
// finished.
func Start(h *Handler) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("replay server: listen: %w", err)
	}
	srv, conns := serve.NewServer(h, serve.Options{})
	s := &Server{
		URL:     "http://" + ln.Addr().String(),
		Handler: h,
		srv:     srv,
		conns:   conns,
		errc:    make(chan error, 1),
	}
	go func() { s.errc <- s.srv.Serve(conns.Listener(ln)) }()
	return s, nil
}

// Close stops the server, waiting up to 10 seconds for requests in flight. Calling it
// again returns the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.shutdown() })
	return s.closeErr
}

func (s *Server) shutdown() error {
	shutdownErr := serve.Shutdown(s.srv, s.conns, serve.DefaultShutdownTimeout)
	if err := <-s.errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("replay server %s: %w", s.URL, err)
	}
	if shutdownErr != nil {
		return fmt.Errorf("replay server %s: shut down: %w", s.URL, shutdownErr)
	}
	return nil
}
