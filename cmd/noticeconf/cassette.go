package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/audit"
)

func newCassetteCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cassette",
		Short: "Work with recorded cassettes",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCassetteAuditCmd(e))
	cmd.AddCommand(newCassetteNormalizeCmd(e))
	return cmd
}

func newCassetteAuditCmd(e *env) *cobra.Command {
	var patterns []string
	cmd := &cobra.Command{
		Use:   "audit PATH...",
		Short: "Find secrets left in cassettes",
		Long: `Audit cassette files (and the *.yaml/*.yml files under directories) for secrets.
Anything the redaction policy of noticeconf record would redact and that is not the
placeholder ` + cassette.Redacted + ` is a finding: secret headers, URL userinfo, secret query
parameters and form fields, secret JSON fields at any depth and inside JSON strings
(param_config), notice channel webhook tokens. Then detectors look at the rest: IAM
tokens (MII...), AK-shaped strings, AKIA..., ghp_..., xox..., JWTs, private keys,
webhook URLs that still hold a token, high-entropy strings, and whatever --pattern
adds. Each finding names the file, the interaction and the field, never the
secret. A cassette without a provenance file (CASSETTE.provenance.json, which
noticeconf record writes) is reported too. Exit code 1 when anything is found, 2 when
a file cannot be read or parsed.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var o audit.Options
			for _, p := range patterns {
				re, err := regexp.Compile(p)
				if err != nil {
					return usageErr(fmt.Errorf("--pattern %q: %w", p, err))
				}
				o.Patterns = append(o.Patterns, re)
			}
			r, err := interruptible(cmd.Context(), func() (audit.Report, error) { return audit.Paths(args, o) })
			if err != nil {
				var ee *exitError
				if errors.As(err, &ee) {
					return err
				}
				return usageErr(err)
			}
			for _, w := range r.Warnings {
				e.log.Warn(w)
			}
			for _, f := range r.Findings {
				fmt.Fprintln(e.stdout, f)
			}
			for _, f := range r.Provenance {
				fmt.Fprintln(e.stdout, f)
			}
			switch {
			case len(r.Files) == 0:
				// An audit of nothing must not pass for a clean one.
				return usageErr(fmt.Errorf("no cassettes (*.yaml, *.yml) found in %s: nothing to audit", strings.Join(args, " ")))
			case len(r.Findings) == 0 && len(r.Provenance) == 0:
				fmt.Fprintf(e.stdout, "audited %d cassette(s), %d interaction(s): no secrets found, provenance complete\n", len(r.Files), r.Interactions)
			case len(r.Findings) == 0:
				fmt.Fprintf(e.stdout, "audited %d cassette(s), %d interaction(s): no secrets found; %d without provenance\n", len(r.Files), r.Interactions, len(r.Provenance))
				return &exitError{code: exitFail, err: fmt.Errorf("%d cassette(s) without provenance", len(r.Provenance))}
			default:
				fmt.Fprintf(e.stdout, "audited %d cassette(s), %d interaction(s): %d finding(s); %d without provenance\n", len(r.Files), r.Interactions, len(r.Findings), len(r.Provenance))
				return &exitError{code: exitFail, err: fmt.Errorf("%w: %d finding(s)", audit.ErrFindings, len(r.Findings))}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&patterns, "pattern", nil, "regular expression that also counts as a secret (repeatable)")
	return cmd
}

// warnLoaded logs what the loader left out of the cassettes it loaded (a torn last
// interaction), so that no reader drops an interaction silently.
func warnLoaded(e *env, files []*cassette.File) {
	for _, f := range files {
		for _, w := range f.Warnings {
			e.log.Warn(w)
		}
	}
}

// interruptible runs f, and returns at once with exitInterrupted when ctx ends first
// (SIGINT or SIGTERM): f reads files and cannot be stopped, and its result is no
// longer wanted.
func interruptible[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, &exitError{code: exitInterrupted, err: errors.New("interrupted (SIGINT or SIGTERM): no verdict")}
	}
}
