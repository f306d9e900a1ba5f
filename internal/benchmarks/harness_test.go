package benchmarks

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

const (
	jobID      = "48c66c6002964721be537cdc6ce0297b"
	updatePath = "/v3/jobs/notice/" + jobID + "/update"
	reqBody    = `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}` + "\n"
	respBody   = `{"result":{"job_id":"` + jobID + `"},"error":null,"status":"success"}`
)

// upstream is the fixed loopback server every proxy benchmark forwards to: it answers
// like the endpoint's success case and does nothing else, so what is measured is the
// cost of what stands in front of it.
func upstream(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("X-Request-Id", "0123456789abcdef0123456789abcdef")
		_, _ = io.WriteString(w, respBody)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func newClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute,
	}}
}

func send(b *testing.B, c *http.Client, url string) {
	req, err := http.NewRequest(http.MethodPost, url+updatePath, bytes.NewReader([]byte(reqBody)))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", "bench-token")
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d, err %v", resp.StatusCode, err)
	}
}

// measure sends b.N requests to url from clients concurrent goroutines and reports,
// besides ns/op, the p50 and p99 latency of one request and the requests per second.
func measure(b *testing.B, url string, clients int) {
	b.Helper()
	c := newClient(clients)
	defer c.CloseIdleConnections()
	send(b, c, url) // warm the connection
	var (
		mu  sync.Mutex
		all = make([]time.Duration, 0, b.N)
	)
	b.ResetTimer()
	start := time.Now()
	if clients == 1 {
		for range b.N {
			t0 := time.Now()
			send(b, c, url)
			all = append(all, time.Since(t0))
		}
	} else {
		procs := runtime.GOMAXPROCS(0)
		b.SetParallelism((clients + procs - 1) / procs)
		b.RunParallel(func(pb *testing.PB) {
			local := make([]time.Duration, 0, 256)
			for pb.Next() {
				t0 := time.Now()
				send(b, c, url)
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			all = append(all, local...)
			mu.Unlock()
		})
	}
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(all)
	if n := len(all); n > 0 {
		b.ReportMetric(float64(all[n/2].Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(all[n*99/100].Nanoseconds()), "p99-ns")
		b.ReportMetric(float64(n)/elapsed.Seconds(), "req/s")
	}
}
