// Package loadtest drives bounded loopback load against an HTTP server: a fixed number
// of concurrent clients, stopped by a request count or a duration, whichever comes
// first. It reports counts, latency percentiles and heap samples, so tests can assert
// zero failures and memory that stops growing.
package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Config bounds a load run. Every field must be set except Check and Client.
type Config struct {
	// Clients is the number of concurrent clients.
	Clients int
	// Duration stops the run after this long.
	Duration time.Duration
	// MaxRequests stops the run after this many requests in all.
	MaxRequests int64
	// NewRequest builds the i-th request. It must be safe for concurrent use.
	NewRequest func(i int64) (*http.Request, error)
	// Check judges the response to the i-th request; nil means any status below 500
	// passes.
	Check func(i int64, status int, body []byte) error
	// Client sends the requests. If nil, a client with a transport sized for Clients
	// keep-alive connections is used.
	Client *http.Client
}

// Result is what a run measured.
type Result struct {
	Requests int64
	Failures int64
	// FirstFailure describes the first failed request, if any.
	FirstFailure string
	Elapsed      time.Duration
	P50, P99     time.Duration
	// HeapSamples are live-heap sizes (bytes, after a GC) taken at each tenth of the run.
	HeapSamples []uint64
}

// RequestsPerSecond is the throughput of the run.
func (r Result) RequestsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// HeapStopsGrowing reports whether the live heap in the second half of the run stayed
// within factor of its peak in the first half: memory that levels off rather than
// climbing with the request count.
func (r Result) HeapStopsGrowing(factor float64) bool {
	n := len(r.HeapSamples)
	if n < 4 {
		return true
	}
	firstPeak := slices.Max(r.HeapSamples[:n/2])
	return float64(slices.Max(r.HeapSamples[n/2:])) <= float64(firstPeak)*factor
}

// Err returns what makes the run a failure, or nil: a failed request, fewer than
// minRequests requests completed, or a live heap that kept growing (past twice its
// first-half peak).
func (r Result) Err(minRequests int64) error {
	switch {
	case r.Failures > 0:
		return fmt.Errorf("%d of %d requests failed; first: %s", r.Failures, r.Requests, r.FirstFailure)
	case r.Requests < minRequests:
		return fmt.Errorf("only %d requests completed, want at least %d", r.Requests, minRequests)
	case !r.HeapStopsGrowing(2):
		return fmt.Errorf("live heap kept growing: %v", r.HeapSamples)
	}
	return nil
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests, %d failed, %.0f req/s, p50 %s, p99 %s", r.Requests, r.Failures,
		r.RequestsPerSecond(), r.P50, r.P99)
}

// Run drives the load until ctx ends, Duration passes or MaxRequests were sent.
func Run(ctx context.Context, cfg Config) Result {
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	client := cfg.Client
	if client == nil {
		tr := &http.Transport{MaxIdleConns: cfg.Clients, MaxIdleConnsPerHost: cfg.Clients, IdleConnTimeout: 30 * time.Second}
		defer tr.CloseIdleConnections()
		client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	check := cfg.Check
	if check == nil {
		check = func(_ int64, status int, _ []byte) error {
			if status >= 500 {
				return fmt.Errorf("status %d", status)
			}
			return nil
		}
	}

	var (
		next, failures atomic.Int64
		firstOnce      sync.Once
		first          string
		mu             sync.Mutex
		latencies      = make([]time.Duration, 0, 1<<16)
		wg             sync.WaitGroup
	)
	fail := func(msg string) {
		failures.Add(1)
		firstOnce.Do(func() { first = msg })
	}
	start := time.Now()
	samplerDone := make(chan []uint64)
	go func() { samplerDone <- sampleHeap(ctx, cfg.Duration/10) }()
	for range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1024)
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= cfg.MaxRequests {
					break
				}
				req, err := cfg.NewRequest(i)
				if err != nil {
					fail(fmt.Sprintf("request %d: build: %v", i, err))
					continue
				}
				t0 := time.Now()
				resp, err := client.Do(req.WithContext(ctx))
				if err != nil {
					if ctx.Err() == nil {
						fail(fmt.Sprintf("request %d: %v", i, err))
					}
					continue
				}
				body, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				local = append(local, time.Since(t0))
				if err != nil {
					fail(fmt.Sprintf("request %d: read: %v", i, err))
				} else if err := check(i, resp.StatusCode, body); err != nil {
					fail(fmt.Sprintf("request %d: %v: %s", i, err, body))
				}
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cancel()
	r := Result{
		Requests:     int64(len(latencies)),
		Failures:     failures.Load(),
		FirstFailure: first,
		Elapsed:      elapsed,
		HeapSamples:  <-samplerDone,
	}
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		r.P50 = latencies[n/2]
		r.P99 = latencies[n*99/100]
	}
	return r
}

func sampleHeap(ctx context.Context, every time.Duration) []uint64 {
	if every <= 0 {
		every = time.Millisecond
	}
	var out []uint64
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return out
		case <-t.C:
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			out = append(out, ms.HeapAlloc)
		}
	}
}

// Soak returns the duration and client count a load test should use: a short run by
// default, the long soak (200 clients for 20 s, or NOTICECONF_SOAK's duration) when
// the NOTICECONF_SOAK environment variable is set, as `make soak` does.
func Soak() (clients int, d time.Duration, max int64) {
	v := os.Getenv("NOTICECONF_SOAK")
	if v == "" {
		return 32, 2 * time.Second, 20000
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		d = 20 * time.Second
	}
	return 200, d, 5_000_000
}
