package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/internal/benchmarks/verdict"
)

// bench is a synthetic run: a benchmark's name and unit to the centre its counts are
// spread around.
type bench map[string]map[string]float64

// passing returns a run in which every target is met by a wide margin.
func passing() bench {
	b := bench{}
	set := func(name string, units map[string]float64) { b[name] = units }
	for _, c := range []int{1, 32} {
		for path, p50 := range map[string]float64{"direct": 30e3, "reverseproxy": 70e3, "govcr": 130e3, "noticeconf": 75e3} {
			set(fmt.Sprintf("BenchmarkProxy/%s/c=%d", path, c), map[string]float64{
				"ns/op": p50 * 1.2, "p50-ns": p50, "p99-ns": p50 * 3, "req/s": 1e9 / p50,
			})
		}
	}
	for _, n := range []int{10, 1_000, 10_000, 100_000} {
		set(fmt.Sprintf("BenchmarkReplay/server=noticeconf/n=%d", n), map[string]float64{"ns/op": 5e3})
		set(fmt.Sprintf("BenchmarkReplay/server=noticeconf-parallel/n=%d", n), map[string]float64{"ns/op": 3e3})
		if n <= 10_000 {
			set(fmt.Sprintf("BenchmarkReplay/server=govcr/n=%d", n), map[string]float64{"ns/op": 100 * float64(n)})
		}
	}
	for w, at := range map[string][2]float64{"noticeconf": {10e3, 11e3}, "noticeconf-fsync": {1e6, 1e6}, "govcr": {1e6, 1e8}} {
		set("BenchmarkPersist/writer="+w+"/existing=100", map[string]float64{"ns/op": at[0]})
		set("BenchmarkPersist/writer="+w+"/existing=10000", map[string]float64{"ns/op": at[1]})
	}
	set("BenchmarkLoad10k/loader=noticeconf", map[string]float64{"ns/op": 1e8})
	set("BenchmarkLoad10k/loader=govcr", map[string]float64{"ns/op": 5e8})
	set("BenchmarkVerify", map[string]float64{"ns/op": 1e9})
	return b
}

// spread is how the counts of a benchmark scatter around its centre: within 1%.
var spread = []float64{0.99, 0.995, 1, 1, 1.005, 1.01}

// text writes b as go test -bench prints counts runs of it, each value scattered by
// spread, unless values gives a benchmark's values in a unit outright.
func (b bench) text(counts int, values map[string]map[string][]float64) string {
	var s strings.Builder
	s.WriteString("goos: linux\ngoarch: amd64\npkg: github.com/noticeconf/noticeconf/internal/benchmarks\ncpu: test\n")
	for k := range counts {
		for _, name := range slices.Sorted(maps.Keys(b)) {
			fmt.Fprintf(&s, "%s-2 \t 1000", name)
			for _, unit := range slices.Sorted(maps.Keys(b[name])) {
				v := b[name][unit] * spread[k%len(spread)]
				if vs := values[name][unit]; vs != nil {
					v = vs[k%len(vs)]
				}
				fmt.Fprintf(&s, " \t %g %s", v, unit)
			}
			s.WriteString("\n")
		}
	}
	s.WriteString("PASS\nok  \tgithub.com/noticeconf/noticeconf/internal/benchmarks\t1.0s\n")
	return s.String()
}

// runReport runs benchreport on text and returns the document.
func runReport(t *testing.T, text string) string {
	t.Helper()
	doc, err := reportErr(t, text)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func reportErr(t *testing.T, text string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "bench.txt"), filepath.Join(dir, "benchmarks.md")
	if err := os.WriteFile(in, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := write(in, "", out); err != nil {
		return "", err
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(doc), nil
}

// targetRow is a target's row of the report's Targets table: what was measured and
// the verdict.
type targetRow struct{ measured, verdict string }

// targetRows returns the rows of the Targets table by target.
func targetRows(t *testing.T, doc string) map[string]targetRow {
	t.Helper()
	_, table, ok := strings.Cut(doc, "## Targets\n")
	if !ok {
		t.Fatalf("no Targets section in:\n%s", doc)
	}
	rows := map[string]targetRow{}
	for line := range strings.SplitSeq(table, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 3 || cells[0] == "Target" || strings.HasPrefix(cells[0], "---") {
			continue
		}
		rows[cells[0]] = targetRow{measured: cells[1], verdict: cells[2]}
	}
	if len(rows) == 0 {
		t.Fatalf("no target rows in:\n%s", table)
	}
	return rows
}

const p50Target = "Record mode p50 within 1.2x of the bare ReverseProxy (1 client)"

func TestEveryTargetMetWhenEveryRangeMeetsIt(t *testing.T) {
	for what, row := range targetRows(t, runReport(t, passing().text(6, nil))) {
		if row.verdict != string(verdict.Met) {
			t.Errorf("%s: verdict %q (measured %s), want %q", what, row.verdict, row.measured, verdict.Met)
		}
	}
}

func TestTargetNotMetWhenTheWholeRangeMissesIt(t *testing.T) {
	b := passing()
	b["BenchmarkProxy/noticeconf/c=1"]["p50-ns"] = 2 * b["BenchmarkProxy/reverseproxy/c=1"]["p50-ns"]
	rows := targetRows(t, runReport(t, b.text(6, nil)))
	got := rows[p50Target]
	if got.verdict != string(verdict.NotMet) || !strings.HasPrefix(got.measured, "2.00x [") {
		t.Errorf("%s: got %q, %q; want %q, measured 2.00x with its range", p50Target, got.measured, got.verdict, verdict.NotMet)
	}
	if other := rows["Record mode p50 within 1.2x of the bare ReverseProxy (32 clients)"]; other.verdict != string(verdict.Met) {
		t.Errorf("32 clients: verdict %q, want %q: only one client's p50 changed", other.verdict, verdict.Met)
	}
}

func TestAtLeastTargetNotMetWhenTheWholeRangeFallsShort(t *testing.T) {
	b := passing()
	b["BenchmarkProxy/noticeconf/c=32"]["req/s"] = 0.5 * b["BenchmarkProxy/reverseproxy/c=32"]["req/s"]
	const what = "Record mode throughput at least 80% of the bare ReverseProxy (32 clients)"
	got := targetRows(t, runReport(t, b.text(6, nil)))[what]
	if got.verdict != string(verdict.NotMet) || !strings.HasPrefix(got.measured, "50% [") {
		t.Errorf("%s: got %q, %q; want %q, measured 50%% with its range", what, got.measured, got.verdict, verdict.NotMet)
	}
}

func TestTargetInconclusiveWhenTheRangeTakesInTheBound(t *testing.T) {
	// The median is 1.2x the baseline's, but the counts scatter from 1.0x to 1.36x.
	values := map[string]map[string][]float64{"BenchmarkProxy/noticeconf/c=1": {"p50-ns": {70e3, 95e3, 84e3, 75e3, 84e3, 90e3}}}
	b := passing()
	got := targetRows(t, runReport(t, b.text(6, values)))[p50Target]
	if got.verdict != string(verdict.Inconclusive) {
		t.Errorf("%s: got %q, %q; want %q", p50Target, got.measured, got.verdict, verdict.Inconclusive)
	}
}

func TestEveryTargetInconclusiveWithTooFewRuns(t *testing.T) {
	for what, row := range targetRows(t, runReport(t, passing().text(2, nil))) {
		if row.verdict != string(verdict.Inconclusive) {
			t.Errorf("%s: verdict %q (measured %s) from 2 runs, want %q", what, row.verdict, row.measured, verdict.Inconclusive)
		}
	}
}

func TestMissingBenchmarkIsAnError(t *testing.T) {
	b := passing()
	delete(b, "BenchmarkReplay/server=govcr/n=10000")
	_, err := reportErr(t, b.text(6, nil))
	if err == nil || !strings.Contains(err.Error(), "BenchmarkReplay/server=govcr/n=10000 ns/op") {
		t.Fatalf("err = %v, want it to name the missing BenchmarkReplay/server=govcr/n=10000 ns/op", err)
	}
}

func TestMalformedResultIsAnErrorNamingItsLine(t *testing.T) {
	text := passing().text(6, nil) + "BenchmarkVerify-2 \t 1 \t fast ns/op\n"
	line := strings.Count(text, "\n")
	_, err := reportErr(t, text)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("bench.txt:%d:", line)) {
		t.Fatalf("err = %v, want it to give bench.txt:%d", err, line)
	}
}
