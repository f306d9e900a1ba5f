package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites"
)

func newVerifyCmd(e *env) *cobra.Command {
	var (
		o                verify.Options
		fault            bool
		jobMap, includes []string
		credentials      []string
	)
	// A "replay:PATH" target is the replay server over the cassettes at PATH.
	o.OpenReplay = openReplay(e, &credentials)
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check a server of the notice update endpoint against the contract",
		Long: `Check a server of POST /v3/jobs/notice/{job_id}/update against the documented
contract, check by check, and report: a table on stdout (check, level, result,
reason) and, on request, JUnit, JSON and Markdown files.

Targets: "mock" (the default: the built-in reference mock, in-process, with its demo
credentials), "replay:PATH" (the replay server over recorded cassettes), or a base
URL such as http://127.0.0.1:8080 (then give credentials and --job-id). A replay
target gets the demo profile's credentials and job unless given others.

Every check has a level: MUST (the vendor's API page) or SHOULD (the vendor's other
docs, the official SDK, observed behaviour). Exit status: 0 when every MUST check
passes (SHOULD failures are listed as warnings), 1 when a MUST check fails, 2 for a
usage or configuration error, an unreachable target, or credentials it refuses.

Recorded traffic (--cassettes PATH, a cassette or a directory of them, repeatable)
adds, per recorded interaction, a check that re-sends the request with the target's
own credentials and compares the answer with the recorded one (status exactly; JSON
keys and types; status, error and error_code values; --include adds error_msg,
request_id, X-Request-Id, Date and the job ids in result), and two checks of the
recorded answer against the contract. --label-filter cassette runs only those.

Generated checks (label "generated") draw requests from the contract (valid and
invalid bodies in any JSON spelling, Content-Type spellings, job ids, forged
credentials) and hold every answer to a property; a failure is shrunk to the
smallest request that breaks it, shown with a curl command. --seed repeats a run
(the report prints the seed), --examples sets how many requests each tries;
--label-filter '!generated' leaves them out.

Secrets are best given through the environment: NOTICECONF_TOKEN, NOTICECONF_AK,
NOTICECONF_SK, NOTICECONF_FORBIDDEN_TOKEN; NOTICECONF_JOB_ID gives the job.`,
		Example: `  noticeconf verify
  NOTICECONF_TOKEN=... noticeconf verify --target http://127.0.0.1:8080 --job-id 48c66c6002964721be537cdc6ce0297b
  noticeconf verify --label-filter '!stateful' --json-report out/verify.json
  noticeconf verify --cassettes cassettes/reference-mock --label-filter cassette
  NOTICECONF_TOKEN=... noticeconf verify --target https://cloudbuild-ext.cn-north-4.myhuaweicloud.com \
    --job-id 0123456789abcdef0123456789abcdef --cassettes cassettes/live \
    --job-map 48c66c6002964721be537cdc6ce0297b=0123456789abcdef0123456789abcdef --label-filter cassette`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fromEnv(&o.Token, "NOTICECONF_TOKEN")
			fromEnv(&o.AK, "NOTICECONF_AK")
			fromEnv(&o.SK, "NOTICECONF_SK")
			fromEnv(&o.JobID, "NOTICECONF_JOB_ID")
			fromEnv(&o.ForbiddenToken, "NOTICECONF_FORBIDDEN_TOKEN")
			if cmd.Flags().Changed("fault-injection") {
				o.FaultInjection = &fault
			}
			if err := nonNegative("timeout", o.RequestTimeout); err != nil {
				return usageErr(err)
			}
			if err := nonNegative("run-timeout", o.RunTimeout); err != nil {
				return usageErr(err)
			}
			if err := checkTargetURL(o.Target); err != nil {
				return usageErr(err)
			}
			var err error
			if o.JobMap, err = verify.ParseJobMap(jobMap); err != nil {
				return usageErr(err)
			}
			if o.Include, err = verify.ParseInclude(includes); err != nil {
				return usageErr(err)
			}
			o.Logger = e.log
			rep, err := verify.Run(cmd.Context(), o, e.stdout)
			if err != nil {
				// A configuration error (verify.ErrUsage) or a report that could
				// not be written: either way nothing conclusive was checked.
				return usageErr(err)
			}
			if cmd.Context().Err() != nil {
				// Checks cut short by SIGINT/SIGTERM are no verdict either way.
				return &exitError{code: exitInterrupted, err: fmt.Errorf("interrupted (SIGINT or SIGTERM) while checking %s: no verdict", rep.Target)}
			}
			if !rep.Conforms {
				return failErr(fmt.Errorf("%d MUST checks failed against %s", rep.Summary.Failed, rep.Target))
			}
			if rep.CutShort != "" {
				return usageErr(fmt.Errorf("%s before every check against %s ran: no verdict; allow more time with --run-timeout, or send fewer requests with --examples", rep.CutShort, rep.Target))
			}
			if ran := rep.Summary.Passed + rep.Summary.Failed + rep.Summary.Warnings; ran == 0 {
				// A verdict over nothing is no verdict: say so rather than pass.
				return usageErr(fmt.Errorf("no check ran against %s (%d selected, all skipped; see the reasons above, and --label-filter, --focus, --skip): nothing was verified", rep.Target, rep.Summary.Checks))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Target, "target", verify.TargetMock, "server to check: mock, replay:PATH or a base URL")
	f.StringArrayVar(&credentials, "credential", nil, `with --target replay:PATH, name a credential as the recording did: NAME=ENV_VAR (repeatable; default: the token, forbidden token and access key sent are named token, forbidden and aksk)`)
	f.StringVar(&o.Token, "token", "", "valid X-Auth-Token (env NOTICECONF_TOKEN)")
	f.StringVar(&o.AK, "ak", "", "access key to sign requests with (env NOTICECONF_AK)")
	f.StringVar(&o.SK, "sk", "", "secret key of --ak (env NOTICECONF_SK)")
	f.StringVar(&o.JobID, "job-id", "", "an existing job's id (env NOTICECONF_JOB_ID; default for mock: the demo job)")
	f.StringVar(&o.MissingJobID, "missing-job-id", "", "a well-formed job id that does not exist (default: random)")
	f.StringVar(&o.ForbiddenToken, "forbidden-token", "", "a token the target refuses with 403; enables the 403 checks (env NOTICECONF_FORBIDDEN_TOKEN)")
	f.BoolVar(&fault, "fault-injection", false, `send "Prefer: code=500" and check the 500 answer (default: on for mock, off otherwise)`)
	f.StringVar(&o.LabelFilter, "label-filter", "", "run only checks whose labels match (Ginkgo syntax, e.g. 'MUST && !stateful')")
	f.StringArrayVar(&o.Focus, "focus", nil, "run only checks whose name matches this regular expression (repeatable)")
	f.StringArrayVar(&o.Skip, "skip", nil, "skip checks whose name matches this regular expression (repeatable)")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "stream Ginkgo's verbose output before the report")
	f.DurationVar(&o.RequestTimeout, "timeout", 0, "bound on each request (default 10s)")
	f.DurationVar(&o.RunTimeout, "run-timeout", 0, fmt.Sprintf("bound on the whole run: checks still running then fail as timed out, later ones do not run (default %s)", verify.DefaultRunTimeout))
	f.Uint64Var(&o.Seed, "seed", 0, "seed of the generated checks; the report prints it, and the same seed repeats a run (default: random)")
	f.IntVar(&o.Examples, "examples", 0, fmt.Sprintf("requests each generated check tries (default %d)", suites.DefaultExamples))
	f.StringArrayVar(&o.Cassettes, "cassettes", nil, "cassette file or directory whose interactions are re-sent and compared (repeatable)")
	f.StringArrayVar(&jobMap, "job-map", nil, "RECORDED=TARGET: send the recorded job id RECORDED as TARGET (repeatable)")
	f.StringArrayVar(&includes, "include", nil, "also compare what --cassettes ignores by default: "+strings.Join(verify.IncludeNames(), ", ")+" (repeatable or comma-separated)")
	f.StringVar(&o.JUnitReport, "junit-report", "", "also write the report as JUnit XML to this file")
	f.StringVar(&o.JSONReport, "json-report", "", "also write the report as JSON to this file")
	f.StringVar(&o.MarkdownReport, "markdown-report", "", "also write the report as Markdown to this file")
	return cmd
}

// openReplay returns verify's OpenReplay: the replay server over the cassettes at a
// path, naming the credentials in *specs (--credential NAME=ENV_VAR) or, when there
// are none, the credentials verify sends under their default names (token,
// forbidden, aksk: the names of the shipped cassettes).
func openReplay(e *env, specs *[]string) func(context.Context, string, []verify.ReplayCredential) (http.Handler, error) {
	return func(_ context.Context, path string, sent []verify.ReplayCredential) (http.Handler, error) {
		files, err := cassette.LoadPaths(path)
		if err != nil {
			return nil, err
		}
		given, getenv := *specs, os.Getenv
		if len(given) == 0 {
			given, getenv = defaultCredentialSpecs(sent)
		}
		names, err := credential.Parse(given, getenv)
		if err != nil {
			return nil, fmt.Errorf("--credential: %w", err)
		}
		warnLoaded(e, files)
		return replay.New(files, replay.Options{Logger: e.log, Credentials: names})
	}
}

// defaultCredentialSpecs returns credential.Parse's specifications of sent, each
// NAME=NAME (NAME=NAME:NAME.sk with a secret key), and the lookup of each name's
// value.
func defaultCredentialSpecs(sent []verify.ReplayCredential) ([]string, func(string) string) {
	specs := make([]string, 0, len(sent))
	values := make(map[string]string, 2*len(sent))
	for _, c := range sent {
		spec := c.Name + "=" + c.Name
		values[c.Name] = c.Value
		if c.SecretKey != "" {
			spec += ":" + c.Name + ".sk"
			values[c.Name+".sk"] = c.SecretKey
		}
		specs = append(specs, spec)
	}
	return specs, func(name string) string { return values[name] }
}

// fromEnv sets *v from the environment variable name when *v is empty.
func fromEnv(v *string, name string) {
	if *v == "" {
		*v = os.Getenv(name)
	}
}

// checkTargetURL refuses a --target URL with more than a scheme, host and port: the
// checks append the endpoint's paths to it, so a path, query, fragment or user
// information would build broken (or credential-leaking) URLs.
func checkTargetURL(target string) error {
	if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
		return nil
	}
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("--target %q: %w", target, err)
	}
	switch {
	case u.Host == "":
		return fmt.Errorf("--target %q: no host", target)
	case u.User != nil:
		return fmt.Errorf("--target: user information in the URL is not allowed; give credentials with NOTICECONF_TOKEN or NOTICECONF_AK/NOTICECONF_SK")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Errorf("--target %q: a query or fragment is not allowed; give the base URL, e.g. %s://%s", target, u.Scheme, u.Host)
	case u.Path != "" && u.Path != "/":
		return fmt.Errorf("--target %q: a path is not allowed (the checks add /v3/jobs/notice/...); give the base URL, e.g. %s://%s", target, u.Scheme, u.Host)
	}
	return nil
}
