// Command benchhttp measures noticeconf's servers over HTTP against what users would
// run instead, and writes the report (the section "Benchmarks over HTTP" of
// docs/benchmarks.md, keeping the rest of that document): the replay server
// (`noticeconf replay`) over generated cassettes of 10, 1k and 100k interactions,
// WireMock serving the 1k cassette as stub mappings, and a bare net/http server
// writing one fixed answer; the recording proxy (`noticeconf record`, reverse mode) in
// front of the reference mock (`noticeconf mock`), a bare httputil.ReverseProxy with
// the proxy's transport settings, and WireMock's recording proxy. Every server runs in
// its own process on loopback and gets its load from loadgen, another process, at 1
// and 32 connections; every figure is the median of -rounds, and every ratio is
// between figures of the same run. Each target is judged as benchstat would judge
// it, by the median of its per-round ratios and that median's 95% confidence
// interval (package verdict): met, not met, or inconclusive. With -profile it also
// profiles the replay server and the recording proxy under the same load
// (benchserve) and adds the top of each profile to the report. `make bench-http` builds the binaries and runs it.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/atomicfile"
	"github.com/noticeconf/noticeconf/internal/benchmarks/docsection"
	"github.com/noticeconf/noticeconf/internal/benchmarks/httpbench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// defaultRounds is the default of -rounds: enough for the median of a target's
// per-round ratios to have a bounded 95% confidence interval (6 or more), and a few
// more to narrow it. With the default warm-up and window the rounds take about 6
// minutes (8 rounds x 9 servers x 2 connection counts x 2.5 s).
const defaultRounds = 8

// maxRounds bounds -rounds: 20 rounds keep the servers under load for 15 minutes.
const maxRounds = 20

// config is what the flags set.
type config struct {
	bin        string // directory of noticeconf, loadgen and benchserve
	jar        string
	out        string
	work       string
	duration   time.Duration
	warmup     time.Duration
	rounds     int
	conns      []int
	profileDir string
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchhttp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.bin, "bin", "bin", "directory holding the built noticeconf, loadgen and benchserve")
	fs.StringVar(&c.jar, "wiremock-jar", "", "WireMock's standalone jar")
	fs.StringVar(&c.out, "out", "docs/benchmarks.md", "Markdown document to write the section \"Benchmarks over HTTP\" of (the rest is kept)")
	fs.StringVar(&c.work, "work", "", "work directory for cassettes, mappings and logs (default: a new temporary one, removed after)")
	fs.DurationVar(&c.duration, "duration", 2*time.Second, "measured window of one load run")
	fs.DurationVar(&c.warmup, "warmup", 500*time.Millisecond, "warm-up before each load run's window")
	fs.IntVar(&c.rounds, "rounds", defaultRounds, "rounds over every server (at least 6 for a target's interval to be bounded); each figure is their median")
	fs.StringVar(&c.profileDir, "profile", "", "also profile the replay server and the recording proxy, writing the profiles here")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	c.conns = []int{1, 32}
	if c.jar == "" {
		fmt.Fprintln(stderr, "benchhttp: -wiremock-jar is required (make thirdparty-deps installs it)")
		return 2
	}
	if c.rounds < 1 || c.rounds > maxRounds || c.duration <= 0 || c.duration > time.Minute {
		fmt.Fprintf(stderr, "benchhttp: want 1 <= -rounds <= %d and 0 < -duration <= 1m\n", maxRounds)
		return 2
	}
	for _, p := range []string{filepath.Join(c.bin, "noticeconf"), filepath.Join(c.bin, "loadgen"), filepath.Join(c.bin, "benchserve"), c.jar} {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(stderr, "benchhttp: %v (make bench-http builds and installs what it needs)\n", err)
			return 2
		}
	}
	if _, err := exec.LookPath("java"); err != nil {
		fmt.Fprintln(stderr, "benchhttp: WireMock needs Java 17 (apt-get install openjdk-17-jre-headless)")
		return 2
	}
	if c.work == "" {
		dir, err := os.MkdirTemp("", "noticeconf-bench-http-")
		if err != nil {
			fmt.Fprintln(stderr, "benchhttp:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		c.work = dir
	}
	// The servers run in the work directory: every path they are given is absolute.
	for _, p := range []*string{&c.bin, &c.jar, &c.profileDir, &c.work} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			fmt.Fprintln(stderr, "benchhttp:", err)
			return 1
		}
		*p = abs
	}
	rep, err := measure(ctx, c, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "benchhttp:", err)
		return 1
	}
	old, err := os.ReadFile(c.out)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stderr, "benchhttp:", err)
		return 1
	}
	if err := atomicfile.Write(c.out, docsection.Splice(old, docsection.BenchHTTP, rep.markdown()), 0o644); err != nil {
		fmt.Fprintln(stderr, "benchhttp:", err)
		return 1
	}
	fmt.Fprintf(stderr, "benchhttp: wrote its section of %s\n", c.out)
	return 0
}

// replaySizes are the sizes of the generated replay cassettes.
var replaySizes = []int{10, 1_000, 100_000}

// wireMockSize is the replay cassette WireMock serves as stub mappings.
const wireMockSize = 1_000

// mockRequests is how many distinct requests the proxy runs cycle through.
const mockRequests = 20_000

// target is one server under load.
type target struct {
	key, label string
	url        string
	requests   string // the requests file sent
	checkBody  bool
	next       int64 // the next request number, for targets that must not see a request twice
}

// measure sets up every server, runs the rounds and returns the report.
func measure(ctx context.Context, c config, stderr io.Writer) (*report, error) {
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "benchhttp: "+format+"\n", a...) }
	rep := &report{cfg: c, results: map[string]map[int][]httpbench.LoadResult{}, sizes: map[int]int64{}}
	if err := rep.machine(c); err != nil {
		return nil, err
	}

	logf("writing the cassettes and the WireMock mappings in %s", c.work)
	replayCassettes, replayRequests := map[int]string{}, map[int]string{}
	for _, n := range replaySizes {
		path := filepath.Join(c.work, fmt.Sprintf("replay-%d.yaml", n))
		size, err := httpbench.WriteCassette(path, n, httpbench.ReplayInteraction)
		if err != nil {
			return nil, err
		}
		replayCassettes[n], rep.sizes[n] = path, size
		if replayRequests[n], err = requestsFile(path, true); err != nil {
			return nil, err
		}
	}
	gen, err := httpbench.MockRequests()
	if err != nil {
		return nil, err
	}
	mockCassette := filepath.Join(c.work, "mock-requests.yaml")
	if _, err := httpbench.WriteCassette(mockCassette, mockRequests, gen); err != nil {
		return nil, err
	}
	mockRequestsFile, err := requestsFile(mockCassette, false)
	if err != nil {
		return nil, err
	}
	wmRoot := filepath.Join(c.work, "wiremock-stubs")
	if err := writeMappings(replayCassettes[wireMockSize], wmRoot); err != nil {
		return nil, err
	}
	wmRecRoot := filepath.Join(c.work, "wiremock-recorder")
	for _, d := range []string{filepath.Join(wmRecRoot, "mappings"), filepath.Join(wmRecRoot, "__files")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}

	ps := &procs{dir: c.work}
	defer func() {
		if err := ps.stopAll(); err != nil {
			logf("%v", err)
		}
	}()
	noticeconf := filepath.Join(c.bin, "noticeconf")
	benchserve := filepath.Join(c.bin, "benchserve")
	logf("starting the servers")
	var targets []*target
	var replay100k *proc
	for _, n := range replaySizes {
		p, err := ps.startListening(ctx, fmt.Sprintf("replay-%d", n), noticeconf, "replay", "--cassette", replayCassettes[n], "--listen", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		if n == 100_000 {
			replay100k = p
		}
		targets = append(targets, &target{key: replayKey(n), label: fmt.Sprintf("noticeconf replay, %s interactions", count(n)),
			url: p.url, requests: replayRequests[n], checkBody: true})
	}
	if rep.rssIdle, _, err = rss(replay100k.cmd.Process.Pid); err != nil {
		return nil, err
	}
	ceiling, err := ps.startListening(ctx, "ceiling", benchserve, "-mode", "fixed")
	if err != nil {
		return nil, err
	}
	targets = append(targets, &target{key: keyCeiling, label: "bare net/http, one fixed answer", url: ceiling.url, requests: replayRequests[wireMockSize]})
	wm, err := ps.startWireMock(ctx, "wiremock-stubs", c.jar, wmRoot, "--no-request-journal", "--disable-gzip")
	if err != nil {
		return nil, err
	}
	targets = append(targets, &target{key: keyWireMock, label: fmt.Sprintf("WireMock, %s stub mappings", count(wireMockSize)), url: wm.url, requests: replayRequests[wireMockSize], checkBody: true})

	mock, err := ps.startListening(ctx, "mock", noticeconf, "mock", "--listen", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rec, err := ps.startListening(ctx, "record", noticeconf, "record", "--upstream", mock.url, "--cassette", filepath.Join(c.work, "recorded.yaml"), "--listen", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rp, err := ps.startListening(ctx, "reverseproxy", benchserve, "-mode", "reverseproxy", "-upstream", mock.url)
	if err != nil {
		return nil, err
	}
	wmRec, err := ps.startWireMock(ctx, "wiremock-recorder", c.jar, wmRecRoot, "--proxy-all", mock.url, "--record-mappings")
	if err != nil {
		return nil, err
	}
	targets = append(targets,
		&target{key: keyDirect, label: "the reference mock, directly", url: mock.url, requests: mockRequestsFile},
		&target{key: keyReverseProxy, label: "bare httputil.ReverseProxy", url: rp.url, requests: mockRequestsFile},
		&target{key: keyRecord, label: "noticeconf record", url: rec.url, requests: mockRequestsFile},
		&target{key: keyWireMockRec, label: "WireMock recording proxy (--proxy-all --record-mappings)", url: wmRec.url, requests: mockRequestsFile},
	)
	// Each target's round runs right after the one it is compared with.
	order := []string{keyCeiling, replayKey(wireMockSize), keyWireMock, replayKey(replaySizes[0]), replayKey(replaySizes[len(replaySizes)-1]),
		keyDirect, keyReverseProxy, keyRecord, keyWireMockRec}
	slices.SortStableFunc(targets, func(a, b *target) int { return slices.Index(order, a.key) - slices.Index(order, b.key) })
	rep.targets = targets

	loadgen := filepath.Join(c.bin, "loadgen")
	// One unmeasured pass first, so that every server (WireMock's JIT above all) is
	// warm before the first round.
	logf("warming every server up")
	for _, t := range targets {
		if _, err := load(ctx, loadgen, c.work, t, []int{32}, 0, c.duration+c.warmup); err != nil {
			return nil, err
		}
	}
	for r := range c.rounds {
		logf("round %d of %d", r+1, c.rounds)
		for _, t := range targets {
			res, err := load(ctx, loadgen, c.work, t, c.conns, c.warmup, c.duration)
			if err != nil {
				return nil, err
			}
			for i, conns := range c.conns {
				rep.add(t.key, conns, res[i])
			}
		}
	}
	if rep.rss, rep.rssPeak, err = rss(replay100k.cmd.Process.Pid); err != nil {
		return nil, err
	}
	if err := ps.stopAll(); err != nil {
		return nil, err
	}
	if c.profileDir != "" {
		if err := profile(ctx, c, rep, replayCassettes[wireMockSize], replayRequests[wireMockSize], mockRequestsFile, logf); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// Keys of the targets.
const (
	keyCeiling      = "ceiling"
	keyWireMock     = "wiremock"
	keyDirect       = "direct"
	keyReverseProxy = "reverseproxy"
	keyRecord       = "record"
	keyWireMockRec  = "wiremock-recorder"
)

func replayKey(n int) string { return "replay-" + strconv.Itoa(n) }

// load runs loadgen against t, once with each number of connections, and returns
// what it measured. Targets whose requests are recorded go on with new requests where
// the last run stopped.
func load(ctx context.Context, loadgen, dir string, t *target, conns []int, warmup, duration time.Duration) ([]httpbench.LoadResult, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(len(conns))*(warmup+duration)+2*time.Minute)
	defer cancel()
	list := make([]string, len(conns))
	for i, n := range conns {
		list[i] = strconv.Itoa(n)
	}
	cmd := exec.CommandContext(ctx, loadgen, "-target", t.url, "-requests", t.requests,
		"-conns", strings.Join(list, ","), "-warmup", warmup.String(), "-duration", duration.String(),
		"-check-body="+strconv.FormatBool(t.checkBody), "-start", strconv.FormatInt(t.next, 10))
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	var results []httpbench.LoadResult
	dec := json.NewDecoder(&out)
	for dec.More() {
		var res httpbench.LoadResult
		if err := dec.Decode(&res); err != nil {
			return nil, fmt.Errorf("loadgen against %s (%s): %v; %w\n%s", t.label, t.url, runErr, err, errOut.String())
		}
		t.next += res.Sent
		results = append(results, res)
	}
	if runErr != nil {
		return nil, fmt.Errorf("loadgen against %s (%s), %v connection(s): %w\n%s", t.label, t.url, conns, runErr, errOut.String())
	}
	if len(results) != len(conns) {
		return nil, fmt.Errorf("loadgen against %s: %d result(s) for %d run(s)", t.label, len(results), len(conns))
	}
	for i, res := range results {
		if res.Requests == 0 {
			return nil, fmt.Errorf("loadgen against %s, %d connection(s): no request answered in the window", t.label, conns[i])
		}
	}
	return results, nil
}

// requestsFile loads the cassette at path with noticeconf's loader and writes its
// requests beside it as a requests file for loadgen, which reads that much faster
// than a cassette; it returns the file's path.
func requestsFile(path string, checkBody bool) (string, error) {
	f, err := cassette.LoadFile(path)
	if err != nil {
		return "", err
	}
	recs, err := httpbench.RecordedRequests(f, checkBody)
	if err != nil {
		return "", err
	}
	out := strings.TrimSuffix(path, ".yaml") + ".requests.jsonl"
	return out, httpbench.WriteRequests(out, recs)
}

// writeMappings converts the cassette at path to WireMock stub mappings in
// root/mappings.
func writeMappings(path, root string) error {
	f, err := cassette.LoadFile(path)
	if err != nil {
		return err
	}
	stubs, skipped, err := httpbench.ToWireMock(f)
	if err != nil {
		return err
	}
	if skipped > 0 {
		return fmt.Errorf("%s: %d repeated request(s): the benchmark's cassettes have none", path, skipped)
	}
	b, err := stubs.Encode()
	if err != nil {
		return err
	}
	dir := filepath.Join(root, "mappings")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "stubs.json"), b, 0o644)
}

// profile runs the replay server and the recording proxy in benchserve under the
// profiler, at 32 connections, and keeps the top of each profile for the report.
func profile(ctx context.Context, c config, rep *report, replayCassette, replayRequests, mockRequests string, logf func(string, ...any)) error {
	if err := os.MkdirAll(c.profileDir, 0o755); err != nil {
		return err
	}
	ps := &procs{dir: c.work}
	defer func() { _ = ps.stopAll() }()
	benchserve := filepath.Join(c.bin, "benchserve")
	loadgen := filepath.Join(c.bin, "loadgen")
	mock, err := ps.startListening(ctx, "profile-mock", filepath.Join(c.bin, "noticeconf"), "mock", "--listen", "127.0.0.1:0")
	if err != nil {
		return err
	}
	for _, pr := range []struct {
		name     string
		args     []string
		requests string
		check    bool
	}{
		{"replay", []string{"-mode", "replay", "-cassette", replayCassette}, replayRequests, true},
		{"record", []string{"-mode", "record", "-upstream", mock.url, "-cassette", filepath.Join(c.work, "profile-recorded.yaml")}, mockRequests, false},
	} {
		logf("profiling %s", pr.name)
		cpu := filepath.Join(c.profileDir, pr.name+".cpu.pprof")
		alloc := filepath.Join(c.profileDir, pr.name+".alloc.pprof")
		args := append([]string{benchserve}, pr.args...)
		block := filepath.Join(c.profileDir, pr.name)
		args = append(args, "-cpuprofile", cpu, "-allocprofile", alloc, "-blockprofile", block)
		p, err := ps.startListening(ctx, "profile-"+pr.name, args...)
		if err != nil {
			return err
		}
		t := &target{label: pr.name + " under the profiler", url: p.url, requests: pr.requests, checkBody: pr.check}
		if _, err := load(ctx, loadgen, c.work, t, []int{32}, c.warmup, 2*c.duration); err != nil {
			return err
		}
		if err := p.stop(); err != nil {
			return err
		}
		top, err := pprofTop(ctx, benchserve, cpu, "")
		if err != nil {
			return err
		}
		allocTop, err := pprofTop(ctx, benchserve, alloc, alloc+".base")
		if err != nil {
			return err
		}
		blockTop, err := pprofTop(ctx, benchserve, block+".block", "")
		if err != nil {
			return err
		}
		rep.profiles = append(rep.profiles, profileTop{name: pr.name, cpu: top, alloc: allocTop, block: blockTop})
	}
	return nil
}

// pprofTop returns `go tool pprof -top` of a profile (of allocated space, counted
// from base, when base is set).
func pprofTop(ctx context.Context, bin, prof, base string) (string, error) {
	args := []string{"tool", "pprof", "-top", "-nodecount=20"}
	if base != "" {
		args = append(args, "-sample_index=alloc_space", "-diff_base="+base)
	}
	args = append(args, bin, prof)
	cmd := exec.CommandContext(ctx, "go", args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go tool pprof %s: %w\n%s", prof, err, errOut.String())
	}
	return out.String(), nil
}
