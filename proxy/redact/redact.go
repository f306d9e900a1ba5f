// Package redact removes secrets from recorded interactions before they are written:
// credentials in headers, tokens in query parameters and in URLs inside bodies, and
// JSON body fields named by the user. A redacted value is replaced by
// cassette.Redacted, and a header keeps its name, so a replay still knows how the
// request authenticated. The audit of cassettes reads its list of secret headers and
// query parameters from here too.
package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/internal/cassette"
	"github.com/noticeconf/noticeconf/internal/contract"
)

// minSecretLen is the shortest secret value whose other occurrences in an interaction
// are scrubbed too. Shorter values would match ordinary text.
const minSecretLen = 6

// RequestHeaders returns the request headers whose values are always redacted.
func RequestHeaders() []string {
	return []string{
		contract.HeaderAuthToken,
		contract.HeaderAuthorization,
		contract.HeaderSecurityToken,
		contract.HeaderSubjectToken,
		"Cookie",
		"Proxy-Authorization",
	}
}

// ResponseHeaders returns the response headers whose values are always redacted.
func ResponseHeaders() []string {
	return []string{"Set-Cookie", contract.HeaderSubjectToken}
}

// secretWords are parts of query parameter names that carry secrets, compared with
// the name lower-cased and stripped of '-', '_' and '.'.
var secretWords = []string{"token", "signature", "secret", "password", "passwd", "credential", "accesskey", "apikey", "sessionkey", "auth"}

// secretNames are whole query parameter names that carry secrets (same folding).
var secretNames = []string{"ak", "sk", "key", "sig"}

// IsSecretQueryName reports whether a query parameter named name carries a secret:
// its name contains token, signature, secret, password, credential, access key, API
// key or auth (X-Amz-Signature, X-Amz-Credential, access_token, ...), or is ak, sk,
// key or sig.
func IsSecretQueryName(name string) bool {
	f := strings.ToLower(name)
	f = strings.NewReplacer("-", "", "_", "", ".", "").Replace(f)
	if slices.Contains(secretNames, f) {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// urlSecretRE finds secret query parameters inside free text (a webhook URL in a JSON
// body, a Location header), named as IsSecretQueryName tells: group 1 is "name=",
// group 2 the value.
var urlSecretRE = regexp.MustCompile(`(?i)([?&;](?:[a-z0-9_.\-]*(?:token|signature|secret|password|passwd|credential|access[_.\-]?key|api[_.\-]?key|session[_.\-]?key|auth)[a-z0-9_.\-]*|ak|sk|key|sig)=)([^&#\s"'\\<>]+)`)

// Config says what to redact beyond the defaults.
type Config struct {
	// Headers are more header names (any case) whose values are redacted in requests
	// and responses. If empty, only RequestHeaders and ResponseHeaders are.
	Headers []string
	// JSONFields are paths into JSON request and response bodies whose values are
	// redacted: dot-separated keys, array elements by index, "*" for any one key or
	// element and "**" for any depth, e.g. "auth.identity.password.user.password" or
	// "**.token". A leading "$." is ignored.
	JSONFields []string
}

// Redactor redacts interactions. It is safe for concurrent use.
type Redactor struct {
	reqHeaders  map[string]bool
	respHeaders map[string]bool
	paths       [][]string
}

// New returns a Redactor for cfg. It fails on an empty header name or JSON path.
func New(cfg Config) (*Redactor, error) {
	r := &Redactor{reqHeaders: map[string]bool{}, respHeaders: map[string]bool{}}
	for _, h := range RequestHeaders() {
		r.reqHeaders[http.CanonicalHeaderKey(h)] = true
	}
	for _, h := range ResponseHeaders() {
		r.respHeaders[http.CanonicalHeaderKey(h)] = true
	}
	for _, h := range cfg.Headers {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, fmt.Errorf("redact header: empty name")
		}
		r.reqHeaders[http.CanonicalHeaderKey(h)] = true
		r.respHeaders[http.CanonicalHeaderKey(h)] = true
	}
	for _, p := range cfg.JSONFields {
		p = strings.TrimPrefix(strings.TrimSpace(p), "$.")
		if p == "" || slices.Contains(strings.Split(p, "."), "") {
			return nil, fmt.Errorf("redact JSON field %q: want dot-separated keys like a.b.c", p)
		}
		r.paths = append(r.paths, strings.Split(p, "."))
	}
	return r, nil
}

// Interaction redacts i in place. The caller must own i and every map and slice in
// it (a copy, never the live request's or response's headers). After the redaction
// of the known places, every other occurrence of a secret value found there is
// replaced too, wherever it is in the interaction.
func (r *Redactor) Interaction(i *vcr.Interaction) {
	var found []string
	found = append(found, r.headers(i.Request.Headers, r.reqHeaders)...)
	found = append(found, r.headers(i.Response.Headers, r.respHeaders)...)

	var s []string
	i.Request.URL, s = redactURL(i.Request.URL)
	found = append(found, s...)
	i.Request.RequestURI, s = redactURL(i.Request.RequestURI)
	found = append(found, s...)
	for k, vs := range i.Request.Form {
		if IsSecretQueryName(k) {
			found = append(found, vs...)
			i.Request.Form[k] = []string{cassette.Redacted}
		}
	}

	i.Request.Body, s = r.body(i.Request.Body)
	found = append(found, s...)
	i.Response.Body, s = r.body(i.Response.Body)
	found = append(found, s...)
	for _, h := range []http.Header{i.Request.Headers, i.Response.Headers} {
		for k, vs := range h {
			for n, v := range vs {
				vs[n], s = redactText(v)
				found = append(found, s...)
			}
			h[k] = vs
		}
	}

	scrub(i, found)
}

// headers redacts the named headers of h and returns the secret values they held.
func (r *Redactor) headers(h http.Header, names map[string]bool) []string {
	var found []string
	for k, vs := range h {
		if !names[http.CanonicalHeaderKey(k)] {
			continue
		}
		for n, v := range vs {
			if v == cassette.Redacted {
				continue
			}
			found = append(found, v)
			if strings.EqualFold(k, contract.HeaderAuthorization) || strings.EqualFold(k, "Proxy-Authorization") {
				var parts []string
				vs[n], parts = Authorization(v)
				found = append(found, parts...)
				continue
			}
			if strings.EqualFold(k, "Cookie") || strings.EqualFold(k, "Set-Cookie") {
				found = append(found, cookieValues(v)...)
			}
			vs[n] = cassette.Redacted
		}
	}
	return found
}

// Authorization returns the redacted form of an Authorization header value and the
// secrets it held. An AK/SK signature keeps its shape, so cassette.AuthKindOf still
// tells it: "SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=<as sent>,
// Signature=REDACTED". Another "Scheme credentials" value keeps its scheme word.
func Authorization(v string) (string, []string) {
	if a, err := aksk.ParseAuthorization(v); err == nil {
		shape := fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
			contract.AKSKScheme, cassette.Redacted, strings.Join(a.SignedHeaders, ";"), cassette.Redacted)
		return shape, []string{a.AccessKey, a.Signature}
	}
	scheme, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if ok && schemeRE.MatchString(scheme) {
		return scheme + " " + cassette.Redacted, []string{strings.TrimSpace(rest)}
	}
	return cassette.Redacted, nil
}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,31}$`)

// IsRedactedAuthorization reports whether an Authorization value is one Authorization
// produced: it carries no secret.
func IsRedactedAuthorization(v string) bool {
	if v == cassette.Redacted {
		return true
	}
	if a, err := aksk.ParseAuthorization(v); err == nil {
		return a.AccessKey == cassette.Redacted && a.Signature == cassette.Redacted
	}
	_, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	return ok && strings.TrimSpace(rest) == cassette.Redacted
}

func cookieValues(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ";") {
		if _, val, ok := strings.Cut(part, "="); ok {
			out = append(out, strings.TrimSpace(val))
		}
	}
	return out
}

// redactURL replaces the values of secret query parameters in a URL or request URI,
// leaving every other byte as it was, and returns the values it removed.
func redactURL(u string) (string, []string) {
	q := strings.IndexByte(u, '?')
	if q < 0 {
		return u, nil
	}
	rawQuery, frag, hasFrag := strings.Cut(u[q+1:], "#")
	parts := strings.Split(rawQuery, "&")
	var found []string
	for n, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" || v == cassette.Redacted {
			continue
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if !IsSecretQueryName(name) {
			continue
		}
		found = append(found, v)
		if uv, err := url.QueryUnescape(v); err == nil && uv != v {
			found = append(found, uv)
		}
		parts[n] = k + "=" + cassette.Redacted
	}
	out := u[:q+1] + strings.Join(parts, "&")
	if hasFrag {
		out += "#" + frag
	}
	return out, found
}

// redactText replaces secret query parameters of URLs inside free text.
func redactText(s string) (string, []string) {
	if !strings.ContainsRune(s, '=') || !strings.ContainsAny(s, "?&;") {
		return s, nil
	}
	var found []string
	out := urlSecretRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := urlSecretRE.FindStringSubmatch(m)
		if sub[2] == cassette.Redacted {
			return m
		}
		found = append(found, sub[2])
		return sub[1] + cassette.Redacted
	})
	return out, found
}

// body redacts the configured JSON fields of a JSON body, then secret query
// parameters of URLs in it. A body that is not JSON only gets the second step.
func (r *Redactor) body(b string) (string, []string) {
	var found []string
	if len(r.paths) > 0 {
		if spans, vals, err := jsonSpans([]byte(b), r.paths); err == nil && len(spans) > 0 {
			found = append(found, vals...)
			b = replaceSpans(b, spans, strconv.Quote(cassette.Redacted))
		}
	}
	b, s := redactText(b)
	return b, append(found, s...)
}

// replacer replaces each of olds, longest first, by the placeholder. It does what a
// strings.Replacer would, without building one per interaction: there are seldom more
// than two secrets.
type replacer []string

func (olds replacer) Replace(s string) string {
	for _, o := range olds {
		if strings.Contains(s, o) {
			s = strings.ReplaceAll(s, o, cassette.Redacted)
		}
	}
	return s
}

// scrub replaces every remaining occurrence of the secret values in i.
func scrub(i *vcr.Interaction, secrets []string) {
	var olds []string
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if len(s) >= minSecretLen && s != cassette.Redacted && !slices.Contains(olds, s) {
			olds = append(olds, s)
		}
	}
	if len(olds) == 0 {
		return
	}
	// Longest first, so a secret that contains another is replaced whole.
	sort.Slice(olds, func(a, b int) bool { return len(olds[a]) > len(olds[b]) })
	rep := replacer(olds)
	i.Request.URL = rep.Replace(i.Request.URL)
	i.Request.RequestURI = rep.Replace(i.Request.RequestURI)
	i.Request.Host = rep.Replace(i.Request.Host)
	i.Request.Body = rep.Replace(i.Request.Body)
	i.Response.Body = rep.Replace(i.Response.Body)
	i.Response.Status = rep.Replace(i.Response.Status)
	for _, h := range []http.Header{i.Request.Headers, i.Response.Headers, i.Request.Trailer, i.Response.Trailer} {
		for _, vs := range h {
			for n := range vs {
				vs[n] = rep.Replace(vs[n])
			}
		}
	}
	for _, vs := range i.Request.Form {
		for n := range vs {
			vs[n] = rep.Replace(vs[n])
		}
	}
}

// span is a byte range [start, end) of a JSON value in a body.
type span struct{ start, end int }

// jsonSpans finds the values at paths in a JSON document and returns their byte
// ranges (outermost only, in order) and the string values among them.
func jsonSpans(body []byte, paths [][]string) ([]span, []string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var spans []span
	var vals []string
	var walk func(cur []string) error
	walk = func(cur []string) error {
		start := skipSeparators(body, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return err
					}
					key, _ := kt.(string)
					if err := walk(append(slices.Clip(cur), key)); err != nil {
						return err
					}
				}
			case '[':
				for n := 0; dec.More(); n++ {
					if err := walk(append(slices.Clip(cur), strconv.Itoa(n))); err != nil {
						return err
					}
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
		case string:
			if matchAny(paths, cur) {
				vals = append(vals, t)
			}
		}
		if len(cur) > 0 && matchAny(paths, cur) {
			spans = append(spans, span{start, int(dec.InputOffset())})
		}
		return nil
	}
	if err := walk(nil); err != nil {
		return nil, nil, fmt.Errorf("json body: %w", err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("json body: data after the value")
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	var outer []span
	for _, s := range spans {
		if len(outer) > 0 && s.start < outer[len(outer)-1].end {
			continue
		}
		outer = append(outer, s)
	}
	return outer, vals, nil
}

func skipSeparators(b []byte, i int) int {
	for i < len(b) && strings.IndexByte(" \t\r\n,:", b[i]) >= 0 {
		i++
	}
	return i
}

func replaceSpans(s string, spans []span, with string) string {
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(with)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

func matchAny(paths [][]string, cur []string) bool {
	for _, p := range paths {
		if match(p, cur) {
			return true
		}
	}
	return false
}

// match reports whether the key path cur matches pattern p ("*" one segment, "**"
// any number of segments).
func match(p, cur []string) bool {
	if len(p) == 0 {
		return len(cur) == 0
	}
	if p[0] == "**" {
		for n := 0; n <= len(cur); n++ {
			if match(p[1:], cur[n:]) {
				return true
			}
		}
		return false
	}
	if len(cur) == 0 {
		return false
	}
	return (p[0] == "*" || p[0] == cur[0]) && match(p[1:], cur[1:])
}
