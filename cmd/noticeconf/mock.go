package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/serve"
)

func newMockCmd(e *env) *cobra.Command {
	var (
		listen, ak, sk, style string
		allowRemote           bool
		o                     mock.Config
		so                    serve.Options
	)
	cmd := &cobra.Command{
		Use:   "mock",
		Short: "Serve the reference mock of the notice update endpoint",
		Long: `Serve the reference mock: a faithful offline server of
POST /v3/jobs/notice/{job_id}/update and its read-back GET .../query.

With no flags it serves the built-in demo profile (fixtures/profile.json) on
127.0.0.1:8080 and prints the token, AK and job id to use. The first line on stdout is
always "listening on http://HOST:PORT".

Fault injection follows Prism's convention: a "Prefer: code=500" request header
answers 500 CB.00060101 (code=429 answers 429 APIGW.0308).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			def, err := mock.DefaultConfig()
			if err != nil {
				return err
			}
			if sk == "" {
				sk = os.Getenv("NOTICECONF_SK")
			}
			if (ak == "") != (sk == "") {
				return usageErr(fmt.Errorf("--ak and --sk (or NOTICECONF_SK) go together"))
			}
			tokensGiven := cmd.Flags().Changed("token")
			demo := !tokensGiven && ak == ""
			if demo {
				o.Tokens, o.Credentials = def.Tokens, def.Credentials
			}
			if ak != "" {
				o.Credentials = []mock.Credential{{AK: ak, SK: sk}}
			}
			if !cmd.Flags().Changed("forbidden-token") {
				o.ForbiddenTokens = def.ForbiddenTokens
			}
			if !cmd.Flags().Changed("job-id") {
				o.JobIDs = def.JobIDs
			}
			if o.ResultStyle, err = mock.ParseResultStyle(style); err != nil {
				return usageErr(err)
			}
			if err := checkLoopback(listen, allowRemote); err != nil {
				return usageErr(err)
			}
			if err := errors.Join(checkServeFlags(so), nonNegative("latency", o.Latency)); err != nil {
				return usageErr(err)
			}
			o.Logger = e.log
			srv, err := mock.New(o)
			if err != nil {
				return usageErr(err)
			}
			return served(e, serve.RunWith(cmd.Context(), srv, listen, so, func(addr string) {
				fmt.Fprintf(e.stdout, "listening on http://%s\n", addr)
				if demo {
					fmt.Fprintf(e.stdout, "demo profile: X-Auth-Token %s, AK %s (SK %s), job ids %s; forbidden token %s\n",
						def.Tokens[0], def.Credentials[0].AK, def.Credentials[0].SK,
						strings.Join(def.JobIDs, ", "), def.ForbiddenTokens[0])
				} else {
					fmt.Fprintf(e.stdout, "serving %d token(s), %d AK/SK pair(s), %d job id(s)\n", len(o.Tokens), len(o.Credentials), len(o.JobIDs))
				}
			}))
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:8080", "address to listen on (127.0.0.1:0 picks a free port)")
	f.StringArrayVar(&o.Tokens, "token", nil, "accepted X-Auth-Token (repeatable; default: the demo token)")
	f.StringArrayVar(&o.ForbiddenTokens, "forbidden-token", nil, "token that authenticates but gets 403 (repeatable)")
	f.StringArrayVar(&o.JobIDs, "job-id", nil, "job id that exists (repeatable; default: the demo job ids)")
	f.StringVar(&ak, "ak", "", "accepted access key (with --sk)")
	f.StringVar(&sk, "sk", "", "secret key of --ak (env NOTICECONF_SK)")
	f.StringVar(&style, "result-style", string(mock.ResultObject), "form of `result` on success: object, string or null")
	f.BoolVar(&allowRemote, "allow-remote", false, "allow a --listen address off the loopback interface")
	f.DurationVar(&o.Latency, "latency", 0, "delay before every answer, e.g. 50ms")
	addServeFlags(f, &so)
	return cmd
}

// checkLoopback refuses a listen address off the loopback interface unless allowed.
// A host name is resolved, and every address it resolves to must be loopback
// ("localhost" included: it is only as loopback as the resolver says).
func checkLoopback(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "" {
		return fmt.Errorf("--listen %q binds every interface; give a loopback address such as 127.0.0.1:0, or add --allow-remote", addr)
	}
	ips := []net.IP{net.ParseIP(host)}
	if ips[0] == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
		if err != nil {
			return fmt.Errorf("--listen %q: resolve %s: %w", addr, host, err)
		}
		ips = ips[:0]
		for _, a := range addrs {
			ips = append(ips, a.IP)
		}
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("--listen %q: %s is not a loopback address; add --allow-remote to serve other hosts", addr, ip)
		}
	}
	if len(ips) == 0 {
		return fmt.Errorf("--listen %q: %s resolves to no address", addr, host)
	}
	return nil
}
