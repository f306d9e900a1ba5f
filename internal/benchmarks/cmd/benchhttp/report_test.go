package main

import (
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/internal/benchmarks/httpbench"
)

// fakeReport is a report of one round in which every target answered reqs requests
// per second with a p50 of p50 microseconds, at both connection counts.
func fakeReport(reqs, p50 map[string]float64, rss, size int64) *report {
	r := &report{cfg: config{conns: []int{1, 32}, rounds: 1}, results: map[string]map[int][]httpbench.LoadResult{},
		sizes: map[int]int64{replaySizes[len(replaySizes)-1]: size}, rss: rss}
	for k, v := range reqs {
		for _, c := range []int{1, 32} {
			r.add(k, c, httpbench.LoadResult{Summary: httpbench.Summary{ReqPerSec: v, P50: p50[k]}})
		}
	}
	return r
}

func TestVerdicts(t *testing.T) {
	reqs := map[string]float64{
		keyCeiling: 1000, replayKey(10): 900, replayKey(1_000): 850, replayKey(100_000): 800, keyWireMock: 50,
		keyReverseProxy: 500, keyRecord: 400,
	}
	p50 := map[string]float64{replayKey(10): 100, replayKey(100_000): 130, keyReverseProxy: 200, keyRecord: 220}
	r := fakeReport(reqs, p50, 300, 100)
	want := []struct {
		measured string
		met      bool
	}{
		{"0.85x", true},  // 850 / 1000 >= 0.8
		{"17.00x", true}, // 850 / 50 >= 10
		{"1.12x", true},  // 900 / 800 <= 1.2
		{"1.30x", false}, // 130 / 100 > 1.2
		{"1.10x", true},  // 220 / 200 <= 1.15
		{"0.80x", false}, // 400 / 500 < 0.9
		{"0.0 MiB for 0.0 MiB: 3.00x", false},
	}
	got := r.verdicts()
	if len(got) != len(want) {
		t.Fatalf("%d verdicts, want %d", len(got), len(want))
	}
	for i, v := range got {
		if v.measured != want[i].measured || v.met != want[i].met {
			t.Errorf("%s: measured %s, met %v; want %s, %v", v.name, v.measured, v.met, want[i].measured, want[i].met)
		}
	}
	md := string(r.markdown())
	if n := strings.Count(md, "| **not met** |"); n != 3 {
		t.Errorf("the report shows %d targets not met, want 3:\n%s", n, md)
	}
}

func TestPairedRatioPairsRounds(t *testing.T) {
	r := &report{results: map[string]map[int][]httpbench.LoadResult{}}
	for _, x := range []struct {
		key string
		rps float64
	}{{"a", 100}, {"b", 100}, {"a", 300}, {"b", 50}, {"a", 200}, {"b", 100}} {
		r.add(x.key, 32, httpbench.LoadResult{Summary: httpbench.Summary{ReqPerSec: x.rps}})
	}
	// Rounds: 100/100, 300/50, 200/100: ratios 1, 6 and 2.
	med, lo, hi := r.pairedRatio("a", "b", 32, reqPerSec)
	if med != 2 || lo != 1 || hi != 6 {
		t.Errorf("pairedRatio = %v (%v to %v), want 2 (1 to 6): each round's figures paired", med, lo, hi)
	}
}
