package main

import (
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/internal/serve"
)

func newReplayCmd(e *env) *cobra.Command {
	var (
		paths       []string
		listen      string
		latency     string
		repeat      string
		allowRemote bool
		credentials []string
		so          serve.Options
	)
	cmd := &cobra.Command{
		Use:   "replay --cassette PATH [--cassette PATH ...]",
		Short: "Serve recorded cassettes as the API, offline",
		Long: fmt.Sprintf(`Serve recorded go-vcr v3 cassettes as the API: every request gets the answer
recorded for it (status, headers and body byte for byte), for any client.

--cassette takes a file or a directory (every *.yaml and *.yml file in it and below it) and can be
repeated. A request matches a recording on method, path, query (any parameter order),
body (as canonical JSON when it is JSON, byte for byte otherwise; decoded first when
sent with Content-Encoding: gzip) and the kind of
authentication (none, X-Auth-Token or AK/SK); credential values are ignored, except
that a credential named with --credential NAME=ENV_VAR (its value read from the
environment) gets only the recordings holding "REDACTED:NAME".
The Prefer header takes part too: a fault recorded for "Prefer: code=500" answers
only a request that asks for it. Identical requests get their recordings in recorded
order, then the last one repeats (--repeat first, cycle or strict choose otherwise).

A request nothing matches gets %d with the header %s: %s and a JSON body naming
the closest recordings and, field by field, what differed; the same reason is logged.

The first line on stdout is always "listening on http://HOST:PORT". A bad cassette
exits 2 naming the file, the line and what is wrong.`, replay.NoMatchStatus, replay.HeaderReplay, replay.ReplayNoMatch),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(paths) == 0 {
				return usageErr(fmt.Errorf("--cassette is required (a cassette file or a directory of them)"))
			}
			lat, err := replay.ParseLatency(latency)
			if err != nil {
				return usageErr(fmt.Errorf("--latency: %w", err))
			}
			rep, err := replay.ParseRepeat(repeat)
			if err != nil {
				return usageErr(fmt.Errorf("--repeat: %w", err))
			}
			if err := checkLoopback(listen, allowRemote); err != nil {
				return usageErr(err)
			}
			names, err := credential.Parse(credentials, os.Getenv)
			if err != nil {
				return usageErr(fmt.Errorf("--credential: %w", err))
			}
			if err := checkServeFlags(so); err != nil {
				return usageErr(err)
			}
			files, err := cassette.LoadPaths(paths...)
			if err != nil {
				return usageErr(err)
			}
			warnLoaded(e, files)
			h, err := replay.New(files, replay.Options{Latency: lat, Repeat: rep, Logger: e.log, Credentials: names})
			if err != nil {
				return usageErr(err)
			}
			// Loading leaves garbage many times the cassettes' size: give it back to the
			// OS now, not over the next minutes; and keep only the index, not the loaded
			// files (nothing below refers to them), so that the server holds about what
			// it serves.
			nfiles := len(files)
			debug.FreeOSMemory()
			// Then serve under a memory limit a little above the live heap
			// (replayMemoryLimit), collecting as the heap nears it (collectAtLimit);
			// the settings in force before are back on return.
			prev := debug.SetMemoryLimit(-1)
			inUse, live := runtimeMemory()
			limit := replayMemoryLimit(prev, inUse, live)
			debug.SetMemoryLimit(limit)
			defer debug.SetMemoryLimit(prev)
			if collectAtLimit(prev, limit, os.Getenv("GOGC")) {
				defer debug.SetGCPercent(debug.SetGCPercent(-1))
			}
			return served(e, serve.RunWith(cmd.Context(), h, listen, so, func(addr string) {
				fmt.Fprintf(e.stdout, "listening on http://%s\n", addr)
				fmt.Fprintf(e.stdout, "replaying %d interaction(s) from %d cassette(s); unmatched requests get %d with %s: %s\n",
					h.Len(), nfiles, replay.NoMatchStatus, replay.HeaderReplay, replay.ReplayNoMatch)
			}))
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&paths, "cassette", nil, "cassette file, or directory of *.yaml/*.yml cassettes (repeatable)")
	f.StringVar(&listen, "listen", "127.0.0.1:8082", "address to listen on (127.0.0.1:0 picks a free port)")
	f.StringVar(&repeat, "repeat", string(replay.RepeatLast), "what a repeated request gets: last (recorded order, then the last), first (always the first), cycle (recorded order, again and again) or strict (each recording once, then no match)")
	f.StringVar(&latency, "latency", string(replay.LatencyNone), "none (answer at once) or recorded (wait each recorded duration)")
	f.BoolVar(&allowRemote, "allow-remote", false, "allow a --listen address off the loopback interface")
	f.StringArrayVar(&credentials, "credential", nil, `name a credential as the recording did: NAME=ENV_VAR, a request with the token or access key in $ENV_VAR gets the recordings of "REDACTED:NAME" (repeatable)`)
	addServeFlags(f, &so)
	return cmd
}

// replayHeadroom is the least the replay server's memory limit leaves above the heap
// live once the cassettes are loaded: room for the garbage of the requests in flight.
const replayHeadroom = 64 << 20

// replayMemoryLimit is the soft memory limit (runtime/debug.SetMemoryLimit) the
// replay server runs under once the cassettes are loaded, given the limit in force
// (math.MaxInt64 when none is), the bytes the runtime holds from the OS once the
// garbage of loading is given back (inUse: about the index, a few large blocks) and
// the bytes of heap live: inUse plus a quarter of the live heap, and at least
// replayHeadroom more, so that the limit is never below what the process already
// holds (which would make the collector run without pause). The garbage collector's
// default (GOGC=100) lets the heap grow to twice the live heap between collections,
// which for a cassette of large bodies is twice its index resident for nothing; under
// the limit it collects sooner instead, and gives freed memory back to the OS. That
// costs little: the index holds no pointers, so a collection does not scan it, and
// its cost does not grow with the cassettes. A limit already set (the GOMEMLIMIT
// environment variable) is kept. See collectAtLimit for when collections wait for
// the limit.
func replayMemoryLimit(current int64, inUse, live uint64) int64 {
	if current != math.MaxInt64 {
		return current
	}
	headroom := max(live/4, replayHeadroom)
	if inUse > math.MaxInt64-headroom {
		return current
	}
	return int64(inUse + headroom)
}

// collectAtLimit reports whether the replay server, given the memory limit in force
// before (prev) and its own (limit), collects garbage only as the heap nears its
// limit (GOGC off) rather than whenever the heap doubles: so that a small cassette,
// whose live heap is a few MB, is not collected dozens of times a second under load
// (each collection stopping the world; a tenth of the server's CPU time in gctrace
// at 1k interactions and 32 connections), but once per replayHeadroom of answers.
// Not when the server keeps a limit set before it (GOMEMLIMIT) or GOGC is set: what
// the user chose stands.
func collectAtLimit(prev, limit int64, gogc string) bool {
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
