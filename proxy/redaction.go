package proxy

import "github.com/noticeconf/noticeconf/internal/redact"

// shownPath is a request path as the proxy's log lines show it: through the redaction
// policy, so that a hook URL's token segment is not logged.
func (p *Proxy) shownPath(path string) string { return redact.Printable(p.redactor.URL(path)) }

// shownText is text for a log line: redacted, control characters escaped.
func (p *Proxy) shownText(s string) string { return redact.Printable(p.redactor.Text(s)) }

// Redaction says what the recording proxy redacts beyond its policy's rules, which
// find secrets by where they live (header, query and JSON field names, URL userinfo,
// notice webhooks) and always apply. The zero value adds nothing.
type Redaction struct {
	// Secrets are the credentials the run holds (tokens, AK, SK, ...). Each is
	// replaced wherever it appears, raw, JSON-escaped or URL-encoded. Values shorter
	// than six bytes are ignored.
	Secrets []string
	// URLs are URLs the run was given: their userinfo and their secret query
	// parameters' values are secrets too.
	URLs []string
	// Headers are more header names (any case) whose values are redacted.
	Headers []string
	// JSONFields are paths into JSON bodies whose whole values are redacted:
	// dot-separated keys, array elements by index, "*" for any one key or element and
	// "**" for any depth, e.g. "auth.identity.password.user.password" or "**.pin".
	// A leading "$." is ignored.
	JSONFields []string
	// Patterns are regular expressions (RE2 syntax) whose matches are redacted: the
	// first capturing group when the pattern has one, else the whole match.
	Patterns []string
}
