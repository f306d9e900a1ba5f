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
		prov.Observe(f) // what the cassette holds as it is opened: in append mode, the earlier recordings
	}
	p.prov = prov
	p.observed = provenance.NewObserver(prov)
	if err := provenance.Write(cfg.Cassette, prov); err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	return nil
}

// finishProvenance updates the provenance file with the hosts and kinds of
// credentials of what was recorded: those of the cassette as it was opened and of
// every interaction appended since (observed as each was appended, so that a long
// recording ends without reading its cassette again).
func (p *Proxy) finishProvenance() error {
	p.observed.Set(&p.prov)
	if err := provenance.Write(p.cfg.Cassette, p.prov); err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	return nil
}
