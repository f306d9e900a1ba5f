// Package memlimit runs a long-lived server under a soft memory limit a little above
// the heap it keeps, collecting garbage as the heap nears the limit rather than each
// time it doubles.
//
// The garbage collector's default (GOGC=100) lets the heap grow to twice the live
// heap between collections. For a server whose live heap is large (the replay
// server's index of a big cassette), that is the index resident twice for nothing;
// for one whose live heap is a few MB, it is dozens of collections a second under
// load, each stopping the world. Under a limit of what the process holds plus some
// headroom (Limit), with GOGC off (CollectAtLimit), it collects once per headroom of
// garbage and gives freed memory back to the OS. What the user chose stands: a limit
// already set (the GOMEMLIMIT environment variable) or a GOGC setting is kept.
package memlimit

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// MinHeadroom is the least a limit leaves above the memory the process holds when it
// is set: room for the garbage of the requests in flight.
const MinHeadroom = 64 << 20

// Apply gives the memory the runtime holds back to the OS, then sets the limit
// (Limit) for what the process holds now, with GOGC off under it when CollectAtLimit
// says so. It returns a function that puts back the settings in force before.
func Apply() (restore func()) {
	debug.FreeOSMemory()
	prev := debug.SetMemoryLimit(-1)
	inUse, live := runtimeMemory()
	limit := Limit(prev, inUse, live)
	debug.SetMemoryLimit(limit)
	off := CollectAtLimit(prev, limit, os.Getenv("GOGC"))
	prevGC := 0
	if off {
		prevGC = debug.SetGCPercent(-1)
	}
	return func() {
		if off {
			debug.SetGCPercent(prevGC)
		}
		debug.SetMemoryLimit(prev)
	}
}

// Limit is the soft memory limit (runtime/debug.SetMemoryLimit) for a server, given
// the limit in force (math.MaxInt64 when none is), the bytes the runtime holds from
// the OS (inUse: all it mapped but what it gave back) and the bytes of heap live: inUse
// plus a quarter of the live heap, and at least MinHeadroom more, so that the limit is
// never below what the process already holds (which would make the collector run
// without pause). A limit already set is kept.
func Limit(current int64, inUse, live uint64) int64 {
	if current != math.MaxInt64 {
		return current
	}
	headroom := max(live/4, MinHeadroom)
	if inUse > math.MaxInt64-headroom {
		return current
	}
	return int64(inUse + headroom)
}

// CollectAtLimit reports whether a server, given the memory limit in force before
// (prev) and its own (limit), collects garbage only as the heap nears its limit (GOGC
// off) rather than whenever the heap doubles. Not when the server keeps a limit set
// before it (GOMEMLIMIT) or GOGC is set.
func CollectAtLimit(prev, limit int64, gogc string) bool {
	return limit != prev && limit != math.MaxInt64 && gogc == ""
}

// runtimeMemory returns the bytes the runtime holds from the OS (all it mapped but
// what it has given back) and the bytes of heap the last collection found live.
func runtimeMemory() (inUse, live uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	for _, v := range s {
		if v.Value.Kind() != metrics.KindUint64 {
			return 0, 0
		}
	}
	return s[0].Value.Uint64() - s[1].Value.Uint64(), s[2].Value.Uint64()
}
