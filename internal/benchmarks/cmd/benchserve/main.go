// Command benchserve serves what `make bench-http` compares noticeconf with, and
// noticeconf's own servers under the profiler:
//
//	benchserve -mode fixed                       a bare net/http server writing one fixed answer
//	benchserve -mode reverseproxy -upstream URL  a bare httputil.ReverseProxy, as the recording proxy builds it (proxy.NewReverseProxy, proxy.NewTransport)
//	benchserve -mode replay -cassette FILE       the replay server, as `noticeconf replay` builds it
//	benchserve -mode record -upstream URL -cassette FILE
//	                                             the recording proxy, as `noticeconf record` builds it
//
// With -cpuprofile and -allocprofile it writes a CPU profile of what it serves, and
// the allocations made while serving (with a base profile at FILE.base taken once it
// is listening, for pprof -diff_base), when it is stopped with SIGINT or SIGTERM;
// with -blockprofile, where its goroutines waited. Its
// first line on stdout is "listening on http://HOST:PORT".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/internal/asynclog"
	"github.com/noticeconf/noticeconf/internal/benchmarks/httpbench"
	"github.com/noticeconf/noticeconf/internal/memlimit"
	"github.com/noticeconf/noticeconf/internal/serve"
	"github.com/noticeconf/noticeconf/proxy"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchserve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("mode", "", "fixed, reverseproxy, replay or record")
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	upstream := fs.String("upstream", "", "upstream base URL (reverseproxy, record)")
	cassettePath := fs.String("cassette", "", "cassette to replay (replay) or write (record)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of serving to this file")
	allocProfile := fs.String("allocprofile", "", "write the allocation profile to this file (and a base to FILE.base)")
	blockProfile := fs.String("blockprofile", "", "write where goroutines waited (blocking and mutex contention) to FILE.block and FILE.mutex")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logs := asynclog.NewWriter(stderr) // as noticeconf's logs
	defer logs.Close()
	log := slog.New(slog.NewTextHandler(logs, nil))
	h, closeFn, err := handler(*mode, *upstream, *cassettePath, log)
	if err != nil {
		fmt.Fprintln(stderr, "benchserve:", err)
		return 2
	}
	if *mode == "replay" {
		defer memlimit.Apply()() // as noticeconf replay serves
	}
	var profErr error
	var stopProfile func()
	err = serve.Run(ctx, h, *listen, func(addr string) {
		stopProfile, profErr = startProfiles(*cpuProfile, *allocProfile, *blockProfile)
		fmt.Fprintf(stdout, "listening on http://%s\n", addr)
	})
	if stopProfile != nil {
		stopProfile()
	}
	err = errors.Join(err, profErr, closeFn())
	if err != nil {
		fmt.Fprintln(stderr, "benchserve:", err)
		return 1
	}
	return 0
}

// handler builds what mode serves, and what to close after serving it.
func handler(mode, upstream, cassettePath string, log *slog.Logger) (http.Handler, func() error, error) {
	nothing := func() error { return nil }
	switch mode {
	case "fixed":
		it := httpbench.ReplayInteraction(0)
		body := []byte(it.Response.Body)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header()["Content-Type"] = []string{"application/json;charset=UTF-8"}
			_, _ = w.Write(body)
		}), nothing, nil
	case "reverseproxy":
		u, err := url.Parse(upstream)
		if err != nil || u.Host == "" {
			return nil, nil, fmt.Errorf("-upstream %q is not a URL", upstream)
		}
		// The ReverseProxy the recording proxy is built on, over its upstream
		// transport: it differs from the recording proxy only in not recording.
		tr := proxy.NewTransport(proxy.Config{})
		rp := proxy.NewReverseProxy(u, tr)
		rp.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
		return rp, func() error { tr.CloseIdleConnections(); return nil }, nil
	case "replay":
		files, err := cassette.LoadPaths(cassettePath)
		if err != nil {
			return nil, nil, err
		}
		h, err := replay.New(files, replay.Options{Logger: log})
		if err != nil {
			return nil, nil, err
		}
		return h, nothing, nil
	case "record":
		p, err := proxy.New(proxy.Config{Upstream: upstream, Cassette: cassettePath, Logger: log})
		if err != nil {
			return nil, nil, err
		}
		return p, p.Close, nil
	}
	return nil, nil, fmt.Errorf("-mode %q: want fixed, reverseproxy, replay or record", mode)
}

// startProfiles starts the CPU profile and writes the allocation base; the function
// it returns stops the one and writes the other.
func startProfiles(cpu, alloc, block string) (func(), error) {
	var cpuFile *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		cpuFile = f
	}
	if alloc != "" {
		if err := writeAllocs(alloc + ".base"); err != nil {
			return nil, err
		}
	}
	if block != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
		runtime.SetMutexProfileFraction(10)
	}
	return func() {
		if block != "" {
			_ = writeProfile("block", block+".block")
			_ = writeProfile("mutex", block+".mutex")
		}
		if cpuFile != nil {
			pprof.StopCPUProfile()
			_ = cpuFile.Close()
		}
		if alloc != "" {
			_ = writeAllocs(alloc)
		}
	}, nil
}

func writeAllocs(path string) error {
	runtime.GC()
	return writeProfile("allocs", path)
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("%s profile: %w", name, err)
	}
	return errors.Join(pprof.Lookup(name).WriteTo(f, 0), f.Close())
}
