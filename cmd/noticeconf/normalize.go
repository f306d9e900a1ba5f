package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/internal/provenance"
)

func newCassetteNormalizeCmd(e *env) *cobra.Command {
	var (
		date, host, note string
	)
	cmd := &cobra.Command{
		Use:   "normalize --date RFC3339 [--host HOST] CASSETTE...",
		Short: "Make recorded cassettes reproducible: replace wall-clock values and request ids",
		Long: `Rewrite cassettes so that two recordings of the same traffic are byte for byte
equal: response Date and request X-Sdk-Date headers become --date; each request id
(X-Request-Id, and the same value in response bodies, e.g. request_id) becomes a
counter in 32 hex digits; durations become 0; with --host, every request URL's host
becomes HOST (an ephemeral port changes on every run). Statuses, other headers and
bodies are kept byte for byte. Each cassette's provenance file (which must exist)
gets --date as recorded_at and lists what was replaced under "normalized".

make cassettes uses it for the shipped cassettes. Do not normalize cassettes of the
live API that you keep as evidence: the real dates and request ids are worth keeping.`,
		Example: `  noticeconf cassette normalize --date 2026-01-01T00:00:00Z --host reference-mock.invalid cassettes/reference-mock/conformance.yaml`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if date == "" {
				return usageErr(errors.New("--date is required (RFC 3339, e.g. 2026-01-01T00:00:00Z)"))
			}
			d, err := time.Parse(time.RFC3339, date)
			if err != nil {
				return usageErr(fmt.Errorf("--date: %w", err))
			}
			for _, path := range args {
				if err := provenance.Normalize(path, provenance.NormalizeOptions{Date: d, Host: host, Note: note, Warn: func(w string) { e.log.Warn(w) }}); err != nil {
					return usageErr(err)
				}
				fmt.Fprintf(e.stdout, "normalized %s\n", path)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "the date every wall-clock value becomes (RFC 3339)")
	cmd.Flags().StringVar(&host, "host", "", "the host every request URL gets (default: keep the hosts)")
	cmd.Flags().StringVar(&note, "note", "", "text for the provenance's note (default: keep it)")
	return cmd
}
