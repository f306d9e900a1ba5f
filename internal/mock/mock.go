// Package mock is the reference mock of the notice update endpoint: a faithful,
// offline server of the contract in internal/contract. Requests are validated by
// kin-openapi against the OpenAPI document, AK/SK signatures are verified with the
// official SDK's signer, and every answer has the vendor's status, code and body shape.
package mock

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/internal/contract"
)

// Server is the reference mock. It is an http.Handler; state (the notice settings of
// each job) lives in the Server and is safe for concurrent use.
type Server struct {
	cfg      Config
	contract *contract.Contract
	log      *slog.Logger

	tokens    map[string]bool
	forbidden map[string]bool
	keys      map[string]string
	jobs      map[string]bool

	mu      sync.Mutex
	notices map[string]map[string]notice // job id -> notice type -> settings
}

var _ http.Handler = (*Server)(nil)

type notice struct {
	enabled     []string
	paramConfig *string
}

// New returns a mock serving cfg. It loads the embedded contract.
func New(cfg Config) (*Server, error) {
	c, err := contract.Load()
	if err != nil {
		return nil, err
	}
	return NewWithContract(cfg, c)
}

// NewWithContract is New with an already loaded contract.
func NewWithContract(cfg Config, c *contract.Contract) (*Server, error) {
	if cfg.ResultStyle == "" {
		cfg.ResultStyle = ResultObject
	}
	if _, err := ParseResultStyle(string(cfg.ResultStyle)); err != nil {
		return nil, err
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	s := &Server{
		cfg:       cfg,
		contract:  c,
		log:       cfg.Logger,
		tokens:    set(cfg.Tokens),
		forbidden: set(cfg.ForbiddenTokens),
		keys:      map[string]string{},
		jobs:      map[string]bool{},
		notices:   map[string]map[string]notice{},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, id := range cfg.JobIDs {
		if !c.ValidJobID(id) {
			return nil, fmt.Errorf("job id %q does not match the contract's pattern %s", id, c.JobIDPattern())
		}
		s.jobs[id] = true
	}
	for _, k := range cfg.Credentials {
		if k.AK == "" || k.SK == "" {
			return nil, errors.New("an AK/SK credential needs both an AK and an SK")
		}
		s.keys[k.AK] = k.SK
	}
	return s, nil
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		if x != "" {
			m[x] = true
		}
	}
	return m
}

// ServeHTTP answers one request. Checks run in the order a real API gateway and
// service apply them: route, body size, credentials, fault injection, parameters and
// body, job existence.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := &statusWriter{ResponseWriter: w}
	requestID := newRequestID()
	h := rw.Header()
	h.Set("Content-Type", contract.ContentType)
	h.Set(contract.HeaderRequestID, requestID)
	if s.cfg.Latency > 0 {
		select {
		case <-time.After(s.cfg.Latency):
		case <-r.Context().Done():
			return
		}
	}
	reason := s.serve(rw, r, requestID)
	s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rw.status,
		"duration", time.Since(start).Round(time.Microsecond), "reason", reason)
}

// serve writes the answer and returns a short reason for the log.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, requestID string) string {
	if _, _, err := s.contract.Route(r); err != nil {
		return s.fail(w, contract.UnknownAPI, requestID, "")
	}
	body, err := s.readBody(r)
	if err != nil {
		return s.fail(w, contract.TooLarge, requestID, "")
	}
	if c, ok := s.authenticate(r, body); !ok {
		return s.fail(w, c, requestID, "")
	}
	if c, ok := preferredFault(r.Header.Get(contract.HeaderPrefer)); ok {
		return s.fail(w, c, requestID, "fault injected by Prefer header")
	}
	vr := r.Clone(r.Context())
	if vr.Header.Get("Content-Type") == "" && len(body) > 0 {
		vr.Header.Set("Content-Type", "application/json")
	}
	vr.Body = io.NopCloser(bytes.NewReader(body))
	vr.ContentLength = int64(len(body))
	if err := s.contract.ValidateRequest(r.Context(), vr); err != nil {
		var v *contract.RequestViolation
		if errors.As(err, &v) && v.Parameter == "job_id" {
			return s.fail(w, contract.InvalidJobID, requestID, v.Error())
		}
		detail := err.Error()
		if v != nil {
			detail = v.Error()
		}
		return s.fail(w, contract.InvalidParameter, requestID, detail)
	}
	// kin-openapi reads the first JSON value of the body and ignores what follows;
	// a body is one JSON text (RFC 8259), so bytes after the value make it invalid.
	if r.Method == http.MethodPost && len(body) > 0 && !json.Valid(body) {
		return s.fail(w, contract.InvalidParameter, requestID, "body: the request body is not one JSON text")
	}
	jobID := jobIDOf(r.URL.Path)
	if !s.jobs[jobID] {
		return s.fail(w, contract.JobNotFound, requestID, "")
	}
	if r.Method == http.MethodGet {
		return s.query(w, jobID)
	}
	return s.update(w, jobID, body)
}

func (s *Server) readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > s.cfg.MaxBodyBytes {
		return nil, errors.New("body too large")
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBodyBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > s.cfg.MaxBodyBytes {
		return nil, errors.New("body too large")
	}
	return b, nil
}

// authenticate checks X-Auth-Token first, then an AK/SK signature.
func (s *Server) authenticate(r *http.Request, body []byte) (contract.ErrorCase, bool) {
	if tok := r.Header.Get(contract.HeaderAuthToken); tok != "" {
		switch {
		case s.forbidden[tok]:
			return contract.Forbidden, false
		case s.tokens[tok]:
			return "", true
		default:
			return contract.InvalidToken, false
		}
	}
	if authz := r.Header.Get(contract.HeaderAuthorization); aksk.IsAKSK(authz) {
		err := aksk.Verify(r, body, func(ak string) (string, bool) {
			sk, ok := s.keys[ak]
			return sk, ok
		})
		if err != nil {
			return contract.BadSignature, false
		}
		return "", true
	}
	return contract.MissingCredentials, false
}

// preferredFault reads Prism's "Prefer: code=NNN" convention. A status of the error
// table selects that table's first case for it; anything else is ignored.
func preferredFault(prefer string) (contract.ErrorCase, bool) {
	for _, part := range strings.Split(prefer, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "code") {
			continue
		}
		code, err := strconv.Atoi(strings.Trim(strings.TrimSpace(v), `"`))
		if err != nil {
			continue
		}
		for _, e := range contract.Errors() {
			if e.Status == code && e.Status >= 429 {
				return e.Case, true
			}
		}
	}
	return "", false
}

func jobIDOf(path string) string {
	rest := strings.TrimPrefix(path, contract.NoticePrefix)
	id, _, _ := strings.Cut(rest, "/")
	return id
}

type updateBody struct {
	NoticeType            string   `json:"notice_type"`
	EnabledEventTypeNames []string `json:"enabled_event_type_names"`
	ParamConfig           *string  `json:"param_config"`
}

func (s *Server) update(w http.ResponseWriter, jobID string, body []byte) string {
	var b updateBody
	if err := json.Unmarshal(body, &b); err != nil {
		// The contract validated the body; this cannot happen short of a bug.
		return s.fail(w, contract.InternalError, "", err.Error())
	}
	s.mu.Lock()
	if s.notices[jobID] == nil {
		s.notices[jobID] = map[string]notice{}
	}
	s.notices[jobID][b.NoticeType] = notice{enabled: slices.Clone(b.EnabledEventTypeNames), paramConfig: b.ParamConfig}
	s.mu.Unlock()

	var result any
	switch s.cfg.ResultStyle {
	case ResultString:
		result = jobID
	case ResultNull:
		result = nil
	default:
		result = struct {
			JobID string `json:"job_id"`
		}{jobID}
	}
	writeJSON(w, http.StatusOK, struct {
		Result any     `json:"result"`
		Error  *string `json:"error"`
		Status string  `json:"status"`
	}{result, nil, "success"})
	return "updated " + b.NoticeType
}

type noticeItem struct {
	NoticeType  string          `json:"notice_type"`
	EnableMap   map[string]bool `json:"enable_map"`
	ParamConfig *string         `json:"param_config"`
}

func (s *Server) query(w http.ResponseWriter, jobID string) string {
	s.mu.Lock()
	types := make([]string, 0, len(s.notices[jobID]))
	for t := range s.notices[jobID] {
		types = append(types, t)
	}
	sort.Strings(types)
	items := make([]noticeItem, 0, len(types))
	for _, t := range types {
		n := s.notices[jobID][t]
		m := map[string]bool{}
		for _, e := range contract.EventTypes() {
			m[e] = false
		}
		for _, e := range n.enabled {
			m[e] = true
		}
		items = append(items, noticeItem{NoticeType: t, EnableMap: m, ParamConfig: n.paramConfig})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct {
		Result []noticeItem `json:"result"`
		Error  *string      `json:"error"`
		Status string       `json:"status"`
	}{items, nil, "success"})
	return "queried"
}

// fail writes the error table's answer for c. detail, when set, is added to the
// vendor's message (it names the field at fault for a 400).
func (s *Server) fail(w http.ResponseWriter, c contract.ErrorCase, requestID, detail string) string {
	e := contract.Error(c)
	msg := e.Message
	if detail != "" && e.Status == http.StatusBadRequest {
		msg = strings.TrimSuffix(msg, ".") + ": " + detail
	}
	if e.Gateway {
		writeJSON(w, e.Status, struct {
			Msg       string `json:"error_msg"`
			Code      string `json:"error_code"`
			RequestID string `json:"request_id"`
		}{msg, e.Code, requestID})
	} else {
		writeJSON(w, e.Status, struct {
			Code string `json:"error_code"`
			Msg  string `json:"error_msg"`
		}{e.Code, msg})
	}
	if detail != "" {
		return string(c) + ": " + detail
	}
	return string(c)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error_code":"CB.00060101","error_msg":"Internal error."}`)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}
