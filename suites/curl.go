package suites

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/aksk"
)

// The environment variables that hold the secrets, as `noticeconf verify` reads them
// and as reproductions name them.
const (
	EnvToken          = "NOTICECONF_TOKEN"
	EnvForbiddenToken = "NOTICECONF_FORBIDDEN_TOKEN"
	EnvAK             = "NOTICECONF_AK"
	EnvSK             = "NOTICECONF_SK"
)

// secretsOf lists the secret values rq may carry, each with the shell expression
// that stands for it: the target's own, then those rq's generator derived.
func (t Target) secretsOf(rq request) []derived {
	var ds []derived
	for _, d := range []derived{
		{t.Token, "${" + EnvToken + "}"},
		{t.ForbiddenToken, "${" + EnvForbiddenToken + "}"},
		{t.AK, "${" + EnvAK + "}"},
		{t.SK, "${" + EnvSK + "}"},
	} {
		if d.value != "" {
			ds = append(ds, d)
		}
	}
	ds = append(ds, rq.secrets...)
	// The longest first, so that a value containing another is replaced whole.
	slices.SortStableFunc(ds, func(a, b derived) int { return len(b.value) - len(a.value) })
	return ds
}

// scrub replaces every secret value in s by the redaction placeholder.
func scrub(s string, secrets []derived) string {
	for _, d := range secrets {
		if d.value != "" {
			s = strings.ReplaceAll(s, d.value, cassette.Redacted)
		}
	}
	return s
}

// scrubHeader scrubs every value of h in place and returns it.
func scrubHeader(h http.Header, secrets []derived) http.Header {
	for _, vs := range h {
		for i, v := range vs {
			vs[i] = scrub(v, secrets)
		}
	}
	return h
}

// curlOf writes r as a curl command: every secret value as its shell expression,
// each word double-quoted for a POSIX shell (bash, for the ${VAR:i:n} of a derived
// token). An AK/SK signature cannot be written so: it is left out with a note.
func curlOf(r *http.Request, body []byte, secrets []derived) string {
	var b strings.Builder
	words := []string{"curl", "-sS", "-i", "-X", r.Method}
	signed := aksk.IsAKSK(r.Header.Get(contract.HeaderAuthorization))
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var headers []string
	for _, k := range keys {
		if signed && (http.CanonicalHeaderKey(k) == contract.HeaderAuthorization || http.CanonicalHeaderKey(k) == contract.HeaderSdkDate) {
			continue
		}
		for _, v := range r.Header[k] {
			headers = append(headers, "-H", shellWord(k+": "+v, secrets))
		}
	}
	if _, ok := r.Header["Content-Type"]; !ok && len(body) > 0 {
		headers = append(headers, "-H", shellWord("Content-Type:", nil)) // curl would add its own
	}
	if signed {
		b.WriteString("# signed with AK/SK, which curl cannot do: send it with the official SDK's signer (NOTICECONF_AK, NOTICECONF_SK), or run noticeconf verify again with the seed and --focus the failure names\n")
	}
	b.WriteString(strings.Join(words, " "))
	b.WriteString(" " + shellWord(r.URL.String(), secrets))
	for i := 0; i < len(headers); i += 2 {
		b.WriteString(" \\\n  " + headers[i] + " " + headers[i+1])
	}
	if len(body) > 0 || r.Method == http.MethodPost {
		b.WriteString(" \\\n  --data-binary " + bodyWord(string(body), secrets))
	}
	return b.String()
}

// minRunWritten is the shortest run of one letter or digit bodyWord writes as a
// command rather than byte by byte.
const minRunWritten = 4096

// bodyWord is shellWord of a body, but with its longest run of one ASCII letter or
// digit, when over minRunWritten bytes, written as the command that prints it, so
// that a reproduction of a body of megabytes stays a few lines.
func bodyWord(s string, secrets []derived) string {
	start, n := longestRun(s)
	if n < minRunWritten {
		return shellWord(s, secrets)
	}
	c := s[start]
	run := fmt.Sprintf(`"$(head -c %d /dev/zero | tr '\0' '%c')"`, n, c)
	return shellWord(s[:start], secrets) + run + shellWord(s[start+n:], secrets)
}

// longestRun returns where the longest run of one ASCII letter or digit in s
// starts, and its length.
func longestRun(s string) (start, n int) {
	for i := 0; i < len(s); {
		j := i + 1
		for j < len(s) && s[j] == s[i] {
			j++
		}
		if c := s[i]; j-i > n && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			start, n = i, j-i
		}
		i = j
	}
	return start, n
}

// shellWord double-quotes s for a POSIX shell, with each secret value written as
// its shell expression.
func shellWord(s string, secrets []derived) string {
	var b strings.Builder
	b.WriteByte('"')
	for len(s) > 0 {
		at, which := -1, derived{}
		for _, d := range secrets {
			if d.value == "" {
				continue
			}
			if i := strings.Index(s, d.value); i >= 0 && (at < 0 || i < at) {
				at, which = i, d
			}
		}
		lit := s
		if at >= 0 {
			lit = s[:at]
		}
		for _, c := range lit {
			switch c {
			case '"', '\\', '$', '`':
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		}
		if at < 0 {
			break
		}
		b.WriteString(which.shell)
		s = s[at+len(which.value):]
	}
	b.WriteByte('"')
	return b.String()
}
