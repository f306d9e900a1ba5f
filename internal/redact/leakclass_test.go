package redact_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/internal/redact"
)

// escapeAll writes every byte of s but letters and digits as esc writes it.
func escapeAll(s string, esc func(c byte) string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		b.WriteString(esc(c))
	}
	return b.String()
}

// TestFoundSecretsUnderOtherEscapes holds the scrubber to the escapes other writers
// than Go's use: a secret the request carries (here in its X-Auth-Token), echoed by a
// server under PHP's JSON escape of '/', .NET's upper-case \u escapes, lower-case
// percent-encoding, HTML character references, or two layers of them, is replaced
// all the same.
func TestFoundSecretsUnderOtherEscapes(t *testing.T) {
	secret := "Zq/ab+cd<ef>gh&ij=kl12"
	p := redact.Default().Learn(http.Header{"X-Auth-Token": {secret}})
	hex := "0123456789abcdef"
	HEX := "0123456789ABCDEF"
	for name, enc := range map[string]string{
		`JSON \/`:                     strings.ReplaceAll(secret, "/", `\/`),
		`JSON \u00XX upper case`:      escapeAll(secret, func(c byte) string { return `\u00` + string(HEX[c>>4]) + string(HEX[c&15]) }),
		`JSON \u of letters`:          `\u005a\u0071` + secret[2:],
		"percent lower case":          escapeAll(secret, func(c byte) string { return "%" + string(hex[c>>4]) + string(hex[c&15]) }),
		"percent twice":               escapeAll(secret, func(c byte) string { return "%25" + string(HEX[c>>4]) + string(HEX[c&15]) }),
		"HTML named references":       strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(secret),
		"HTML numeric references":     escapeAll(secret, func(c byte) string { return "&#" + itoa(int(c)) + ";" }),
		"HTML hex references":         escapeAll(secret, func(c byte) string { return "&#x" + string(HEX[c>>4]) + string(HEX[c&15]) + ";" }),
		`percent in a JSON string \/`: strings.ReplaceAll(escapeAll(secret, func(c byte) string { return "%" + string(hex[c>>4]) + string(hex[c&15]) }), "%2f", `\/`),
	} {
		for _, text := range []string{
			`{"msg":"seen ` + enc + ` here"}`,
			"seen " + enc + " here",
			"<p>seen " + enc + "</p>",
		} {
			got := string(p.Body([]byte(text), ""))
			if strings.Contains(got, enc) || !strings.Contains(got, "REDACTED") {
				t.Errorf("%s: Body(%q) = %q, holds the secret", name, text, got)
			}
			if strings.HasPrefix(text, "{") && !strings.Contains(got, `"msg":"seen REDACTED here"`) {
				t.Errorf("%s: Body(%q) = %q: the placeholder does not replace the escapes whole", name, text, got)
			}
		}
	}
	// Text that only looks like an escape of it is kept.
	for _, s := range []string{`Zq\/ab+cd`, "Zq%2fab", "a &amp; b", `\u0041BC`} {
		if got := p.Text(s); got != s {
			t.Errorf("Text(%q) = %q, want it unchanged", s, got)
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestBasicCredentialsDecoded holds the Authorization rule to what Basic credentials
// stand for: a server that decodes them and shows user:password, or the password
// alone, shows them redacted.
func TestBasicCredentialsDecoded(t *testing.T) {
	pass := "Zq-basic-pass/0001"
	b64 := base64.StdEncoding.EncodeToString([]byte("builder:" + pass))
	for _, h := range []http.Header{{"Authorization": {"Basic " + b64}}, {"Proxy-Authorization": {"basic " + b64}}} {
		p := redact.Default().Learn(h)
		for _, echo := range []string{`{"basic":"builder:` + pass + `"}`, "password " + pass} {
			if got := string(p.Body([]byte(echo), "")); strings.Contains(got, pass) {
				t.Errorf("%v: Body(%q) = %q", h, echo, got)
			}
		}
	}
	if got := redact.Default().Text("sent Authorization: Basic " + b64 + ", echoed builder:" + pass); strings.Contains(got, pass) || strings.Contains(got, b64) {
		t.Errorf("Text = %q", got)
	}
}

// TestTextPlacements holds the text rules to the places other syntaxes put a secret
// by its name: XML elements (also with a namespace or as CDATA), quoted attributes
// and parameters, multipart form fields (also indented as a message shows a body),
// a header printed as Go prints an http.Header, a JSON member whose value is an
// array or is cut short, and a decoded query value with markup characters in it.
func TestTextPlacements(t *testing.T) {
	p := redact.Default()
	const s = "Zq-text-secret/0001"
	for _, text := range []string{
		"<Credentials><AccessKeyId>" + s + "</AccessKeyId></Credentials>",
		"<soap:Body><ns:Password>" + s + "</ns:Password></soap:Body>",
		"<SecretAccessKey><![CDATA[" + s + "]]></SecretAccessKey>",
		`<auth token="` + s + `"/>`,
		`error="invalid_token", token='` + s + `'`,
		"--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + s + "\r\n--XyZ--\r\n",
		"request body:\n    --XyZ\n    Content-Disposition: form-data; name=password\n    Content-Type: text/plain\n    \n    " + s + "\n    --XyZ--\n",
		"header map[Content-Type:[application/json] X-Auth-Token:[" + s + "]]",
		`answered {"headers":{"X-Auth-Token":["` + s + `"]},"body":"...`,
		`answered {"echo":{"password":"` + s,
		"query token=Zq<" + s + ">&x=1 end",
		"see https://x.example/cb?token=Zq<" + s + ">&x=1 end",
	} {
		if got := p.Text(text); strings.Contains(got, s) {
			t.Errorf("Text(%q) = %q, holds the secret", text, got)
		}
	}
	body := "--XyZ\r\nContent-Disposition: form-data; name=\"notice_type\"\r\n\r\nMAIL\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + s + "\r\n--XyZ--\r\n"
	want := strings.Replace(body, s, "REDACTED", 1)
	if got := string(p.Body([]byte(body), "multipart/form-data; boundary=XyZ")); got != want {
		t.Errorf("multipart Body = %q, want %q", got, want)
	}
	// Only secret names: other elements, attributes and fields stay.
	for _, text := range []string{
		"<Status>ok-status-0001</Status>",
		`<a href="https://x.example/" name="anchor-name-0001">`,
		"--XyZ\r\nContent-Disposition: form-data; name=\"notice_type\"\r\n\r\nMAIL-0001\r\n--XyZ--\r\n",
		"<Link> <https://x.example/?page=2>; rel=next; token-note",
	} {
		if got := p.Text(text); got != text {
			t.Errorf("Text(%q) = %q, want it unchanged", text, got)
		}
	}
}

// TestFoldedSetCookie holds the cookie rule to Set-Cookie values folded into one with
// commas: every cookie's value is redacted, names, attributes and dates stay.
func TestFoldedSetCookie(t *testing.T) {
	p := redact.Default()
	in := "sid=Zq-cookie-0001; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT, token=Zq-cookie-0002; Path=/; HttpOnly,lang=en"
	want := "sid=REDACTED; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT, token=REDACTED; Path=/; HttpOnly,lang=REDACTED"
	if got := p.Header(http.Header{"Set-Cookie": {in}}).Get("Set-Cookie"); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestFoundSecretsInBase64 holds the scrubber to a secret inside base64 text, at any
// alignment and in either alphabet: of what is left, no three bytes in a row decode
// to a part of the secret.
func TestFoundSecretsInBase64(t *testing.T) {
	for _, secret := range []string{"Zq/ab+cd<ef>gh&ij=kl12~?", "ZqPlainEverywhere0001"} {
		base64HoldsNoPiece(t, redact.Default().Learn(http.Header{"X-Auth-Token": {secret}}), secret)
		known, err := redact.New(redact.Config{Secrets: []string{secret}})
		if err != nil {
			t.Fatal(err)
		}
		base64HoldsNoPiece(t, known, secret)
	}
}

func base64HoldsNoPiece(t *testing.T, p *redact.Policy, secret string) {
	t.Helper()
	for pre := range 3 {
		body := []byte(strings.Repeat("x", pre) + `{"seen":"` + secret + `"}`)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			b64 := enc.EncodeToString(body)
			got := string(p.Body([]byte(`{"data":"data:application/octet-stream;base64,`+b64+`"}`), ""))
			if !strings.Contains(got, "REDACTED") {
				t.Errorf("prefix %d: %s holds the secret in base64", pre, got)
				continue
			}
			// What is left of the base64 text decodes to no piece of the secret.
			left := strings.Split(strings.TrimSuffix(strings.TrimPrefix(got, `{"data":"data:application/octet-stream;base64,`), `"}`), "REDACTED")
			for _, l := range left {
				for off := range 4 {
					if off > len(l) {
						continue
					}
					d, _ := enc.WithPadding(base64.NoPadding).DecodeString(strings.TrimRight(l[off:], "=")[:len(strings.TrimRight(l[off:], "="))/4*4])
					for i := 0; i+3 <= len(secret); i++ {
						if strings.Contains(string(d), secret[i:i+3]) && !strings.Contains(string(body[:pre+9]), secret[i:i+3]) {
							t.Errorf("prefix %d: %q left over decodes to %q, a piece of the secret", pre, l, d)
						}
					}
				}
			}
		}
	}
}

// TestSecretNameParts holds the name rule to names that carry a secret in one of
// their parts (the environment variables of noticeconf and of Huawei Cloud's SDKs)
// or by a word of webhook signing and passphrases, and to names whose parts only
// spell such a part inside a word.
func TestSecretNameParts(t *testing.T) {
	for name, want := range map[string]bool{
		"NOTICECONF_SK": true, "NOTICECONF_AK": true, "HUAWEICLOUD_SDK_SK": true, "db_pwd": true,
		"user-ak": true, "X-Sk": true, "obs.sk": true, "sign_type": true, "X-Shopify-Hmac-Sha256": true,
		"passphrase": true, "ssh_passcode": true,
		"task_id": false, "disk": false, "risk-level": false, "X-Sdk-Date": false, "NOTICECONF_JOB_ID": false,
		"signed_headers": false, "ask": false, "design": false,
	} {
		if got := redact.IsSecretName(name); got != want {
			t.Errorf("IsSecretName(%q) = %t, want %t", name, got, want)
		}
	}
	p := redact.Default()
	const s = "Zq-env-secret-0001"
	for _, text := range []string{"NOTICECONF_SK=" + s + " noticeconf verify", "export HUAWEICLOUD_SDK_SK='" + s + "'", `{"db_pwd":"` + s + `"}`} {
		if got := p.Text(text); strings.Contains(got, s) {
			t.Errorf("Text(%q) = %q", text, got)
		}
	}
	if in := "NOTICECONF_SK=${NOTICECONF_SK} noticeconf verify"; p.Text(in) != in {
		t.Errorf("Text(%q) = %q: an environment reference holds no secret", in, p.Text(in))
	}
}

// TestSecretsCutShort holds the scrubber to a secret a message cut short: its
// beginning before "..." is replaced; a beginning that goes on otherwise, or is
// shorter than eight bytes, is kept.
func TestSecretsCutShort(t *testing.T) {
	secret := "Zq-cut-short-secret-0001"
	p, err := redact.New(redact.Config{Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		`answered 401 {"error_msg":"token ` + secret[:15] + `...`: `answered 401 {"error_msg":"token REDACTED...`,
		"seen " + secret[:9] + "… and more":                       "seen REDACTED… and more",
		"seen " + secret[:9] + "xyz...":                           "seen " + secret[:9] + "xyz...",
		"seen " + secret[:7] + "...":                              "seen " + secret[:7] + "...",
	} {
		if got := p.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJSONWebTokensByShape holds the policy to JSON Web Tokens wherever they are, in
// a field, a header or text no name rule names; other dotted base64 stays.
func TestJSONWebTokensByShape(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJidWlsZGVyIn0.Zq8Q6vXo1u2y3t4r5e6w7q8z9x0c1v2b3n4m5"
	p := redact.Default()
	for _, in := range []string{`{"id":"` + jwt + `"}`, "refused " + jwt + ", try again", `{"unsigned":"` + jwt[:strings.LastIndex(jwt, ".")+1] + `"}`} {
		if got := string(p.Body([]byte(in), "")); strings.Contains(got, jwt[:30]) {
			t.Errorf("Body(%q) = %q", in, got)
		}
	}
	if got := p.Header(http.Header{"X-Id": {jwt}}).Get("X-Id"); got != "REDACTED" {
		t.Errorf("header: %q", got)
	}
	for _, in := range []string{"eyJhbGci.eyJzdWIi", "version 1.2.3 of eyJ-tools"} {
		if got := p.Text(in); got != in {
			t.Errorf("Text(%q) = %q, want it unchanged", in, got)
		}
	}
}

// TestSecretsInsidePercentEncodedURLs holds the text rules to what lies under a
// layer of escapes: a URL or a query percent-encoded into text, a JSON string, a form
// value, a path segment or a fragment (a redirect target, a callback written into a
// log line) has its userinfo and its secret parameters redacted, however many times
// it was encoded, and the escapes around the placeholder stay whole.
func TestSecretsInsidePercentEncodedURLs(t *testing.T) {
	p := redact.Default()
	for _, c := range []struct{ name, in, secret, want string }{
		{"text", "see https%3A%2F%2Fh%2Fx%3Fpassword%3DZqSecret01 here", "ZqSecret01", "see https%3A%2F%2Fh%2Fx%3Fpassword%3DREDACTED here"},
		{"text, userinfo", "see https%3A%2F%2Fuser%3AZqSecret02%40h%2Fx here", "ZqSecret02", "see https%3A%2F%2FREDACTED%40h%2Fx here"},
		{"text, two layers", "see next%3D%252Fcb%253Ftoken%253DZqSecret03 here", "ZqSecret03", "see next%3D%252Fcb%253Ftoken%253DREDACTED here"},
		{"text, a pair whose value holds a query", "see next=/cb?token=ZqSecret04 here", "ZqSecret04", "see next=/cb?token=REDACTED here"},
		{"JSON string", `{"url":"https%3A%2F%2Fh%2Fx%3Fpassword%3DZqSecret05"}`, "ZqSecret05", `{"url":"https%3A%2F%2Fh%2Fx%3Fpassword%3DREDACTED"}`},
		{"JSON string, secret with escapes", `{"url":"https%3A%2F%2Fh%2Fx%3Fsign%3DZq%252Fab%252Bcd"}`, "Zq/ab+cd", `{"url":"https%3A%2F%2Fh%2Fx%3Fsign%3DREDACTED"}`},
	} {
		got := string(p.Body([]byte(c.in), ""))
		if got != c.want {
			t.Errorf("%s: Body(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
	form := "see https%3A%2F%2Fh%2Fx%3Fpassword%3DZqSecret06 here"
	if got := string(p.Body([]byte(form), "application/x-www-form-urlencoded")); strings.Contains(got, "ZqSecret06") {
		t.Errorf("text sent as a form: Body(%q) = %q, holds the secret", form, got)
	}
	for _, c := range []struct{ in, want string }{
		{"https://h/p/https%3A%2F%2Fuser%3AZqSecret07%40h%2Fx", "https://h/p/https%3A%2F%2FREDACTED%40h%2Fx"},
		{"/p/cb%3Ftoken%3DZqSecret08", "/p/cb%3Ftoken%3DREDACTED"},
		{"/p?x=1#frag%3Ftoken%3DZqSecret09", "/p?x=1#frag%3Ftoken%3DREDACTED"},
	} {
		if got := p.URL(c.in); got != c.want {
			t.Errorf("URL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Escapes that hide nothing are kept.
	for _, s := range []string{"see https%3A%2F%2Fh%2Fx%3Fpage%3D2 here", "50%25 off", "next=/cb?page=2"} {
		if got := p.Text(s); got != s {
			t.Errorf("Text(%q) = %q, want it unchanged", s, got)
		}
	}
}

// TestSecretsNamedBySiblings holds the name rule to values that a name of their own
// does not name, but a sibling does: the value of a name/value object (a HAR header,
// a Kubernetes environment variable, a Postman variable), the value attribute of an
// element whose name attribute is secret (an HTML form's password field), and a name
// whose part is "pass" (db_pass, smtp.pass). Each is redacted where it stands; a
// name/value pair of another name is kept.
func TestSecretsNamedBySiblings(t *testing.T) {
	p := redact.Default()
	for _, c := range []struct{ name, in, want string }{
		{"HAR header", `{"headers":[{"name":"X-Auth-Token","value":"ZqSib01"},{"name":"Accept","value":"*/*"}]}`,
			`{"headers":[{"name":"X-Auth-Token","value":"REDACTED"},{"name":"Accept","value":"*/*"}]}`},
		{"Kubernetes env, value first", `{"env":[{"value":"ZqSib02","name":"DB_PASSWORD"}]}`, `{"env":[{"value":"REDACTED","name":"DB_PASSWORD"}]}`},
		// "key" is a secret name itself (a WeCom webhook's key): the name goes too.
		{"Postman variable", `{"variable":[{"key":"api_token","value":"ZqSib03","type":"string"}]}`, `{"variable":[{"key":"REDACTED","value":"REDACTED","type":"string"}]}`},
		{"HTML input", `<form><input type="password" name="password" value="ZqSib04"></form>`, `<form><input type="password" name="password" value="REDACTED"></form>`},
		{"XML param, value first", `<param value='ZqSib05' name="sk"/>`, `<param value='REDACTED' name="sk"/>`},
		{"a pass part", `{"smtp":{"db_pass":"ZqSib06"}}`, `{"smtp":{"db_pass":"REDACTED"}}`},
		{"a pass name in text", "pass=ZqSib07 user=u", "pass=REDACTED user=u"},
	} {
		if got := string(p.Body([]byte(c.in), "")); got != c.want {
			t.Errorf("%s: Body(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
	for _, s := range []string{`{"headers":[{"name":"Accept","value":"ZqKeep1"}]}`, `<input name="user" value="ZqKeep2">`} {
		if got := string(p.Body([]byte(s), "")); got != s {
			t.Errorf("Body(%q) = %q, want it unchanged", s, got)
		}
	}
}

// TestSecretsAfterANameInProse holds the text rules to a secret written after its
// name the way prose, logs and other languages write it, and to words of a sentence
// after such a name, which stay.
func TestSecretsAfterANameInProse(t *testing.T) {
	const secret = "Zq7hunter2/value"
	p := redact.Default()
	for _, text := range []string{
		"login failed: password = " + secret,
		"login failed: password: " + secret + " rejected",
		"Password : " + secret,
		"api_key => " + secret,
		"'password' => '" + secret + "'",
		"password -> " + secret,
		"password | " + secret,
		"{password: " + secret + "}",
		"{password: '" + secret + "'}",
		"--password " + secret,
		"user bob password " + secret,
		"x_auth_token " + secret,
		"sent Authorization: Bearer " + secret + " upstream",
	} {
		got := p.Text(text)
		if strings.Contains(got, "hunter2") || !strings.Contains(got, "REDACTED") {
			t.Errorf("Text(%q) = %q, holds the secret", text, got)
		}
	}
	// An HMAC scheme word is no secret, and its fields keep their names.
	const signed = "sent Authorization: SDK-HMAC-SHA256 Access=NOTICECONFDEMOAK0001, SignedHeaders=x-sdk-date, Signature=0123abcd upstream"
	if got, want := p.Text(signed), "sent Authorization: SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=x-sdk-date, Signature=REDACTED upstream"; got != want {
		t.Errorf("Text(%q) = %q, want %q", signed, got, want)
	}
	// A quoted value after a separator, or one assigned, is a value, whatever its shape.
	for text, want := range map[string]string{
		`{password: 'hunter'}`:     `{password: 'REDACTED'}`,
		"db_password = hunter\n":   "db_password = REDACTED\n",
		"'password' => hunter);":   "'password' => REDACTED);",
		"failed: token: expired":   "failed: token: expired",
		"password -> see the docs": "password -> see the docs",
	} {
		if got := p.Text(text); got != want {
			t.Errorf("Text(%q) = %q, want %q", text, got, want)
		}
	}
	for _, text := range []string{
		"the token provided is invalid",
		"password required",
		"session expired",
		"The token has expired. Please sign in again",
		"signature mismatch: the request signature we calculated does not match",
		"token | status | result",
		"Token -> Expired",
		"token ${NOTICECONF_TOKEN} sent",
		"an update signed with AK/SK (SDK-HMAC-SHA256) answers 200",
		"AK/SK SDK-HMAC-SHA256 signing",
	} {
		if got := p.Text(text); got != text {
			t.Errorf("Text(%q) = %q, want it unchanged: no credential is in it", text, got)
		}
	}
}

// TestSecretsInHeaderListsOfPairs holds the JSON rules to headers listed as arrays of
// two, name then value, as Node.js (rawHeaders in pairs) and Python (a list of
// tuples) print them.
func TestSecretsInHeaderListsOfPairs(t *testing.T) {
	const secret = "Zq-pair-0001/token"
	p := redact.Default()
	doc := `{"headers":[["Content-Type","application/json"],["X-Auth-Token","` + secret + `"]],"pair":["password","` + secret + `x"]}`
	got := string(p.Body([]byte(doc), "application/json"))
	if strings.Contains(got, "Zq-pair") {
		t.Errorf("Body(%s) = %s, holds the secret", doc, got)
	}
	if !strings.Contains(got, `["Content-Type","application/json"]`) {
		t.Errorf("Body(%s) = %s: a pair whose name holds no secret is changed", doc, got)
	}
	// Arrays of other lengths are lists, not pairs.
	list := `{"scopes":["token","read","write"]}`
	if got := string(p.Body([]byte(list), "application/json")); got != list {
		t.Errorf("Body(%s) = %s, want it unchanged", list, got)
	}
}
