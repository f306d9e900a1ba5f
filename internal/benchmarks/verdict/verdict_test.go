package verdict

import (
	"math"
	"slices"
	"testing"
)

func TestJudge(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		name string
		iv   Interval
		g    Goal
		want Verdict
	}{
		{"at most, whole interval below", Interval{1.0, 0.9, 1.1}, AtMost(1.2), Met},
		{"at most, interval ends on the bound", Interval{1.1, 1.0, 1.2}, AtMost(1.2), Met},
		{"at most, whole interval above", Interval{1.4, 1.3, 1.5}, AtMost(1.2), NotMet},
		{"at most, interval takes in the bound", Interval{1.2, 1.1, 1.3}, AtMost(1.2), Inconclusive},
		{"at most, median below but interval above the bound", Interval{1.1, 1.0, 1.3}, AtMost(1.2), Inconclusive},
		{"at most, unbounded", Interval{1.0, -inf, inf}, AtMost(1.2), Inconclusive},
		{"at most, unbounded below", Interval{1.0, -inf, 1.1}, AtMost(1.2), Inconclusive},
		{"at most, unbounded above", Interval{1.4, 1.3, inf}, AtMost(1.2), Inconclusive},
		{"at most, NaN end", Interval{1.0, math.NaN(), 1.1}, AtMost(1.2), Inconclusive},
		{"at least, whole interval above", Interval{1.0, 0.9, 1.1}, AtLeast(0.8), Met},
		{"at least, interval starts on the bound", Interval{0.9, 0.8, 1.0}, AtLeast(0.8), Met},
		{"at least, whole interval below", Interval{0.5, 0.4, 0.6}, AtLeast(0.8), NotMet},
		{"at least, interval takes in the bound", Interval{0.8, 0.7, 0.9}, AtLeast(0.8), Inconclusive},
		{"at least, median above but interval below the bound", Interval{0.9, 0.7, 1.0}, AtLeast(0.8), Inconclusive},
		{"at least, unbounded", Interval{1.0, -inf, inf}, AtLeast(0.8), Inconclusive},
		{"at least, unbounded below", Interval{0.5, -inf, 0.6}, AtLeast(0.8), Inconclusive},
		{"at least, unbounded above", Interval{1.0, 0.9, inf}, AtLeast(0.8), Inconclusive},
	} {
		if got := c.g.Judge(c.iv); got != c.want {
			t.Errorf("%s: %+v judged against %+v is %q, want %q", c.name, c.iv, c.g, got, c.want)
		}
	}
}

func TestHolds(t *testing.T) {
	for _, c := range []struct {
		x    float64
		g    Goal
		want bool
	}{
		{1.9, AtMost(2), true}, {2, AtMost(2), true}, {2.1, AtMost(2), false},
		{0.9, AtLeast(1), false}, {1, AtLeast(1), true}, {1.1, AtLeast(1), true},
	} {
		if got := c.g.Holds(c.x); got != c.want {
			t.Errorf("%+v.Holds(%v) = %v, want %v", c.g, c.x, got, c.want)
		}
	}
}

func TestMedianOfSixIsBoundedByTheSample(t *testing.T) {
	values := []float64{1.4, 1.0, 1.3, 1.1, 1.2, 1.25}
	orig := slices.Clone(values)
	iv := Median(values)
	// With 6 values the 95% interval of the median runs from the smallest to the
	// largest.
	if iv.Center != 1.225 || iv.Lo != 1.0 || iv.Hi != 1.4 {
		t.Errorf("Median(%v) = %+v, want the median 1.225 in [1, 1.4]", orig, iv)
	}
	if !slices.Equal(values, orig) {
		t.Errorf("Median reordered its argument: %v, was %v", values, orig)
	}
}

func TestMedianOfManyIsNarrowerThanTheSample(t *testing.T) {
	var values []float64
	for i := range 20 {
		values = append(values, float64(i))
	}
	iv := Median(values)
	if iv.Center != 9.5 || !(iv.Lo > 0 && iv.Lo < iv.Center && iv.Hi > iv.Center && iv.Hi < 19) {
		t.Errorf("Median(0..19) = %+v, want 9.5 inside an interval strictly within (0, 19)", iv)
	}
}

func TestMedianOfFewerThanSixIsUnbounded(t *testing.T) {
	for n := range 6 {
		values := make([]float64, n)
		for i := range values {
			values[i] = 1 + float64(i)/100
		}
		iv := Median(values)
		if !math.IsInf(iv.Lo, -1) {
			t.Errorf("Median of %d values = %+v, want an interval unbounded below", n, iv)
		}
		if got := AtMost(10).Judge(iv); got != Inconclusive {
			t.Errorf("%d values far below an upper bound: %q, want %q", n, got, Inconclusive)
		}
		if got := AtLeast(10).Judge(iv); got != Inconclusive {
			t.Errorf("%d values far below a lower bound: %q, want %q", n, got, Inconclusive)
		}
	}
}
