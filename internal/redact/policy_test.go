package redact_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/redact"
)

// The fake secrets of ../audit/testdata/before-policy.yaml, a cassette the name-list
// redaction wrote: each is a leak kind it let through.
var beforePolicyLeaks = map[string]string{
	"DingTalk sign":               "kF3xQ9mZ2pL7vB4nR8tY1wC6hJ5dG0sA3eU9iO2qWzE",
	"DingTalk secret":             "SEC7f3a9c1e5b2d8f4a6c0e9b3d7f1a5c8e2b6d0f4a9c3e7b1d5f8a2c6e0b4d9f3",
	"WeCom key":                   "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b",
	"Feishu hook token":           "0c7e5a3f-9b1d-4e2f-a6c8-d4b2f0e8c6a1",
	"Feishu secret":               "mQ4vT8xZ2kN6pR0sW3yB7cF1hJ5lD9gA",
	"URL userinfo":                "Pa55w0rd-userinfo-9431",
	"Location userinfo":           "Xy7-location-pass-2208",
	"X-Api-Key":                   "xk-4f9a2c7e1b5d8f3a6c0e",
	"Api-Key":                     "ak-8c2e6a0f4b9d3e7a1c5f",
	"X-Access-Key":                "HPUAXK7Q2M9R4T6W8Y1Z",
	"X-Amz-Security-Token":        "FwoGZXIvYXdzEfakeSessionTokenValue0123456789abcdef",
	"X_Auth_Token":                "uT5rE3wQ1aZ9xC7vB5nM3kL1jH9gF7dS",
	"X-Security-Token (answer)":   "gQpjbi1ub3J0aC00iFakeSecurityToken7Jd9QzT",
	"WWW-Authenticate (answer)":   "Zk8pW2mX6rT0vY4bN8qL2cF6hJ0",
	"JSON password":               "hunter2-Body-Pass-77",
	"JSON token":                  "tkn-9d8c7b6a5f4e3d2c1b0a",
	"JSON sk":                     "Sk0Fake9SecretKey8Value7Xyz6",
	"JSON access_token":           "at-1a2b3c4d5e6f7a8b9c0d",
	"IAM password (--record-all)": "IAM-Passw0rd-Fake-4471",
}

func TestPolicyRedactsEveryLeakOfTheNameList(t *testing.T) {
	f, err := cassette.LoadFile("../audit/testdata/before-policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range beforePolicyLeaks {
		if !strings.Contains(dump(t, f.Interactions), s) {
			t.Fatalf("test data: the %s is not in the cassette", name)
		}
	}
	p := redact.Default()
	var ins []vcr.Interaction
	for _, in := range f.Interactions {
		i := in.Interaction
		p.Interaction(&i)
		ins = append(ins, i)
	}
	out := dump(t, ins)
	for name, s := range beforePolicyLeaks {
		if strings.Contains(out, s) {
			t.Errorf("the %s survives the policy", name)
		}
	}
	// The shape stays: bodies are still JSON, param_config still holds JSON, the
	// DingTalk timestamp and the hosts are kept.
	for _, i := range ins {
		for _, b := range []string{i.Request.Body, i.Response.Body} {
			if b != "" && !json.Valid([]byte(b)) {
				t.Errorf("interaction %d: body no longer JSON: %s", i.ID, b)
			}
		}
	}
	for _, want := range []string{"timestamp=1764547200000", "https://open.feishu.cn/open-apis/bot/v2/hook/REDACTED", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?debug=1", "https://REDACTED@cloudbuild-ext.cn-north-4.myhuaweicloud.com"} {
		if !strings.Contains(out, want) {
			t.Errorf("the redacted cassette lacks %q", want)
		}
	}
	var body struct {
		ParamConfig string `json:"param_config"`
	}
	if err := json.Unmarshal([]byte(ins[0].Request.Body), &body); err != nil {
		t.Fatal(err)
	}
	var pc map[string]string
	if err := json.Unmarshal([]byte(body.ParamConfig), &pc); err != nil {
		t.Fatalf("param_config is no longer JSON: %q", body.ParamConfig)
	}
	if pc["secret"] != cassette.Redacted || !strings.Contains(pc["webhook"], "access_token=REDACTED&timestamp=1764547200000&sign=REDACTED") {
		t.Errorf("param_config redacted to %v", pc)
	}
}

func dump(t *testing.T, ins any) string {
	t.Helper()
	b, err := json.Marshal(ins)
	if err != nil {
		t.Fatal(err)
	}
	// JSON escapes & < >: undo it so that a raw secret is found as it is.
	return strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(string(b))
}

func TestSecretNames(t *testing.T) {
	for name, want := range map[string]bool{
		"X-Api-Key": true, "Api-Key": true, "X-Access-Key": true, "X-Amz-Security-Token": true,
		"X_Auth_Token": true, "x.auth.token": true, "X-Security-Token": true, "WWW-Authenticate": true,
		"access_token": true, "sign": true, "sk": true, "AK": true, "sessionid": true, "Set-Cookie": true,
		"password": true, "passwd": true, "X-Amz-Credential": true, "X-Amz-Signature": true,
		"Content-Type": false, "Content-Length": false, "X-Request-Id": false, "Date": false,
		"notice_type": false, "timestamp": false, "X-Sdk-Date": false, "Keep-Alive": false,
		"Cache-Control": false, "Accept-Encoding": false, "job_id": false, "signed_headers": false,
	} {
		if got := redact.IsSecretName(name); got != want {
			t.Errorf("IsSecretName(%q) = %t, want %t", name, got, want)
		}
	}
	for _, h := range redact.AllowedHeaders() {
		if !redact.IsSecretName(h) {
			t.Errorf("allow-listed %q does not match the name rule: it needs no allowing", h)
		}
		if redact.IsSecretHeader(h) {
			t.Errorf("allow-listed %q is redacted", h)
		}
	}
}

func TestKeepsShapeAndNamedCredentials(t *testing.T) {
	p := redact.Default()
	h := p.Header(http.Header{
		"Authorization":    {"SDK-HMAC-SHA256 Access=HSTQ7VXW2KPL9MNBQR4Z, SignedHeaders=content-type;host;x-sdk-date, Signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		"X-Auth-Token":     {"REDACTED:primary"},
		"X-Api-Key":        {"REDACTED"},
		"Cookie":           {"lang=en; sid=s3cr3t-session"},
		"Set-Cookie":       {"sid=s3cr3t-session; Path=/; HttpOnly"},
		"Www-Authenticate": {`Bearer realm="api"`},
		"Content-Length":   {"87"},
	})
	for k, want := range map[string]string{
		"Authorization":    "SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=content-type;host;x-sdk-date, Signature=REDACTED",
		"X-Auth-Token":     "REDACTED:primary",
		"X-Api-Key":        "REDACTED",
		"Cookie":           "lang=REDACTED; sid=REDACTED",
		"Set-Cookie":       "sid=REDACTED; Path=/; HttpOnly",
		"Www-Authenticate": "Bearer REDACTED",
		"Content-Length":   "87",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	if got := p.Header(http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=REDACTED:ak1, SignedHeaders=host, Signature=REDACTED"}}).Get("Authorization"); got != "SDK-HMAC-SHA256 Access=REDACTED:ak1, SignedHeaders=host, Signature=REDACTED" {
		t.Errorf("named AK rewritten: %q", got)
	}
}

func TestRunSecretsInEveryEncoding(t *testing.T) {
	secret := `tok&en"<1>/ 2`
	p, err := redact.New(redact.Config{Secrets: []string{secret}, URLs: []string{"https://bob:pa%2Fss-word@example.com/?access_token=qt-0123456789"}})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := json.Marshal(secret)
	for _, in := range []string{
		secret, url.QueryEscape(secret), url.PathEscape(secret), string(q),
		"pa/ss-word", "pa%2Fss-word", "qt-0123456789",
	} {
		got := p.Text("echo: " + in + " end")
		if strings.Contains(got, in) || !strings.Contains(got, cassette.Redacted) {
			t.Errorf("Text(%q) = %q", in, got)
		}
	}
	if got := p.URL("https://bob:pa%2Fss-word@example.com/v3?x=1"); got != "https://REDACTED@example.com/v3?x=1" {
		t.Errorf("URL: %q", got)
	}
}

func TestJSONBodyKeepsBytesOutsideSecrets(t *testing.T) {
	p, err := redact.New(redact.Config{JSONFields: []string{"**.pin"}})
	if err != nil {
		t.Fatal(err)
	}
	in := `{ "notice_type" : "MAIL", "token": "abcdefgh", "n": 1, "pin": {"a":1}, "list": ["x"] }` + "\n"
	want := `{ "notice_type" : "MAIL", "token": "REDACTED", "n": 1, "pin": "REDACTED", "list": ["x"] }` + "\n"
	if got := string(p.Body([]byte(in), "application/json")); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	form := "user=bob&password=hunter2hunter2&next=" + url.QueryEscape("https://x.example/?token=abcdefgh")
	got := string(p.Body([]byte(form), "application/x-www-form-urlencoded"))
	if strings.Contains(got, "hunter2") || strings.Contains(got, "abcdefgh") || !strings.HasPrefix(got, "user=bob&password=REDACTED&next=") {
		t.Errorf("form: %s", got)
	}
}

func TestPatternsAndBadConfig(t *testing.T) {
	p, err := redact.New(redact.Config{Patterns: []string{`whsec-([a-z0-9]+)`}, Headers: []string{"X-Tenant"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Text("got whsec-abc123def"); got != "got whsec-REDACTED" {
		t.Errorf("pattern: %q", got)
	}
	if got := p.Header(http.Header{"X-Tenant": {"acme-tenant-1"}}).Get("X-Tenant"); got != cassette.Redacted {
		t.Errorf("--redact-header: %q", got)
	}
	for _, cfg := range []redact.Config{{JSONFields: []string{"a..b"}}, {Headers: []string{" "}}, {Patterns: []string{"("}}} {
		if _, err := redact.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain text\twith tab\nand newline": "plain text\twith tab\nand newline",
		"clear \x1b[2J screen":              `clear \x1b[2J screen`,
		"title \x1b]0;pwned\x07":            `title \x1b]0;pwned\x07`,
		"carriage\rreturn":                  `carriage\x0dreturn`,
		"bidi \u202eevil":                   `bidi \u202eevil`,
		"C1 \u009b31m":                      `C1 \u009b31m`,
		"bad utf-8 \xff\xfe":                `bad utf-8 \xff\xfe`,
		"中文 stays":                          "中文 stays",
	} {
		if got := redact.Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeepJSONAndPlainWords(t *testing.T) {
	p := redact.Default()
	deep := strings.Repeat(`{"a":`, 300) + `{"password":"hunter2-deep-0001"}` + strings.Repeat(`}`, 300)
	if got := string(p.Body([]byte(deep), "application/json")); strings.Contains(got, "hunter2-deep-0001") {
		t.Errorf("a document nested deeper than the walk leaks its secret")
	}
	for _, s := range []string{
		"Incorrect IAM authentication information: decrypt token fail",
		"the token provided is not valid",
		"Incorrect IAM authentication information: x-auth-token not found",
	} {
		if got := p.Text(s); got != s {
			t.Errorf("Text(%q) = %q: plain words are no credential", s, got)
		}
	}
	if got := p.Text("sent Bearer abc123def456"); got != "sent Bearer REDACTED" {
		t.Errorf("bearer credential: %q", got)
	}
}

func TestReproductionLines(t *testing.T) {
	p := redact.Default()
	in := `curl -X POST -H 'X-Api-Key: k-0123456789' --header "Authorization: Bearer abc123def456" -H 'Content-Type: application/json' 'http://127.0.0.1:8080/v3?x=1'`
	want := `curl -X POST -H 'X-Api-Key: REDACTED' --header "Authorization: Bearer REDACTED" -H 'Content-Type: application/json' 'http://127.0.0.1:8080/v3?x=1'`
	if got := p.Text(in); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestEnvReferencesAreKept(t *testing.T) {
	p := redact.Default()
	for _, v := range []string{"${NOTICECONF_TOKEN}", "${NOTICECONF_TOKEN:0:20}0${NOTICECONF_TOKEN:21}", "${NOTICECONF_FORBIDDEN_TOKEN}x"} {
		in := `curl -H "X-Auth-Token: ` + v + `" http://127.0.0.1:1/`
		if got := p.Text(in); got != in {
			t.Errorf("Text(%q) = %q, want it unchanged: an environment reference holds no secret", in, got)
		}
	}
	for _, v := range []string{"${NOTICECONF_TOKEN}abcdef0123", "MIIabcdef0123456789abcdef"} {
		in := `curl -H "X-Auth-Token: ` + v + `" http://127.0.0.1:1/`
		if got := p.Text(in); strings.Contains(got, v) {
			t.Errorf("Text(%q) = %q, want the value redacted", in, got)
		}
	}
}
