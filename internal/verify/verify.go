// Package verify runs the conformance suites (package suites) against one target,
// in-process, with Ginkgo's RunSpecs, and reports check by check: a table on stdout,
// and JUnit, JSON and Markdown files. It is the work behind `noticeconf verify`.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/atomicfile"
	"github.com/noticeconf/noticeconf/internal/redact"
	"github.com/noticeconf/noticeconf/internal/serve"
	"github.com/noticeconf/noticeconf/suites"
)

// TargetMock is the Target value that selects the built-in reference mock.
const TargetMock = "mock"

// ReplayPrefix starts a Target that selects the replay server over a cassette path.
const ReplayPrefix = "replay:"

// ReplayMissingJobID is the missing job id of a replay target when none is given: the
// one `make cassettes` records the shipped cassettes with, so that their replay
// answers the unknown-job check.
const ReplayMissingJobID = "00000000000000000000000000000000"

// Options configures a verify run. Secrets (Token, SK, ForbiddenToken) never reach the
// output or the report files.
type Options struct {
	// Target is "mock" (or empty) for the built-in reference mock, "replay:PATH" for
	// the replay server over the cassettes at PATH, or a base URL.
	Target string
	// Token is a valid X-Auth-Token for the target.
	Token string
	// AK and SK sign requests with AK/SK.
	AK, SK string
	// JobID is an existing job. Required for a URL target; the mock's demo job if
	// empty otherwise.
	JobID string
	// MissingJobID is a well-formed job id that does not exist. If empty, random.
	MissingJobID string
	// ForbiddenToken is a token the target refuses with 403. If empty, the 403 checks
	// are skipped (the mock's demo forbidden token is used for the mock).
	ForbiddenToken string
	// FaultInjection reports whether to send "Prefer: code=500" and check the 500
	// answer. If nil, it is on for the built-in mock and off otherwise.
	FaultInjection *bool

	// LabelFilter, Focus and Skip select checks, as Ginkgo's --label-filter, --focus
	// and --skip do. Empty selects every check.
	LabelFilter string
	Focus, Skip []string
	// Verbose streams Ginkgo's verbose output to stdout before the report.
	Verbose bool
	// RequestTimeout bounds each request. If zero, suites.DefaultTimeout.
	RequestTimeout time.Duration
	// Seed seeds the generated checks; the report shows it, and a run with the same
	// seed against a server that answers alike sends the same requests. If zero, a
	// random seed is drawn.
	Seed uint64
	// Examples is how many requests each generated check tries. If zero,
	// suites.DefaultExamples.
	Examples int

	// JUnitReport, JSONReport and MarkdownReport, when set, are the files the report
	// is also written to.
	JUnitReport, JSONReport, MarkdownReport string

	// OpenReplay returns the replay server over the cassettes at path, for a
	// "replay:PATH" target. sent are the credentials the checks send, each under its
	// default name (see DefaultReplayCredentials): the replay should give a request's
	// credential that name, unless told other names, so that each credential gets the
	// answers recorded for it. If nil, replay targets are a usage error. A handler
	// with a Reset method (replay.Handler) is rewound before the cassette oracle's
	// first request.
	OpenReplay func(ctx context.Context, path string, sent []ReplayCredential) (http.Handler, error)

	// Cassettes are cassette files or directories whose recorded interactions are
	// re-sent to the target and compared (the cassette oracle, suites.DefineRecorded).
	// Empty adds no such checks.
	Cassettes []string
	// JobMap maps recorded job ids to the target's, for the cassette oracle.
	JobMap map[string]string
	// Include adds values the cassette oracle ignores by default.
	Include suites.Include

	// RunTimeout bounds the whole run: checks still running when it passes fail as
	// timed out, and the ones after them are not run. If zero, DefaultRunTimeout.
	RunTimeout time.Duration

	// Logger receives progress lines: the target checked, then, while the run lasts,
	// one line every ProgressInterval with how many checks are done. If nil, nothing
	// is logged.
	Logger *slog.Logger
	// ProgressInterval is how often a progress line is logged. If zero,
	// DefaultProgressInterval; a run shorter than it logs none.
	ProgressInterval time.Duration
}

// DefaultRunTimeout bounds a run unless Options.RunTimeout says otherwise: some 2,400
// requests at a live API's latency take minutes, not hours.
const DefaultRunTimeout = time.Hour

// DefaultProgressInterval is how often a long run logs how far it is.
const DefaultProgressInterval = 15 * time.Second

// ErrUsage is wrapped by every error of Run that is the caller's to fix: bad options,
// an unreachable target, credentials the target refuses.
var ErrUsage = errors.New("verify")

func usage(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUsage, fmt.Sprintf(format, args...))
}

// Run checks the target and writes the report to stdout and to the report files. It
// returns an error wrapping ErrUsage for a configuration error (nothing was checked),
// or another error if a report could not be written; otherwise the report says whether
// the target conforms. Run calls Ginkgo's RunSpecs, which may run once per process, so
// Run may be called once per process.
func Run(ctx context.Context, o Options, stdout io.Writer) (Report, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sc, err := o.suiteConfig()
	if err != nil {
		return Report{}, err
	}
	var recorded []*cassette.File
	if len(o.Cassettes) > 0 {
		if recorded, err = cassette.LoadPaths(o.Cassettes...); err != nil {
			return Report{}, fmt.Errorf("%w: --cassettes: %w", ErrUsage, err)
		}
		for _, f := range recorded {
			for _, w := range f.Warnings {
				log.Warn(w)
			}
		}
	}
	rt, err := o.resolve(ctx)
	if err != nil {
		return Report{}, redactErr(o.Policy(), err)
	}
	t, name := rt.target, rt.name
	defer rt.stop()
	pol := policyFor(t, o.Target)
	name = pol.Text(name)
	if t.Seed = o.Seed; t.Seed == 0 {
		t.Seed = suites.NewSeed()
	}
	if o.Examples < 0 {
		return Report{}, usage("--examples %d: want a positive number", o.Examples)
	}
	t.Examples = o.Examples
	if t.Examples == 0 {
		t.Examples = suites.DefaultExamples
	}
	log.Info("checking target", "target", name)
	if err := suites.Preflight(ctx, t); err != nil {
		return Report{}, redactErr(pol, fmt.Errorf("%w: %w", ErrUsage, err))
	}
	if err := suites.Define(t); err != nil {
		return Report{}, redactErr(pol, fmt.Errorf("%w: %w", ErrUsage, err))
	}
	if len(recorded) > 0 {
		rec := suites.Recorded{Files: recorded, JobMap: o.JobMap, Include: o.Include, Rewind: rt.rewind}
		if err := suites.DefineRecorded(t, rec); err != nil {
			return Report{}, fmt.Errorf("%w: %w", ErrUsage, err)
		}
	}
	var got types.Report
	ginkgo.ReportAfterSuite("noticeconf verify report", func(r ginkgo.Report) { got = r })
	prog := newProgress(log, o.ProgressInterval)
	ginkgo.ReportBeforeSuite(func(r ginkgo.Report) { prog.start(r.PreRunStats.SpecsThatWillRun) })
	ginkgo.ReportAfterEach(func(r types.SpecReport) { prog.done(r) })
	defer prog.stop()

	// Ginkgo writes its own progress to formatter.ColorableStdOut: the report below
	// replaces it unless the run is verbose.
	saved := formatter.ColorableStdOut
	formatter.ColorableStdOut = io.Discard
	verbose := &lineWriter{w: stdout, p: pol}
	if o.Verbose {
		formatter.ColorableStdOut = verbose
	}
	defer func() { formatter.ColorableStdOut = saved }()
	gomega.RegisterFailHandler(ginkgo.Fail)
	ginkgo.RunSpecs(&discardT{}, "noticeconf verify", sc, types.ReporterConfig{
		NoColor:      true,
		Verbose:      o.Verbose,
		SilenceSkips: !o.Verbose,
	})

	if err := verbose.Flush(); err != nil {
		return Report{}, fmt.Errorf("write verbose output: %w", err)
	}
	return o.outputs(pol, name, got, stdout, func(rep *Report) {
		rep.Seed, rep.Examples = t.Seed, t.Examples
		rep.Notes = append(t.Notes(), stoppedAnswering(rep.Checks)...)
	})
}

// discardT is the GinkgoTestingT of a run outside `go test`: the report, not t,
// carries the outcome.
type discardT struct{}

func (*discardT) Fail() {}

// suiteConfig checks the filters and builds Ginkgo's suite configuration.
func (o Options) suiteConfig() (types.SuiteConfig, error) {
	sc := types.NewDefaultSuiteConfig()
	if o.LabelFilter != "" {
		if _, err := types.ParseLabelFilter(o.LabelFilter); err != nil {
			return sc, usage("--label-filter %q: %v", o.LabelFilter, firstLineOf(err))
		}
	}
	for _, re := range append(append([]string{}, o.Focus...), o.Skip...) {
		if _, err := regexp.Compile(re); err != nil {
			return sc, usage("--focus/--skip %q: %v", re, err)
		}
	}
	sc.LabelFilter = o.LabelFilter
	sc.FocusStrings = o.Focus
	sc.SkipStrings = o.Skip
	sc.RandomSeed = 1 // the report lists checks in the same order on every run
	sc.Timeout = o.RunTimeout
	if sc.Timeout == 0 {
		sc.Timeout = DefaultRunTimeout
	}
	return sc, nil
}

func firstLineOf(err error) string { return firstLine(err.Error()) }

// resolved is a resolved target.
type resolved struct {
	target suites.Target
	// name is the target's display name, without credentials.
	name string
	// stop stops what was started for the target.
	stop func()
	// rewind, if not nil, rewinds a replay target's repeats.
	rewind func()
}

// resolve resolves o.Target.
func (o Options) resolve(ctx context.Context) (resolved, error) {
	var rewind func()
	t, name, stop, err := o.target(ctx, &rewind)
	return resolved{target: t, name: name, stop: stop, rewind: rewind}, err
}

// target resolves o.Target into a suites.Target, its display name, and a function that
// stops what was started for it. For a replay target, *rewind is set to its Reset.
func (o Options) target(ctx context.Context, rewind *func()) (suites.Target, string, func(), error) {
	timeout := o.RequestTimeout
	if timeout == 0 {
		timeout = suites.DefaultTimeout
	}
	t := suites.Target{
		Token:          o.Token,
		AK:             o.AK,
		SK:             o.SK,
		JobID:          o.JobID,
		MissingJobID:   o.MissingJobID,
		ForbiddenToken: o.ForbiddenToken,
		Client:         &http.Client{Timeout: timeout},
	}
	if (o.AK == "") != (o.SK == "") {
		return t, "", nil, usage("--ak and --sk go together")
	}
	fault := func(def bool) bool {
		if o.FaultInjection != nil {
			return *o.FaultInjection
		}
		return def
	}
	switch {
	case o.Target == "" || o.Target == TargetMock:
		cfg, err := mock.DefaultConfig()
		if err != nil {
			return t, "", nil, err
		}
		srv, err := mock.New(cfg)
		if err != nil {
			return t, "", nil, err
		}
		// The demo profile's credentials and jobs, unless given.
		if err := demoDefaults(&t); err != nil {
			return t, "", nil, err
		}
		t.FaultInjection = fault(true)
		base, stop, err := serveLocal("built-in reference mock", srv)
		if err != nil {
			return t, "", nil, err
		}
		t.URL = base
		return t, "built-in reference mock (" + base + ")", stop, nil
	case strings.HasPrefix(o.Target, ReplayPrefix):
		path := strings.TrimPrefix(o.Target, ReplayPrefix)
		if o.OpenReplay == nil {
			return t, "", nil, usage("--target %s: the replay server is not available in this build", o.Target)
		}
		if path == "" {
			return t, "", nil, usage("--target replay:PATH needs a cassette file or directory")
		}
		// The shipped cassettes were recorded with the demo profile: use it unless
		// told otherwise (the replay matches the kind of credentials and their names,
		// not their values).
		if err := demoDefaults(&t); err != nil {
			return t, "", nil, err
		}
		h, err := o.OpenReplay(ctx, path, DefaultReplayCredentials(t.Token, t.ForbiddenToken, t.AK, t.SK))
		if err != nil {
			return t, "", nil, fmt.Errorf("%w: --target %s: %w", ErrUsage, o.Target, err)
		}
		if r, ok := h.(interface{ Reset() }); ok {
			*rewind = r.Reset
		}
		if t.MissingJobID == "" {
			t.MissingJobID = ReplayMissingJobID
		}
		t.FaultInjection = fault(false)
		t.SkipGenerated = "a replay answers only the requests it recorded, and generated requests are new: run the generated checks against the server the cassettes were recorded from"
		base, stop, err := serveLocal("replay server", h)
		if err != nil {
			return t, "", nil, err
		}
		t.URL = base
		return t, "replay of " + filepath.Clean(path) + " (" + base + ")", stop, nil
	default:
		u, err := url.Parse(o.Target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return t, "", nil, usage("--target %q: want mock, replay:PATH or a URL such as http://127.0.0.1:8080", o.Target)
		}
		if err := needCredentials(t); err != nil {
			return t, "", nil, err
		}
		if t.JobID == "" {
			return t, "", nil, usage("--job-id (or NOTICECONF_JOB_ID) is required with a URL target: an existing job's id")
		}
		t.URL = o.Target
		t.FaultInjection = fault(false)
		shown := *u
		shown.User = nil // never show a password
		return t, redact.Default().URL(shown.String()), func() {}, nil
	}
}

// The names a replay target gives the credentials verify sends unless told others:
// the names `make cassettes` records the shipped cassettes' credentials under.
const (
	// ReplayTokenName names the valid X-Auth-Token.
	ReplayTokenName = "token"
	// ReplayForbiddenName names the token the target refuses with 403.
	ReplayForbiddenName = "forbidden"
	// ReplayAKName names the access key of AK/SK signing.
	ReplayAKName = "aksk"
)

// ReplayCredential is a credential verify sends, and the name a replay target gives
// it. Value and SecretKey are secrets: never show them.
type ReplayCredential struct {
	Name, Value string
	// SecretKey is the secret key of an access key Value, or "": with it, a replay
	// names only the requests whose signature verifies, as a recording given it did.
	SecretKey string
}

// DefaultReplayCredentials returns the credentials token, forbidden and ak (with its
// secret key sk, which may be empty) under ReplayTokenName, ReplayForbiddenName and
// ReplayAKName, leaving out an empty one and one whose value an earlier one already
// has (a value has one name). Every other credential the checks send (the invalid
// tokens, the tampered ones, a signature that does not verify with sk) stays unnamed,
// as it is in the shipped cassettes.
func DefaultReplayCredentials(token, forbidden, ak, sk string) []ReplayCredential {
	var out []ReplayCredential
	seen := map[string]bool{"": true}
	for _, c := range []ReplayCredential{{Name: ReplayTokenName, Value: token}, {Name: ReplayForbiddenName, Value: forbidden}, {Name: ReplayAKName, Value: ak, SecretKey: sk}} {
		if !seen[c.Value] {
			seen[c.Value] = true
			out = append(out, c)
		}
	}
	return out
}

// demoDefaults fills in the demo profile's credentials, job and forbidden token
// where t has none.
func demoDefaults(t *suites.Target) error {
	cfg, err := mock.DefaultConfig()
	if err != nil {
		return err
	}
	if t.Token == "" && t.AK == "" {
		t.Token, t.AK, t.SK = cfg.Tokens[0], cfg.Credentials[0].AK, cfg.Credentials[0].SK
	}
	if t.JobID == "" {
		t.JobID = cfg.JobIDs[0]
	}
	if t.ForbiddenToken == "" {
		t.ForbiddenToken = cfg.ForbiddenTokens[0]
	}
	return nil
}

func needCredentials(t suites.Target) error {
	if t.Token == "" && t.AK == "" {
		return usage("give credentials: --token (or NOTICECONF_TOKEN), or --ak and --sk (or NOTICECONF_AK, NOTICECONF_SK)")
	}
	return nil
}

// serveLocal serves h on a free loopback port until the returned stop is called.
func serveLocal(name string, h http.Handler) (string, func(), error) {
	l, err := serve.StartLoopback(name, h)
	if err != nil {
		return "", nil, err
	}
	return l.URL, func() { _ = l.Close() }, nil
}

// writeFiles writes the report files o asks for.
func (o Options) writeFiles(rep Report, r types.Report) error {
	if o.JUnitReport != "" {
		if err := writeFile(o.JUnitReport, func(w io.Writer) error { return writeJUnit(w, r) }); err != nil {
			return fmt.Errorf("JUnit %w", err)
		}
	}
	for _, f := range []struct {
		path  string
		write func(io.Writer) error
	}{
		{o.JSONReport, rep.WriteJSON},
		{o.MarkdownReport, rep.WriteMarkdown},
	} {
		if f.path == "" {
			continue
		}
		if err := writeFile(f.path, f.write); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes a report crash-safely (package atomicfile), so a reader never sees
// half a report. The file is ReportFileMode (0600) whatever the umask: a report shows
// requests and answers. A directory it creates honours the umask.
func writeFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := atomicfile.WriteFunc(path, ReportFileMode, write, atomicfile.ExactMode()); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// writeJUnit writes the JUnit report of r to w. Ginkgo writes it only to a file it
// names itself: one in a directory only the owner may enter, read back and removed.
func writeJUnit(w io.Writer, r types.Report) error {
	dir, err := os.MkdirTemp("", "noticeconf-junit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o700); err != nil { // whatever the umask
		return err
	}
	path := filepath.Join(dir, "junit.xml")
	if err := reporters.GenerateJUnitReportWithConfig(r, path, reporters.JunitReportConfig{
		OmitTimelinesForSpecState: types.SpecStatePassed | types.SpecStateSkipped | types.SpecStatePending,
		OmitCapturedStdOutErr:     true,
	}); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// ParseJobMap parses --job-map values, RECORDED=TARGET, into a map.
func ParseJobMap(pairs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, p := range pairs {
		from, to, ok := strings.Cut(p, "=")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if !ok || from == "" || to == "" {
			return nil, usage("--job-map %q: want RECORDED=TARGET, two job ids", p)
		}
		if old, dup := m[from]; dup && old != to {
			return nil, usage("--job-map: %s is mapped to both %s and %s", from, old, to)
		}
		m[from] = to
	}
	return m, nil
}

// IncludeNames are the names --include takes, each a value the cassette oracle
// ignores by default.
func IncludeNames() []string {
	return []string{"error-msg", "request-id", "x-request-id", "date", "result-job-ids", "all"}
}

// ParseInclude parses --include values (names of IncludeNames, also comma-separated).
func ParseInclude(names []string) (suites.Include, error) {
	var in suites.Include
	for _, v := range names {
		for _, n := range strings.Split(v, ",") {
			switch strings.TrimSpace(strings.ToLower(n)) {
			case "error-msg":
				in.ErrorMsg = true
			case "request-id":
				in.RequestID = true
			case "x-request-id":
				in.XRequestID = true
			case "date":
				in.Date = true
			case "result-job-ids":
				in.ResultJobIDs = true
			case "all":
				in = suites.Include{ErrorMsg: true, RequestID: true, XRequestID: true, Date: true, ResultJobIDs: true}
			case "":
			default:
				return in, usage("--include %q: want one of %s", n, strings.Join(IncludeNames(), ", "))
			}
		}
	}
	return in, nil
}
