package header_test

import (
	"net/http"
	"net/textproto"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/header"
)

// TestTheContractsNamesAreCanonical: Get and Values take names in canonical form,
// and the contract's are the ones they are given.
func TestTheContractsNamesAreCanonical(t *testing.T) {
	for _, k := range []string{
		contract.HeaderAuthToken, contract.HeaderAuthorization, contract.HeaderPrefer,
		contract.HeaderSdkDate, contract.HeaderProjectID, contract.HeaderSecurityToken,
		"Content-Encoding", "Content-Type",
	} {
		if c := textproto.CanonicalMIMEHeaderKey(k); c != k {
			t.Errorf("%q is not in canonical form (%q): header.Get would not find what http.Header.Get finds", k, c)
		}
	}
}

// TestAsHTTPHeader: for a name in canonical form, Get and Values answer what
// http.Header's methods answer, whatever the header holds.
func TestAsHTTPHeader(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		names := rapid.SampledFrom([]string{"X-Auth-Token", "x-auth-token", "Authorization", "AUTHORIZATION", "Prefer", "X-Sdk-Date"})
		h := http.Header{}
		for _, k := range rapid.SliceOfN(names, 0, 6).Draw(t, "keys") {
			h[k] = rapid.SliceOfN(rapid.StringN(0, 8, -1), 0, 3).Draw(t, "values")
		}
		key := textproto.CanonicalMIMEHeaderKey(names.Draw(t, "key"))
		if got, want := header.Get(h, key), h.Get(key); got != want {
			t.Fatalf("Get(%v, %q) = %q, http.Header.Get = %q", h, key, got, want)
		}
		if got, want := header.Values(h, key), h.Values(key); !slices.Equal(got, want) {
			t.Fatalf("Values(%v, %q) = %q, http.Header.Values = %q", h, key, got, want)
		}
	})
}
