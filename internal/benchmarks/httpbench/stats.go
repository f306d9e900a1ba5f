package httpbench

import (
	"math"
	"slices"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of sorted by the nearest-rank
// method: the smallest value that at least p percent of the values are at or below.
// sorted must be in increasing order. It returns 0 for an empty slice.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// Summary is what one load run measured.
type Summary struct {
	// Requests is the number of requests answered inside the measured window.
	Requests int `json:"requests"`
	// Seconds is the length of the measured window.
	Seconds float64 `json:"seconds"`
	// ReqPerSec is Requests / Seconds.
	ReqPerSec float64 `json:"req_per_s"`
	// P50, P99 and Max are latencies of one request, in microseconds, from the first
	// byte written to the last byte of the answer read.
	P50 float64 `json:"p50_us"`
	P99 float64 `json:"p99_us"`
	Max float64 `json:"max_us"`
}

// Summarize sorts latencies in place and sums them up over a window of elapsed.
func Summarize(latencies []time.Duration, elapsed time.Duration) Summary {
	slices.Sort(latencies)
	s := Summary{Requests: len(latencies), Seconds: elapsed.Seconds()}
	if s.Seconds > 0 {
		s.ReqPerSec = float64(s.Requests) / s.Seconds
	}
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	s.P50 = us(Percentile(latencies, 50))
	s.P99 = us(Percentile(latencies, 99))
	if len(latencies) > 0 {
		s.Max = us(latencies[len(latencies)-1])
	}
	return s
}

// Median returns the median of xs (the mean of the middle two for an even count), or
// 0 when xs is empty. xs is not changed.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
