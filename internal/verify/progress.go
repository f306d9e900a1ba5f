package verify

import (
	"log/slog"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// progress logs, every interval while a run lasts, how many of its checks are done,
// so that a run against a slow target says how far it is.
type progress struct {
	log      *slog.Logger
	interval time.Duration

	mu     sync.Mutex
	total  int
	checks int
	failed int
	began  time.Time
	ticker *time.Ticker
	quit   chan struct{}
	ended  chan struct{}
}

func newProgress(log *slog.Logger, interval time.Duration) *progress {
	if interval <= 0 {
		interval = DefaultProgressInterval
	}
	return &progress{log: log, interval: interval}
}

// start begins the periodic lines for a run of total checks.
func (p *progress) start(total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quit != nil {
		return
	}
	p.total, p.began = total, time.Now()
	p.ticker = time.NewTicker(p.interval)
	p.quit, p.ended = make(chan struct{}), make(chan struct{})
	go p.run(p.ticker.C, p.quit, p.ended)
}

func (p *progress) run(tick <-chan time.Time, quit, ended chan struct{}) {
	defer close(ended)
	for {
		select {
		case <-quit:
			return
		case <-tick:
			p.line()
		}
	}
}

// line logs how far the run is.
func (p *progress) line() {
	p.mu.Lock()
	done, total, failed, elapsed := p.checks, p.total, p.failed, time.Since(p.began).Round(time.Second)
	p.mu.Unlock()
	p.log.Info("verify progress", "checks_done", done, "checks", total, "failed", failed, "elapsed", elapsed)
}

// done counts a finished check, skipped ones included; a check the filters left out
// never started and is not one of the run's.
func (p *progress) done(r types.SpecReport) {
	if r.StartTime.IsZero() || r.LeafNodeType != types.NodeTypeIt {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checks++
	if r.State.Is(types.SpecStateFailureStates) {
		p.failed++
	}
}

// stop ends the periodic lines.
func (p *progress) stop() {
	p.mu.Lock()
	quit, ended, ticker := p.quit, p.ended, p.ticker
	p.mu.Unlock()
	if quit == nil {
		return
	}
	ticker.Stop()
	close(quit)
	<-ended
}
