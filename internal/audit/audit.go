// Package audit finds secrets left in cassette files. It applies the redaction policy
// the recording proxy writes with (package internal/redact): anything the policy
// would redact and is not redacted is a finding. Then detectors look at what the
// policy leaves: known token prefixes (MII... IAM tokens, AK-shaped strings, AKIA,
// ghp_, xox., JWTs, private keys, DingTalk's SEC... secrets), notice channel webhook
// URLs that still hold their token, high-entropy strings, and any pattern the caller
// adds. A finding names the file, the interaction and the field, never the secret
// itself. Paths also reports cassettes without a provenance file.
package audit

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/provenance"
	"github.com/noticeconf/noticeconf/internal/redact"
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
// finding about the whole cassette (Interaction < 0), control characters escaped (a
// field name comes from the cassette).
func (f Finding) String() string {
	if f.Interaction < 0 {
		return redact.Printable(fmt.Sprintf("%s: %s: %s", f.File, f.Field, f.Rule))
	}
	return redact.Printable(fmt.Sprintf("%s: interaction %d: %s: %s", f.File, f.Interaction, f.Field, f.Rule))
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
	// keep, if set, tells a match that is no secret (a placeholder inside it).
	keep func(string) bool
}

func hasPlaceholder(s string) bool { return strings.Contains(s, cassette.Redacted) }

// detectors are the shapes of secrets looked for in every field the redaction policy
// left alone: known token prefixes, webhook URLs, and high-entropy strings.
func detectors() []rule {
	return []rule{
		// An IAM token (PKI, base64 of DER: starts "MII") is kilobytes long.
		{name: "IAM-token-shaped string (MII...)", re: regexp.MustCompile(`MII[A-Za-z0-9+/=_-]{100,}`)},
		// A Huawei Cloud access key: 20 upper-case letters and digits, both.
		{name: "AK-shaped string", re: regexp.MustCompile(`(?:^|[^A-Za-z0-9])([A-Z0-9]{20})(?:$|[^A-Za-z0-9])`), group: 1, keep: func(s string) bool {
			return !strings.ContainsAny(s, "0123456789") || strings.Trim(s, "0123456789") == ""
		}},
		{name: "Signature= followed by hex", re: regexp.MustCompile(`(?i)signature=([0-9a-f]{16,})`), group: 1},
		{name: "AWS access key (AKIA.../ASIA...)", re: regexp.MustCompile(`\b((?:AKIA|ASIA)[A-Z0-9]{16})\b`), group: 1},
		{name: "GitHub token (ghp_, gho_, ghs_, github_pat_...)", re: regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})`)},
		{name: "Slack token (xox...)", re: regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`)},
		{name: "JWT", re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)},
		{name: "private key", re: regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
		{name: "DingTalk signing secret (SEC...)", re: regexp.MustCompile(`\bSEC[0-9a-f]{64}\b`)},
		{name: "notice channel webhook URL with its token", keep: hasPlaceholder,
			re: regexp.MustCompile(`(?i)https?://(?:oapi\.dingtalk\.com/robot/send|qyapi\.weixin\.qq\.com/cgi-bin/webhook/send|open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/|hooks\.slack\.com/|(?:discord|discordapp)\.com/api/webhooks/)[^\s"'<>]*`)},
	}
}

// highEntropyRE finds the candidates of the entropy detector.
var highEntropyRE = regexp.MustCompile(`[A-Za-z0-9+/=_\-]{24,}`)

// highEntropy reports whether s looks random enough to be a key: upper- and
// lower-case letters and digits, and at least 4 bits of Shannon entropy per
// character. A job id, a request id or a UUID (lower-case and digits only) is not.
func highEntropy(s string) bool {
	var upper, lower, digit bool
	counts := map[rune]int{}
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
		counts[r]++
	}
	if !upper || !lower || !digit || strings.Contains(s, cassette.Redacted) {
		return false
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h >= 4.0
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
	cfg := redact.Config{}
	for _, p := range o.Patterns {
		cfg.Patterns = append(cfg.Patterns, p.String())
	}
	policy, err := redact.New(cfg)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	rules := detectors()
	var out []Finding
	for k := range c.Interactions {
		i := c.Interactions[k].Interaction
		id := i.ID
		seen := map[Finding]bool{}
		add := func(field, what string) {
			f := Finding{File: name, Interaction: id, Field: field, Rule: what}
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
		// What the policy would redact was not redacted.
		for _, f := range policy.Check(&i) {
			add(f.Field, "not redacted: "+f.Rule)
		}
		// What the policy leaves, the detectors look at.
		policy.Interaction(&i)
		for field, v := range textFields(&i) {
			for _, r := range rules {
				for _, m := range r.re.FindAllStringSubmatchIndex(v, -1) {
					s, e := m[2*r.group], m[2*r.group+1]
					if redact.IsRedacted(v[s:e]) || r.keep != nil && r.keep(v[s:e]) {
						continue
					}
					add(field, fmt.Sprintf("%s (%d characters at offset %d)", r.name, e-s, s))
				}
			}
			for _, m := range highEntropyRE.FindAllStringIndex(v, -1) {
				if highEntropy(v[m[0]:m[1]]) {
					add(field, fmt.Sprintf("high-entropy string (%d characters at offset %d)", m[1]-m[0], m[0]))
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
