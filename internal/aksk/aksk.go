// Package aksk signs and verifies AK/SK requests (SDK-HMAC-SHA256) with the official
// Huawei Cloud Go SDK's own signer. It holds no algorithm of its own: both directions
// rebuild the SDK's request type from an *http.Request and let the SDK compute the
// signature.
package aksk

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/noticeconf/noticeconf/fixtures/contract"
)

// Credential is an access key and its secret key.
type Credential struct {
	AK string `json:"ak"`
	SK string `json:"sk"`
}

// Authorization is a parsed AK/SK Authorization header.
type Authorization struct {
	AccessKey     string
	SignedHeaders []string
	Signature     string
}

// ParseAuthorization parses "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func ParseAuthorization(v string) (Authorization, error) {
	return parseAuthorization(v, true)
}

// AccessKey returns the access key of an Authorization header value, and whether the
// value parses: what ParseAuthorization returns, without the signed headers, for a
// server that reads it on every request.
func AccessKey(v string) (string, bool) {
	a, err := parseAuthorization(v, false)
	return a.AccessKey, err == nil
}

// parseAuthorization parses v, splitting the signed headers when signed is true.
func parseAuthorization(v string, signed bool) (Authorization, error) {
	var a Authorization
	rest, ok := strings.CutPrefix(strings.TrimSpace(v), contract.AKSKScheme+" ")
	if !ok {
		return a, fmt.Errorf("authorization does not start with %q", contract.AKSKScheme)
	}
	for more := true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ",")
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Authorization{}, fmt.Errorf("authorization: %q is not key=value", part)
		}
		switch k {
		case "Access":
			a.AccessKey = val
		case "SignedHeaders":
			if val != "" && signed {
				a.SignedHeaders = strings.Split(val, ";")
			}
		case "Signature":
			a.Signature = val
		}
	}
	if a.AccessKey == "" || a.Signature == "" {
		return Authorization{}, errors.New("authorization: Access or Signature missing")
	}
	return a, nil
}

// IsAKSK reports whether an Authorization header value is an AK/SK signature.
func IsAKSK(v string) bool {
	return strings.HasPrefix(strings.TrimSpace(v), contract.AKSKScheme+" ")
}

// Sign signs r in place with the SDK's signer, as the official SDK does: it sets
// X-Sdk-Date (now, unless r has one) and Authorization, and signs X-Sdk-Date plus
// X-Project-Id and X-Security-Token when r carries them. body is r's body; the caller
// keeps r.Body readable.
func Sign(r *http.Request, body []byte, cred Credential) error {
	if r.Header.Get(contract.HeaderSdkDate) == "" {
		r.Header.Set(contract.HeaderSdkDate, time.Now().UTC().Format(signer.BasicDateFormat))
	}
	headers := []string{contract.HeaderSdkDate}
	for _, h := range []string{contract.HeaderProjectID, contract.HeaderSecurityToken} {
		if r.Header.Get(h) != "" {
			headers = append(headers, h)
		}
	}
	req := sdkRequest(r, body, headers)
	out, err := signer.Signer{}.Sign(req, cred.AK, cred.SK)
	if err != nil {
		return fmt.Errorf("sign %s %s: %w", r.Method, r.URL.Path, err)
	}
	for k, v := range out {
		r.Header.Set(k, v)
	}
	return nil
}

// ErrBadSignature is returned (wrapped) by Verify when a signature does not match.
var ErrBadSignature = errors.New("signature does not verify")

// ErrUnknownAK is returned (wrapped) by Verify when the access key is not known.
var ErrUnknownAK = errors.New("unknown access key")

// Verify checks r's AK/SK signature with the SDK's signer. lookup gives the secret key
// of an access key. body is r's body as received.
func Verify(r *http.Request, body []byte, lookup func(ak string) (sk string, ok bool)) error {
	auth, err := ParseAuthorization(r.Header.Get(contract.HeaderAuthorization))
	if err != nil {
		return err
	}
	sk, ok := lookup(auth.AccessKey)
	if !ok {
		return ErrUnknownAK
	}
	if r.Header.Get(contract.HeaderSdkDate) == "" {
		return fmt.Errorf("%w: no %s header", ErrBadSignature, contract.HeaderSdkDate)
	}
	req := sdkRequest(r, body, auth.SignedHeaders)
	out, err := signer.Signer{}.Sign(req, auth.AccessKey, sk)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	want, err := ParseAuthorization(out[contract.HeaderAuthorization])
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if !hmac.Equal([]byte(want.Signature), []byte(auth.Signature)) ||
		strings.Join(want.SignedHeaders, ";") != strings.Join(auth.SignedHeaders, ";") {
		return ErrBadSignature
	}
	return nil
}

// sdkRequest rebuilds r as the SDK's request type with the named headers (case
// insensitive; "host" is r's host) and Content-Type, which the SDK reads but never signs.
func sdkRequest(r *http.Request, body []byte, headers []string) *request.DefaultHttpRequest {
	scheme := "http"
	if r.TLS != nil || r.URL.Scheme == "https" {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	b := request.NewHttpRequestBuilder().
		WithEndpoint(scheme + "://" + host).
		WithPath(r.URL.Path).
		WithMethod(r.Method)
	if ct := r.Header.Get("Content-Type"); ct != "" {
		b.AddHeaderParam("Content-Type", ct)
	}
	for _, h := range headers {
		if strings.EqualFold(h, "host") {
			b.AddHeaderParam("Host", host)
			continue
		}
		if strings.EqualFold(h, "content-type") {
			continue
		}
		b.AddHeaderParam(http.CanonicalHeaderKey(h), r.Header.Get(h))
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if vs := q[k]; len(vs) == 1 {
			b.AddQueryParam(k, reflect.ValueOf(vs[0]))
		} else {
			b.AddQueryParam(k, reflect.ValueOf(vs))
		}
	}
	if len(body) > 0 {
		b.WithBody("", string(body))
	}
	return b.Build()
}
