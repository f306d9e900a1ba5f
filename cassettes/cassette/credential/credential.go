// Package credential names the credentials a recording saw, so that a cassette holds a
// name where a secret was and a replay answers each credential what was recorded for
// it, with no secret at hand.
//
// A named credential is written as Placeholder(name), "REDACTED:name": in the
// X-Auth-Token header for a token, and as the Access part of an AK/SK Authorization
// ("SDK-HMAC-SHA256 Access=REDACTED:name, ...") for an access key. A Names maps live
// credential values onto names; it is built from "NAME=ENV_VAR" specifications, so a
// secret is read from the environment and never from the command line.
package credential

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/internal/header"
)

// prefix starts every named placeholder.
const prefix = cassette.Redacted + ":"

// nameRE is what a credential name may be: short, and safe in a header and in YAML.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// Placeholder returns what a cassette holds in place of the credential named name.
func Placeholder(name string) string { return prefix + name }

// NameOf returns the name a placeholder "REDACTED:name" holds, and whether v is one.
func NameOf(v string) (string, bool) {
	name, ok := strings.CutPrefix(v, prefix)
	if !ok || !nameRE.MatchString(name) {
		return "", false
	}
	return name, true
}

// Names maps credential values (tokens, access keys) onto names. The zero value and
// nil name nothing.
type Names struct {
	byValue  map[string]string
	order    []string // names in the order given
	replacer *strings.Replacer
	// secretKeys holds the secret key of each access key given one: requests signed
	// with it are named only when their signature verifies.
	secretKeys map[string]string
}

// Parse builds a Names from specifications "NAME=ENV_VAR": the credential named NAME
// is the value of the environment variable ENV_VAR, read with getenv. An access key
// may come with its secret key, "NAME=AK_VAR:SK_VAR": then a request signed with it
// is named NAME only when its signature verifies (see OfRequest), so that a forged
// signature is told from a valid one without either being kept. It refuses a
// malformed specification, a name given twice, a variable that is unset or empty,
// and one value under two names.
func Parse(specs []string, getenv func(string) string) (*Names, error) {
	n := &Names{byValue: map[string]string{}}
	for _, spec := range specs {
		name, env, ok := strings.Cut(spec, "=")
		name, env = strings.TrimSpace(name), strings.TrimSpace(env)
		if !ok || name == "" || env == "" {
			return nil, fmt.Errorf("credential %q: want NAME=ENV_VAR, the name to record and the environment variable holding the token or access key (NAME=AK_VAR:SK_VAR for an access key and its secret key)", spec)
		}
		env, skEnv, withSK := strings.Cut(env, ":")
		env, skEnv = strings.TrimSpace(env), strings.TrimSpace(skEnv)
		if env == "" || withSK && skEnv == "" {
			return nil, fmt.Errorf("credential %q: want NAME=AK_VAR:SK_VAR, the environment variables holding the access key and its secret key", spec)
		}
		if !nameRE.MatchString(name) {
			return nil, fmt.Errorf("credential %q: the name %q must be letters, digits, '_', '.' or '-' (at most 64, starting with a letter or digit)", spec, name)
		}
		if slices.Contains(n.order, name) {
			return nil, fmt.Errorf("credential %q: the name %q is given twice", spec, name)
		}
		v := getenv(env)
		if v == "" {
			return nil, fmt.Errorf("credential %q: the environment variable %s is unset or empty; export it with the token or access key to name", spec, env)
		}
		if other, dup := n.byValue[v]; dup {
			return nil, fmt.Errorf("credential %q: %s holds the same value as the credential %q; give each credential one name", spec, env, other)
		}
		if withSK {
			sk := getenv(skEnv)
			if sk == "" {
				return nil, fmt.Errorf("credential %q: the environment variable %s is unset or empty; export it with the secret key of the access key in %s", spec, skEnv, env)
			}
			if n.secretKeys == nil {
				n.secretKeys = map[string]string{}
			}
			n.secretKeys[v] = sk
		}
		n.byValue[v] = name
		n.order = append(n.order, name)
	}
	n.replacer = n.newReplacer()
	return n, nil
}

// Len returns how many credentials n names.
func (n *Names) Len() int {
	if n == nil {
		return 0
	}
	return len(n.order)
}

// Of returns the name of the credential headers h carry: the X-Auth-Token, else the
// access key of an AK/SK Authorization. A placeholder "REDACTED:name" is named name
// whatever n holds, so recorded headers name themselves. It returns "" for no
// credential or one n does not name.
func (n *Names) Of(h http.Header) string {
	v := Value(h)
	if v == "" {
		return ""
	}
	if name, ok := NameOf(v); ok {
		return name
	}
	if n == nil {
		return ""
	}
	return n.byValue[v]
}

// OfRequest returns the name of the credential r carries, as Of does, but for an
// access key n holds the secret key of: a request signed with it is named only when
// its signature verifies with the official SDK's signer (body is r's body as sent);
// one whose signature, date, signed headers or body does not verify is named nothing,
// as an unknown credential is.
func (n *Names) OfRequest(r *http.Request, body []byte) string {
	name := n.Of(r.Header)
	if name == "" || !n.Verifies() || header.Get(r.Header, contract.HeaderAuthToken) != "" {
		return name
	}
	a, err := aksk.ParseAuthorization(header.Get(r.Header, contract.HeaderAuthorization))
	if err != nil {
		return name
	}
	sk, ok := n.secretKeys[a.AccessKey]
	if !ok {
		return name // a placeholder, or an access key given without its secret key
	}
	if aksk.Verify(r, body, func(ak string) (string, bool) { return sk, ak == a.AccessKey }) != nil {
		return ""
	}
	return name
}

// Verifies reports whether n holds the secret key of some access key, so that
// OfRequest tells valid signatures from forged ones.
func (n *Names) Verifies() bool { return n != nil && len(n.secretKeys) > 0 }

// SecretKeys returns the secret keys n holds, for redaction: they name nothing and
// must never be written.
func (n *Names) SecretKeys() []string {
	if n == nil {
		return nil
	}
	out := make([]string, 0, len(n.secretKeys))
	for _, sk := range n.secretKeys {
		out = append(out, sk)
	}
	slices.Sort(out)
	return out
}

// Recorded returns the name a recorded request's headers h give their credential:
// the name in a placeholder "REDACTED:name", or "".
func Recorded(h http.Header) string { return (*Names)(nil).Of(h) }

// Value returns the credential value headers h carry: the X-Auth-Token, else the
// access key of an AK/SK Authorization, else "".
func Value(h http.Header) string {
	if t := header.Get(h, contract.HeaderAuthToken); t != "" {
		return t
	}
	if ak, ok := aksk.AccessKey(header.Get(h, contract.HeaderAuthorization)); ok {
		return ak
	}
	return ""
}

// MinEchoLen is the shortest credential value Replacer replaces: a shorter one could
// be ordinary text.
const MinEchoLen = 8

// Replacer returns a replacer of every named credential value (of at least
// MinEchoLen bytes) by its placeholder, raw, URL-escaped and JSON-escaped: what the
// recording does to the whole of an interaction, and the replay to a request's
// query and body before matching them. For a nil or empty n it replaces nothing.
func (n *Names) Replacer() *strings.Replacer {
	if n == nil || n.replacer == nil {
		return strings.NewReplacer()
	}
	return n.replacer
}

func (n *Names) newReplacer() *strings.Replacer {
	type pair struct{ old, new string }
	var pairs []pair
	seen := map[string]bool{}
	for _, c := range n.Each() {
		if len(c.Value) < MinEchoLen {
			continue
		}
		ph := Placeholder(c.Name)
		quoted, _ := json.Marshal(c.Value)
		for _, form := range []string{c.Value, url.QueryEscape(c.Value), url.PathEscape(c.Value), string(quoted[1 : len(quoted)-1])} {
			if !seen[form] {
				seen[form] = true
				pairs = append(pairs, pair{form, ph})
			}
		}
	}
	// Longer forms first: the replacer tries them in this order at each position.
	slices.SortStableFunc(pairs, func(a, b pair) int { return len(b.old) - len(a.old) })
	args := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		args = append(args, p.old, p.new)
	}
	return strings.NewReplacer(args...)
}

// Name is one named credential of Names.Each.
type Name struct {
	Name, Value string
}

// Each returns the named credentials, in the order given, longest value first where
// one value holds another (the order to replace them in).
func (n *Names) Each() []Name {
	if n == nil {
		return nil
	}
	out := make([]Name, 0, len(n.order))
	for v, name := range n.byValue {
		out = append(out, Name{Name: name, Value: v})
	}
	slices.SortStableFunc(out, func(a, b Name) int {
		if len(a.Value) != len(b.Value) {
			return len(b.Value) - len(a.Value)
		}
		return slices.Index(n.order, a.Name) - slices.Index(n.order, b.Name)
	})
	return out
}

// Mark writes the placeholder of name into headers h where the credential is: the
// X-Auth-Token's value, or the Access part of an AK/SK Authorization; name "" writes
// the unnamed placeholder. It changes only a header that holds no secret (a
// placeholder), and returns an error for any other, so that nothing is written over
// a secret.
func Mark(h http.Header, name string) error {
	ph := cassette.Redacted
	if name != "" {
		if !nameRE.MatchString(name) {
			return fmt.Errorf("credential name %q is not a valid name", name)
		}
		ph = Placeholder(name)
	}
	isPlaceholder := func(v string) bool {
		_, named := NameOf(v)
		return v == cassette.Redacted || named
	}
	if vs := h.Values(contract.HeaderAuthToken); len(vs) > 0 {
		for _, v := range vs {
			if !isPlaceholder(v) {
				return errors.New("X-Auth-Token holds something other than a placeholder")
			}
		}
		h.Set(contract.HeaderAuthToken, ph)
		return nil
	}
	auth := h.Get(contract.HeaderAuthorization)
	a, err := aksk.ParseAuthorization(auth)
	if err != nil {
		return nil // no credential to name
	}
	if !isPlaceholder(a.AccessKey) {
		return errors.New("the Authorization's Access holds something other than a placeholder")
	}
	h.Set(contract.HeaderAuthorization, strings.Replace(auth, "Access="+a.AccessKey, "Access="+ph, 1))
	return nil
}
