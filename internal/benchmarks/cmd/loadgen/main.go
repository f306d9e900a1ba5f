// Command loadgen sends the recorded requests of a cassette to an HTTP server over
// keep-alive HTTP/1.1 connections, each sending its next request once the answer to
// the last is read, and prints what it measured as one JSON object per -conns value: requests/s and
// the p50, p99 and maximum latency of one request. Every answer must have the
// recorded status (and, unless -check-body=false, the recorded body); loadgen exits 1
// if any did not. `make bench-http` runs it from its own process, so that the load
// and the server under test are apart as they are for a user.
//
//	loadgen -target http://127.0.0.1:8082 -cassette c.yaml -conns 32 -warmup 1s -duration 3s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/benchmarks/httpbench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// output is the JSON loadgen prints.
type output struct {
	Target string `json:"target"`
	httpbench.LoadResult
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("target", "", "base URL of the server, http://127.0.0.1:PORT")
	path := fs.String("cassette", "", "cassette whose recorded requests are sent")
	reqFile := fs.String("requests", "", "requests file (JSON lines, see httpbench.WriteRequests) to send instead of a cassette's")
	connList := fs.String("conns", "1", "connections; a comma-separated list runs once with each, one after the other")
	warmup := fs.Duration("warmup", time.Second, "how long to send before measuring")
	duration := fs.Duration("duration", 3*time.Second, "how long to measure")
	maxReq := fs.Int("max-requests", 5_000_000, "most requests measured")
	timeout := fs.Duration("timeout", 10*time.Second, "bound on one request")
	start := fs.Int64("start", 0, "number of the first request sent (go on after an earlier run's \"sent\")")
	checkBody := fs.Bool("check-body", true, "require the recorded body in every answer")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *target == "" || (*path == "") == (*reqFile == "") {
		fmt.Fprintln(stderr, "loadgen: -target and one of -cassette and -requests are required")
		return 2
	}
	var conns []int
	for _, s := range strings.Split(*connList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 1024 {
			fmt.Fprintf(stderr, "loadgen: -conns %q: want numbers from 1 to 1024, comma-separated\n", *connList)
			return 2
		}
		conns = append(conns, n)
	}
	if len(conns) > 10 || *duration <= 0 || *duration > 5*time.Minute {
		fmt.Fprintln(stderr, "loadgen: want at most 10 -conns values and 0 < -duration <= 5m")
		return 2
	}
	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		fmt.Fprintf(stderr, "loadgen: -target %q is not a URL\n", *target)
		return 2
	}
	recs, err := recorded(*path, *reqFile, *checkBody)
	if err != nil {
		fmt.Fprintln(stderr, "loadgen:", err)
		return 2
	}
	reqs, err := httpbench.Requests(*target, recs)
	if err != nil {
		fmt.Fprintln(stderr, "loadgen:", err)
		return 2
	}
	enc := json.NewEncoder(stdout)
	next := *start
	for _, n := range conns {
		res, err := httpbench.Load(ctx, httpbench.LoadConfig{
			Addr: u.Host, Conns: n, Warmup: *warmup, Duration: *duration,
			MaxRequests: *maxReq, Timeout: *timeout, Requests: reqs, Start: next,
		})
		next += res.Sent
		if encErr := enc.Encode(output{Target: *target, LoadResult: res}); encErr != nil {
			fmt.Fprintln(stderr, "loadgen:", encErr)
			return 1
		}
		if err != nil {
			fmt.Fprintln(stderr, "loadgen: interrupted:", err)
			return 1
		}
		if res.Errors > 0 {
			fmt.Fprintf(stderr, "loadgen: %d request(s) failed at %d connection(s); the first: %s\n", res.Errors, n, res.FirstError)
			return 1
		}
	}
	return 0
}

// recorded returns the requests of the cassette at path, or of the requests file.
func recorded(path, reqFile string, checkBody bool) ([]httpbench.Recorded, error) {
	if reqFile != "" {
		recs, err := httpbench.ReadRequests(reqFile)
		if err != nil {
			return nil, err
		}
		if !checkBody {
			for i := range recs {
				recs[i].Answer = nil
			}
		}
		return recs, nil
	}
	f, err := cassette.LoadFile(path)
	if err != nil {
		return nil, err
	}
	return httpbench.RecordedRequests(f, checkBody)
}
