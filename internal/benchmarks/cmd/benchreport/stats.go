package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/noticeconf/noticeconf/internal/benchmarks/verdict"
	"golang.org/x/perf/benchfmt"
)

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
func (r results) summary(name, unit string) (verdict.Interval, bool) {
	vs := r[name][unit]
	if len(vs) == 0 {
		return verdict.Interval{}, false
	}
	return verdict.Median(vs), true
}

// quotient is the ratio of two positive quantities measured independently: the ratio
// of their centres, in the range from the quotients of the ends of their intervals
// (the ratio is in that range whenever both quantities are in theirs).
func quotient(a, b verdict.Interval) verdict.Interval {
	q := verdict.Interval{Center: div(a.Center, b.Center)}
	q.Lo = div(math.Max(a.Lo, 0), b.Hi)
	q.Hi = div(a.Hi, math.Max(b.Lo, 0))
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
