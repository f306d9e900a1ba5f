package replay

import (
	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/serve"
)

// Server is a replay server listening on a loopback port, for tests: the replay
// counterpart of httptest.Server. The caller should call Close when finished.
type Server struct {
	// URL is the base URL of the server, http://127.0.0.1:PORT, with no trailing slash.
	URL string
	// Handler is what the server serves.
	Handler *Handler

	l *serve.Loopback
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
	l, err := serve.StartLoopback("replay server", h)
	if err != nil {
		return nil, err
	}
	return &Server{URL: l.URL, Handler: h, l: l}, nil
}

// Reset rewinds repeats: identical requests get their recordings from the first one
// again (see Options.Repeat). Call it between tests that share a Server.
func (s *Server) Reset() { s.Handler.Reset() }

// Close stops the server, waiting up to 10 seconds for requests in flight. Calling it
// again returns the first call's result.
func (s *Server) Close() error {
	err := s.l.Close()
	s.Handler.FlushLog()
	return err
}
