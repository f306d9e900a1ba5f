package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/noticeconf/noticeconf/internal/benchmarks/httpbench"
	"github.com/noticeconf/noticeconf/internal/benchmarks/verdict"
)

// report is what a run measured, and writes it as Markdown.
type report struct {
	cfg     config
	targets []*target
	results map[string]map[int][]httpbench.LoadResult
	sizes   map[int]int64 // replay cassette sizes on disk, by interactions
	// rssIdle is the 100k replay server's resident memory once it is listening;
	// rss and rssPeak are its resident and peak resident memory after every round.
	rssIdle, rss, rssPeak int64
	profiles              []profileTop

	cpus, cpuModel, goVersion, java, date string
}

type profileTop struct{ name, cpu, alloc, block string }

func (r *report) add(key string, conns int, res httpbench.LoadResult) {
	if r.results[key] == nil {
		r.results[key] = map[int][]httpbench.LoadResult{}
	}
	r.results[key][conns] = append(r.results[key][conns], res)
}

// figure is the median over the rounds of one measure of one target.
func (r *report) figure(key string, conns int, f func(httpbench.LoadResult) float64) float64 {
	var xs []float64
	for _, res := range r.results[key][conns] {
		xs = append(xs, f(res))
	}
	return httpbench.Median(xs)
}

func (r *report) rps(key string, conns int) float64 {
	return r.figure(key, conns, func(x httpbench.LoadResult) float64 { return x.ReqPerSec })
}

func (r *report) p50(key string, conns int) float64 {
	return r.figure(key, conns, func(x httpbench.LoadResult) float64 { return x.P50 })
}

func (r *report) p99(key string, conns int) float64 {
	return r.figure(key, conns, func(x httpbench.LoadResult) float64 { return x.P99 })
}

func (r *report) machine(c config) error {
	r.cpus = fmt.Sprint(runtime.NumCPU())
	r.cpuModel = "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				r.cpuModel = strings.TrimSpace(v)
				break
			}
		}
	}
	r.goVersion = runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	out, err := exec.Command("java", "-version").CombinedOutput()
	if err != nil {
		return fmt.Errorf("java -version: %w\n%s", err, out)
	}
	r.java = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	r.date = time.Now().UTC().Format("2006-01-02 15:04 UTC")
	return nil
}

func count(n int) string {
	switch {
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func dur(us float64) string {
	d := time.Duration(us * float64(time.Microsecond))
	switch {
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(100 * time.Nanosecond).String()
}

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return times(a / b)
}

// times formats a ratio: two decimals below 10, none above; ∞ for an unbounded end
// of an interval and - for no value.
func times(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return "-∞"
	case x >= 10:
		return fmt.Sprintf("%.0fx", x)
	}
	return fmt.Sprintf("%.2fx", x)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// row is one target's row of the Targets table.
type row struct {
	name, measured string
	verdict        verdict.Verdict
}

// pairedRatios is the sample of per-round ratios: in each round, one measure of a
// over the same measure of b taken in the same round, in the order of the rounds.
// A round in which b measured 0 has no ratio.
func (r *report) pairedRatios(a, b string, conns int, f func(httpbench.LoadResult) float64) []float64 {
	ra, rb := r.results[a][conns], r.results[b][conns]
	var xs []float64
	for i := range min(len(ra), len(rb)) {
		if d := f(rb[i]); d > 0 {
			xs = append(xs, f(ra[i])/d)
		}
	}
	return xs
}

func reqPerSec(x httpbench.LoadResult) float64 { return x.ReqPerSec }
func p50Of(x httpbench.LoadResult) float64     { return x.P50 }

// memoryTarget is the bound on the 100k replay server's resident memory after the
// rounds, as a multiple of its cassette's size on disk.
var memoryTarget = verdict.AtMost(2)

// rows are the targets. Each but the last is the sample of the ratio between two
// targets measured in the same round, judged by its median's confidence interval
// (package verdict); the last, resident memory, is measured once and compared with
// its bound directly.
func (r *report) rows() []row {
	small, mid, big := replayKey(replaySizes[0]), replayKey(wireMockSize), replayKey(replaySizes[len(replaySizes)-1])
	var v []row
	add := func(name, a, b string, conns int, f func(httpbench.LoadResult) float64, g verdict.Goal) {
		iv := verdict.Median(r.pairedRatios(a, b, conns, f))
		v = append(v, row{name, fmt.Sprintf("%s [%s, %s]", times(iv.Center), times(iv.Lo), times(iv.Hi)), g.Judge(iv)})
	}
	add("Replay (1k) throughput at 32 connections at least 0.8x the bare net/http ceiling", mid, keyCeiling, 32, reqPerSec, verdict.AtLeast(0.8))
	add("Replay (1k) throughput at 32 connections at least 10x WireMock's (1k stubs)", mid, keyWireMock, 32, reqPerSec, verdict.AtLeast(10))
	add("Replay throughput at 32 connections: 10 interactions within 1.2x of 100k (10 / 100k)", small, big, 32, reqPerSec, verdict.AtMost(1.2))
	add("Replay p50 at 1 connection: 100k interactions within 1.2x of 10 (100k / 10)", big, small, 1, p50Of, verdict.AtMost(1.2))
	add("Recording proxy p50 at 1 connection at most 1.15x the matched ReverseProxy", keyRecord, keyReverseProxy, 1, p50Of, verdict.AtMost(1.15))
	add("Recording proxy throughput at 32 connections at least 0.9x the matched ReverseProxy", keyRecord, keyReverseProxy, 32, reqPerSec, verdict.AtLeast(0.9))
	size := r.sizes[replaySizes[len(replaySizes)-1]]
	x := float64(r.rss) / float64(size)
	mem := verdict.NotMet
	if memoryTarget.Holds(x) {
		mem = verdict.Met
	}
	v = append(v, row{"Replay resident memory with 100k interactions (after the rounds) at most 2x the cassette's size",
		fmt.Sprintf("%s for %s: %.2fx (one measurement)", mib(r.rss), mib(size), x), mem})
	return v
}

// shown is how the Targets table writes a verdict: not met in bold.
func shown(v verdict.Verdict) string {
	if v == verdict.NotMet {
		return "**" + string(v) + "**"
	}
	return string(v)
}

// loadTime is how long the rounds keep the servers under load: every server at every
// number of connections, each run its warm-up and its window.
func (r *report) loadTime() time.Duration {
	return time.Duration(r.cfg.rounds*len(r.targets)*len(r.cfg.conns)) * (r.cfg.warmup + r.cfg.duration)
}

func (r *report) markdown() []byte {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	c := r.cfg
	p("## Benchmarks over HTTP\n\n")
	p("This section is generated by `make bench-http` (internal/benchmarks/cmd/benchhttp),\n")
	p("the rest of the document by `make bench`; do not edit either by hand.\n\n")
	p("Every server runs in a process of its own on loopback; the load comes from another\n")
	p("process (internal/benchmarks/cmd/loadgen): N keep-alive HTTP/1.1 connections, each\n")
	p("sending its next request as soon as the answer to the last is read, every answer\n")
	p("checked (status, and the recorded body where there is one). The requests are the\n")
	p("recorded requests of a cassette, in the same order for every server. Each run\n")
	p("warms up for %s and measures %s; every server first gets one unmeasured run; every\n", c.warmup, c.duration)
	p("figure is the median of %d rounds taken one after the other, and every ratio is\n", c.rounds)
	p("between figures of the same run. A round runs every server at %s connections,\n", joinInts(c.conns, " and "))
	p("so the rounds keep the servers under load for %s in all (%d rounds x %d servers x\n", r.loadTime(), c.rounds, len(r.targets))
	p("%d connection counts x %s). The load generator and the servers share the machine's\n", len(c.conns), c.warmup+c.duration)
	p("CPUs.\n\n")
	p("### Machine\n\n| | |\n|---|---|\n")
	p("| CPUs (nproc) | %s |\n| CPU model | %s |\n| Go | %s |\n| Java | %s |\n| WireMock | %s |\n| Date | %s |\n\n",
		r.cpus, r.cpuModel, r.goVersion, r.java, strings.TrimSuffix(filepath.Base(c.jar), ".jar"), r.date)

	p("### Replay server\n\n")
	p("`noticeconf replay` over generated cassettes of 10, 1k and 100k distinct update\n")
	p("interactions (written with the recording proxy's cassette writer), answering each\n")
	p("request with its own recorded answer; WireMock (with `--no-request-journal`, and\n")
	p("`--disable-gzip` since the replay server answers as recorded, uncompressed) serving\n")
	p("the 1k cassette converted to stub mappings (method, URL, body with `equalToJson`;\n")
	p("httpbench.ToWireMock); and a bare `net/http` server that reads the request and writes\n")
	p("one fixed answer of the same size, the ceiling of any Go server. The 1k cassette's\n")
	p("requests go to WireMock and to the ceiling.\n\n")
	replayRows := []string{keyCeiling}
	for _, n := range replaySizes {
		replayRows = append(replayRows, replayKey(n))
	}
	replayRows = append(replayRows, keyWireMock)
	for _, conns := range c.conns {
		p("#### %d connection(s)\n\n", conns)
		p("| Server | p50 | p99 | Requests/s | Throughput vs net/http | Throughput vs WireMock |\n|---|---|---|---|---|---|\n")
		for _, k := range replayRows {
			p("| %s | %s | %s | %.0f | %s | %s |\n", r.label(k), dur(r.p50(k, conns)), dur(r.p99(k, conns)), r.rps(k, conns),
				ratio(r.rps(k, conns), r.rps(keyCeiling, conns)), ratio(r.rps(k, conns), r.rps(keyWireMock, conns)))
		}
		p("\n")
	}

	p("### Recording proxy\n\n")
	p("Distinct update requests (the demo profile's token and job, a `param_config` of\n")
	p("their own each, so that a recorder that keeps only new requests records every one)\n")
	p("to the reference mock (`noticeconf mock`): directly; through a bare\n")
	p("`httputil.ReverseProxy` built as the recording proxy's, over its upstream transport\n")
	p("(`proxy.NewReverseProxy`, `proxy.NewTransport`; benchserve);\n")
	p("through `noticeconf record` in reverse mode with its defaults (every interaction\n")
	p("redacted and written to the cassette before its response is passed on, fsynced in\n")
	p("the background within 100 ms); and through WireMock's recording proxy\n")
	p("(`--proxy-all` with `--record-mappings`, which writes a stub mapping per new request\n")
	p("and does not say when it is on disk).\n\n")
	proxyRows := []string{keyDirect, keyReverseProxy, keyRecord, keyWireMockRec}
	for _, conns := range c.conns {
		p("#### %d connection(s)\n\n", conns)
		p("| Path | p50 | p99 | Requests/s | p50 vs ReverseProxy | Throughput vs ReverseProxy |\n|---|---|---|---|---|---|\n")
		for _, k := range proxyRows {
			p("| %s | %s | %s | %.0f | %s | %s |\n", r.label(k), dur(r.p50(k, conns)), dur(r.p99(k, conns)), r.rps(k, conns),
				ratio(r.p50(k, conns), r.p50(keyReverseProxy, conns)), ratio(r.rps(k, conns), r.rps(keyReverseProxy, conns)))
		}
		p("\n")
	}

	big := replaySizes[len(replaySizes)-1]
	p("### Replay memory\n\n")
	p("| Cassette | Size on disk | Resident, listening | Resident, after the rounds | Peak resident | After the rounds / size |\n|---|---|---|---|---|---|\n")
	p("| %s interactions | %s | %s | %s | %s | %.2fx |\n\n", count(big), mib(r.sizes[big]), mib(r.rssIdle), mib(r.rss), mib(r.rssPeak), float64(r.rss)/float64(r.sizes[big]))
	p("Peak resident memory includes the garbage of loading the cassette.\n\n")

	p("### Targets\n\n")
	p("A target's value is a sample: in each of the %d rounds, the ratio of two figures\n", c.rounds)
	p("measured one right after the other in that round (so its median can differ from the\n")
	p("ratio of the tables' medians). Each row gives the sample's median and, in brackets,\n")
	p("the median's %.0f%% confidence interval, as benchstat computes them\n", 100*verdict.Confidence)
	p("(golang.org/x/perf/benchmath, assuming nothing about how the ratios are\n")
	p("distributed). A target is met when the whole interval meets it, **not met** when the\n")
	p("whole interval misses it, and inconclusive when the interval takes in the bound.\n")
	p("With fewer than 6 rounds the interval is unbounded (∞ on one side at least), so\n")
	p("every such target is inconclusive; with 6 to 8 it spans about every round's ratio,\n")
	p("so a verdict needs nearly every round on one side of the bound, and more rounds\n")
	p("narrow it. Single rounds can stray by ±15%% on a busy machine, which is why no\n")
	p("verdict rests on one round or on the median alone. Resident memory is one\n")
	p("measurement, taken after the rounds, and is compared with its bound directly: met\n")
	p("or **not met**, without an interval.\n\n")
	p("| Target | Measured: median [%.0f%% interval] | Verdict |\n|---|---|---|\n", 100*verdict.Confidence)
	for _, v := range r.rows() {
		p("| %s | %s | %s |\n", v.name, v.measured, shown(v.verdict))
	}
	p("\n")

	if len(r.profiles) > 0 {
		p("### Profiles\n\n")
		p("The same servers built in benchserve (same handler, same logger, same server\n")
		p("and memory settings), under 32 connections for %s: the top of the CPU profile, of the\n", 2*c.duration)
		p("space allocated and of the time goroutines spent blocked while serving\n")
		p("(`go tool pprof -top`).\n\n")
		for _, pr := range r.profiles {
			p("#### %s: CPU\n\n```\n%s```\n\n", pr.name, trimTop(pr.cpu))
			p("#### %s: allocated space\n\n```\n%s```\n\n", pr.name, trimTop(pr.alloc))
			p("#### %s: blocked\n\n```\n%s```\n\n", pr.name, trimTop(pr.block))
		}
	}
	return b.Bytes()
}

// trimTop drops pprof's header lines that name local paths and times.
func trimTop(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "File:") || strings.HasPrefix(line, "Build ID:") || strings.HasPrefix(line, "Time:") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// joinInts writes ns in decimal, joined by sep.
func joinInts(ns []int, sep string) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}

func (r *report) label(key string) string {
	for _, t := range r.targets {
		if t.key == key {
			return t.label
		}
	}
	return key
}
