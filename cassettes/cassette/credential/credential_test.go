package credential_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/aksk"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseRefusesBadSpecifications(t *testing.T) {
	e := env(map[string]string{"A": "tok-a", "B": "tok-a", "C": "tok-c"})
	for _, tc := range []struct {
		specs []string
		want  string
	}{
		{[]string{"allowed"}, "want NAME=ENV_VAR"},
		{[]string{"=A"}, "want NAME=ENV_VAR"},
		{[]string{"bad name=A"}, "must be letters"},
		{[]string{"x=UNSET"}, "UNSET is unset or empty"},
		{[]string{"x=A", "x=C"}, `the name "x" is given twice`},
		{[]string{"x=A", "y=B"}, `holds the same value as the credential "x"`},
		{[]string{"x=A:"}, "want NAME=AK_VAR:SK_VAR"},
		{[]string{"x=:C"}, "want NAME=AK_VAR:SK_VAR"},
		{[]string{"x=A:UNSET"}, "UNSET is unset or empty; export it with the secret key"},
	} {
		_, err := credential.Parse(tc.specs, e)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", tc.specs, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "tok-") {
			t.Errorf("Parse(%q) error shows a secret: %v", tc.specs, err)
		}
	}
}

func TestOfNamesTokensAccessKeysAndPlaceholders(t *testing.T) {
	n, err := credential.Parse([]string{"allowed=A", "signer=K"}, env(map[string]string{"A": "tok-a", "K": "AKLIVE0001"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		h    http.Header
		want string
	}{
		{http.Header{"X-Auth-Token": {"tok-a"}}, "allowed"},
		{http.Header{"X-Auth-Token": {"tok-other"}}, ""},
		{http.Header{"X-Auth-Token": {"REDACTED:forbidden"}}, "forbidden"},
		{http.Header{"X-Auth-Token": {"REDACTED"}}, ""},
		{http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=AKLIVE0001, SignedHeaders=x-sdk-date, Signature=abc"}}, "signer"},
		{http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=REDACTED:other, SignedHeaders=x-sdk-date, Signature=REDACTED"}}, "other"},
		{http.Header{}, ""},
	} {
		if got := n.Of(tc.h); got != tc.want {
			t.Errorf("Of(%v) = %q, want %q", tc.h, got, tc.want)
		}
	}
	if got := credential.Recorded(http.Header{"X-Auth-Token": {"tok-a"}}); got != "" {
		t.Errorf("Recorded names a live value %q; only placeholders name themselves", got)
	}
}

func TestMarkWritesOnlyOverPlaceholders(t *testing.T) {
	h := http.Header{"X-Auth-Token": {"REDACTED"}}
	if err := credential.Mark(h, "forbidden"); err != nil || h.Get("X-Auth-Token") != "REDACTED:forbidden" {
		t.Errorf("Mark over the placeholder: %v, %q", err, h.Get("X-Auth-Token"))
	}
	a := http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=x-sdk-date, Signature=REDACTED"}}
	if err := credential.Mark(a, "signer"); err != nil || a.Get("Authorization") != "SDK-HMAC-SHA256 Access=REDACTED:signer, SignedHeaders=x-sdk-date, Signature=REDACTED" {
		t.Errorf("Mark of an AK/SK Authorization: %v, %q", err, a.Get("Authorization"))
	}
	live := http.Header{"X-Auth-Token": {"tok-live"}}
	if err := credential.Mark(live, "x"); err == nil || live.Get("X-Auth-Token") != "tok-live" {
		t.Errorf("Mark over a live token: %v, %q; want an error and the header unchanged", err, live.Get("X-Auth-Token"))
	}
}

// TestOfRequestNamesOnlySignaturesThatVerify holds OfRequest to the signature: with the
// secret key, a request signed with the access key is named only when its signature
// verifies over its method, path, date and body; without it, by the access key alone.
func TestOfRequestNamesOnlySignaturesThatVerify(t *testing.T) {
	const ak, sk, body = "AKLIVE0001", "sk-live-0001", `{"notice_type":"MAIL","enabled_event_type_names":[]}`
	e := env(map[string]string{"A": "tok-a", "K": ak, "S": sk})
	verifying, err := credential.Parse([]string{"allowed=A", "signer=K:S"}, e)
	if err != nil {
		t.Fatal(err)
	}
	byKey, err := credential.Parse([]string{"allowed=A", "signer=K"}, e)
	if err != nil {
		t.Fatal(err)
	}
	if !verifying.Verifies() || byKey.Verifies() {
		t.Fatalf("Verifies: %v with the secret key, %v without; want true, false", verifying.Verifies(), byKey.Verifies())
	}
	if got := verifying.SecretKeys(); len(got) != 1 || got[0] != sk {
		t.Errorf("SecretKeys() holds %d keys, want the one given", len(got))
	}
	signed := func(change func(r *http.Request) []byte) (*http.Request, []byte) {
		r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:8080"+contract.UpdatePathFor("48c66c6002964721be537cdc6ce0297b"), strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/json")
		if err := aksk.Sign(r, []byte(body), aksk.Credential{AK: ak, SK: sk}); err != nil {
			t.Fatal(err)
		}
		b := []byte(body)
		if change != nil {
			b = change(r)
		}
		return r, b
	}
	for _, tc := range []struct {
		what   string
		change func(r *http.Request) []byte
		want   string
	}{
		{"as signed", nil, "signer"},
		{"another body", func(*http.Request) []byte { return []byte(`{"notice_type":"WECOM","enabled_event_type_names":[]}`) }, ""},
		{"another date", func(r *http.Request) []byte {
			r.Header.Set(contract.HeaderSdkDate, "20200101T000000Z")
			return []byte(body)
		}, ""},
		{"another path", func(r *http.Request) []byte { r.URL.Path += "x"; return []byte(body) }, ""},
		{"a changed signature", func(r *http.Request) []byte {
			a := r.Header.Get(contract.HeaderAuthorization)
			last := a[len(a)-1]
			repl := byte('0')
			if last == '0' {
				repl = '1'
			}
			r.Header.Set(contract.HeaderAuthorization, a[:len(a)-1]+string(repl))
			return []byte(body)
		}, ""},
	} {
		r, b := signed(tc.change)
		if got := verifying.OfRequest(r, b); got != tc.want {
			t.Errorf("%s: OfRequest with the secret key = %q, want %q", tc.what, got, tc.want)
		}
		if got := byKey.OfRequest(r, b); got != "signer" {
			t.Errorf("%s: OfRequest without the secret key = %q, want the access key's name", tc.what, got)
		}
	}
	tok := &http.Request{Header: http.Header{"X-Auth-Token": {"tok-a"}}}
	if got := verifying.OfRequest(tok, nil); got != "allowed" {
		t.Errorf("OfRequest of a token = %q, want allowed", got)
	}
	var none *credential.Names
	if r, b := signed(nil); none.OfRequest(r, b) != "" {
		t.Error("a nil Names names a request")
	}
}

func TestMarkWritesTheUnnamedPlaceholderOverANamedOne(t *testing.T) {
	a := http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=REDACTED:signer, SignedHeaders=x-sdk-date, Signature=REDACTED"}}
	if err := credential.Mark(a, ""); err != nil || a.Get("Authorization") != "SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=x-sdk-date, Signature=REDACTED" {
		t.Errorf("Mark(\"\"): %v, %q", err, a.Get("Authorization"))
	}
	live := http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=AKLIVE0001, SignedHeaders=x-sdk-date, Signature=REDACTED"}}
	if err := credential.Mark(live, ""); err == nil {
		t.Error("Mark(\"\") over a live access key: no error")
	}
}
