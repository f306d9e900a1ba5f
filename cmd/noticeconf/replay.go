package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/memlimit"
	"github.com/noticeconf/noticeconf/internal/serve"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites"
)

func newReplayCmd(e *env) *cobra.Command {
	var (
		paths          []string
		listen         string
		latency        string
		repeat         string
		allowRemote    bool
		linesPerSecond int
		credentials    []string
		so             serve.Options
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
environment) gets only the recordings holding "REDACTED:NAME". Without --credential,
the credentials verify sends are named as in the shipped cassettes: the token in
$NOTICECONF_TOKEN "token", the one in $NOTICECONF_FORBIDDEN_TOKEN "forbidden" and the
access key in $NOTICECONF_AK "aksk", the demo profile's where a variable is unset.
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
			given, getenv := credentials, os.Getenv
			var defaults []verify.ReplayCredential
			if len(given) == 0 {
				if defaults, err = replayDefaultCredentials(os.Getenv); err != nil {
					return err
				}
				given, getenv = defaultCredentialSpecs(defaults)
			}
			names, err := credential.Parse(given, getenv)
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
			h, err := replay.New(files, replay.Options{Latency: lat, Repeat: rep, Logger: e.log, Credentials: names, LinesPerSecond: linesPerSecond})
			if err != nil {
				return usageErr(err)
			}
			if defaults != nil {
				e.log.Info("credentials named as verify names them, since no --credential is given",
					"names", strings.Join(credentialNames(defaults), ", "),
					"values", "$"+suites.EnvToken+", $"+suites.EnvForbiddenToken+" and $"+suites.EnvAK+", or the demo profile's where unset",
					"signatures_verified", names.Verifies())
			}
			// Loading leaves garbage many times the cassettes' size: memlimit.Apply
			// gives it back to the OS now, not over the next minutes, keeping only the
			// index, not the loaded files (nothing below refers to them), so that the
			// server holds about what it serves; then it serves under a memory limit a
			// little above the live heap, collecting as the heap nears it (without it, a
			// tenth of the server's CPU time went to collections at 1k interactions and
			// 32 connections). The settings in force before are back on return.
			nfiles := len(files)
			defer memlimit.Apply()()
			err = serve.RunWith(cmd.Context(), h, listen, so, func(addr string) {
				fmt.Fprintf(e.stdout, "listening on http://%s\n", addr)
				fmt.Fprintf(e.stdout, "replaying %d interaction(s) from %d cassette(s); unmatched requests get %d with %s: %s\n",
					h.Len(), nfiles, replay.NoMatchStatus, replay.HeaderReplay, replay.ReplayNoMatch)
			})
			h.FlushLog()
			return served(e, err)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&paths, "cassette", nil, "cassette file, or directory of *.yaml/*.yml cassettes (repeatable)")
	f.StringVar(&listen, "listen", "127.0.0.1:8082", "address to listen on (127.0.0.1:0 picks a free port)")
	f.StringVar(&repeat, "repeat", string(replay.RepeatLast), "what a repeated request gets: last (recorded order, then the last), first (always the first), cycle (recorded order, again and again) or strict (each recording once, then no match)")
	f.StringVar(&latency, "latency", string(replay.LatencyNone), "none (answer at once) or recorded (wait each recorded duration)")
	f.IntVar(&linesPerSecond, "log-lines-per-second", replay.DefaultLinesPerSecond, "the most requests answered in one second that are logged a line each; the rest of that second are counted in one line (negative: log every one). Requests that match nothing are always logged")
	f.BoolVar(&allowRemote, "allow-remote", false, "allow a --listen address off the loopback interface")
	f.StringArrayVar(&credentials, "credential", nil, `name a credential as the recording did: NAME=ENV_VAR, a request with the token or access key in $ENV_VAR gets the recordings of "REDACTED:NAME"; NAME=AK_VAR:SK_VAR names only requests whose signature verifies with the secret key (repeatable)`)
	addServeFlags(f, &so)
	return cmd
}

// replayDefaultCredentials returns the credentials noticeconf replay names when no
// --credential is given: those verify sends, under the names of the shipped cassettes
// (verify.DefaultReplayCredentials: token, forbidden, aksk), each read from its
// environment variable or, where that is unset, the demo profile's. So the shipped
// cassettes replay right for a client with the demo credentials, and for verify.
func replayDefaultCredentials(getenv func(string) string) ([]verify.ReplayCredential, error) {
	cfg, err := mock.DefaultConfig()
	if err != nil {
		return nil, fmt.Errorf("the demo profile: %w", err)
	}
	or := func(name, demo string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return demo
	}
	var demoToken, demoForbidden, demoAK, demoSK string
	if len(cfg.Tokens) > 0 {
		demoToken = cfg.Tokens[0]
	}
	if len(cfg.ForbiddenTokens) > 0 {
		demoForbidden = cfg.ForbiddenTokens[0]
	}
	if len(cfg.Credentials) > 0 {
		demoAK, demoSK = cfg.Credentials[0].AK, cfg.Credentials[0].SK
	}
	ak, sk := or(suites.EnvAK, demoAK), getenv(suites.EnvSK)
	if getenv(suites.EnvAK) == "" {
		sk = demoSK // the demo access key's
	}
	return verify.DefaultReplayCredentials(or(suites.EnvToken, demoToken), or(suites.EnvForbiddenToken, demoForbidden), ak, sk), nil
}

// credentialNames returns the names of cs.
func credentialNames(cs []verify.ReplayCredential) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}
