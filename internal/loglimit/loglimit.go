// Package loglimit bounds the lines a second a server logs one by one for the
// requests it serves, and counts the rest in one line for each second that had more:
// under load a server answers tens of thousands of requests a second, and a line for
// each would cost it a tenth of its throughput and fill a CI log with megabytes a
// second, while a test suite's few requests a second are all logged.
package loglimit

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// DefaultPerSecond is the number of lines a second a Limiter lets through when it is
// given none.
const DefaultPerSecond = 100

// Limiter decides which per-request lines are logged: the first perSecond of each
// second of the wall clock. For a second in which more were asked for, it logs one
// line with their count, at the first request of a later second or on Flush. It is
// safe for concurrent use; under concurrent use at a second's turn, a request or two
// may be counted in the second next to its own.
type Limiter struct {
	perSecond int64
	log       *slog.Logger
	msg       string

	window atomic.Int64 // the second (Unix time) the count is for
	asked  atomic.Int64 // lines asked for in window
}

// New returns a Limiter that lets perSecond lines a second through (DefaultPerSecond
// if perSecond is 0, every line if it is negative) and logs the count of the others
// to log at level Info, with message msg.
func New(perSecond int, log *slog.Logger, msg string) *Limiter {
	if perSecond == 0 {
		perSecond = DefaultPerSecond
	}
	return &Limiter{perSecond: int64(perSecond), log: log, msg: msg}
}

// Allow reports whether the line of a request served at now is to be logged. When now
// is in a later second than the requests counted so far, the count of those left out
// is logged first.
func (l *Limiter) Allow(now time.Time) bool {
	if l.perSecond < 0 {
		return true
	}
	sec := now.Unix()
	if w := l.window.Load(); sec > w && l.window.CompareAndSwap(w, sec) {
		l.report(w, l.asked.Swap(0))
	}
	return l.asked.Add(1) <= l.perSecond
}

// Flush logs the count of lines left out in the current second, if any, and starts
// the count again: for a server that has stopped serving.
func (l *Limiter) Flush() {
	if l.perSecond < 0 {
		return
	}
	l.report(l.window.Load(), l.asked.Swap(0))
}

// report logs the count of lines left out of asked in second sec.
func (l *Limiter) report(sec, asked int64) {
	left := asked - l.perSecond
	if left <= 0 {
		return
	}
	l.log.LogAttrs(context.Background(), slog.LevelInfo, l.msg,
		slog.Int64("requests", left), slog.Time("second", time.Unix(sec, 0).UTC()),
		slog.Int64("lines_per_second", l.perSecond))
}
