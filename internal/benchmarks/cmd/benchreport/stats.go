package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

// confidence is the level of every confidence interval in the report: benchstat's
// default.
const confidence = 0.95

// results maps a benchmark name (without the -GOMAXPROCS suffix) and a unit, as the
// benchmark printed it, to the values of every count.
type results map[string]map[string][]float64

// parse reads go test -bench output with benchfmt. file names the input in errors.
// A malformed benchmark line is an error that gives its line.
func parse(r io.Reader, file string) (results, error) {
	res := results{}
	br := benchfmt.NewReader(r, file)
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			name := benchName(rec.Name)
			if res[name] == nil {
				res[name] = map[string][]float64{}
			}
			for _, v := range rec.Values {
				// The reader tidies units (ns/op to sec/op); the report speaks in
				// the benchmarks' own.
				unit, val := v.Unit, v.Value
				if v.OrigUnit != "" {
					unit, val = v.OrigUnit, v.OrigValue
				}
				res[name][unit] = append(res[name][unit], val)
			}
		}
	}
	if err := br.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return res, nil
}

// benchName is a benchmark's full name as go test names it, without its -GOMAXPROCS
// suffix (benchfmt's names leave out the "Benchmark" prefix).
func benchName(n benchfmt.Name) string {
	base, parts := n.Parts()
	var b strings.Builder
	b.WriteString("Benchmark")
	b.Write(base)
	for _, p := range parts {
		if len(p) > 0 && p[0] == '-' {
			continue
		}
		b.Write(p)
	}
	return b.String()
}

// summary is benchstat's summary of a benchmark's values in unit: the median and its
// confidence interval, which is infinite when there are too few counts for one.
func (r results) summary(name, unit string) (benchmath.Summary, bool) {
	vs := r[name][unit]
	if len(vs) == 0 {
		return benchmath.Summary{}, false
	}
	s := benchmath.NewSample(vs, &benchmath.DefaultThresholds)
	return benchmath.AssumeNothing.Summary(s, confidence), true
}

// interval is a measured quantity: its central value and the range it lies in at the
// report's confidence.
type interval struct{ center, lo, hi float64 }

func single(s benchmath.Summary) interval { return interval{s.Center, s.Lo, s.Hi} }

// quotient is the ratio of two positive quantities measured independently: the ratio
// of their centres, in the range from the quotients of the ends of their intervals
// (the ratio is in that range whenever both quantities are in theirs).
func quotient(a, b interval) interval {
	q := interval{center: div(a.center, b.center)}
	q.lo = div(math.Max(a.lo, 0), b.hi)
	q.hi = div(a.hi, math.Max(b.lo, 0))
	return q
}

// div divides positive quantities, x/0 being +Inf and 0/0 NaN-free (0).
func div(x, y float64) float64 {
	switch {
	case x == 0:
		return 0
	case y == 0:
		return math.Inf(1)
	}
	return x / y
}

// goal is a target's bound on a measured quantity.
type goal struct {
	bound  float64
	atMost bool // the quantity must be at most bound; else at least
}

func atMost(b float64) goal  { return goal{bound: b, atMost: true} }
func atLeast(b float64) goal { return goal{bound: b} }

// Verdicts.
const (
	met          = "met"
	notMet       = "not met"
	inconclusive = "inconclusive"
)

// verdict is met when the whole interval meets g, not met when the whole interval
// misses it, and inconclusive when the interval straddles the bound.
func verdict(iv interval, g goal) string {
	inside, outside := iv.hi <= g.bound, iv.lo > g.bound
	if !g.atMost {
		inside, outside = iv.lo >= g.bound, iv.hi < g.bound
	}
	switch {
	case inside:
		return met
	case outside:
		return notMet
	}
	return inconclusive
}
