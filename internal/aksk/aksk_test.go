package aksk_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
