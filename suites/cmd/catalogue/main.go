// Command catalogue lists every check of `noticeconf verify` from the spec tree
// itself: it registers the specs (suites.Define, and suites.DefineRecorded over one
// cassette for the cassette oracle's checks), walks them with a Ginkgo dry run, and
// writes one JSON array to stdout, a check per element, in the order they are written
// in the source:
//
//	go run ./suites/cmd/catalogue
//
// Each element has the check's name as verify reports it, its level, its source, its
// other labels, and where it is defined (the It, and the container it is in), paths
// relative to the module root. The cassette oracle registers its three checks once per
// recorded interaction: they are listed once each, named "recorded traffic: each
// interaction " and the check's own text, with recorded set.
//
// The catalogue suites/conformance.yaml is built from this list and the broken
// servers of suites/brokentest that prove each check can fail: `make catalogue`
// writes it, and the tests of suites/brokentest fail when it is stale.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites"
)

// RecordedPrefix starts the name of each of the cassette oracle's checks.
const RecordedPrefix = "recorded traffic: each interaction "

// Check is one check of the spec tree.
type Check struct {
	// Name is the check's name as `noticeconf verify` reports it; for a check of the
	// cassette oracle, RecordedPrefix and Leaf.
	Name string `json:"name"`
	// Leaf is the It's own text.
	Leaf string `json:"leaf"`
	// Recorded reports whether the check is the cassette oracle's, run once per
	// recorded interaction; verify names each run after its cassette and interaction,
	// ending with Leaf.
	Recorded bool   `json:"recorded"`
	Level    string `json:"level"`
	Source   string `json:"source"`
	// Labels are the check's labels other than its level and its source.
	Labels []string `json:"labels"`
	// At is where the It is, "suites/update.go:123"; Within is where its innermost
	// container is (for checks a loop registers, the line of the case).
	At     string `json:"at"`
	Within string `json:"within"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("catalogue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	recorded := fs.String("cassette", "cassettes/seed-example.yaml", "a cassette whose interactions register the cassette oracle's checks")
	root := fs.String("root", "", "the module root paths are shown relative to (default: the directory of the go.mod above the working directory)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "catalogue: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	checks, err := list(*recorded, *root)
	if err != nil {
		fmt.Fprintf(stderr, "catalogue: %v\n", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(checks); err != nil {
		fmt.Fprintf(stderr, "catalogue: %v\n", err)
		return 1
	}
	return 0
}

// list registers the spec tree and lists its checks. It calls Ginkgo's RunSpecs, so
// it may be called once per process.
func list(cassettePath, root string) ([]Check, error) {
	if root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		if root, err = moduleRoot(wd); err != nil {
			return nil, err
		}
	}
	files, err := cassette.LoadPaths(cassettePath)
	if err != nil {
		return nil, fmt.Errorf("-cassette: %w", err)
	}
	// A target that is never contacted: a dry run sends nothing.
	t := suites.Target{
		URL:            "http://127.0.0.1:9",
		Token:          "dry-run",
		AK:             "dry-run",
		SK:             "dry-run",
		JobID:          suites.RandomJobID(),
		ForbiddenToken: "dry-run-forbidden",
		FaultInjection: true,
	}
	if err := suites.Define(t); err != nil {
		return nil, err
	}
	if err := suites.DefineRecorded(t, suites.Recorded{Files: files}); err != nil {
		return nil, err
	}
	var got types.Report
	ginkgo.ReportAfterSuite("catalogue", func(r ginkgo.Report) { got = r })
	sc := types.NewDefaultSuiteConfig()
	sc.DryRun = true
	sc.RandomSeed = 1 // the order verify runs and reports them
	saved := formatter.ColorableStdOut
	formatter.ColorableStdOut = io.Discard
	defer func() { formatter.ColorableStdOut = saved }()
	ginkgo.RunSpecs(&discardT{}, "catalogue", sc, types.ReporterConfig{NoColor: true, SilenceSkips: true})
	if len(got.SpecReports) == 0 {
		return nil, errors.New("the dry run reported no spec")
	}
	return fromReport(got, root)
}

// fromReport lists the checks of a dry run's report, named as verify names them.
func fromReport(r types.Report, root string) ([]Check, error) {
	var its types.SpecReports
	for _, s := range r.SpecReports {
		if s.LeafNodeType == types.NodeTypeIt {
			its = append(its, s)
		}
	}
	named := verify.FromGinkgo("", types.Report{SpecReports: its}).Checks
	if len(named) != len(its) {
		return nil, fmt.Errorf("verify reports %d checks of %d specs", len(named), len(its))
	}
	var out []Check
	seen := map[string]bool{}
	for i, s := range its {
		c := Check{
			Name:   named[i].Name,
			Leaf:   s.LeafNodeText,
			Level:  string(named[i].Level),
			Source: string(named[i].Source),
			At:     where(s.LeafNodeLocation, root),
		}
		if n := len(s.ContainerHierarchyLocations); n > 0 {
			c.Within = where(s.ContainerHierarchyLocations[n-1], root)
		}
		for _, l := range s.Labels() {
			if l == c.Level || strings.HasPrefix(l, "source:") {
				continue
			}
			c.Labels = append(c.Labels, l)
		}
		if slices.Contains(s.Labels(), suites.LabelCassette) {
			c.Recorded = true
			c.Name = RecordedPrefix + s.LeafNodeText
			c.Within = where(s.ContainerHierarchyLocations[0], root)
		}
		if seen[c.Name] {
			if c.Recorded {
				continue // the same check, for another interaction
			}
			return nil, fmt.Errorf("two checks are named %q (%s and another): names must be unique", c.Name, c.At)
		}
		seen[c.Name] = true
		out = append(out, c)
	}
	// Source order: a new check shows in the catalogue where it is written.
	slices.SortStableFunc(out, func(a, b Check) int {
		if c := compareWhere(a.Within, b.Within); c != 0 {
			return c
		}
		return compareWhere(a.At, b.At)
	})
	return out, nil
}

// compareWhere orders "path:line" locations by path, then line.
func compareWhere(a, b string) int {
	ap, al := splitWhere(a)
	bp, bl := splitWhere(b)
	if c := strings.Compare(ap, bp); c != 0 {
		return c
	}
	return al - bl
}

func splitWhere(w string) (string, int) {
	i := strings.LastIndexByte(w, ':')
	if i < 0 {
		return w, 0
	}
	n, _ := strconv.Atoi(w[i+1:])
	return w[:i], n
}

// where shows a code location as "path:line", the path relative to root.
func where(l types.CodeLocation, root string) string {
	path := l.FileName
	if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
		path = filepath.ToSlash(rel)
	}
	return path + ":" + strconv.Itoa(l.LineNumber)
}

// moduleRoot returns the directory of the first go.mod at or above dir.
func moduleRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod at or above %s: run from inside the module or give -root", dir)
		}
	}
}

// discardT is the GinkgoTestingT of a dry run outside `go test`.
type discardT struct{}

func (*discardT) Fail() {}
