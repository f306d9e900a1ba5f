package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/noticeconf/noticeconf/internal/serve"
)

// addServeFlags registers the timeouts every server command (mock, replay, record)
// takes, into o.
func addServeFlags(f *pflag.FlagSet, o *serve.Options) {
	f.DurationVar(&o.ReadHeaderTimeout, "read-header-timeout", serve.DefaultReadHeaderTimeout, "bound on reading a request's headers")
	f.DurationVar(&o.ReadTimeout, "read-timeout", serve.DefaultReadTimeout, "bound on reading a whole request, body included")
	f.DurationVar(&o.WriteTimeout, "write-timeout", serve.DefaultWriteTimeout, "bound on a request from its headers to the end of its answer (and on each write in a CONNECT tunnel)")
	f.DurationVar(&o.IdleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "how long a kept-alive connection, or a CONNECT tunnel, may stay silent")
	f.DurationVar(&o.ShutdownTimeout, "shutdown-timeout", serve.DefaultShutdownTimeout, "on SIGINT/SIGTERM, how long requests in flight get before every connection is closed")
}

// maxShutdownTimeout bounds --shutdown-timeout, so that a signal always ends the
// process (see forceExitAfter).
const maxShutdownTimeout = 20 * time.Second

// checkServeFlags refuses a negative or zero timeout (every bound stays on) and a
// shutdown timeout over maxShutdownTimeout.
func checkServeFlags(o serve.Options) error {
	if o.ShutdownTimeout > maxShutdownTimeout {
		return fmt.Errorf("--shutdown-timeout %s: at most %s", o.ShutdownTimeout, maxShutdownTimeout)
	}
	for name, d := range map[string]time.Duration{
		"read-header-timeout": o.ReadHeaderTimeout, "read-timeout": o.ReadTimeout,
		"write-timeout": o.WriteTimeout, "idle-timeout": o.IdleTimeout, "shutdown-timeout": o.ShutdownTimeout,
	} {
		if err := positive(name, d); err != nil {
			return err
		}
	}
	return nil
}

// positive refuses a duration flag that is zero or negative.
func positive(name string, d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("--%s %s: want a positive duration, e.g. 30s", name, d)
	}
	return nil
}

// nonNegative refuses a negative duration flag.
func nonNegative(name string, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("--%s %s: a duration must not be negative", name, d)
	}
	return nil
}

// served is a server command's result: requests cut off at the shutdown deadline are
// logged, not an error, since the command stopped as asked.
func served(e *env, err error) error {
	if errors.Is(err, serve.ErrCutOff) {
		e.log.Warn("stopped", "err", err)
		return nil
	}
	return err
}
