package aksk_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/noticeconf/noticeconf/internal/aksk"
)

var cred = aksk.Credential{AK: "AKEXAMPLE0000000001", SK: "secret"}

func lookup(ak string) (string, bool) {
	if ak == cred.AK {
		return cred.SK, true
	}
	return "", false
}

func signedRequest(t *testing.T, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update?b=2&a=1", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Project-Id", "p1")
	if err := aksk.Sign(r, []byte(body), cred); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSignThenVerify(t *testing.T) {
	body := `{"notice_type":"MAIL","enabled_event_type_names":[]}` + "\n"
	r := signedRequest(t, body)
	a, err := aksk.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessKey != cred.AK || len(a.Signature) != 64 {
		t.Fatalf("authorization %+v", a)
	}
	if got := strings.Join(a.SignedHeaders, ";"); got != "x-project-id;x-sdk-date" {
		t.Errorf("signed headers %q", got)
	}
	if err := aksk.Verify(r, []byte(body), lookup); err != nil {
		t.Fatalf("verify: %v", err)
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	body := `{"notice_type":"MAIL","enabled_event_type_names":[]}`
	cases := map[string]func(r *http.Request) []byte{
		"body": func(*http.Request) []byte { return []byte(`{"notice_type":"MAIL","enabled_event_type_names":["x"]}`) },
		"path": func(r *http.Request) []byte {
			r.URL.Path = "/v3/jobs/notice/00000000000000000000000000000000/update"
			return []byte(body)
		},
		"query":      func(r *http.Request) []byte { r.URL.RawQuery = "a=1&b=3"; return []byte(body) },
		"method":     func(r *http.Request) []byte { r.Method = http.MethodPut; return []byte(body) },
		"signed hdr": func(r *http.Request) []byte { r.Header.Set("X-Project-Id", "p2"); return []byte(body) },
		"date":       func(r *http.Request) []byte { r.Header.Set("X-Sdk-Date", "20200101T000000Z"); return []byte(body) },
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			r := signedRequest(t, body)
			b := tamper(r)
			if err := aksk.Verify(r, b, lookup); !errors.Is(err, aksk.ErrBadSignature) {
				t.Fatalf("verify after changing the %s: got %v, want ErrBadSignature", name, err)
			}
		})
	}
}

func TestVerifyUnknownAK(t *testing.T) {
	r := signedRequest(t, "{}")
	err := aksk.Verify(r, []byte("{}"), func(string) (string, bool) { return "", false })
	if !errors.Is(err, aksk.ErrUnknownAK) {
		t.Fatalf("got %v, want ErrUnknownAK", err)
	}
}

func TestParseAuthorization(t *testing.T) {
	for _, bad := range []string{"", "Bearer x", "SDK-HMAC-SHA256 Access=AK", "SDK-HMAC-SHA256 garbage"} {
		if _, err := aksk.ParseAuthorization(bad); err == nil {
			t.Errorf("ParseAuthorization(%q) succeeded", bad)
		}
	}
	if aksk.IsAKSK("Bearer x") || !aksk.IsAKSK("SDK-HMAC-SHA256 Access=a, SignedHeaders=x, Signature=y") {
		t.Error("IsAKSK")
	}
}

// TestAccessKeyAsParseAuthorization: AccessKey answers what ParseAuthorization
// parses, for values built from the header's own parts in any order and shape.
func TestAccessKeyAsParseAuthorization(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		part := rapid.OneOf(
			rapid.Map(rapid.StringMatching(`[A-Za-z0-9:]{0,12}`), func(s string) string { return "Access=" + s }),
			rapid.Map(rapid.StringMatching(`[a-z;-]{0,12}`), func(s string) string { return "SignedHeaders=" + s }),
			rapid.Map(rapid.StringMatching(`[0-9a-f]{0,8}`), func(s string) string { return "Signature=" + s }),
			rapid.StringMatching(`[ =,A-Za-z]{0,6}`),
		)
		parts := rapid.SliceOfN(part, 0, 5).Draw(t, "parts")
		sep := rapid.SampledFrom([]string{",", ", ", " ,"}).Draw(t, "separator")
		scheme := rapid.SampledFrom([]string{"SDK-HMAC-SHA256 ", " SDK-HMAC-SHA256 ", "SDK-HMAC-SHA256", "Bearer "}).Draw(t, "scheme")
		v := scheme + strings.Join(parts, sep)
		a, err := aksk.ParseAuthorization(v)
		ak, ok := aksk.AccessKey(v)
		if ok != (err == nil) || (ok && ak != a.AccessKey) {
			t.Fatalf("%q: AccessKey = %q, %v; ParseAuthorization = %q, %v", v, ak, ok, a.AccessKey, err)
		}
	})
}
