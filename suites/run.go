package suites

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	redactpkg "github.com/noticeconf/noticeconf/internal/redact"
	"github.com/noticeconf/noticeconf/internal/serve"
)

// An Option adds to what Run checks.
type Option func(*runConfig)

type runConfig struct {
	recorded    *Recorded
	labelFilter string
}

// WithRecorded runs the cassette oracle too: every recorded request of rec is sent
// again to the target and the answer compared with the recorded one (label
// LabelCassette), and the recorded answers are checked against the contract.
func WithRecorded(rec Recorded) Option {
	return func(c *runConfig) { c.recorded = &rec }
}

// WithLabelFilter selects checks by label with Ginkgo's label filter syntax, as
// `noticeconf verify --label-filter` does: "MUST && !stateful", "cassette",
// "!generated". If not given, every check runs.
func WithLabelFilter(filter string) Option {
	return func(c *runConfig) { c.labelFilter = filter }
}

// ran reports whether Run has run in this process: Ginkgo runs one suite per
// process, so a second Run is refused with a clear message instead of Ginkgo's exit.
var ran atomic.Bool

// Run checks target against the contract from a plain test, as `noticeconf verify`
// does: a failed MUST check is a test failure (t.Errorf, with the request sent, the
// answer got, the rule and its source), a failed SHOULD check is logged as a warning
// (t.Logf), and a check the target cannot support is logged as skipped with the
// reason. Credentials never appear in what it logs.
//
// If target.URL is empty, target.Handler is served on a loopback port for the run.
// Run draws target.Seed when it is zero and logs it, so that a failing run can be
// repeated with the same requests.
//
// Run runs the checks as Ginkgo specs, and Ginkgo runs one suite per process: call Run
// once per test binary, and not from a package whose tests call Ginkgo's RunSpecs.
// A second call fails t.
func Run(t testing.TB, target Target, opts ...Option) {
	t.Helper()
	var cfg runConfig
	for _, o := range opts {
		o(&cfg)
	}
	if !ran.CompareAndSwap(false, true) {
		t.Fatal("suites.Run: Ginkgo runs one suite per process, and it has run: call Run once per test binary")
		return
	}
	if target.URL == "" {
		if target.Handler == nil {
			t.Fatal("suites.Run: the target needs a URL or a Handler")
			return
		}
		srv, err := serve.StartLoopback("target server", target.Handler)
		if err != nil {
			t.Fatalf("suites.Run: %v", err)
			return
		}
		defer func() {
			if err := srv.Close(); err != nil {
				t.Errorf("suites.Run: %v", err)
			}
		}()
		target.URL = srv.URL
	}
	pol, err := redactpkg.New(redactpkg.Config{
		Secrets: []string{target.Token, target.AK, target.SK, target.ForbiddenToken},
		URLs:    []string{target.URL},
	})
	if err != nil {
		pol = redactpkg.Default()
	}
	text := func(s string) string { return redactpkg.Printable(pol.Text(s)) }
	if target.Seed == 0 {
		target.Seed = NewSeed()
	}
	if target.Examples == 0 {
		target.Examples = DefaultExamples
	}
	if cfg.labelFilter != "" {
		if _, err := types.ParseLabelFilter(cfg.labelFilter); err != nil {
			t.Fatalf("suites.Run: label filter %q: %v", cfg.labelFilter, err)
			return
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	err = Preflight(ctx, target)
	cancel()
	if err != nil {
		t.Fatalf("suites.Run: %s", text(err.Error()))
		return
	}
	if err := Define(target); err != nil {
		t.Fatalf("suites.Run: %s", text(err.Error()))
		return
	}
	if cfg.recorded != nil {
		if err := DefineRecorded(target, *cfg.recorded); err != nil {
			t.Fatalf("suites.Run: recorded traffic: %s", text(err.Error()))
			return
		}
	}
	var report types.Report
	ginkgo.ReportAfterSuite("suites.Run report", func(r ginkgo.Report) { report = r })
	sc := types.NewDefaultSuiteConfig()
	sc.LabelFilter = cfg.labelFilter
	sc.RandomSeed = 1
	sc.Timeout = 10 * time.Minute
	saved := formatter.ColorableStdOut
	formatter.ColorableStdOut = io.Discard
	defer func() { formatter.ColorableStdOut = saved }()
	gomega.RegisterFailHandler(ginkgo.Fail)
	ginkgo.RunSpecs(discardT{}, "suites.Run", sc, types.ReporterConfig{NoColor: true, SilenceSkips: true})

	t.Logf("seed: %d, %d examples per generated check (Target.Seed repeats this run)", target.Seed, target.Examples)
	var passed, failed, warned, skipped int
	for _, s := range report.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		name := checkName(s)
		level, _, ok := RuleOf(s.Labels())
		if !ok {
			level = Must
		}
		msg := text(strings.TrimSpace(s.Failure.Message))
		switch {
		case s.State == types.SpecStatePassed:
			passed++
		case s.State == types.SpecStateSkipped || s.State == types.SpecStatePending:
			skipped++
			if msg != "" {
				t.Logf("SKIP %s: %s", name, firstLine(msg))
			}
		case level == Should:
			warned++
			t.Logf("WARN SHOULD: %s\n%s", name, msg)
		default:
			failed++
			if msg == "" {
				msg = s.State.String()
			}
			t.Errorf("FAIL MUST: %s\n%s", name, msg)
		}
	}
	t.Logf("%d checks: %d passed, %d failed, %d warnings, %d skipped", passed+failed+warned+skipped, passed, failed, warned, skipped)
}

// checkName is the name verify's report gives the check of s: its containers (but
// the endpoint's, the same for every check) and its text.
func checkName(s types.SpecReport) string {
	texts := s.ContainerHierarchyTexts
	if len(texts) > 0 {
		texts = texts[1:]
	}
	return strings.Join(append(append([]string{}, texts...), s.LeafNodeText), " ")
}

// discardT is the GinkgoTestingT of Run: the report, not Ginkgo, tells t the outcome.
type discardT struct{}

func (discardT) Fail() {}
