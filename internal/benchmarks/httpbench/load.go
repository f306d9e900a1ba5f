package httpbench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// Request is one request ready to be sent: its bytes on the wire, and the answer it
// must get.
type Request struct {
	// Wire is the whole HTTP/1.1 request as written on the connection.
	Wire []byte
	// Status is the status the answer must have.
	Status int
	// Body, if not nil, is the body the answer must have, byte for byte.
	Body []byte
}

// Recorded is one recorded request as the load generator sends it, and the answer it
// must get: a line of a requests file (WriteRequests, ReadRequests).
type Recorded struct {
	Method string      `json:"method"`
	Target string      `json:"target"` // the path and query, as on the request line
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
	Status int         `json:"status"`
	// Answer, if not nil, is the body the answer must have.
	Answer *string `json:"answer,omitempty"`
}

// RecordedRequests returns the recorded requests of f, with the answers they must
// get (the recorded body too, with checkBody).
func RecordedRequests(f *cassette.File, checkBody bool) ([]Recorded, error) {
	out := make([]Recorded, 0, len(f.Interactions))
	for _, it := range f.Interactions {
		u, err := url.Parse(it.Request.URL)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: request URL %q: %w", f.Path, it.Line, it.Request.URL, err)
		}
		rec := Recorded{Method: it.Request.Method, Target: u.RequestURI(), Header: it.Request.Headers,
			Body: it.Request.Body, Status: it.Response.Code}
		if checkBody {
			rec.Answer = &it.Response.Body
		}
		out = append(out, rec)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no interaction to send", f.Path)
	}
	return out, nil
}

// WriteRequests writes recs to path as JSON lines, which ReadRequests reads back far
// faster than a cassette loads.
func WriteRequests(path string, recs []Recorded) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			_ = f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := bw.Flush(); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// ReadRequests reads a requests file that WriteRequests wrote.
func ReadRequests(path string) ([]Recorded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Recorded
	dec := json.NewDecoder(bufio.NewReader(f))
	for line := 1; dec.More(); line++ {
		var rec Recorded
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("%s: request %d: %w", path, line, err)
		}
		out = append(out, rec)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no request in it", path)
	}
	return out, nil
}

// Requests builds recs as a client sends them to the server at base (an http://
// URL): the recorded method, path and query, headers and body, with Host set to
// base's host.
func Requests(base string, recs []Recorded) ([]Request, error) {
	b, err := url.Parse(base)
	if err != nil || b.Scheme != "http" || b.Host == "" {
		return nil, fmt.Errorf("target %q: want an http:// URL", base)
	}
	out := make([]Request, 0, len(recs))
	var buf bytes.Buffer
	for i, rec := range recs {
		r, err := http.NewRequest(rec.Method, "http://"+b.Host+rec.Target, strings.NewReader(rec.Body))
		if err != nil {
			return nil, fmt.Errorf("request %d: %w", i+1, err)
		}
		r.Header = rec.Header.Clone()
		if r.Header == nil {
			r.Header = http.Header{}
		}
		r.Header.Del("Content-Length")
		r.Header.Del("Connection")
		buf.Reset()
		if err := r.Write(&buf); err != nil {
			return nil, fmt.Errorf("request %d: %w", i+1, err)
		}
		rq := Request{Wire: bytes.Clone(buf.Bytes()), Status: rec.Status}
		if rec.Answer != nil {
			rq.Body = []byte(*rec.Answer)
		}
		out = append(out, rq)
	}
	return out, nil
}

// LoadConfig configures a load run.
type LoadConfig struct {
	// Addr is the host:port to connect to.
	Addr string
	// Conns is the number of connections, each sending its next request when the
	// answer to the last one is read (a closed loop). If zero, 1.
	Conns int
	// Warmup is how long requests are sent before the measured window starts; they
	// are checked but not counted.
	Warmup time.Duration
	// Duration is the length of the measured window. Required.
	Duration time.Duration
	// MaxRequests bounds the requests measured (and so the memory of their
	// latencies). If zero, 5 million.
	MaxRequests int
	// Timeout bounds one request, from its first byte written to its answer read. If
	// zero, 10 seconds.
	Timeout time.Duration
	// Requests are sent in a fixed order that strides over all of them (request
	// number k is Requests[k*7919 mod len]), so that every target gets the same ones.
	Requests []Request
	// Start is the number of the first request sent (see Requests), so that runs one
	// after the other can go on where the last stopped instead of repeating it.
	Start int64
}

// stride is the step between the requests sent one after the other; prime, so that
// it visits every request of any count it does not divide.
const stride = 7919

// LoadResult is a load run's Summary, with the errors met.
type LoadResult struct {
	Summary
	Conns int `json:"conns"`
	// Sent counts every request sent, warm-up included: the next run's Start.
	Sent int64 `json:"sent"`
	// Errors counts requests that failed or got the wrong answer, warm-up included.
	Errors int `json:"errors"`
	// FirstError describes the first of them.
	FirstError string `json:"first_error,omitempty"`
}

// maxErrors stops a run early: a target that fails this often is not being measured.
const maxErrors = 100

// Load runs cfg: each connection sends requests and reads their answers until the
// measured window ends, ctx is done, MaxRequests are measured or maxErrors failed.
// A connection the server closes is dialled again.
func Load(ctx context.Context, cfg LoadConfig) (LoadResult, error) {
	if cfg.Conns <= 0 {
		cfg.Conns = 1
	}
	if cfg.MaxRequests <= 0 {
		cfg.MaxRequests = 5_000_000
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Duration <= 0 {
		return LoadResult{}, errors.New("load: no duration")
	}
	if len(cfg.Requests) == 0 {
		return LoadResult{}, errors.New("load: no requests")
	}
	var (
		seq      atomic.Int64
		measured atomic.Int64
		errCount atomic.Int64
		mu       sync.Mutex
		firstErr error
		all      []time.Duration
		lastDone time.Time
		wg       sync.WaitGroup
	)
	seq.Store(cfg.Start)
	start := time.Now()
	measureFrom := start.Add(cfg.Warmup)
	end := measureFrom.Add(cfg.Duration)
	fail := func(err error) {
		if errCount.Add(1) == 1 {
			mu.Lock()
			firstErr = err
			mu.Unlock()
		}
	}
	for range cfg.Conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &loadConn{addr: cfg.Addr, timeout: cfg.Timeout}
			defer c.close()
			lat := make([]time.Duration, 0, 4096)
			var done time.Time
			for ctx.Err() == nil && errCount.Load() < maxErrors {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				inWindow := !t0.Before(measureFrom)
				if inWindow && measured.Add(1) > int64(cfg.MaxRequests) {
					break
				}
				k := seq.Add(1) - 1
				rq := &cfg.Requests[int((k*stride)%int64(len(cfg.Requests)))]
				if err := c.do(t0, rq); err != nil {
					fail(err)
					continue
				}
				if inWindow {
					done = time.Now()
					lat = append(lat, done.Sub(t0))
				}
			}
			mu.Lock()
			all = append(all, lat...)
			if done.After(lastDone) {
				lastDone = done
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	window := lastDone.Sub(measureFrom)
	if window <= 0 {
		window = cfg.Duration
	}
	res := LoadResult{Summary: Summarize(all, window), Conns: cfg.Conns, Errors: int(errCount.Load()), Sent: seq.Load() - cfg.Start}
	if firstErr != nil {
		res.FirstError = firstErr.Error()
	}
	return res, ctx.Err()
}

// loadConn is one keep-alive connection of a load run.
type loadConn struct {
	addr    string
	timeout time.Duration
	conn    net.Conn
	br      *bufio.Reader
	body    bytes.Buffer
}

func (c *loadConn) close() {
	if c.conn != nil {
		_ = c.conn.Close()
		c.conn = nil
	}
}

// do sends rq and reads its answer, checking it; on any error the connection is
// closed, to be dialled again by the next request.
func (c *loadConn) do(t0 time.Time, rq *Request) error {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.addr, c.timeout)
		if err != nil {
			return fmt.Errorf("dial %s: %w", c.addr, err)
		}
		c.conn = conn
		if c.br == nil {
			c.br = bufio.NewReaderSize(conn, 16<<10)
		} else {
			c.br.Reset(conn)
		}
	}
	err := c.exchange(t0, rq)
	if err != nil {
		c.close()
	}
	return err
}

func (c *loadConn) exchange(t0 time.Time, rq *Request) error {
	if err := c.conn.SetDeadline(t0.Add(c.timeout)); err != nil {
		return err
	}
	if _, err := c.conn.Write(rq.Wire); err != nil {
		return fmt.Errorf("write the request: %w", err)
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	c.body.Reset()
	_, err = c.body.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return fmt.Errorf("read the answer's body: %w", err)
	}
	if resp.StatusCode != rq.Status {
		return fmt.Errorf("status %d, want %d; body %.300q", resp.StatusCode, rq.Status, c.body.Bytes())
	}
	if rq.Body != nil && !bytes.Equal(c.body.Bytes(), rq.Body) {
		return fmt.Errorf("body %.300q, want %.300q", c.body.Bytes(), rq.Body)
	}
	if resp.Close {
		c.close()
	}
	return nil
}
