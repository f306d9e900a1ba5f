package httpbench

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var xs []time.Duration
	for i := 1; i <= 200; i++ {
		xs = append(xs, time.Duration(i)*time.Microsecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{
		{50, 100 * time.Microsecond},
		{99, 198 * time.Microsecond},
		{99.9, 200 * time.Microsecond},
		{100, 200 * time.Microsecond},
		{0.1, 1 * time.Microsecond},
	} {
		if got := Percentile(xs, tc.p); got != tc.want {
			t.Errorf("Percentile(1..200µs, %v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if got := Percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("Percentile of one value = %v, want that value", got)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile of none = %v, want 0", got)
	}
}

func TestSummarizeSortsAndCounts(t *testing.T) {
	xs := make([]time.Duration, 0, 1000)
	for i := 1; i <= 1000; i++ {
		xs = append(xs, time.Duration(i)*time.Millisecond)
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	s := Summarize(xs, 4*time.Second)
	if s.Requests != 1000 || s.ReqPerSec != 250 {
		t.Errorf("Summarize: %d requests at %v/s, want 1000 at 250/s", s.Requests, s.ReqPerSec)
	}
	if s.P50 != 500_000 || s.P99 != 990_000 || s.Max != 1_000_000 {
		t.Errorf("Summarize: p50 %vµs p99 %vµs max %vµs, want 500000, 990000, 1000000", s.P50, s.P99, s.Max)
	}
}

func TestMedian(t *testing.T) {
	in := []float64{5, 1, 3}
	if got := Median(in); got != 3 {
		t.Errorf("Median(5, 1, 3) = %v, want 3", got)
	}
	if in[0] != 5 {
		t.Errorf("Median changed its input: %v", in)
	}
	if got := Median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("Median(4, 1, 3, 2) = %v, want 2.5", got)
	}
	if got := Median(nil); got != 0 {
		t.Errorf("Median() = %v, want 0", got)
	}
}
