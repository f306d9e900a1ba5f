package memlimit

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestLimit(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		name    string
		current int64
		inUse   uint64
		live    uint64
		want    int64
	}{
		{"a large live heap gets a quarter of its live heap above what is held", math.MaxInt64, 700 * mib, 400 * mib, 800 * mib},
		{"a small live heap gets the least headroom", math.MaxInt64, 20 * mib, 8 * mib, 20*mib + MinHeadroom},
		{"no live heap at all gets the least headroom", math.MaxInt64, 0, 0, MinHeadroom},
		{"a limit already set (GOMEMLIMIT) is kept", 3 << 30, 700 * mib, 400 * mib, 3 << 30},
		{"memory too large to add to keeps no limit", math.MaxInt64, math.MaxUint64 - 1, math.MaxUint64 - 1, math.MaxInt64},
	} {
		if got := Limit(c.current, c.inUse, c.live); got != c.want {
			t.Errorf("%s: Limit(%d, %d, %d) = %d, want %d", c.name, c.current, c.inUse, c.live, got, c.want)
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
		if got := CollectAtLimit(c.prev, c.limit, c.gogc); got != c.want {
			t.Errorf("%s: CollectAtLimit(%d, %d, %q) = %v, want %v", c.name, c.prev, c.limit, c.gogc, got, c.want)
		}
	}
}

func TestApplyRestores(t *testing.T) {
	t.Setenv("GOGC", "") // as when unset: Apply turns GOGC off under its limit
	before := debug.SetMemoryLimit(-1)
	gcBefore := debug.SetGCPercent(100)
	debug.SetGCPercent(gcBefore)
	restore := Apply()
	during := debug.SetMemoryLimit(-1)
	gcDuring := debug.SetGCPercent(-1)
	debug.SetGCPercent(gcDuring)
	restore()
	if after := debug.SetMemoryLimit(-1); after != before {
		t.Errorf("memory limit after restore = %d, want %d as before Apply", after, before)
	}
	if gcAfter := debug.SetGCPercent(gcBefore); gcAfter != gcBefore {
		t.Errorf("GOGC after restore = %d, want %d as before Apply", gcAfter, gcBefore)
	}
	if before == math.MaxInt64 {
		if during == math.MaxInt64 {
			t.Errorf("Apply set no memory limit")
		}
		if gcDuring != -1 {
			t.Errorf("GOGC under Apply's limit = %d, want -1 (off)", gcDuring)
		}
	} else if during != before {
		t.Errorf("Apply changed a memory limit set before it from %d to %d", before, during)
	}
}
