package provenance

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/atomicfile"
)

// sdkDateFormat is the layout of X-Sdk-Date (the SDK signer's BasicDateFormat).
const sdkDateFormat = "20060102T150405Z"

// NormalizeOptions says what Normalize replaces.
type NormalizeOptions struct {
	// Date replaces every wall-clock value: response Date headers, request
	// X-Sdk-Date headers and the provenance's recorded_at. It is required.
	Date time.Time
	// Host, if set, replaces the host (and port) of every request URL and the
	// provenance's upstream host: an ephemeral port changes on every run.
	Host string
	// Note, if set, becomes the provenance's note.
	Note string
	// Warn, if not nil, is called with what the loader left out of the cassette (a
	// torn last interaction, which the rewritten file no longer holds).
	Warn func(string)
}

// Normalize rewrites the cassette at path so that two recordings of the same traffic
// are byte for byte equal, and records in its provenance what it replaced:
//
//   - response Date headers and request X-Sdk-Date headers become o.Date;
//   - each distinct request id (the X-Request-Id header, and the same value wherever
//     the response body holds it, e.g. the gateway's request_id) becomes a counter in
//     32 hex digits, numbered in order of first appearance;
//   - every recorded duration becomes 0;
//   - with o.Host, the host of every request URL becomes o.Host.
//
// Nothing else changes: statuses, other headers and bodies stay byte for byte. The
// cassette is rewritten through a temporary file renamed into place. Its provenance
// file must exist.
func Normalize(path string, o NormalizeOptions) error {
	if o.Date.IsZero() {
		return errors.New("normalize: a date is required")
	}
	date := o.Date.UTC()
	prov, err := Read(path)
	if err != nil {
		return fmt.Errorf("normalize: %w", err)
	}
	release, err := cassette.Lock(path)
	if err != nil {
		return fmt.Errorf("normalize: %w", err)
	}
	defer release()
	f, err := cassette.LoadFile(path)
	if err != nil {
		return fmt.Errorf("normalize: %w", err)
	}
	if o.Warn != nil {
		for _, w := range f.Warnings {
			o.Warn(w)
		}
	}
	ids := map[string]string{}
	newID := func(old string) string {
		if id, ok := ids[old]; ok {
			return id
		}
		id := fmt.Sprintf("%032x", len(ids)+1)
		ids[old] = id
		return id
	}
	out := make([]*vcr.Interaction, 0, len(f.Interactions))
	for k := range f.Interactions {
		in := f.Interactions[k].Interaction // a copy; header maps are replaced below
		in.Request.Headers = in.Request.Headers.Clone()
		in.Response.Headers = in.Response.Headers.Clone()
		if o.Host != "" {
			u, err := url.Parse(in.Request.URL)
			if err != nil {
				return fmt.Errorf("normalize %s: interaction %d: request url: %w", path, in.ID, err)
			}
			u.Host = o.Host
			in.Request.URL = u.String()
			if in.Request.Host != "" {
				in.Request.Host = o.Host
			}
		}
		replaceValues(in.Request.Headers, contract.HeaderSdkDate, date.Format(sdkDateFormat))
		replaceValues(in.Response.Headers, "Date", date.Format(http.TimeFormat))
		body := in.Response.Body
		for _, old := range requestIDs(in.Response.Headers, body) {
			body = strings.ReplaceAll(body, old, newID(old))
		}
		if vs := in.Response.Headers.Values(contract.HeaderRequestID); len(vs) > 0 {
			for i, v := range vs {
				vs[i] = newID(v)
			}
		}
		in.Response.Body = body
		in.Response.Duration = 0
		out = append(out, &in)
	}
	if err := rewrite(path, out); err != nil {
		return err
	}
	prov.RecordedAt = date
	if o.Host != "" {
		if u, err := url.Parse(prov.Upstream); err == nil && u.Host != "" {
			u.Host = o.Host
			prov.Upstream = u.String()
		}
	}
	prov.Observe(f)
	if o.Host != "" && len(prov.Hosts) > 0 {
		prov.Hosts = []string{o.Host}
	}
	prov.Normalized = normalizedLines(date, o.Host)
	if o.Note != "" {
		prov.Note = o.Note
	}
	return Write(path, prov)
}

// normalizedLines says, in the provenance, what Normalize replaced.
func normalizedLines(date time.Time, host string) []string {
	lines := []string{
		"recorded_at, response Date and request X-Sdk-Date headers set to " + date.Format(time.RFC3339),
		"request ids (X-Request-Id and the same value in response bodies) renumbered 000...001, 000...002, ... in order of first appearance",
		"durations set to 0",
	}
	if host != "" {
		lines = append(lines, "request URL hosts and the upstream host set to "+host)
	}
	return lines
}

// replaceValues sets every value of header name in h to v.
func replaceValues(h http.Header, name, v string) {
	vs := h.Values(name)
	for i := range vs {
		vs[i] = v
	}
}

// requestIDs returns the request ids of a recorded answer: its X-Request-Id values
// and its body's top-level request_id, each once, in that order.
func requestIDs(h http.Header, body string) []string {
	var ids []string
	add := func(s string) {
		if s != "" && !slices.Contains(ids, s) {
			ids = append(ids, s)
		}
	}
	for _, v := range h.Values(contract.HeaderRequestID) {
		add(v)
	}
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &m) == nil {
		var s string
		if json.Unmarshal(m["request_id"], &s) == nil {
			add(s)
		}
	}
	return ids
}

// rewrite writes is as the cassette at path, through a temporary file renamed into
// place.
func rewrite(path string, is []*vcr.Interaction) error {
	tmp := filepath.Join(filepath.Dir(path), ".normalize-"+filepath.Base(path))
	_ = os.Remove(tmp) // left over from an interrupted run
	w, err := cassette.OpenWriter(tmp, cassette.CreateNew)
	if err != nil {
		return fmt.Errorf("normalize: %w", err)
	}
	defer os.Remove(tmp) // fails harmlessly once renamed
	for _, in := range is {
		if _, err := w.Append(in); err != nil {
			_ = w.Close()
			return fmt.Errorf("normalize: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("normalize: %w", err)
	}
	if err := atomicfile.Rename(tmp, path); err != nil {
		return fmt.Errorf("normalize: %w", err)
	}
	return nil
}
