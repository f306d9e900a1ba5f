package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/internal/cassette"
	"github.com/noticeconf/noticeconf/internal/replay"
	"github.com/noticeconf/noticeconf/internal/serve"
)

func newReplayCmd(e *env) *cobra.Command {
	var (
		paths       []string
		listen      string
		latency     string
		allowRemote bool
	)
	cmd := &cobra.Command{
		Use:   "replay --cassette PATH [--cassette PATH ...]",
		Short: "Serve recorded cassettes as the API, offline",
		Long: fmt.Sprintf(`Serve recorded go-vcr v3 cassettes as the API: every request gets the answer
recorded for it (status, headers and body byte for byte), for any client.

--cassette takes a file or a directory (every *.yaml and *.yml file in it and below it) and can be
repeated. A request matches a recording on method, path, query (any parameter order),
body (as canonical JSON when it is JSON, byte for byte otherwise) and the kind of
authentication (none, X-Auth-Token or AK/SK); credential values are ignored.
Identical requests get their recordings in recorded order, then the last one repeats.

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
			if err := checkLoopback(listen, allowRemote); err != nil {
				return usageErr(err)
			}
			files, err := cassette.LoadPaths(paths...)
			if err != nil {
				return usageErr(err)
			}
			h, err := replay.New(files, replay.Options{Latency: lat, Logger: e.log})
			if err != nil {
				return usageErr(err)
			}
			// Loading leaves garbage many times the cassettes' size: give it back to the
			// OS now, not over the next minutes; and keep only the index, not the loaded
			// files (nothing below refers to them), so that the server holds about what
			// it serves.
			nfiles := len(files)
			debug.FreeOSMemory()
			return serve.Run(cmd.Context(), h, listen, func(addr string) {
				fmt.Fprintf(e.stdout, "listening on http://%s\n", addr)
				fmt.Fprintf(e.stdout, "replaying %d interaction(s) from %d cassette(s); unmatched requests get %d with %s: %s\n",
					h.Len(), nfiles, replay.NoMatchStatus, replay.HeaderReplay, replay.ReplayNoMatch)
			})
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&paths, "cassette", nil, "cassette file, or directory of *.yaml/*.yml cassettes (repeatable)")
	f.StringVar(&listen, "listen", "127.0.0.1:8082", "address to listen on (127.0.0.1:0 picks a free port)")
	f.StringVar(&latency, "latency", string(replay.LatencyNone), "none (answer at once) or recorded (wait each recorded duration)")
	f.BoolVar(&allowRemote, "allow-remote", false, "allow a --listen address off the loopback interface")
	return cmd
}
