// Command noticeconf is a conformance harness, recording proxy and replay server for
// Huawei Cloud CodeArts Build's notice update endpoint,
// POST /v3/jobs/notice/{job_id}/update.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/internal/asynclog"
)

// Exit codes of every subcommand.
const (
	exitOK    = 0 // everything passed
	exitFail  = 1 // a check failed (verify, cassette audit)
	exitUsage = 2 // bad flags, bad input files, unreachable target
)

// forceExitAfter is how long a command may take to stop once SIGINT or SIGTERM
// arrives (servers shut down within --shutdown-timeout, at most maxShutdownTimeout);
// then the process exits with exitInterrupted whatever it is doing. A second signal
// ends it at once.
const forceExitAfter = maxShutdownTimeout + 10*time.Second

// exitInterrupted is the exit code of a command ended by a signal it could not
// finish on in time (128 + SIGINT, as shells report it).
const exitInterrupted = 130

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // from now on a signal has its default effect: the process ends
		time.Sleep(forceExitAfter)
		fmt.Fprintf(os.Stderr, "noticeconf: still running %s after SIGINT/SIGTERM; exiting\n", forceExitAfter)
		os.Exit(exitInterrupted)
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitError carries an exit code out of a subcommand.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as a usage or configuration error (exit 2).
func usageErr(err error) error { return &exitError{code: exitUsage, err: err} }

// failErr marks err as a failed check (exit 1).
func failErr(err error) error { return &exitError{code: exitFail, err: err} }

// env holds what every subcommand writes to.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
}

// run executes noticeconf with args and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// Log lines go out from a goroutine of their own, so that no request waits for
	// stderr; all of them are out before run returns or prints anything more.
	logs := asynclog.NewWriter(stderr)
	e := &env{stdout: stdout, stderr: stderr, log: slog.New(slog.NewTextHandler(logs, nil))}
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	logs.Close()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "noticeconf:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Everything cobra itself rejects (unknown flags, missing arguments) is usage.
	return exitUsage
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "noticeconf",
		Short: "Conformance harness, recording proxy and replay server for CodeArts Build's notice update API",
		Long: `noticeconf checks servers of Huawei Cloud CodeArts Build's notice update endpoint,
POST /v3/jobs/notice/{job_id}/update, against the vendor's documented contract and
against recorded real traffic.

  noticeconf verify           check a server against the contract, check by check
  noticeconf mock             serve the reference mock of the endpoint
  noticeconf record           record traffic to the endpoint into a cassette
  noticeconf replay           serve recorded cassettes as the API, offline
  noticeconf ca               print the recording proxy's CA certificate and how to trust it
  noticeconf cassette audit   find secrets left in cassettes
  noticeconf version          print the version`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newVersionCmd(e),
		newMockCmd(e),
		newVerifyCmd(e),
		newRecordCmd(e),
		newReplayCmd(e),
		newCACmd(e),
		newCassetteCmd(e),
	)
	return root
}
