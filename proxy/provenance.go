package proxy

import (
	"fmt"
	"strings"
	"time"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/provenance"
)

// startProvenance writes the provenance file of a recording that starts at now,
// CASSETTE.provenance.json beside the cassette. In append mode an existing provenance
// is kept (its date is the first recording's).
func (p *Proxy) startProvenance(now time.Time) error {
	cfg := p.cfg
	upstream := cfg.Upstream
	mode := "reverse"
	if cfg.Forward {
		mode = "forward"
		if upstream == "" {
			upstream = "forward proxy (HTTPS_PROXY); see hosts"
		}
	}
	prov := provenance.New(upstream, now)
	prov.Mode = mode
	if cfg.Mode == ModeAppend {
		if old, err := provenance.Read(cfg.Cassette); err == nil {
			if old.Upstream != prov.Upstream && !strings.Contains(old.Upstream, prov.Upstream) {
				old.Upstream += ", " + prov.Upstream
			}
			prov = old
		}
	}
	if f, err := cassette.LoadFile(cfg.Cassette); err == nil {
		prov.Observe(f)
	}
	p.prov = prov
	if err := provenance.Write(cfg.Cassette, prov); err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	return nil
}

// finishProvenance updates the provenance file with the hosts and kinds of
// credentials of what was recorded.
func (p *Proxy) finishProvenance() error {
	f, err := cassette.LoadFile(p.cfg.Cassette)
	if err != nil {
		return fmt.Errorf("proxy: provenance: %w", err)
	}
	p.prov.Observe(f)
	if err := provenance.Write(p.cfg.Cassette, p.prov); err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	return nil
}
