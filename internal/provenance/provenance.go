// Package provenance says where a cassette came from: the upstream it recorded, when,
// with which tool and version, and with which kinds of credentials. It lives in a
// sidecar file beside the cassette, CASSETTE.provenance.json, so that the cassette
// stays a plain go-vcr v3 file that go-vcr's Load, the replay loader and the
// recording proxy's append mode all read unchanged.
package provenance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/atomicfile"
	"github.com/noticeconf/noticeconf/internal/redact"
	"github.com/noticeconf/noticeconf/internal/version"
)

// Suffix is appended to a cassette's path to name its provenance file.
const Suffix = ".provenance.json"

// FormatVersion is the version of the provenance file's format.
const FormatVersion = 1

// Tool names the program that recorded a cassette.
const (
	// ToolRecord is `noticeconf record`, the recording proxy.
	ToolRecord = "noticeconf record"
	// ToolHandWritten marks a cassette written by hand from a document.
	ToolHandWritten = "hand-written"
)

// Provenance is what a cassette's provenance file holds.
type Provenance struct {
	// Version is the file format's version, FormatVersion.
	Version int `json:"version"`
	// Upstream is the base URL the recorded traffic went to (scheme and host, never
	// credentials or a query), or a short description when there was no single one.
	Upstream string `json:"upstream"`
	// Hosts are the hosts of the recorded requests, sorted. Empty for an empty cassette.
	Hosts []string `json:"hosts,omitempty"`
	// RecordedAt is when recording started, in UTC.
	RecordedAt time.Time `json:"recorded_at"`
	// Tool is the program that wrote the cassette (ToolRecord, ToolHandWritten, ...).
	Tool string `json:"tool"`
	// ToolVersion is noticeconf's version (internal/version) for ToolRecord.
	ToolVersion string `json:"tool_version,omitempty"`
	// Credentials are the kinds of credentials the recorded requests carried, sorted:
	// "none", "token", "aksk". The values themselves are never recorded.
	Credentials []cassette.AuthKind `json:"credentials"`
	// Mode is how the recording proxy ran: "reverse" or "forward". Empty otherwise.
	Mode string `json:"mode,omitempty"`
	// Normalized lists the values replaced after recording to make the cassette
	// reproducible (see Normalize), one line each. Empty when nothing was replaced.
	Normalized []string `json:"normalized,omitempty"`
	// Note is free text: anything a reader should know about the cassette.
	Note string `json:"note,omitempty"`
}

// ErrMissing is returned (wrapped) by Read when a cassette has no provenance file.
var ErrMissing = errors.New("no provenance file")

// PathFor returns the provenance file's path of the cassette at path.
func PathFor(path string) string { return path + Suffix }

// New returns the provenance of a recording that starts now with `noticeconf record`.
// upstream is shown without credentials, query or fragment.
func New(upstream string, now time.Time) Provenance {
	return Provenance{
		Version:     FormatVersion,
		Upstream:    CleanURL(upstream),
		RecordedAt:  now.UTC().Truncate(time.Second),
		Tool:        ToolRecord,
		ToolVersion: version.Version,
		Credentials: []cassette.AuthKind{},
	}
}

// CleanURL returns s without user info, query or fragment, and with what else the
// redaction policy redacts in a URL (a webhook's token path segment); a string that is
// not an absolute URL comes back through the policy only.
func CleanURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return redact.Default().URL(s)
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return redact.Default().URL(strings.TrimRight(u.String(), "/"))
}

// Observe sets Hosts and Credentials from the interactions of the cassette f.
func (p *Provenance) Observe(f *cassette.File) {
	o := NewObserver(Provenance{})
	for i := range f.Interactions {
		o.Request(&f.Interactions[i].Request)
	}
	o.Set(p)
}

// Observer gathers what Observe reads from a cassette, the hosts and the kinds of
// credentials, one request at a time as they are recorded: a recording that observes
// each interaction it appends says what its cassette holds without reading the
// cassette again when it ends. It is safe for concurrent use.
type Observer struct {
	mu    sync.Mutex
	hosts map[string]bool
	kinds map[cassette.AuthKind]bool
}

// NewObserver returns an Observer that starts from the hosts and kinds of
// credentials of p: those of the interactions a cassette already holds.
func NewObserver(p Provenance) *Observer {
	o := &Observer{hosts: map[string]bool{}, kinds: map[cassette.AuthKind]bool{}}
	for _, h := range p.Hosts {
		o.hosts[h] = true
	}
	for _, k := range p.Credentials {
		o.kinds[k] = true
	}
	return o
}

// Request observes a recorded request, as it is in the cassette.
func (o *Observer) Request(q *vcr.Request) {
	host := q.Host
	if u, err := url.Parse(q.URL); err == nil && u.Host != "" {
		host = u.Host
	}
	kind := cassette.AuthKindOf(q.Headers)
	o.mu.Lock()
	defer o.mu.Unlock()
	if host != "" {
		o.hosts[host] = true
	}
	o.kinds[kind] = true
}

// Set sets p's Hosts and Credentials to what o has observed.
func (o *Observer) Set(p *Provenance) {
	o.mu.Lock()
	defer o.mu.Unlock()
	p.Hosts = sortedKeys(o.hosts)
	p.Credentials = sortedKeys(o.kinds)
}

func sortedKeys[K ~string](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Check reports what a provenance lacks: the error names every missing field.
func (p Provenance) Check() error {
	var missing []string
	if p.Version != FormatVersion {
		missing = append(missing, fmt.Sprintf("version %d (want %d)", p.Version, FormatVersion))
	}
	if p.Upstream == "" {
		missing = append(missing, "upstream")
	}
	if p.RecordedAt.IsZero() {
		missing = append(missing, "recorded_at")
	}
	if p.Tool == "" {
		missing = append(missing, "tool")
	}
	if p.Tool == ToolRecord && p.ToolVersion == "" {
		missing = append(missing, "tool_version")
	}
	if p.Credentials == nil {
		missing = append(missing, "credentials")
	}
	if len(missing) > 0 {
		return fmt.Errorf("provenance lacks %s", strings.Join(missing, ", "))
	}
	return nil
}

// Read reads and checks the provenance of the cassette at path. It returns an error
// wrapping ErrMissing when there is no provenance file.
func Read(path string) (Provenance, error) {
	var p Provenance
	data, err := os.ReadFile(PathFor(path))
	if errors.Is(err, fs.ErrNotExist) {
		return p, fmt.Errorf("%s: %w (want %s)", path, ErrMissing, filepath.Base(PathFor(path)))
	}
	if err != nil {
		return p, fmt.Errorf("provenance of %s: %w", path, err)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("provenance of %s: %s: not valid JSON: %w", path, filepath.Base(PathFor(path)), err)
	}
	if err := p.Check(); err != nil {
		return p, fmt.Errorf("provenance of %s: %w", path, err)
	}
	return p, nil
}

// Write writes p as the provenance file of the cassette at path, crash-safely
// (package atomicfile: a reader never sees half of it, nor does the file after a
// power loss). The file holds no
// request or secret, so its mode honours the umask (0666 less the umask, as a file
// os.Create makes).
func Write(path string, p Provenance) error {
	if p.Credentials == nil {
		p.Credentials = []cassette.AuthKind{}
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("provenance of %s: %w", path, err)
	}
	data = append(data, '\n')
	if err := atomicfile.Write(PathFor(path), data, 0o666); err != nil {
		return fmt.Errorf("provenance of %s: %w", path, err)
	}
	return nil
}
