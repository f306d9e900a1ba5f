// Package audit finds secrets left in cassette files: values of the headers the
// recording proxy redacts that are not the placeholder, secret query parameters,
// IAM-token-shaped and AK-shaped strings, "Signature=" followed by hex, and any
// pattern the caller adds. A finding names the file, the interaction and the field,
// never the secret itself. Paths also reports cassettes without a provenance file.
package audit

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/internal/cassette"
	"github.com/noticeconf/noticeconf/internal/provenance"
	"github.com/noticeconf/noticeconf/proxy/redact"
)

// Finding is one secret found.
type Finding struct {
	// File is the cassette's path.
	File string
	// Interaction is the interaction's id.
	Interaction int
	// Field names where the secret is, e.g. "request.headers.X-Auth-Token".
	Field string
	// Rule says what was found, without the secret.
	Rule string
}

// String formats f as "FILE: interaction N: FIELD: RULE", or "FILE: FIELD: RULE" for a
// finding about the whole cassette (Interaction < 0).
func (f Finding) String() string {
	if f.Interaction < 0 {
		return fmt.Sprintf("%s: %s: %s", f.File, f.Field, f.Rule)
	}
	return fmt.Sprintf("%s: interaction %d: %s: %s", f.File, f.Interaction, f.Field, f.Rule)
}

// Options adds to the built-in rules.
type Options struct {
	// Patterns are more regular expressions; a match anywhere is a finding.
	Patterns []*regexp.Regexp
}

// Report is the result of an audit.
type Report struct {
	// Files are the cassette files audited, in order.
	Files []string
	// Interactions is the number of interactions audited.
	Interactions int
	// Findings are the secrets found, by file and interaction.
	Findings []Finding
	// Provenance are the cassettes without a valid provenance file (see package
	// provenance), one finding each, with Interaction -1 and Field "provenance".
	Provenance []Finding
	// Warnings say what the loader left out of a cassette it still read (a last
	// interaction torn by a crash; see cassette.File.Warnings).
	Warnings []string
}

type rule struct {
	name string
	re   *regexp.Regexp
	// group is the submatch that holds the secret (0: the whole match).
	group int
}

// builtinRules are the shapes of secrets looked for in every field.
func builtinRules() []rule {
	return []rule{
		// An IAM token (PKI, base64 of DER: starts "MII") is kilobytes long.
		{name: "IAM-token-shaped string", re: regexp.MustCompile(`MII[A-Za-z0-9+/=_-]{100,}`)},
		// A Huawei Cloud access key: 20 upper-case letters and digits.
		{name: "AK-shaped string", re: regexp.MustCompile(`(?:^|[^A-Za-z0-9])([A-Z0-9]{20})(?:$|[^A-Za-z0-9])`), group: 1},
		{name: "Signature= followed by hex", re: regexp.MustCompile(`(?i)signature=([0-9a-f]{16,})`), group: 1},
	}
}

// Paths audits the cassette files named, and the *.yaml and *.yml files under the
// directories named. It fails on a path that does not exist and on a file that is not
// a version 2 cassette.
func Paths(paths []string, o Options) (Report, error) {
	var r Report
	for _, p := range paths {
		files, err := cassetteFiles(p)
		if err != nil {
			return r, err
		}
		for _, f := range files {
			c, err := cassette.LoadFile(f)
			if err != nil {
				return r, fmt.Errorf("audit: %w", err)
			}
			findings, n, err := loaded(f, c, o)
			if err != nil {
				return r, err
			}
			r.Warnings = append(r.Warnings, c.Warnings...)
			r.Files = append(r.Files, f)
			r.Interactions += n
			r.Findings = append(r.Findings, findings...)
			if _, err := provenance.Read(f); err != nil {
				r.Provenance = append(r.Provenance, Finding{File: f, Interaction: -1, Field: "provenance", Rule: provenanceRule(f, err)})
			}
		}
	}
	return r, nil
}

func cassetteFiles(p string) ([]string, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if !fi.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(path)); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	sort.Strings(files)
	return files, nil
}

// File audits one cassette's bytes; name is used in the findings. It returns the
// findings and the number of interactions.
func File(name string, data []byte, o Options) ([]Finding, int, error) {
	c, err := cassette.Parse(name, data)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	return loaded(name, c, o)
}

// loaded audits a loaded cassette; name is used in the findings.
func loaded(name string, c *cassette.File, o Options) ([]Finding, int, error) {
	rules := builtinRules()
	for _, p := range o.Patterns {
		rules = append(rules, rule{name: fmt.Sprintf("matches --pattern %q", p.String()), re: p})
	}
	var out []Finding
	for k := range c.Interactions {
		i := &c.Interactions[k].Interaction
		id := i.ID
		add := func(field, what string) {
			out = append(out, Finding{File: name, Interaction: id, Field: field, Rule: what})
		}
		headerRules(i, add)
		queryRules(i.Request.URL, "request.url", add)
		queryRules(i.Request.RequestURI, "request.request_uri", add)
		for field, v := range textFields(i) {
			for _, r := range rules {
				for _, m := range r.re.FindAllStringSubmatchIndex(v, -1) {
					s, e := m[2*r.group], m[2*r.group+1]
					if v[s:e] == cassette.Redacted {
						continue
					}
					add(field, fmt.Sprintf("%s (%d characters at offset %d)", r.name, e-s, s))
				}
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Interaction != out[b].Interaction {
			return out[a].Interaction < out[b].Interaction
		}
		return out[a].Field < out[b].Field
	})
	return out, len(c.Interactions), nil
}

// headerRules reports redacted-by-default headers that hold something else.
func headerRules(i *vcr.Interaction, add func(field, what string)) {
	check := func(prefix string, h http.Header, names []string) {
		for _, name := range names {
			for k, vs := range h {
				if !strings.EqualFold(k, name) {
					continue
				}
				for _, v := range vs {
					ok := v == cassette.Redacted
					if strings.EqualFold(name, "Authorization") || strings.EqualFold(name, "Proxy-Authorization") {
						ok = redact.IsRedactedAuthorization(v)
					}
					if !ok {
						add(prefix+k, "secret header not redacted (want "+cassette.Redacted+")")
					}
				}
			}
		}
	}
	check("request.headers.", i.Request.Headers, redact.RequestHeaders())
	check("response.headers.", i.Response.Headers, redact.ResponseHeaders())
}

// queryRules reports secret query parameters that hold something else.
func queryRules(u, field string, add func(field, what string)) {
	_, rawQuery, ok := strings.Cut(u, "?")
	if !ok {
		return
	}
	rawQuery, _, _ = strings.Cut(rawQuery, "#")
	for _, part := range strings.Split(rawQuery, "&") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || v == "" || v == cassette.Redacted {
			continue
		}
		if name, err := url.QueryUnescape(k); err == nil && redact.IsSecretQueryName(name) {
			add(field, fmt.Sprintf("secret query parameter %q not redacted", name))
		}
	}
}

// textFields returns every string of an interaction by field name.
func textFields(i *vcr.Interaction) map[string]string {
	m := map[string]string{
		"request.url":         i.Request.URL,
		"request.request_uri": i.Request.RequestURI,
		"request.host":        i.Request.Host,
		"request.body":        i.Request.Body,
		"response.body":       i.Response.Body,
		"response.status":     i.Response.Status,
	}
	headers := func(prefix string, h http.Header) {
		for k, vs := range h {
			for n, v := range vs {
				key := prefix + k
				if len(vs) > 1 {
					key = fmt.Sprintf("%s[%d]", key, n)
				}
				m[key] = v
			}
		}
	}
	headers("request.headers.", i.Request.Headers)
	headers("request.trailer.", i.Request.Trailer)
	headers("response.headers.", i.Response.Headers)
	headers("response.trailer.", i.Response.Trailer)
	for k, vs := range i.Request.Form {
		for n, v := range vs {
			m[fmt.Sprintf("request.form.%s[%d]", k, n)] = v
		}
	}
	return m
}

// provenanceRule says what is wrong with a cassette's provenance, without its path
// (the finding names the file).
func provenanceRule(path string, err error) string {
	if errors.Is(err, provenance.ErrMissing) {
		return "no provenance: want " + filepath.Base(provenance.PathFor(path)) + " beside it (noticeconf record writes one)"
	}
	return strings.TrimPrefix(err.Error(), "provenance of "+path+": ")
}

// ErrFindings is returned (wrapped) by callers that turn findings into a failure.
var ErrFindings = errors.New("secrets found in cassettes")
