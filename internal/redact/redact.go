// Package redact is noticeconf's one policy of where secrets live. Everything that
// writes a request or an answer down (the recording proxy, the replay server's
// no-match answers and logs, verify's output and reports, record's own messages, the
// cassette audit) passes it through a Policy first.
//
// A Policy redacts, in this order:
//
//   - header values whose name carries a credential by convention: a name that,
//     lower-cased and stripped of '-', '_', '.' and spaces, contains token, key,
//     secret, password, passwd, passphrase, passcode, auth, session, signature,
//     credential, cookie or hmac, or is ak, sk, sig, sign or pwd, or has one of those
//     five as a part between the separators (IsSecretName), except the harmless
//     names of AllowedHeaders; and the headers of Config.Headers;
//   - the userinfo of every URL (user:password@), wherever the URL is;
//   - query parameters, URL fragments of the form a=b, and form fields whose name
//     the same rule names;
//   - JSON string values whose key the same rule names, at any depth, and inside
//     JSON strings that are themselves JSON documents or URLs (a notice channel's
//     param_config), after unescaping; the string is encoded again so that the
//     document stays valid JSON; and the values at Config.JSONFields;
//   - the notice channels' webhooks: DingTalk's access_token and sign (timestamp
//     stays) and its signing secret, WeCom's key, the Feishu/Lark hook token (a path
//     segment after /hook/) and its secret, and the token segments of other bot and
//     hook URLs (after a hook, hooks, webhook or webhooks segment, on a hooks.* host,
//     and Telegram's /bot<TOKEN>/);
//   - multipart bodies by their parts: a field's content whose name the name rule
//     names, every other part by what it is;
//   - in free text (a text body, a header value, a log line, a failure message): URLs
//     and paths by the rules above, JSON documents inside the text as JSON, and
//     name=value and name="value" pairs, "name": "value" members (also of an array,
//     or cut short at the end of the text), "Name: value" lines, headers as Go
//     prints an http.Header (map[Name:[value]]), XML elements
//     (<name>value</name>), multipart fields, curl's -H 'Name: value' and
//     "Bearer <credential>" whose name the name rule names;
//   - JSON Web Tokens (eyJ....eyJ....signature) wherever they are, by their shape;
//   - the matches of Config.Patterns;
//   - then every credential the run holds (Config.Secrets, the userinfo of
//     Config.URLs) and every secret value found by the rules above (a Basic
//     credential's user:password decoded too), wherever else it appears: raw,
//     JSON-escaped or URL-encoded, under other writers' escapes (JSON \/ and \u of
//     any character in either case, percent-encoding in either case, HTML and XML
//     character references, up to three layers of them), and inside base64 text at
//     any alignment.
//
// Redaction keeps the shape: a secret is replaced by cassette.Redacted where it was,
// a header keeps its name, an AK/SK Authorization keeps its fields
// ("SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=..., Signature=REDACTED") and
// another Authorization its scheme word, a cookie its name, so that a replay still
// knows how a request authenticated and drift checks still compare the rest. A value
// that is already cassette.Redacted, or "REDACTED:<name>" (a named credential), is
// left as it is. Numbers and booleans are never redacted: only strings carry
// secrets here.
package redact

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// MinSecretLen is the shortest secret value whose other occurrences are replaced
// too. Shorter values would match ordinary text.
const MinSecretLen = 6

// maxDepth bounds the nesting of JSON documents (and of JSON inside JSON strings)
// the policy walks. A deeper document is redacted as text.
const maxDepth = 256

// secretWords are the parts of a name that mark it as carrying a secret, compared
// with the name folded (lower-cased, without '-', '_', '.' and spaces).
var secretWords = []string{"token", "key", "secret", "password", "passwd", "passphrase", "passcode", "auth", "session", "signature", "credential", "cookie", "hmac"}

// secretNames are whole folded names that carry a secret, and the parts of a name
// (between '-', '_', '.' and spaces) that make it carry one: HUAWEICLOUD_SDK_SK.
var secretNames = []string{"ak", "sk", "sig", "sign", "pwd", "pass"}

// allowedHeaders are header names the name rule would take for secrets that carry
// none.
var allowedHeaders = []string{
	// "true" or absent: whether a browser may send credentials.
	"Access-Control-Allow-Credentials",
	// A random nonce of the WebSocket handshake, not a credential.
	"Sec-WebSocket-Key",
}

// AllowedHeaders returns the header names the name rule matches that are not
// redacted, because they never carry a credential.
func AllowedHeaders() []string { return slices.Clone(allowedHeaders) }

// fold lower-cases name and drops '-', '_', '.' and spaces.
func fold(name string) string {
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-' || c == '_' || c == '.' || c == ' ':
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 0x80:
			// Not ASCII: lower-case the rest the Unicode way.
			return string(b) + strings.NewReplacer("-", "", "_", "", ".", "", " ", "").Replace(strings.ToLower(name[i:]))
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// IsSecretName reports whether a header, query parameter, form field or JSON key by
// this name carries a secret: folded (lower-cased, without '-', '_', '.' and spaces)
// it contains token, key, secret, password, passwd, passphrase, passcode, auth,
// session, signature, credential, cookie or hmac, or it is ak, sk, sig, sign, pwd or
// pass, or one of its parts between those separators is (NOTICECONF_SK, db_pwd,
// smtp.pass).
func IsSecretName(name string) bool {
	for _, w := range secretNames {
		if foldedEqual(name, w) {
			return true
		}
	}
	return foldedHas(name, secretWordSet) || hasSecretPart(name)
}

// maxSecretPart bounds the parts hasSecretPart compares: a secret name's, folded
// the Unicode way, is at most this long.
const maxSecretPart = 16

// hasSecretPart reports whether a part of name between '-', '_', '.' and spaces is,
// folded, one of secretNames.
func hasSecretPart(name string) bool {
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && !isSeparator(name[i]) {
			continue
		}
		if part := name[start:i]; len(part) >= 2 && len(part) <= maxSecretPart {
			for _, w := range secretNames {
				if foldedEqual(part, w) {
					return true
				}
			}
		}
		start = i + 1
	}
	return false
}

// IsSecretHeader reports whether the default policy redacts a header by this name:
// IsSecretName, unless the name is one of AllowedHeaders.
func IsSecretHeader(name string) bool {
	for _, a := range allowedHeaders {
		if strings.EqualFold(a, name) {
			return false
		}
	}
	return IsSecretName(name)
}

var namedRE = regexp.MustCompile(`^` + regexp.QuoteMeta(cassette.Redacted) + `:[A-Za-z0-9_.\-]{1,64}$`)

// IsRedacted reports whether v is already redacted: cassette.Redacted, or
// "REDACTED:<name>" for a named credential.
func IsRedacted(v string) bool {
	return v == cassette.Redacted || strings.HasPrefix(v, cassette.Redacted+":") && namedRE.MatchString(v)
}

// envRefRE finds a shell expansion of one of noticeconf's environment variables,
// whole or a substring of it: ${NOTICECONF_TOKEN}, ${NOTICECONF_TOKEN:0:20}.
var envRefRE = regexp.MustCompile(`\$\{NOTICECONF_[A-Z0-9_]+(?::[0-9]+(?::[0-9]+)?)?\}`)

// IsEnvReference reports whether v names a credential rather than holding it: one
// or more shell expansions of noticeconf's environment variables (as a reproduction's
// curl line writes the token, ${NOTICECONF_TOKEN}, or a token changed in one byte,
// ${NOTICECONF_TOKEN:0:20}0${NOTICECONF_TOKEN:21}), with at most four other
// characters.
func IsEnvReference(v string) bool {
	if !strings.Contains(v, "${NOTICECONF_") {
		return false
	}
	rest := envRefRE.ReplaceAllString(v, "")
	return len(rest) < len(v) && len(rest) <= 4
}

// Config says what a Policy knows beyond the defaults.
type Config struct {
	// Secrets are the credentials the run holds (tokens, AK, SK, the forbidden
	// token, ...). Each is replaced wherever it appears, raw, JSON-escaped or
	// URL-encoded. Values shorter than MinSecretLen are ignored.
	Secrets []string
	// URLs are URLs the run was given (--upstream, --target): their userinfo and
	// their secret query parameters' values are secrets too.
	URLs []string
	// Headers are more header names (any case) whose values are redacted.
	Headers []string
	// JSONFields are paths into JSON bodies whose whole values are redacted:
	// dot-separated keys, array elements by index, "*" for any one key or element and
	// "**" for any depth, e.g. "auth.identity.password.user.password" or
	// "**.pin". A leading "$." is ignored.
	JSONFields []string
	// Patterns are regular expressions (RE2 syntax) whose matches are redacted: the
	// first capturing group when the pattern has one, else the whole match.
	Patterns []string
}

// Policy redacts requests, answers and text. Its zero value is not usable: call New.
// It is safe for concurrent use.
type Policy struct {
	known    []string // the run's secrets, in every encoding, longest first
	headers  map[string]bool
	folded   []string // the names of headers, folded
	paths    [][]string
	patterns []*regexp.Regexp
	// mentions is every word mentionsSecret looks for.
	mentions *words
	// loud is every word whose presence makes a text not quiet: mentions, and the
	// words of the hook, bot and encoded-URL rules.
	loud *words
	// names remembers which header names are secret (secretHeader); policies made
	// from this one by Learn share it, as they share headers.
	names *nameMemo
	// encoded remembers the encodings of the secrets requests carry (the same token
	// on every request); shared as names is.
	encoded *encodingMemo
}

// New returns the Policy for cfg. It fails on an empty header name, a malformed
// JSON path or a pattern that does not compile.
func New(cfg Config) (*Policy, error) {
	p := &Policy{headers: map[string]bool{}, names: newNameMemo(), encoded: newEncodingMemo()}
	for _, h := range cfg.Headers {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, fmt.Errorf("redact header: empty name")
		}
		p.headers[http.CanonicalHeaderKey(h)] = true
		p.folded = append(p.folded, fold(h))
	}
	for _, f := range cfg.JSONFields {
		f = strings.TrimPrefix(strings.TrimSpace(f), "$.")
		if f == "" || slices.Contains(strings.Split(f, "."), "") {
			return nil, fmt.Errorf("redact JSON field %q: want dot-separated keys like a.b.c", f)
		}
		p.paths = append(p.paths, strings.Split(f, "."))
	}
	for _, s := range cfg.Patterns {
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("redact pattern %q: %w", s, err)
		}
		p.patterns = append(p.patterns, re)
	}
	secrets := slices.Clone(cfg.Secrets)
	for _, s := range cfg.URLs {
		secrets = append(secrets, urlSecrets(s)...)
	}
	p.known = encodings(secrets, encodingsOf)
	p.mentions = newWords(secretWords, secretNames, schemeWords, p.folded)
	p.loud = newWords(secretWords, secretNames, schemeWords, p.folded, []string{"hook", "bot", "%3a%2f%2f"})
	return p, nil
}

// Learn returns a policy that also knows, as secrets to replace wherever they appear,
// the values of h's secret headers (and the parts of an Authorization, the values of
// cookies): for showing a request whose body may repeat its own credentials.
func (p *Policy) Learn(h http.Header) *Policy {
	r := p.newRun()
	r.headers(h.Clone(), "")
	if len(r.found) == 0 {
		return p
	}
	out := *p
	out.known = r.scrubber()
	return &out
}

// Default returns the policy without run credentials or user additions.
func Default() *Policy {
	p, _ := New(Config{})
	return p
}

// urlSecrets returns the userinfo and the secret query values of a URL.
func urlSecrets(s string) []string {
	var r run
	r.url(s, "")
	return r.found
}

// encodings returns every form of each secret an output may hold, longest first.
// of returns the forms of one secret (encodingsOf, or a memo of it).
func encodings(secrets []string, of func(string) []string) []string {
	out := make([]string, 0, 8*len(secrets)) // a secret has at most a dozen forms
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if len(s) < MinSecretLen || IsRedacted(s) {
			continue
		}
		for _, e := range of(s) {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	slices.SortStableFunc(out, longerFirst)
	return out
}

// longerFirst orders strings by length, the longest first.
func longerFirst(a, b string) int { return cmp.Compare(len(b), len(a)) }

// encodingsOf returns the forms of secret s (trimmed, long enough and not
// redacted) an output may hold: raw, URL-encoded as a query and as a path,
// JSON-escaped with and without escaping <, > and &, and JSON-escaped twice.
func encodingsOf(s string) []string {
	out := []string{s}
	add := func(e string) {
		if len(e) >= MinSecretLen && !IsRedacted(e) && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	if plainEverywhere(s) {
		// Every encoding but base64 is s itself.
		for _, c := range base64Cores(s) {
			if len(c) >= minBase64Core {
				add(c)
			}
		}
		return out
	}
	add(url.QueryEscape(s))
	add(url.PathEscape(s))
	q, _ := json.Marshal(s) // escapes <, >, & as \u003c, \u003e, \u0026
	add(string(q[1 : len(q)-1]))
	if strings.ContainsAny(s, "<>&") {
		js := jsonString(s)
		add(js[1 : len(js)-1])
	}
	// Inside a JSON string inside a JSON string: escaped twice.
	q2, _ := json.Marshal(string(q[1 : len(q)-1]))
	add(string(q2[1 : len(q2)-1]))
	// Inside base64 (a body echoed encoded, a data URL), raw or JSON-escaped, at
	// each of the three alignments, in both alphabets.
	for _, text := range slices.Compact([]string{s, string(q[1 : len(q)-1])}) {
		for _, c := range base64Cores(text) {
			if len(c) >= minBase64Core {
				add(c)
			}
		}
	}
	return out
}

// minBase64Core is the shortest base64 core of a secret the scrubber looks for.
const minBase64Core = 8

// base64Cores returns the base64 characters that s alone decides wherever it sits in
// a base64 text: for each alignment (s after 0, 1 or 2 other bytes), the characters
// whose six bits all come from s, in the standard and the URL alphabet.
func base64Cores(s string) []string {
	var out []string
	buf := make([]byte, 2+len(s))
	for a := 0; a < 3; a++ {
		copy(buf[a:], s)
		enc := base64.RawStdEncoding.EncodeToString(buf[:a+len(s)])
		from, to := (8*a+5)/6, (8*a+8*len(s))/6
		if to-from < 1 {
			continue
		}
		core := enc[from:to]
		out = append(out, core)
		if u := strings.NewReplacer("+", "-", "/", "_").Replace(core); u != core {
			out = append(out, u)
		}
	}
	return out
}

// plainEverywhere reports whether s is written the same raw, URL-encoded (query and
// path), and JSON-escaped once or twice (base64 apart): only ASCII letters, digits
// and "-._~".
func plainEverywhere(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// jsonString encodes s as a JSON string without escaping <, > and &.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// Finding is one place where the policy redacts something.
type Finding struct {
	// Field names the place, e.g. "request.headers.X-Api-Key" or
	// "response.body $.result[0].param_config > $.webhook ?key".
	Field string
	// Rule says which rule of the policy applies, without the secret.
	Rule string
}

// run is one application of the policy: the secrets found so far, and where.
type run struct {
	p     *Policy
	found []string
	// keep says whether the findings are wanted (Check); the other uses of the
	// policy only redact, and skip writing the findings down.
	keep     bool
	findings []Finding
	// underEscapes is set while text reads the layers under a text's escapes.
	underEscapes bool
}

func (r *run) note(field, rule string, secrets ...string) {
	r.noteRule(field, func() string { return rule }, secrets...)
}

// notef is note with the rule fmt.Sprintf(format, name), formatted only when the
// findings are kept.
func (r *run) notef(field, format, name string, secrets ...string) {
	r.noteRule(field, func() string { return fmt.Sprintf(format, name) }, secrets...)
}

func (r *run) noteRule(field string, rule func() string, secrets ...string) {
	for _, s := range secrets {
		if s != "" && !IsRedacted(s) {
			r.found = append(r.found, s)
		}
	}
	if r.keep {
		r.findings = append(r.findings, Finding{Field: field, Rule: rule()})
	}
}

func (p *Policy) newRun() *run { return &run{p: p} }

// scrubber returns the replacer of the run's found secrets and the policy's known
// ones, in every encoding.
func (r *run) scrubber() replacer {
	if len(r.found) == 0 {
		return replacer(r.p.known) // never changed: shared
	}
	found := encodings(r.found, r.p.encoded.of)
	if len(r.p.known) == 0 {
		return replacer(found)
	}
	olds := slices.Clone(r.p.known)
	for _, e := range found {
		if !slices.Contains(olds, e) {
			olds = append(olds, e)
		}
	}
	slices.SortStableFunc(olds, longerFirst)
	return replacer(olds)
}

// replacer replaces each of its strings, longest first, by the placeholder.
type replacer []string

// replace replaces each of olds in s, as written and under the escapes
// replaceDecoded takes off.
func (olds replacer) replace(s string) string {
	for _, o := range olds {
		if strings.Contains(s, o) {
			s = strings.ReplaceAll(s, o, cassette.Redacted)
		}
	}
	if len(olds) > 0 && mayBeEscaped(s) && olds.mayHoldEscaped(s) {
		s = olds.replaceDecoded(s)
	}
	if len(olds) > 0 && (strings.Contains(s, "...") || strings.Contains(s, "…")) {
		s = olds.replaceCut(s)
	}
	return s
}

// minCutPrefix is the shortest beginning of a secret replaceCut replaces.
const minCutPrefix = 8

// replaceCut replaces a secret of olds that a message cut short: the secret's first
// minCutPrefix bytes or more, followed by "..." or "…" where the rest would be.
func (olds replacer) replaceCut(s string) string {
	for _, o := range olds {
		if len(o) <= minCutPrefix {
			continue
		}
		head := o[:minCutPrefix]
		for from := 0; ; {
			i := strings.Index(s[from:], head)
			if i < 0 {
				break
			}
			i += from
			n := minCutPrefix
			for n < len(o) && i+n < len(s) && s[i+n] == o[n] {
				n++
			}
			if rest := s[i+n:]; n < len(o) && (strings.HasPrefix(rest, "...") || strings.HasPrefix(rest, "…")) {
				s = s[:i] + cassette.Redacted + rest
				from = i + len(cassette.Redacted)
				continue
			}
			from = i + 1
		}
	}
	return s
}

// scrub replaces the known and found secrets in s, and notes where: in the field
// prefix+name.
func (r *run) scrub(rep replacer, prefix, name, s string) string {
	out := rep.replace(s)
	if out != s && r != nil && r.keep {
		r.findings = append(r.findings, Finding{Field: prefix + name, Rule: "a secret value held by the run or found in this interaction"})
	}
	return out
}

// Interaction redacts i in place. The caller must own i and every map and slice in
// it (a copy, never a live request's or response's headers).
func (p *Policy) Interaction(i *vcr.Interaction) {
	p.interaction(i, false)
}

// Check returns where the policy would redact something in i, without changing i.
func (p *Policy) Check(i *vcr.Interaction) []Finding {
	c := cloneInteraction(i)
	return p.interaction(&c, true)
}

func (p *Policy) interaction(i *vcr.Interaction, keep bool) []Finding {
	r := p.newRun()
	r.keep = keep
	q, s := &i.Request, &i.Response
	r.headers(q.Headers, "request.headers.")
	r.headers(q.Trailer, "request.trailer.")
	r.headers(s.Headers, "response.headers.")
	r.headers(s.Trailer, "response.trailer.")
	q.URL = r.url(q.URL, "request.url")
	q.RequestURI = r.url(q.RequestURI, "request.request_uri")
	q.Host = r.userinfoHost(q.Host, "request.host")
	for k, vs := range q.Form {
		for n, v := range vs {
			vs[n] = r.formValue(k, v, fmt.Sprintf("request.form.%s[%d]", k, n))
		}
	}
	q.Body = r.body(q.Body, q.Headers.Get("Content-Type"), "request.body")
	s.Body = r.body(s.Body, s.Headers.Get("Content-Type"), "response.body")
	s.Status = r.text(s.Status, "response.status")

	rep := r.scrubber()
	if len(rep) > 0 {
		q.URL = r.scrub(rep, "request.url", "", q.URL)
		q.RequestURI = r.scrub(rep, "request.request_uri", "", q.RequestURI)
		q.Host = r.scrub(rep, "request.host", "", q.Host)
		q.Body = r.scrub(rep, "request.body", "", q.Body)
		s.Body = r.scrub(rep, "response.body", "", s.Body)
		s.Status = r.scrub(rep, "response.status", "", s.Status)
		for _, h := range []struct {
			prefix string
			h      http.Header
		}{{"request.headers.", q.Headers}, {"request.trailer.", q.Trailer}, {"response.headers.", s.Headers}, {"response.trailer.", s.Trailer}} {
			for k, vs := range h.h {
				for n := range vs {
					vs[n] = r.scrub(rep, h.prefix, k, vs[n])
				}
			}
		}
		for k, vs := range q.Form {
			for n := range vs {
				vs[n] = r.scrub(rep, "request.form.", fmt.Sprintf("%s[%d]", k, n), vs[n])
			}
		}
	}
	return r.findings
}

func cloneInteraction(i *vcr.Interaction) vcr.Interaction {
	c := *i
	c.Request.Headers = i.Request.Headers.Clone()
	c.Request.Trailer = i.Request.Trailer.Clone()
	c.Response.Headers = i.Response.Headers.Clone()
	c.Response.Trailer = i.Response.Trailer.Clone()
	if i.Request.Form != nil {
		c.Request.Form = map[string][]string{}
		for k, vs := range i.Request.Form {
			c.Request.Form[k] = slices.Clone(vs)
		}
	}
	return c
}

// Header returns a copy of h redacted, for showing to a person or writing down.
func (p *Policy) Header(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		return http.Header{}
	}
	r := p.newRun()
	r.headers(out, "")
	rep := r.scrubber()
	for _, vs := range out {
		for n := range vs {
			vs[n] = rep.replace(vs[n])
		}
	}
	return out
}

// URL returns the URL or request URI s redacted: userinfo, secret query parameters,
// webhook tokens, known secrets.
func (p *Policy) URL(s string) string {
	r := p.newRun()
	s = r.url(s, "")
	return r.scrubber().replace(s)
}

// Query returns a raw query string with the values of secret parameters redacted.
func (p *Policy) Query(raw string) string {
	r := p.newRun()
	raw = r.query(raw, "", "query parameter")
	return r.scrubber().replace(raw)
}

// Body returns a body redacted: a JSON document by its keys (JSON inside strings
// included), a form by its field names, anything else as text (Text). contentType
// may be empty; a gzip body is decoded first (the result is the decoded body,
// redacted).
func (p *Policy) Body(body []byte, contentType string) []byte {
	if d, ok := gunzip(body); ok {
		body = d
	}
	r := p.newRun()
	out := r.body(string(body), contentType, "")
	return []byte(r.scrubber().replace(out))
}

// Text returns free text redacted: URLs in it (userinfo, secret query parameters,
// webhook tokens), name=value pairs and "name": "value" members whose name is
// secret, "Name: value" header lines, "Bearer <token>" credentials, the Config
// patterns, and the known secrets.
func (p *Policy) Text(s string) string {
	r := p.newRun()
	s = r.text(s, "")
	return r.scrubber().replace(s)
}

// headers redacts h in place.
func (r *run) headers(h http.Header, prefix string) {
	for k, vs := range h {
		secret := r.p.secretHeader(k)
		for n, v := range vs {
			if secret {
				vs[n] = r.headerValue(k, v, prefix+k)
				continue
			}
			if v == "" || r.p.quiet(v) {
				continue // as text leaves it
			}
			vs[n] = r.text(v, prefix+k)
		}
	}
}

// authorizationHeaders keep their scheme word when redacted.
var authorizationHeaders = []string{"Authorization", "Proxy-Authorization", "Www-Authenticate", "Proxy-Authenticate"}

// headerValue redacts the value of a secret header named name.
func (r *run) headerValue(name, v, field string) string {
	if IsRedacted(v) || strings.TrimSpace(v) == "" || IsEnvReference(v) {
		return v
	}
	cname := http.CanonicalHeaderKey(name)
	switch {
	case slices.Contains(authorizationHeaders, cname):
		out, secrets := Authorization(v)
		if out != v {
			r.note(field, "credential header (its scheme kept)", append(secrets, v)...)
		}
		return out
	case cname == "Cookie":
		return r.cookies(v, field, false)
	case cname == "Set-Cookie":
		return r.setCookies(v, field)
	}
	r.notef(field, "secret header %q (name rule)", name, v)
	return cassette.Redacted
}

// cookies redacts cookie values, keeping the names; a Set-Cookie keeps its
// attributes.
func (r *run) cookies(v, field string, set bool) string {
	parts := strings.Split(v, ";")
	changed := false
	for n, part := range parts {
		if set && n > 0 {
			break
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			if strings.TrimSpace(part) != "" && !IsRedacted(strings.TrimSpace(part)) {
				r.found = append(r.found, strings.TrimSpace(part))
				parts[n] = " " + cassette.Redacted
				changed = true
			}
			continue
		}
		val = strings.TrimSpace(val)
		if val == "" || IsRedacted(val) {
			continue
		}
		r.found = append(r.found, val, strings.Trim(val, `"`))
		parts[n] = k + "=" + cassette.Redacted
		changed = true
	}
	if changed {
		r.note(field, "cookie values", v)
	}
	return strings.Join(parts, ";")
}

// foldedCookieRE finds where the next cookie starts in Set-Cookie values folded into
// one with commas (as some proxies and client libraries join them): a comma, then a
// cookie name and '='. The comma of an Expires date is followed by a day number and a
// space, never by '='.
var foldedCookieRE = regexp.MustCompile(`,[ \t]*[!#$%&'*+\-.^_` + "`" + `|~0-9A-Za-z]+=`)

// setCookies redacts the values of a Set-Cookie header, which may hold several
// cookies folded into one value, keeping their names and attributes.
func (r *run) setCookies(v, field string) string {
	idx := foldedCookieRE.FindAllStringIndex(v, -1)
	if idx == nil {
		return r.cookies(v, field, true)
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		b.WriteString(r.cookies(v[last:m[0]], field, true))
		b.WriteByte(',')
		last = m[0] + 1
	}
	b.WriteString(r.cookies(v[last:], field, true))
	return b.String()
}

// userinfoHost redacts userinfo in a Host value.
func (r *run) userinfoHost(h, field string) string {
	if at := strings.LastIndexByte(h, '@'); at >= 0 && !IsRedacted(h[:at]) {
		r.note(field, "URL userinfo", userinfoSecrets(h[:at])...)
		return cassette.Redacted + h[at:]
	}
	return h
}

func userinfoSecrets(ui string) []string {
	out := []string{ui}
	user, pass, _ := strings.Cut(ui, ":")
	for _, s := range []string{user, pass} {
		out = append(out, s)
		if u, err := url.PathUnescape(s); err == nil {
			out = append(out, u)
		}
	}
	return out
}

// url redacts a URL or a request URI: userinfo, webhook path tokens, secret query
// parameters and fragment pairs.
func (r *run) url(s, field string) string {
	if s == "" {
		return s
	}
	rest, frag, hasFrag := strings.Cut(s, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	prefix, path := "", rest
	host := ""
	changed := false // the userinfo
	if i := strings.Index(rest, "://"); i > 0 {
		auth := rest[i+3:]
		end := strings.IndexByte(auth, '/')
		if end < 0 {
			end = len(auth)
		}
		authority := auth[:end]
		prefix, path = rest[:i+3+end], auth[end:]
		if at := strings.LastIndexByte(authority, '@'); at >= 0 {
			ui := authority[:at]
			if !IsRedacted(ui) {
				r.note(field, "URL userinfo", userinfoSecrets(ui)...)
				authority = cassette.Redacted + authority[at:]
				prefix, changed = rest[:i+3]+authority, true
			}
		}
		host = authority[strings.LastIndexByte(authority, '@')+1:]
	}
	newPath := r.hookPath(host, path, field)
	if strings.IndexByte(path, '%') >= 0 {
		// A URL or a query percent-encoded into a path segment: what the text
		// rules find under the escapes is noted, and the run's scrub replaces it.
		r.textUnderEscapes(path, field)
	}
	newQuery := query
	if hasQuery {
		newQuery = r.query(query, field, "query parameter")
	}
	newFrag := frag
	if hasFrag && strings.Contains(frag, "=") {
		newFrag = r.query(frag, field, "URL fragment parameter")
	} else if hasFrag && strings.IndexByte(frag, '%') >= 0 {
		r.textUnderEscapes(frag, field)
	}
	if !changed && newPath == path && newQuery == query && newFrag == frag {
		return s // nothing redacted
	}
	out := prefix + newPath
	if hasQuery {
		out += "?" + newQuery
	}
	if hasFrag {
		out += "#" + newFrag
	}
	return out
}

var telegramBotRE = regexp.MustCompile(`^bot[0-9]{3,}:[^/]{8,}$`)

// hookPath redacts the tokens of a bot or webhook URL path: a Telegram bot segment's
// token, and everything after a hook segment (or the whole path on a hook host).
func (r *run) hookPath(host, path, field string) string {
	if !strings.Contains(path, "/") {
		return path
	}
	hookHost := false
	if h := strings.ToLower(host); strings.HasPrefix(h, "hooks.") || strings.HasPrefix(h, "hook.") || strings.HasPrefix(h, "webhook.") || strings.HasPrefix(h, "webhooks.") {
		hookHost = true
	}
	if !hookHost && !strings.Contains(path, "bot") && !containsHook(path) {
		// No bot token segment and no hook segment: nothing below can apply.
		return path
	}
	segs := strings.Split(path, "/")
	after := hookHost
	changed := false
	for n, seg := range segs {
		if n == 0 && seg == "" {
			continue
		}
		switch {
		case strings.HasPrefix(seg, "bot") && strings.Contains(seg, ":") && telegramBotRE.MatchString(seg):
			_, token, _ := strings.Cut(seg, ":")
			r.found = append(r.found, seg, token, pathUnescape(token))
			segs[n] = "bot" + cassette.Redacted
			changed = true
			continue
		case after && seg != "" && !IsRedacted(seg):
			// The token is the rest of the path: a decoded path may hold a token
			// with slashes in it.
			rest := strings.Join(segs[n:], "/")
			if len(rest) < 8 {
				break
			}
			r.found = append(r.found, rest, pathUnescape(rest))
			if seg != rest && len(seg) >= 8 {
				r.found = append(r.found, seg, pathUnescape(seg))
			}
			r.note(field, "webhook URL token (path segment)")
			return strings.Join(append(segs[:n], cassette.Redacted), "/")
		}
		switch strings.ToLower(seg) {
		case "hook", "hooks", "webhook", "webhooks":
			after = true
		}
	}
	if !changed {
		return path
	}
	r.note(field, "webhook URL token (path segment)")
	return strings.Join(segs, "/")
}

// containsHook reports whether s holds "hook" in any case.
func containsHook(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if (s[i]|0x20) == 'h' && (s[i+1]|0x20) == 'o' && (s[i+2]|0x20) == 'o' && (s[i+3]|0x20) == 'k' {
			return true
		}
	}
	return false
}

func pathUnescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// query redacts the secret parameters of a raw query (or form body, or fragment).
func (r *run) query(raw, field, what string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	changed := false
	for n, part := range parts {
		k, v, ok := strings.Cut(part, "=")
		if !ok || v == "" {
			if u, err := url.QueryUnescape(part); err == nil && u != part {
				// Not a pair as written (text sent as a form): what the text rules
				// find under its escapes is noted, and the run's scrub replaces it.
				r.text(u, field)
			}
			continue
		}
		name := k
		if u, err := url.QueryUnescape(k); err == nil {
			name = u
		}
		uv, err := url.QueryUnescape(v)
		if err != nil {
			uv = v
		}
		if IsRedacted(uv) {
			continue
		}
		if IsSecretName(name) {
			r.notef(field, what+" %q (name rule)", name, v, uv)
			parts[n] = k + "=" + cassette.Redacted
			changed = true
			continue
		}
		if strings.ContainsAny(name, " \t\r\n/?:") {
			// Not a name: text sent as a form. What the text rules find in it is
			// noted, and the run's scrub replaces it.
			r.text(name+"="+uv, field)
		}
		// A URL or JSON document in a value: redact inside it.
		if nested := r.nested(uv, field+" ?"+name); nested != uv {
			parts[n] = k + "=" + url.QueryEscape(nested)
			changed = true
		}
	}
	if !changed {
		return raw
	}
	return strings.Join(parts, "&")
}

// formValue redacts one value of a parsed form.
func (r *run) formValue(name, v, field string) string {
	if v == "" || IsRedacted(v) {
		return v
	}
	if IsSecretName(name) {
		r.notef(field, "form field %q (name rule)", name, v)
		return cassette.Redacted
	}
	return r.nested(v, field)
}

// nested redacts a string that may be a JSON document, a URL or text.
func (r *run) nested(s, field string) string {
	t := strings.TrimSpace(s)
	if len(t) > 1 && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
		if out, ok := r.json([]byte(s), field, 1); ok {
			return string(out)
		}
	}
	return r.text(s, field) // also a document nested too deep to walk
}

var (
	formRE = regexp.MustCompile(`^[A-Za-z0-9_.\-%*\[\]]+=[^&\s]*(?:&[A-Za-z0-9_.\-%*\[\]]*=?[^&\s]*)*\s*$`)
	gzipRE = []byte{0x1f, 0x8b}
)

// quiet reports whether no rule of the policy can apply to s, a body or a text: no
// word of the name rule or scheme word, no URL (also URL-encoded or JSON-escaped), no
// hook or bot path, no escape at all, no JSON Web Token, and no JSON field or
// pattern of the Config. The known secrets are replaced all the same.
func (p *Policy) quiet(s string) bool {
	if len(p.paths) > 0 || len(p.patterns) > 0 || strings.Contains(s, `\`) || strings.Contains(s, "://") || strings.Contains(s, jwtStart) {
		return false
	}
	return !foldedHas(s, p.loud)
}

// body redacts a body by what it is: JSON, a form, or text.
func (r *run) body(b, contentType, field string) string {
	if b == "" || r.p.quiet(b) {
		return b
	}
	if t := strings.TrimSpace(b); len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '"') && json.Valid([]byte(b)) {
		if out, ok := r.json([]byte(b), field, 0); ok {
			return string(out)
		}
		return r.text(b, field) // nested too deep to walk
	}
	if strings.HasPrefix(b, "--") {
		if boundary := multipartBoundary(b, contentType); boundary != "" {
			if out, ok := r.multipart(b, boundary, field); ok {
				return out
			}
		}
	}
	if strings.HasPrefix(strings.ToLower(contentType), "application/x-www-form-urlencoded") || formRE.MatchString(b) {
		return r.query(strings.TrimRight(b, "\r\n"), field, "form field") + b[len(strings.TrimRight(b, "\r\n")):]
	}
	if bytes.HasPrefix([]byte(b), gzipRE) {
		return b // binary: the known secrets are scrubbed all the same
	}
	return r.text(b, field)
}

// Patterns of secrets inside free text.
var (
	urlRE = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]{0,31}://[^\s"'\\]+`)
	// pathRE finds absolute paths (not after a host) in text.
	pathRE = regexp.MustCompile(`(^|[\s(\[,;=])(/[^\s"'\\?#]+)`)
	// pairRE finds name=value pairs after a separator (also \u0026, the JSON escape
	// of &, and a backslash-escaped quote).
	pairRE = regexp.MustCompile(`(?i)(^|[\s?&;,(]|\\u0026|\\u003f|\\")([a-z0-9_.\-%\[\]]{1,64})=([^&;#\s"'\\,)]+)`)
	// memberRE finds "name": "value" JSON members in text that is not a JSON document
	// (also with escaped quotes, inside a JSON string; also the first string of an
	// array, "name": ["value", and a value the text ends in, as a message that quotes
	// a document cut short shows it).
	memberRE = regexp.MustCompile(`(\\?")([A-Za-z0-9_.\-]{1,64})(\\?"\s*:\s*(?:\[\s*)?\\?")((?:[^"\\]|\\[^"])*)(\\?"|$)`)
	// xmlElementRE finds XML and HTML elements of text content or CDATA:
	// <name attributes>content</name>.
	xmlElementRE = regexp.MustCompile(`<([A-Za-z_][A-Za-z0-9_.:\-]{0,63})(\s[^<>]*)?>(<!\[CDATA\[[\s\S]*?\]\]>|[^<]+)</([A-Za-z_][A-Za-z0-9_.:\-]{0,63})\s*>`)
	// quotedPairRE finds name="value" and name='value' pairs (XML and HTML attributes,
	// authentication parameters).
	quotedPairRE = regexp.MustCompile(`(^|[\s?&;,(<])([A-Za-z0-9_.:\-]{1,64})(\s*=\s*)("[^"\r\n]*"|'[^'\r\n]*')`)
	// nameValueAttrRE finds the name and value attributes of one element, in either
	// order: groups 1 and 2, or 3 and 4 (value first).
	nameValueAttrRE = regexp.MustCompile(`<[A-Za-z][^<>]*?\bname\s*=\s*("[^"]*"|'[^']*')[^<>]*?\bvalue\s*=\s*("[^"]*"|'[^']*')|<[A-Za-z][^<>]*?\bvalue\s*=\s*("[^"]*"|'[^']*')[^<>]*?\bname\s*=\s*("[^"]*"|'[^']*')`)
	// formDataRE finds the fields of a multipart form in text (also indented, as a
	// message shows a body): the Content-Disposition line that names the field, the
	// part's other header lines, the blank line, and the first line of the content.
	formDataRE = regexp.MustCompile(`(?i)(content-disposition:[^\r\n]*?\bname=("[^"\r\n]*"|[^;\s]+)[^\r\n]*\r?\n(?:[ \t]*\S[^\r\n]*\r?\n)*[ \t]*\r?\n[ \t]*)([^\r\n]+)`)
	// jwtRE finds JSON Web Tokens, credentials by their shape wherever they are:
	// base64url of a JSON header, of a JSON payload, and a signature, which an
	// unsigned token leaves empty.
	jwtRE = regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*`)
	// goHeaderRE finds the header fields of an http.Header as Go's fmt prints it:
	// map[Name:[value value]].
	goHeaderRE = regexp.MustCompile(`([A-Za-z0-9][A-Za-z0-9_\-]{0,63}):\[([^\]\r\n]*)\]`)
	// headerLineRE finds "Name: value" lines.
	headerLineRE = regexp.MustCompile(`(?m)^([ \t]*)([A-Za-z0-9][A-Za-z0-9_\-]{0,63})(:[ \t]*)(\S[^\r\n]*)$`)
	// curlHeaderRE finds the headers of a command line (curl -H 'Name: value').
	curlHeaderRE = regexp.MustCompile(`(-H|--header)(\s+)(['"]?)([A-Za-z0-9][A-Za-z0-9_\-]{0,63})(:[ \t]*)([^'"\r\n]*)`)
	// afterNameRE finds, right after a name, the value prose and the notations of other
	// languages write after it: password: v, password = v, 'password' => 'v',
	// password -> v, password | v, {password: v}, --password v, Authorization: Bearer
	// v (or an HMAC scheme: SDK-HMAC-SHA256 v), and a name and a value only spaces
	// apart (token v). Group 1 is the name's closing quote, 2 the separator, 3 a scheme
	// word, 4 the value (quoted, an environment reference, or a word).
	afterNameRE = regexp.MustCompile(`^(['"]?)([ \t]*(?:=>|->|[:=|])[ \t]*|[ \t]+)((?i:bearer|basic|digest|[a-z0-9-]*hmac[a-z0-9-]*)[ \t]+)?('[^'\r\n]*'|"[^"\r\n]*"|\$\{[^}\s]*\}[^\s'"<>,;)\]]*|[^\s'"<>,;()\[\]{}\\]+)`)
	// bearerRE finds credentials after an authorization scheme word: 8 characters or
	// more with a digit, or 24 or more (so "token provided" stays text).
	bearerRE = regexp.MustCompile(`(?i)\b(bearer|basic|token|digest)(\s+)([A-Za-z0-9._~+/=\-]{8,})`)
)

// text redacts free text.
func (r *run) text(s, field string) string {
	if s == "" || r.p.quiet(s) {
		return s
	}
	if strings.ContainsAny(s, "{[") {
		s = r.embeddedJSON(s, field)
	}
	if strings.Contains(s, "://") {
		s = r.textURLs(s, field)
	}
	// The rules below redact only where a secret name (or a hook or bot path, or a
	// scheme word) is: text without any of their words is left alone at once.
	named := r.p.mentionsSecret(s)
	if strings.Contains(s, "/") && foldedHas(s, hookWordSet) {
		// Paths without a scheme and host: their hook tokens.
		s = pathRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := pathRE.FindStringSubmatch(m)
			return sub[1] + r.hookPath("", sub[2], field)
		})
	}
	if named && strings.Contains(s, "=") {
		s = pairRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := pairRE.FindStringSubmatch(m)
			name := sub[2]
			if u, err := url.QueryUnescape(name); err == nil {
				name = u
			}
			v := sub[3]
			uv, err := url.QueryUnescape(v)
			if err != nil {
				uv = v
			}
			if IsRedacted(uv) || IsRedacted(v) || IsEnvReference(uv) {
				return m
			}
			if !IsSecretName(name) {
				// A value that holds pairs of its own (a path and query, next=/cb?token=...):
				// what the rules find in it is noted, and the run's scrub replaces it.
				if strings.Contains(uv, "=") {
					r.text(uv, field)
				}
				return m
			}
			r.notef(field, "parameter %q in text (name rule)", name, v, uv)
			return sub[1] + sub[2] + "=" + cassette.Redacted
		})
	}
	if named && strings.Contains(s, ":") {
		s = memberRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := memberRE.FindStringSubmatch(m)
			v := sub[4]
			if !IsSecretName(sub[2]) || IsRedacted(v) || v == "" {
				return m
			}
			r.notef(field, "JSON member %q in text (name rule)", sub[2], v, unescapeJSON(v))
			return sub[1] + sub[2] + sub[3] + cassette.Redacted + sub[5]
		})
		if strings.Contains(s, ":[") {
			s = goHeaderRE.ReplaceAllStringFunc(s, func(m string) string {
				sub := goHeaderRE.FindStringSubmatch(m)
				if !r.p.judgeHeader(sub[1]) || sub[2] == "" || IsRedacted(sub[2]) {
					return m
				}
				r.notef(field, "header %q printed as Go prints a header (name rule)", sub[1], append(strings.Fields(sub[2]), sub[2])...)
				return sub[1] + ":[" + cassette.Redacted + "]"
			})
		}
		s = headerLineRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := headerLineRE.FindStringSubmatch(m)
			if !r.p.judgeHeader(sub[2]) {
				return m
			}
			return sub[1] + sub[2] + sub[3] + r.headerValue(sub[2], sub[4], field)
		})
	}
	if named && strings.Contains(s, "</") {
		s = xmlElementRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := xmlElementRE.FindStringSubmatch(m)
			if sub[1] != sub[4] || !IsSecretName(localName(sub[1])) {
				return m
			}
			v := sub[3]
			if inner, ok := strings.CutPrefix(v, "<![CDATA["); ok {
				v = strings.TrimSuffix(inner, "]]>")
			}
			if strings.TrimSpace(v) == "" || IsRedacted(strings.TrimSpace(v)) {
				return m
			}
			r.notef(field, "XML element %q in text (name rule)", sub[1], v, strings.TrimSpace(v), html.UnescapeString(strings.TrimSpace(v)))
			return "<" + sub[1] + sub[2] + ">" + cassette.Redacted + "</" + sub[4] + ">"
		})
	}
	if named && strings.Contains(s, "value") && strings.Contains(s, "<") {
		// An element that names its value by attributes: <input name="password"
		// value="...">, in either order. The value is noted as found, and the run's
		// scrub replaces it.
		for _, m := range nameValueAttrRE.FindAllStringSubmatch(s, maxEmbeddedTries) {
			name, value := m[1]+m[4], m[2]+m[3]
			if len(name) >= 2 && len(value) >= 2 {
				name, value = name[1:len(name)-1], value[1:len(value)-1]
			}
			if IsSecretName(name) && value != "" && !IsRedacted(value) {
				r.notef(field, "value attribute of an element named %q (name rule)", name, value, html.UnescapeString(value))
			}
		}
	}
	if named && strings.Contains(s, "name=") && foldedHas(s, dispositionWordSet) {
		s = formDataRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := formDataRE.FindStringSubmatch(m)
			name := strings.Trim(sub[2], `"`)
			v := strings.TrimSpace(sub[3])
			if !IsSecretName(name) || v == "" || IsRedacted(v) || strings.HasPrefix(v, "--") {
				return m
			}
			r.notef(field, "multipart field %q in text (name rule)", name, sub[3], v)
			return sub[1] + cassette.Redacted
		})
	}
	if named && (strings.Contains(s, `="`) || strings.Contains(s, `='`) || strings.Contains(s, `= `)) {
		s = quotedPairRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := quotedPairRE.FindStringSubmatch(m)
			v := sub[4][1 : len(sub[4])-1]
			if !IsSecretName(localName(sub[2])) || v == "" || IsRedacted(v) {
				return m
			}
			r.notef(field, "quoted parameter %q in text (name rule)", sub[2], v, html.UnescapeString(v))
			return sub[1] + sub[2] + sub[3] + sub[4][:1] + cassette.Redacted + sub[4][:1]
		})
	}
	if named && (strings.Contains(s, "-H") || strings.Contains(s, "--header")) {
		s = curlHeaderRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := curlHeaderRE.FindStringSubmatch(m)
			if !r.p.judgeHeader(sub[4]) {
				return m
			}
			return sub[1] + sub[2] + sub[3] + sub[4] + sub[5] + r.headerValue(sub[4], sub[6], field)
		})
	}
	if strings.Contains(s, jwtStart) {
		s = jwtRE.ReplaceAllStringFunc(s, func(m string) string {
			r.note(field, "JSON Web Token (JWT, by its shape)", m)
			return cassette.Redacted
		})
	}
	if !r.underEscapes && mayBeEscaped(s) {
		r.textUnderEscapes(s, field)
	}
	if !named {
		for _, re := range r.p.patterns {
			s = r.pattern(re, s, field)
		}
		return s
	}
	s = r.valuesAfterNames(s, field)
	s = bearerRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := bearerRE.FindStringSubmatch(m)
		if IsRedacted(sub[3]) || strings.HasPrefix(sub[3], cassette.Redacted) ||
			len(sub[3]) < 24 && !strings.ContainsAny(sub[3], "0123456789") {
			return m
		}
		r.note(field, "credential after an authorization scheme ("+sub[1]+")", append([]string{sub[3]}, basicSecrets(sub[1], sub[3])...)...)
		return sub[1] + sub[2] + cassette.Redacted
	})
	for _, re := range r.p.patterns {
		s = r.pattern(re, s, field)
	}
	return s
}

// valuesAfterNames redacts the values written after secret names in text (see
// afterNameRE): a value of a credential's shape (see looksLikeCredential), and a
// value quoted after a separator, or assigned with '=' or '=>', whatever its shape.
// Each word is tried as a name in turn, so that a pair of words ("user bob") never
// hides the name after it.
func (r *run) valuesAfterNames(s, field string) string {
	var b strings.Builder
	last := 0
	// The words are found one after the other, not all at once: a body is up to
	// the recording limit long, and its words are not held.
	for i := 0; i < len(s); {
		if !isASCIILetter(s[i]) || i > 0 && isNameByte(s[i-1]) && s[i-1] != '-' {
			i++
			continue
		}
		start, end := i, i+1
		for end < len(s) && isNameByte(s[end]) {
			end++
		}
		i = end
		for end-start > 1 && (s[end-1] == '-' || s[end-1] == '.') {
			end-- // password->v; "the token." ends the name
		}
		next := end
		if next < len(s) && (s[next] == '\'' || s[next] == '"') {
			next++ // the name's closing quote
		}
		if next >= len(s) || strings.IndexByte(" \t:=|-", s[next]) < 0 {
			continue // no separator after it: not a pair
		}
		if end-start > 64 || !IsSecretName(s[start:end]) {
			continue
		}
		m := afterNameRE.FindStringSubmatchIndex(s[end:])
		if m == nil {
			continue
		}
		sub := func(g int) string {
			if m[2*g] < 0 {
				return ""
			}
			return s[end+m[2*g] : end+m[2*g+1]]
		}
		v, quote := sub(4), ""
		if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] {
			v, quote = v[1:len(v)-1], v[:1]
		} else {
			v = strings.TrimRight(v, ".:!?")
		}
		if v == "" || strings.Contains(v, cassette.Redacted) || IsEnvReference(v) {
			continue
		}
		sep := strings.TrimSpace(sub(2))
		credential := looksLikeCredential(v, sep != "")
		// After '=' or '=>' a word is assigned, not said: password = hunter.
		assigned := sep == "=" || sep == "=>"
		if !credential && !(sep != "" && quote != "") && !assigned {
			continue
		}
		name := s[start:end]
		at := end + m[8] + len(quote)
		if scheme := strings.TrimSpace(sub(3)); strings.Contains(strings.ToLower(scheme), "hmac") {
			// SDK-HMAC-SHA256 Access=v: the field's name stays, as in a header.
			if k := strings.IndexByte(v, '='); k > 0 {
				at, v = at+k+1, v[k+1:]
			}
		}
		if credential {
			r.notef(field, "value after the name %q in text (name rule)", name, append([]string{v, html.UnescapeString(v)}, basicSecrets(strings.TrimSpace(sub(3)), v)...)...)
		} else {
			r.notef(field, "value quoted or assigned after the name %q in text (name rule)", name)
		}
		b.WriteString(s[last:at])
		b.WriteString(cassette.Redacted)
		last = at + len(v)
		i = last
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isNameByte reports whether c is part of a name in text: a letter, a digit, '_',
// '.' or '-'.
func isNameByte(c byte) bool {
	return isASCIILetter(c) || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-'
}

// looksLikeCredential reports whether v, found after a secret name in text, has
// the shape of a credential rather than of a word of the sentence ("token: expired",
// "password required"): after a separator (':', '=', '=>', '->', '|'), six
// characters or more with a digit, a symbol or a capital letter past the first, or
// twenty or more; after spaces alone, eight or more mixing lower-case letters with
// digits or capitals (not a name in capitals such as SDK-HMAC-SHA256), or twenty-four
// or more. A credential found is replaced wherever
// the interaction holds it; a quoted value after a separator is replaced where it
// stands whatever its shape.
func looksLikeCredential(v string, separated bool) bool {
	if separated {
		if len(v) >= 20 {
			return true
		}
		if len(v) < 6 {
			return false
		}
		for i, c := range v {
			if !unicode.IsLetter(c) || i > 0 && unicode.IsUpper(c) {
				return true
			}
		}
		return false
	}
	if len(v) >= 24 {
		return true
	}
	lower := strings.IndexFunc(v, unicode.IsLower) >= 0
	other := strings.IndexFunc(v, func(c rune) bool { return unicode.IsDigit(c) || unicode.IsUpper(c) }) >= 0
	return len(v) >= 8 && lower && other
}

// textUnderEscapes applies the text rules to each layer of escapes s holds, up to
// maxDecodeLayers (a URL percent-encoded as a query value, then again): what they
// find there is noted as found, and the run's scrub replaces it in s, under the
// escapes it is written with.
func (r *run) textUnderEscapes(s, field string) {
	r.underEscapes = true
	defer func() { r.underEscapes = false }()
	for layer := 0; layer < maxDecodeLayers; layer++ {
		next, ok := unescapeText(s)
		if !ok {
			return
		}
		s = next
		r.text(s, field)
	}
}

// localName returns an XML name without its namespace prefix.
func localName(name string) string {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// textURLs redacts the URLs in text. A URL runs to a space or a quote: a decoded
// URL may hold < and > in a secret. One written <like this> ends at its '>'.
func (r *run) textURLs(s, field string) string {
	idx := urlRE.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		u := s[m[0]:m[1]]
		if m[0] > 0 && s[m[0]-1] == '<' {
			if end := strings.IndexByte(u, '>'); end >= 0 {
				u = u[:end]
			}
		}
		// A URL may end with sentence punctuation.
		trimmed := strings.TrimRight(u, ".,;:!)]}")
		b.WriteString(s[last:m[0]])
		b.WriteString(r.url(trimmed, field))
		last = m[0] + len(trimmed)
	}
	b.WriteString(s[last:])
	return b.String()
}

// jwtStart starts every JSON Web Token: base64url of `{"`.
const jwtStart = "eyJ"

// schemeWords are the authorization schemes whose credential text rules redact.
var schemeWords = []string{"bearer", "basic", "token", "digest"}

// mentionsSecret reports whether text, folded (see fold), holds a word of the name
// rule, a scheme word or a name of Config.Headers: only then can a name rule of
// text apply.
func (p *Policy) mentionsSecret(s string) bool { return foldedHas(s, p.mentions) }

// Bounds of the search for JSON documents inside text.
const (
	maxEmbeddedText  = 256 << 10
	maxEmbeddedTries = 64
)

// embeddedJSON redacts the JSON objects and arrays inside text (an error message that
// quotes an answer, a log line) as JSON documents.
func (r *run) embeddedJSON(s, field string) string {
	if len(s) > maxEmbeddedText {
		return s
	}
	var b strings.Builder
	last, tries := 0, 0
	for i := 0; i < len(s) && tries < maxEmbeddedTries; i++ {
		if s[i] != '{' && s[i] != '[' {
			continue
		}
		tries++
		dec := json.NewDecoder(strings.NewReader(s[i:]))
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			continue
		}
		end := i + int(dec.InputOffset())
		doc := strings.TrimSpace(s[i:end])
		if len(doc) < 2 {
			continue
		}
		if out, ok := r.json([]byte(doc), field, 1); ok && string(out) != doc {
			b.WriteString(s[last:i])
			b.Write(out)
			last = i + len(doc)
		}
		i = i + len(doc) - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func (r *run) pattern(re *regexp.Regexp, s, field string) string {
	idx := re.FindAllStringSubmatchIndex(s, -1)
	if len(idx) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		start, end := m[0], m[1]
		if len(m) >= 4 && m[2] >= 0 {
			start, end = m[2], m[3]
		}
		if start < last || end <= start || IsRedacted(s[start:end]) {
			continue
		}
		r.notef(field, "matches the pattern %q", re.String(), s[start:end])
		b.WriteString(s[last:start])
		b.WriteString(cassette.Redacted)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

func unescapeJSON(v string) string {
	var out string
	if err := json.Unmarshal([]byte(`"`+v+`"`), &out); err != nil {
		return v
	}
	return out
}

// Authorization returns the redacted form of an Authorization header value and the
// secrets it held. An AK/SK signature keeps its shape, so cassette.AuthKindOf still
// tells it: "SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=<as sent>,
// Signature=REDACTED". Another "Scheme credentials" value keeps its scheme word. A
// field already redacted (a named credential, "REDACTED:<name>") is kept.
func Authorization(v string) (string, []string) {
	if a, ok := parseAKSK(v); ok {
		access, sig := a.access, a.signature
		var secrets []string
		if !IsRedacted(access) {
			secrets = append(secrets, access)
			access = cassette.Redacted
		}
		if !IsRedacted(sig) {
			secrets = append(secrets, sig)
			sig = cassette.Redacted
		}
		return fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s", a.scheme, access, a.signedHeaders, sig), secrets
	}
	scheme, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	rest = strings.TrimSpace(rest)
	if ok && schemeRE.MatchString(scheme) {
		if IsRedacted(rest) {
			return v, nil
		}
		return scheme + " " + cassette.Redacted, append([]string{rest}, basicSecrets(scheme, rest)...)
	}
	if IsRedacted(strings.TrimSpace(v)) {
		return v, nil
	}
	return cassette.Redacted, []string{strings.TrimSpace(v)}
}

// basicSecrets returns what the credentials of a Basic authorization stand for, as
// a server that decodes them may show them: user:password, the user and the
// password.
func basicSecrets(scheme, credentials string) []string {
	if !strings.EqualFold(scheme, "Basic") {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(credentials)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(credentials); err != nil {
			return nil
		}
	}
	user, pass, _ := strings.Cut(string(b), ":")
	return []string{string(b), user, pass}
}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,31}$`)

type akskFields struct{ scheme, access, signedHeaders, signature string }

// parseAKSK reads "SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=..." (or
// another HMAC scheme of the same shape) without judging the values.
func parseAKSK(v string) (akskFields, bool) {
	var a akskFields
	scheme, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !strings.Contains(strings.ToUpper(scheme), "HMAC") {
		return a, false
	}
	a.scheme = scheme
	for _, part := range strings.Split(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Access":
			a.access = val
		case "SignedHeaders":
			a.signedHeaders = val
		case "Signature":
			a.signature = val
		}
	}
	return a, a.access != "" && a.signature != ""
}
