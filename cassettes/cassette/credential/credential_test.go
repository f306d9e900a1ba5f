package credential_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
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
