// Package verdict decides whether a measured quantity meets a target's bound, the
// way benchstat reads a sample of measurements: by the sample's median and the
// median's confidence interval, computed with golang.org/x/perf/benchmath assuming
// nothing about how the values are distributed.
//
// A target is met when the whole interval meets its bound, not met when the whole
// interval misses it, and inconclusive when the interval takes in the bound or is
// unbounded. With fewer than 6 values the median's interval at 95% confidence is
// unbounded (with 5, on one side: benchmath then bounds the median by a single tail
// of 1/32, wider than either tail of a two-sided 95% interval), so a verdict from so
// few is always inconclusive.
package verdict

import (
	"math"
	"slices"

	"golang.org/x/perf/benchmath"
)

// Confidence is the level of every confidence interval a verdict is drawn from:
// benchstat's default.
const Confidence = 0.95

// A Verdict says whether a measured quantity meets a target.
type Verdict string

const (
	// Met means the whole confidence interval meets the bound.
	Met Verdict = "met"
	// NotMet means the whole confidence interval misses the bound.
	NotMet Verdict = "not met"
	// Inconclusive means the confidence interval takes in the bound, so the
	// measurements cannot tell whether it is met.
	Inconclusive Verdict = "inconclusive"
)

// An Interval is a measured quantity: its central value and the range [Lo, Hi] it
// lies in at Confidence. Lo and Hi are infinite when the measurements are too few to
// bound it.
type Interval struct {
	Center, Lo, Hi float64
}

// FromSummary returns the interval of a benchmath summary.
func FromSummary(s benchmath.Summary) Interval {
	return Interval{Center: s.Center, Lo: s.Lo, Hi: s.Hi}
}

// Median returns the median of values and its confidence interval at Confidence, as
// benchstat computes them. values is not modified. No values have no median: their
// Center is NaN and their interval unbounded.
func Median(values []float64) Interval {
	if len(values) == 0 {
		return Interval{Center: math.NaN(), Lo: math.Inf(-1), Hi: math.Inf(1)}
	}
	s := benchmath.NewSample(slices.Clone(values), &benchmath.DefaultThresholds)
	return FromSummary(benchmath.AssumeNothing.Summary(s, Confidence))
}

// A Goal is a target's bound on a measured quantity: at most Bound when AtMost is
// set, at least Bound otherwise.
type Goal struct {
	Bound  float64
	AtMost bool
}

// AtMost returns the goal of a quantity that must not exceed bound.
func AtMost(bound float64) Goal { return Goal{Bound: bound, AtMost: true} }

// AtLeast returns the goal of a quantity that must reach bound.
func AtLeast(bound float64) Goal { return Goal{Bound: bound} }

// Judge returns Met when the whole of iv meets g, NotMet when the whole of iv misses
// it, and Inconclusive when iv takes in g's bound or either of its ends is infinite or
// NaN.
func (g Goal) Judge(iv Interval) Verdict {
	if !finite(iv.Lo) || !finite(iv.Hi) {
		return Inconclusive
	}
	inside, outside := iv.Hi <= g.Bound, iv.Lo > g.Bound
	if !g.AtMost {
		inside, outside = iv.Lo >= g.Bound, iv.Hi < g.Bound
	}
	switch {
	case inside:
		return Met
	case outside:
		return NotMet
	}
	return Inconclusive
}

func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

// Holds reports whether the single value x meets g: a plain comparison, for a
// quantity measured once, which has no interval.
func (g Goal) Holds(x float64) bool {
	if g.AtMost {
		return x <= g.Bound
	}
	return x >= g.Bound
}
