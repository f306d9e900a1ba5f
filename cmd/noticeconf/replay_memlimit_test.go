package main

import (
	"math"
	"testing"
)

func TestReplayMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		name    string
		current int64
		inUse   uint64
		live    uint64
		want    int64
	}{
		{"a large index gets a quarter of its live heap above what is held", math.MaxInt64, 700 * mib, 400 * mib, 800 * mib},
		{"a small index gets the least headroom", math.MaxInt64, 20 * mib, 8 * mib, 20*mib + replayHeadroom},
		{"no live heap at all gets the least headroom", math.MaxInt64, 0, 0, replayHeadroom},
		{"a limit already set (GOMEMLIMIT) is kept", 3 << 30, 700 * mib, 400 * mib, 3 << 30},
		{"memory too large to add to keeps no limit", math.MaxInt64, math.MaxUint64 - 1, math.MaxUint64 - 1, math.MaxInt64},
	} {
		if got := replayMemoryLimit(c.current, c.inUse, c.live); got != c.want {
			t.Errorf("%s: replayMemoryLimit(%d, %d, %d) = %d, want %d", c.name, c.current, c.inUse, c.live, got, c.want)
		}
	}
}

func TestCollectAtLimit(t *testing.T) {
	for _, c := range []struct {
		name        string
		prev, limit int64
		gogc        string
		want        bool
	}{
		{"the server's own limit collects at the limit", math.MaxInt64, 200 << 20, "", true},
		{"a limit already set (GOMEMLIMIT) keeps GOGC", 3 << 30, 3 << 30, "", false},
		{"GOGC set keeps GOGC", math.MaxInt64, 200 << 20, "100", false},
		{"no limit at all keeps GOGC", math.MaxInt64, math.MaxInt64, "", false},
	} {
		if got := collectAtLimit(c.prev, c.limit, c.gogc); got != c.want {
			t.Errorf("%s: collectAtLimit(%d, %d, %q) = %v, want %v", c.name, c.prev, c.limit, c.gogc, got, c.want)
		}
	}
}
