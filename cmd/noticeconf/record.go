package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/internal/redact"
	"github.com/noticeconf/noticeconf/internal/serve"
	"github.com/noticeconf/noticeconf/proxy"
)

func newRecordCmd(e *env) *cobra.Command {
	var (
		listen, mode, caDir, upstreamCA string
		allowRemote                     bool
		cfg                             proxy.Config
		credentials                     []string
		so                              serve.Options
	)
	cmd := &cobra.Command{
		Use:   "record --cassette FILE (--upstream URL | --forward)",
		Short: "Record live traffic to the notice endpoints into a go-vcr cassette",
		Long: `Run the recording proxy. Interactions with the notice endpoints
(/v3/jobs/notice/...) are written to --cassette as a go-vcr v3 cassette, secrets
redacted before anything touches the disk (the redaction policy: see "What ends up in
the cassette" in the README; --redact-header, --redact-json-field and --redact-pattern
add to it), each one on disk before its response reaches the client. Beside the cassette, CASSETTE.provenance.json says where it came
from: the upstream, the date, noticeconf's version and the kinds of credentials used. Other traffic passes through unrecorded (--record-all keeps it).

Reverse mode (--upstream URL): clients use the proxy as their endpoint, e.g. the SDK's
WithEndpoint("http://127.0.0.1:8081").

Forward mode (--forward): clients set HTTPS_PROXY=http://127.0.0.1:8081 and trust the
proxy's CA (see "noticeconf ca"). Only *.myhuaweicloud.com, the --upstream host and
--allow-host hosts are proxied; others get 403.

The first line on stdout is always "listening on http://HOST:PORT".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.Cassette == "" {
				return usageErr(errors.New("--cassette is required"))
			}
			if !cfg.Forward && cfg.Upstream == "" {
				return usageErr(errors.New("give --upstream URL (reverse mode) or --forward"))
			}
			if cfg.Mode, err = proxy.ParseMode(mode); err != nil {
				return usageErr(err)
			}
			if cfg.Credentials, err = credential.Parse(credentials, os.Getenv); err != nil {
				return usageErr(fmt.Errorf("--credential: %w", err))
			}
			if cfg.Force && cfg.Mode == proxy.ModeAppend {
				return usageErr(errors.New("--force only applies to --mode record"))
			}
			if err := checkLoopback(listen, allowRemote); err != nil {
				return usageErr(err)
			}
			if err := errors.Join(checkServeFlags(so), positive("response-header-timeout", cfg.ResponseHeaderTimeout)); err != nil {
				return usageErr(err)
			}
			if cfg.MaxBodyBytes <= 0 || cfg.MaxBufferBytes < cfg.MaxBodyBytes {
				return usageErr(fmt.Errorf("--max-body-bytes %d and --max-buffer-bytes %d: want a positive body limit and a buffer budget at least as large", cfg.MaxBodyBytes, cfg.MaxBufferBytes))
			}
			if so.WriteTimeout <= cfg.ResponseHeaderTimeout {
				return usageErr(fmt.Errorf("--write-timeout %s must be longer than --response-header-timeout %s: the answer is written after the upstream's", so.WriteTimeout, cfg.ResponseHeaderTimeout))
			}
			if upstreamCA != "" {
				pem, err := os.ReadFile(upstreamCA)
				if err != nil {
					return usageErr(fmt.Errorf("--upstream-ca: %w", err))
				}
				pool, err := x509.SystemCertPool()
				if err != nil {
					pool = x509.NewCertPool()
				}
				if !pool.AppendCertsFromPEM(pem) {
					return usageErr(fmt.Errorf("--upstream-ca %s: no PEM certificate in it", upstreamCA))
				}
				cfg.UpstreamRootCAs = pool
			}
			if cfg.Forward {
				if caDir == "" {
					if caDir, err = proxy.DefaultCADir(); err != nil {
						return usageErr(err)
					}
				}
				if cfg.CA, err = proxy.LoadOrCreateCA(caDir); err != nil {
					return usageErr(err)
				}
			}
			cfg.Logger = e.log
			// The upstream as record shows it: without userinfo or secret query values.
			pol, err := redact.New(redact.Config{URLs: []string{cfg.Upstream}})
			if err != nil {
				return usageErr(err)
			}
			shownUpstream := redact.Printable(pol.URL(cfg.Upstream))
			p, err := proxy.New(cfg)
			if err != nil {
				return usageErr(err)
			}
			runErr := serve.RunWith(cmd.Context(), p, listen, so, func(addr string) {
				fmt.Fprintf(e.stdout, "listening on http://%s\n", addr)
				fmt.Fprintf(e.stdout, "recording to %s (%d interaction(s) in it)\n", p.Cassette(), p.Recorded())
				if cfg.Forward {
					fmt.Fprintf(e.stdout, "forward proxy: set HTTPS_PROXY=http://%s and trust the CA %s (SSL_CERT_FILE for Go clients, curl --cacert)\n", addr, cfg.CA.CertFile())
				} else {
					fmt.Fprintf(e.stdout, "reverse proxy to %s: point clients' endpoint at http://%s\n", strings.TrimRight(shownUpstream, "/"), addr)
				}
			})
			runErr = served(e, runErr)
			closeErr := p.Close()
			if runErr != nil {
				return usageErr(errors.Join(runErr, closeErr))
			}
			if closeErr != nil {
				return closeErr
			}
			fmt.Fprintf(e.stdout, "stopped; %s holds %d interaction(s)\n", p.Cassette(), p.Recorded())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Upstream, "upstream", "", "base URL of the API, e.g. https://cloudbuild-ext.cn-north-4.myhuaweicloud.com (reverse mode; in forward mode its host is allowed)")
	f.BoolVar(&cfg.Forward, "forward", false, "run as an HTTPS forward proxy (HTTPS_PROXY) that intercepts TLS with the CA in --ca-dir")
	f.StringVar(&cfg.Cassette, "cassette", "", "cassette file to write, e.g. cassettes/live/update.yaml")
	f.StringVar(&listen, "listen", "127.0.0.1:8081", "address to listen on (127.0.0.1:0 picks a free port)")
	f.BoolVar(&allowRemote, "allow-remote", false, "allow a --listen address off the loopback interface")
	f.StringVar(&mode, "mode", "record", "record: start a new cassette (refuses an existing one without --force); append: add to it")
	f.BoolVar(&cfg.Force, "force", false, "with --mode record, overwrite an existing cassette")
	f.IntVar(&cfg.LinesPerSecond, "log-lines-per-second", proxy.DefaultLinesPerSecond, "the most interactions in one second that are logged a line each; the rest of that second are counted in one line (negative: log every one). Warnings are always logged")
	f.BoolVar(&cfg.RecordAll, "record-all", false, "record every interaction, not only the notice endpoints")
	f.StringArrayVar(&cfg.Redact.Headers, "redact-header", nil, "another header whose value is redacted in requests and responses (repeatable)")
	f.StringArrayVar(&cfg.Redact.JSONFields, "redact-json-field", nil, `JSON body field to redact, as a dot path ("a.b", "*" one level, "**" any depth; repeatable)`)
	f.StringArrayVar(&cfg.Redact.Patterns, "redact-pattern", nil, "regular expression (RE2) whose matches are redacted everywhere, or its first group when it has one (repeatable)")
	f.StringVar(&caDir, "ca-dir", "", "forward mode: directory of the CA (default: noticeconf/ca under the user's config directory)")
	f.StringArrayVar(&cfg.AllowHosts, "allow-host", nil, `forward mode: another host to proxy, "host", "*.domain" or with ":port" (repeatable)`)
	f.BoolVar(&cfg.InsecureUpstream, "insecure-upstream", false, "do not verify the upstream's TLS certificate (warns on every start)")
	f.StringVar(&upstreamCA, "upstream-ca", "", "PEM file of more root certificates to trust for the upstream")
	f.DurationVar(&cfg.ResponseHeaderTimeout, "response-header-timeout", proxy.DefaultResponseHeaderTimeout, "how long to wait for the upstream's response headers before answering 504")
	f.StringArrayVar(&credentials, "credential", nil, `name a credential: NAME=ENV_VAR, the token or access key in $ENV_VAR is recorded as "REDACTED:NAME"; NAME=AK_VAR:SK_VAR names only requests whose signature verifies with the secret key (repeatable)`)
	addServeFlags(f, &so)
	f.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", proxy.DefaultMaxBodyBytes, "largest recorded body, after gzip decoding: a bigger request is refused with 413, a bigger gzip answer with 502, a bigger plain answer passed on unrecorded")
	f.Int64Var(&cfg.MaxBufferBytes, "max-buffer-bytes", proxy.DefaultMaxBufferBytes, "bytes of bodies all requests in flight may hold together; past it, requests get 503 with Retry-After")
	f.BoolVar(&cfg.FsyncBeforeResponse, "fsync-before-response", false, "fsync each interaction before its response is passed on (default: written before, fsynced in the background within 100 ms)")
	return cmd
}
