package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/noticeconf/noticeconf/internal/benchmarks/httpbench"
)

// bounds are the ratio targets' bounds, in the Targets table's order, as the table
// states them.
var bounds = []struct {
	label  string // how the target's name states the bound
	bound  float64
	atMost bool
}{
	{"at least 0.8x", 0.8, false},
	{"at least 10x", 10, false},
	{"within 1.2x", 1.2, true},
	{"within 1.2x", 1.2, true},
	{"at most 1.15x", 1.15, true},
	{"at least 0.9x", 0.9, false},
}

// scatter is how the rounds of a synthetic run stray around a ratio: within 5%,
// median 1.
var scatter = []float64{0.95, 1.02, 0.98, 1.05, 1, 0.97, 1.03, 1}

// clearing returns rounds of a ratio that meets bounds[i] by a wide margin (30%) in
// every round.
func clearing(i, rounds int) []float64 {
	f := 1.3
	if bounds[i].atMost {
		f = 1 / f
	}
	return around(f*bounds[i].bound, rounds)
}

// missing returns rounds of a ratio that misses bounds[i] by a wide margin (30%) in
// every round.
func missing(i, rounds int) []float64 {
	f := 0.7
	if bounds[i].atMost {
		f = 1 / f
	}
	return around(f*bounds[i].bound, rounds)
}

func around(x float64, rounds int) []float64 {
	xs := make([]float64, rounds)
	for k := range xs {
		xs[k] = x * scatter[k%len(scatter)]
	}
	return xs
}

// synthetic is a report of len(ratios[0]) rounds in which, in round k, the i-th
// ratio target measures ratios[i][k], and the 100k replay server holds rss bytes for
// a cassette of size bytes.
func synthetic(t *testing.T, ratios [][]float64, rss, size int64) *report {
	t.Helper()
	if len(ratios) != len(bounds) {
		t.Fatalf("%d ratios for %d targets", len(ratios), len(bounds))
	}
	n := len(ratios[0])
	r := &report{cfg: config{conns: []int{1, 32}, rounds: n, warmup: 500 * time.Millisecond, duration: 2 * time.Second},
		results: map[string]map[int][]httpbench.LoadResult{}, sizes: map[int]int64{replaySizes[len(replaySizes)-1]: size}, rss: rss}
	small, mid, big := replayKey(replaySizes[0]), replayKey(wireMockSize), replayKey(replaySizes[len(replaySizes)-1])
	for k := range n {
		// Throughput at 32 connections, p50 at 1: each target's figure is its
		// ratio times its baseline's.
		rps := map[string]float64{
			keyCeiling: 1000, mid: 1000 * ratios[0][k], keyWireMock: 1000 * ratios[0][k] / ratios[1][k],
			big: 1000, small: 1000 * ratios[2][k], keyReverseProxy: 1000, keyRecord: 1000 * ratios[5][k],
		}
		p50 := map[string]float64{small: 100, big: 100 * ratios[3][k], keyReverseProxy: 100, keyRecord: 100 * ratios[4][k]}
		for _, key := range []string{keyCeiling, small, mid, big, keyWireMock, keyReverseProxy, keyRecord} {
			r.add(key, 1, httpbench.LoadResult{Summary: httpbench.Summary{ReqPerSec: rps[key], P50: p50[key]}})
			r.add(key, 32, httpbench.LoadResult{Summary: httpbench.Summary{ReqPerSec: rps[key], P50: p50[key]}})
		}
	}
	return r
}

// tableRow is a row of the report's Targets table as written.
type tableRow struct{ name, measured, verdict string }

// targetTable returns the rows of the Targets table of r's report, in order.
func targetTable(t *testing.T, r *report) []tableRow {
	t.Helper()
	md := string(r.markdown())
	_, table, ok := strings.Cut(md, "## Targets\n")
	if !ok {
		t.Fatalf("no Targets section in:\n%s", md)
	}
	var rows []tableRow
	for line := range strings.SplitSeq(table, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 3 || cells[0] == "Target" {
			continue
		}
		rows = append(rows, tableRow{cells[0], cells[1], cells[2]})
	}
	if len(rows) != len(bounds)+1 {
		t.Fatalf("%d target rows, want %d ratio targets and the memory target:\n%s", len(rows), len(bounds), table)
	}
	for i, b := range bounds {
		if !strings.Contains(rows[i].name, b.label) {
			t.Fatalf("target %d is %q, want the one %s", i, rows[i].name, b.label)
		}
	}
	return rows
}

func TestTargetMetWhenTheWholeIntervalMeetsIt(t *testing.T) {
	ratios := make([][]float64, len(bounds))
	for i := range bounds {
		ratios[i] = clearing(i, 8)
	}
	for i, row := range targetTable(t, synthetic(t, ratios, 150, 100))[:len(bounds)] {
		if row.verdict != "met" {
			t.Errorf("%s: %s, %s; want met: every round's ratio clears the bound by 30%%", row.name, row.measured, row.verdict)
		}
		// The rounds scatter around 1.3 (or 1/1.3) times the bound, median 1.
		want := clearing(i, 1)[0] / scatter[0]
		if !strings.HasPrefix(row.measured, times(want)+" [") || strings.Contains(row.measured, "∞") {
			t.Errorf("%s: measured %s, want the median %s and a bounded interval", row.name, row.measured, times(want))
		}
	}
}

func TestTargetNotMetWhenTheWholeIntervalMissesIt(t *testing.T) {
	for miss := range bounds {
		ratios := make([][]float64, len(bounds))
		for i := range bounds {
			ratios[i] = clearing(i, 8)
		}
		ratios[miss] = missing(miss, 8)
		for i, row := range targetTable(t, synthetic(t, ratios, 150, 100))[:len(bounds)] {
			want := "met"
			if i == miss {
				want = "**not met**"
			}
			if row.verdict != want {
				t.Errorf("target %d missing its bound in every round: %s: %s, %s; want %s", miss, row.name, row.measured, row.verdict, want)
			}
		}
	}
}

func TestTargetInconclusiveWhenTheIntervalTakesInTheBound(t *testing.T) {
	ratios := make([][]float64, len(bounds))
	for i := range bounds {
		ratios[i] = clearing(i, 8)
	}
	// Medians on the right side of the bound (0.86 >= 0.8, 1.10 <= 1.15), but the
	// rounds stray across it.
	ratios[0] = []float64{0.75, 0.85, 0.9, 0.82, 0.88, 0.86, 0.84, 0.87}
	ratios[4] = []float64{1.05, 1.1, 1.2, 1.08, 1.18, 1.1, 1.09, 1.11}
	rows := targetTable(t, synthetic(t, ratios, 150, 100))
	for i, row := range rows[:len(bounds)] {
		want := "met"
		if i == 0 || i == 4 {
			want = "inconclusive"
		}
		if row.verdict != want {
			t.Errorf("%s: %s, %s; want %s", row.name, row.measured, row.verdict, want)
		}
	}
}

func TestRatioTargetsInconclusiveWithFewerThanSixRounds(t *testing.T) {
	for n := 1; n <= 6; n++ {
		ratios := make([][]float64, len(bounds))
		for i := range bounds {
			ratios[i] = clearing(i, n)
		}
		want := "inconclusive"
		if n == 6 {
			want = "met"
		}
		rows := targetTable(t, synthetic(t, ratios, 150, 100))
		for _, row := range rows[:len(bounds)] {
			if row.verdict != want {
				t.Errorf("%d round(s), every one clearing the bound: %s: %s, %s; want %s", n, row.name, row.measured, row.verdict, want)
			}
		}
		if mem := rows[len(bounds)]; mem.verdict != "met" {
			t.Errorf("%d round(s): %s: %s, %s; want met: one measurement, compared directly", n, mem.name, mem.measured, mem.verdict)
		}
	}
}

func TestMemoryTargetIsAPlainComparison(t *testing.T) {
	for _, c := range []struct {
		rss, size int64
		measured  string
		verdict   string
	}{
		{150 << 20, 100 << 20, "150.0 MiB for 100.0 MiB: 1.50x (one measurement)", "met"},
		{200 << 20, 100 << 20, "200.0 MiB for 100.0 MiB: 2.00x (one measurement)", "met"},
		{201 << 20, 100 << 20, "201.0 MiB for 100.0 MiB: 2.01x (one measurement)", "**not met**"},
	} {
		ratios := make([][]float64, len(bounds))
		for i := range bounds {
			ratios[i] = clearing(i, 8)
		}
		mem := targetTable(t, synthetic(t, ratios, c.rss, c.size))[len(bounds)]
		if mem.measured != c.measured || mem.verdict != c.verdict {
			t.Errorf("%s: %s, %s; want %s, %s", mem.name, mem.measured, mem.verdict, c.measured, c.verdict)
		}
	}
}

func TestPairedRatiosPairRounds(t *testing.T) {
	r := &report{results: map[string]map[int][]httpbench.LoadResult{}}
	for _, x := range []struct {
		key string
		rps float64
	}{{"a", 100}, {"b", 100}, {"a", 300}, {"b", 50}, {"a", 200}, {"b", 0}, {"a", 200}, {"b", 100}} {
		r.add(x.key, 32, httpbench.LoadResult{Summary: httpbench.Summary{ReqPerSec: x.rps}})
	}
	// Rounds: 100/100, 300/50, 200/0 (no ratio), 200/100.
	got := fmt.Sprint(r.pairedRatios("a", "b", 32, reqPerSec))
	if want := "[1 6 2]"; got != want {
		t.Errorf("pairedRatios = %s, want %s: each round's figures paired, a round without a baseline left out", got, want)
	}
}

func TestDefaultRoundsBoundEveryInterval(t *testing.T) {
	ratios := make([][]float64, len(bounds))
	for i := range bounds {
		ratios[i] = clearing(i, defaultRounds)
	}
	for _, row := range targetTable(t, synthetic(t, ratios, 150, 100))[:len(bounds)] {
		if strings.Contains(row.measured, "∞") || row.verdict != "met" {
			t.Errorf("%d rounds (the default): %s: %s, %s; want a bounded interval, met", defaultRounds, row.name, row.measured, row.verdict)
		}
	}
}
