package leaktest_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/audit"
	"github.com/noticeconf/noticeconf/internal/provenance"
	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/proxy"
	"github.com/noticeconf/noticeconf/suites"
)

const job = "48c66c6002964721be537cdc6ce0297b"

// secretAlphabet is what the secrets are made of: letters, digits and characters that
// JSON or URL encoding changes, so that every encoding of a secret is looked for.
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/=&<>"

// secretFrom turns fuzz bytes into a secret: "Zq", then 6 to 48 characters of
// alphabet. The prefix keeps a secret from being a word every output holds anyway
// ("application", "REDACTED"); the policy does not know it.
func secretFrom(b []byte, alphabet string) string {
	if len(b) < 6 {
		return ""
	}
	if len(b) > 48 {
		b = b[:48]
	}
	out := []byte("Zq")
	for _, c := range b {
		out = append(out, alphabet[int(c)%len(alphabet)])
	}
	return string(out)
}

// rawFor returns the fuzz bytes secretFrom turns into "Zq"+s, for s of alphabet.
func rawFor(s, alphabet string) []byte {
	var raw []byte
	for _, c := range []byte(s) {
		raw = append(raw, byte(strings.IndexByte(alphabet, c)))
	}
	return raw
}

// request is what a placement sends.
type request struct {
	method, path, query string
	header              http.Header
	body                []byte
	// userinfo is put in the URL of the request (the forward proxy receives it).
	userinfo string
}

// placement puts a secret in one position: of the request, of the answer the echoing
// upstream makes, or of the run's own configuration.
type placement struct {
	name string
	// req builds the request that carries the secret (or only triggers the answer).
	req func(s string) request
	// answer, if set, adds the secret to the upstream's answer.
	answer func(s string, w http.ResponseWriter) []byte
	// upstreamUserinfo puts the secret in the userinfo of the proxy's upstream URL and
	// of verify's target URL.
	upstreamUserinfo bool
	// runCredential makes the secret one the verify run holds (its token).
	runCredential bool
}

func update(body string) request {
	return request{method: http.MethodPost, path: contract.UpdatePathFor(job), header: http.Header{"Content-Type": {"application/json"}}, body: []byte(body)}
}

// jsonText encodes v as Go's encoding/json does (and the official SDK): & < > as \u0026
// \u003c \u003e.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// withParamConfig is an update whose param_config is the JSON text of pc.
func withParamConfig(noticeType string, pc map[string]string) request {
	return update(jsonText(map[string]any{"notice_type": noticeType, "enabled_event_type_names": []string{"buildJobSuccess"}, "param_config": jsonText(pc)}) + "\n")
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func dingTalk(token, sign string) string {
	return "https://oapi.dingtalk.com/robot/send?access_token=" + url.QueryEscape(token) + "&timestamp=1764547200000&sign=" + url.QueryEscape(sign)
}

var secretHeaders = []string{"X-Auth-Token", "X-Api-Key", "Api-Key", "X-Access-Key", "X-Amz-Security-Token", "X_Auth_Token", "X-Security-Token", "X-Subject-Token", "X-Client-Secret", "X-Session-Id", "Proxy-Authorization"}
var secretParams = []string{"access_token", "sign", "key", "sk", "ak", "X-Amz-Signature", "X-Amz-Credential", "password", "api_key", "sig", "token", "AccessKeyId", "auth", "passwd"}
var secretFields = []string{"password", "token", "sk", "access_token", "secret", "apikey", "client_secret", "passwd", "x-auth-token"}

// placements are every position the policy covers.
func placements() []placement {
	var ps []placement
	for _, h := range secretHeaders {
		ps = append(ps, placement{name: "request header " + h, req: func(s string) request {
			r := update(`{"notice_type":"MAIL","enabled_event_type_names":[]}`)
			r.header[h] = []string{s}
			return r
		}})
	}
	ps = append(ps,
		placement{name: "AK/SK Access", req: func(s string) request {
			r := update(`{}`)
			r.header.Set("Authorization", contract.AKSKScheme+" Access="+s+", SignedHeaders=content-type;host;x-sdk-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
			return r
		}},
		placement{name: "AK/SK Signature", req: func(s string) request {
			r := update(`{}`)
			r.header.Set("Authorization", contract.AKSKScheme+" Access=NOTICECONFDEMOAK0001, SignedHeaders=content-type;host, Signature="+s)
			return r
		}},
		placement{name: "Authorization Bearer", req: func(s string) request {
			r := update(`{}`)
			r.header.Set("Authorization", "Bearer "+s)
			return r
		}},
		placement{name: "Cookie", req: func(s string) request {
			r := update(`{}`)
			r.header.Set("Cookie", "lang=en; sid="+s)
			return r
		}},
		placement{name: "URL userinfo", req: func(s string) request {
			r := update(`{}`)
			r.userinfo = "builder:" + url.PathEscape(s)
			return r
		}},
		placement{name: "request path hook token (--record-all)", req: func(s string) request {
			return request{method: http.MethodPost, path: "/open-apis/bot/v2/hook/" + url.PathEscape(s), header: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{"msg_type":"text"}`)}
		}},
		placement{name: "upstream and target userinfo", upstreamUserinfo: true, req: func(string) request { return update(`{}`) }},
	)
	for _, q := range secretParams {
		ps = append(ps, placement{name: "query " + q, req: func(s string) request {
			r := update(`{}`)
			r.query = "page=1&" + url.QueryEscape(q) + "=" + url.QueryEscape(s)
			return r
		}})
	}
	for _, f := range secretFields {
		ps = append(ps, placement{name: "JSON field " + f, req: func(s string) request {
			return update(jsonText(map[string]any{"notice_type": "MAIL", f: s}) + "\n")
		}}, placement{name: "deep JSON field " + f, req: func(s string) request {
			return update(jsonText(map[string]any{"a": map[string]any{"b": []any{1, map[string]any{f: []string{s}}}}}))
		}}, placement{name: "form field " + f, req: func(s string) request {
			r := update(f + "=" + url.QueryEscape(s) + "&notice_type=MAIL")
			r.header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}})
	}
	ps = append(ps,
		placement{name: "IAM password (--record-all)", req: func(s string) request {
			r := update(jsonText(map[string]any{"auth": map[string]any{"identity": map[string]any{"methods": []string{"password"},
				"password": map[string]any{"user": map[string]any{"name": "builder", "password": s, "domain": map[string]string{"name": "acme"}}}}}}))
			r.path = "/v3/auth/tokens"
			return r
		}},
		placement{name: "param_config DingTalk access_token", req: func(s string) request {
			return withParamConfig("DING_TALK", map[string]string{"webhook": dingTalk(s, "c2lnbg==")})
		}},
		placement{name: "param_config DingTalk sign", req: func(s string) request {
			return withParamConfig("DING_TALK", map[string]string{"webhook": dingTalk("0123456789abcdef", s)})
		}},
		placement{name: "param_config DingTalk secret", req: func(s string) request {
			return withParamConfig("DING_TALK", map[string]string{"webhook": dingTalk("0123456789abcdef", "c2lnbg=="), "secret": s})
		}},
		placement{name: "param_config WeCom key", req: func(s string) request {
			return withParamConfig("WECOM", map[string]string{"webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?debug=1&key=" + url.QueryEscape(s)})
		}},
		placement{name: "param_config Feishu hook token", req: func(s string) request {
			return withParamConfig("FEISHU", map[string]string{"webhook": "https://open.feishu.cn/open-apis/bot/v2/hook/" + url.PathEscape(s)})
		}},
		placement{name: "param_config Feishu secret", req: func(s string) request {
			return withParamConfig("FEISHU", map[string]string{"webhook": "https://open.feishu.cn/open-apis/bot/v2/hook/0c7e5a3f-9b1d", "secret": s})
		}},
		placement{name: "param_config generic hook", req: func(s string) request {
			return withParamConfig("MESSAGE", map[string]string{"url": "https://hooks.example.com/services/T0/B0/" + url.PathEscape(s)})
		}},
		placement{name: "param_config Telegram bot", req: func(s string) request {
			return withParamConfig("MESSAGE", map[string]string{"url": "https://api.telegram.org/bot123456:" + url.PathEscape(s) + "/sendMessage"})
		}},
		placement{name: "JSON in a JSON string in a JSON string", req: func(s string) request {
			inner := jsonText(map[string]string{"password": s})
			return withParamConfig("MESSAGE", map[string]string{"nested": inner})
		}},
		placement{name: "text body", req: func(s string) request {
			r := update("the callback is https://example.com/cb?token=" + url.QueryEscape(s) + " (keep it)\n")
			r.header.Set("Content-Type", "text/plain")
			return r
		}},
		placement{name: "text body header line", req: func(s string) request {
			r := update("X-Auth-Token: " + s + "\nnext line\n")
			r.header.Set("Content-Type", "text/plain")
			return r
		}},
		placement{name: "gzip JSON body", req: func(s string) request {
			r := update(string(gz([]byte(jsonText(map[string]string{"password": s})))))
			r.header.Set("Content-Encoding", "gzip")
			return r
		}},
		placement{name: "gzip text body", req: func(s string) request {
			r := update(string(gz([]byte("access_token=" + url.QueryEscape(s)))))
			r.header.Set("Content-Encoding", "gzip")
			r.header.Set("Content-Type", "text/plain")
			return r
		}},
	)
	// Answer positions: the request triggers them, the echoing upstream puts the
	// secret there.
	answer := func(name string, a func(s string, w http.ResponseWriter) []byte) placement {
		return placement{name: "answer " + name, req: func(string) request { return update(`{}`) }, answer: a}
	}
	for _, h := range []string{"X-Security-Token", "X-Subject-Token", "X-Api-Key", "Proxy-Authenticate"} {
		ps = append(ps, answer("header "+h, func(s string, w http.ResponseWriter) []byte { w.Header().Set(h, s); return nil }))
	}
	ps = append(ps,
		answer("Set-Cookie", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Set-Cookie", "sid="+s+"; Path=/; HttpOnly")
			return nil
		}),
		answer("WWW-Authenticate", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token", token="`+s+`"`)
			return nil
		}),
		answer("Location query", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Location", "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/next?X-Amz-Signature="+url.QueryEscape(s)+"&page=2")
			return nil
		}),
		answer("Location userinfo", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Location", "https://deploy:"+url.PathEscape(s)+"@cloudbuild-ext.cn-north-4.myhuaweicloud.com/next")
			return nil
		}),
		answer("JSON field", func(s string, _ http.ResponseWriter) []byte {
			return []byte(jsonText(map[string]any{"token": s, "status": "success"}))
		}),
		readBack("DingTalk access_token", func(s string) map[string]string { return map[string]string{"webhook": dingTalk(s, "c2lnbg==")} }),
		readBack("DingTalk sign", func(s string) map[string]string { return map[string]string{"webhook": dingTalk("0123456789abcdef", s)} }),
		readBack("DingTalk secret", func(s string) map[string]string {
			return map[string]string{"webhook": dingTalk("0123456789abcdef", "c2lnbg=="), "secret": s}
		}),
		readBack("WeCom key", func(s string) map[string]string {
			return map[string]string{"webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?a=1&key=" + url.QueryEscape(s)}
		}),
		readBack("Feishu hook token", func(s string) map[string]string {
			return map[string]string{"webhook": "https://open.feishu.cn/open-apis/bot/v2/hook/" + url.PathEscape(s)}
		}),
		readBack("Feishu secret", func(s string) map[string]string {
			return map[string]string{"webhook": "https://open.feishu.cn/open-apis/bot/v2/hook/0c7e5a3f-9b1d", "secret": s}
		}),
		answer("gzip JSON", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Content-Encoding", "gzip")
			return gz([]byte(jsonText(map[string]string{"access_token": s})))
		}),
		answer("text", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Content-Type", "text/plain")
			return []byte("redirecting to https://x.example/?password=" + url.QueryEscape(s) + "\n")
		}),
		// The run's own token, echoed by the target in a field no rule names.
		placement{name: "token echoed in a message", runCredential: true, req: func(s string) request {
			r := update(`{}`)
			r.header.Set("X-Auth-Token", s)
			return r
		}, answer: func(s string, _ http.ResponseWriter) []byte {
			return []byte(jsonText(map[string]string{"error_msg": "token " + s + " has expired", "error_code": "APIGW.0301"}))
		}},
	)
	// Placements added later come last, so that the corpus's placement numbers stay.
	ps = append(ps,
		placement{name: "Authorization Basic", runCredential: true, req: func(s string) request {
			// The echo shows the credentials decoded: builder:<secret>. The recording
			// proxy knows the password only from the header; verify sends nothing
			// but the run's credentials, so there it is the run's.
			r := update(`{}`)
			r.header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("builder:"+s)))
			return r
		}},
		placement{name: "XML body element", req: func(s string) request {
			r := update(`<?xml version="1.0"?><auth><user>builder</user><password>` + html.EscapeString(s) + `</password></auth>`)
			r.header.Set("Content-Type", "application/xml")
			return r
		}},
		placement{name: "multipart form field", req: func(s string) request {
			r := update("--Zb0undary\r\nContent-Disposition: form-data; name=\"notice_type\"\r\n\r\nMAIL\r\n" +
				"--Zb0undary\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + s + "\r\n--Zb0undary--\r\n")
			r.header.Set("Content-Type", "multipart/form-data; boundary=Zb0undary")
			return r
		}},
		// A secret the request carries, echoed by servers that escape as other
		// writers than Go's do: only the scrubber of found secrets can see it.
		echoedAs("PHP's JSON (\\/)", func(s string, w http.ResponseWriter) []byte {
			return []byte(`{"seen":"` + strings.ReplaceAll(jsonEscaped(s), "/", `\/`) + `"}`)
		}),
		echoedAs(".NET's JSON (\\u002B)", func(s string, w http.ResponseWriter) []byte {
			return []byte(`{"seen":"` + dotnetEscaped(s) + `"}`)
		}),
		echoedAs("an HTML page", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			return []byte("<html><body><p>You sent " + html.EscapeString(s) + ".</p></body></html>\n")
		}),
		echoedAs("lower-case percent-encoding", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Location", "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/next?state="+lowerHex(url.QueryEscape(s)))
			return []byte(`{"state":"` + lowerHex(url.PathEscape(s)) + `"}`)
		}),
		echoedAs("a URL in a query", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Location", "https://iam.example/login?next="+url.QueryEscape("https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/cb?state="+url.QueryEscape(s)))
			return nil
		}),
		answer("XML credentials", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Content-Type", "application/xml")
			return []byte(`<?xml version="1.0"?><Credentials><AccessKeyId>NOTICECONFDEMOAK0001</AccessKeyId><SecretAccessKey>` + html.EscapeString(s) + `</SecretAccessKey></Credentials>`)
		}),
		answer("XML attribute", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Content-Type", "application/xml")
			return []byte(`<?xml version="1.0"?><error code="401" token="` + html.EscapeString(s) + `"/>`)
		}),
		answer("text with a Go-printed header", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Content-Type", "text/plain")
			return []byte("refused: header map[Content-Type:[application/json] X-Subject-Token:[" + s + "]]\n")
		}),
		answer("text quoting JSON cut short", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Content-Type", "text/plain")
			return []byte(`upstream answered {"status":"success","access_token":"` + jsonEscaped(s))
		}),
		answer("Set-Cookie folded", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Set-Cookie", "lang=en; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT, sid="+s+"; Path=/; HttpOnly")
			return nil
		}),
		echoedAs("a base64 body", func(s string, w http.ResponseWriter) []byte {
			// As httpbin shows a body that is not text: a data URL. The padding moves
			// the secret through the three alignments of base64.
			echoed := strings.Repeat(" ", len(s)%3) + `{"seen":"` + jsonEscaped(s) + `"}`
			return []byte(`{"data":"data:application/json;base64,` + base64.StdEncoding.EncodeToString([]byte(echoed)) + `"}`)
		}),
		placement{name: "deflate JSON body", req: func(s string) request {
			r := update(string(deflated([]byte(jsonText(map[string]string{"password": s})))))
			r.header.Set("Content-Encoding", "deflate")
			return r
		}},
		answer("deflate JSON", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Content-Encoding", "deflate")
			return deflated([]byte(jsonText(map[string]string{"access_token": s})))
		}),
		placement{name: "text body environment assignment", req: func(s string) request {
			r := update("export HUAWEICLOUD_SDK_SK='" + s + "'\n")
			r.header.Set("Content-Type", "text/plain")
			return r
		}},
		placement{name: "JSON field NOTICECONF_SK", req: func(s string) request {
			return update(jsonText(map[string]any{"notice_type": "MAIL", "env": map[string]string{"NOTICECONF_SK": s}}))
		}},
		// The run's own token, echoed where verify's preflight error, which shows the
		// answer's first 200 bytes, cuts it in two.
		placement{name: "token echoed where a message cuts it short", runCredential: true, req: func(s string) request {
			r := update(`{}`)
			r.header.Set("X-Auth-Token", s)
			return r
		}, answer: func(s string, _ http.ResponseWriter) []byte {
			pad := strings.Repeat("x", max(0, 200-len(s)/2-len(`{"error_msg":"token `)))
			return []byte(`{"error_msg":"` + pad + `token ` + s + ` has expired","error_code":"APIGW.0301"}`)
		}},
		answer("JSON Web Token in a field no rule names", func(s string, _ http.ResponseWriter) []byte {
			// The secret is the token's signature (base64url, as a signature is).
			return []byte(`{"status":"success","id_hint":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJidWlsZGVyIn0.` + base64.RawURLEncoding.EncodeToString([]byte(s)) + `"}`)
		}),
		placement{name: "JSON field holding a percent-encoded URL", req: func(s string) request {
			return update(jsonText(map[string]any{"notice_type": "MAIL", "redirect": url.QueryEscape("https://example.com/cb?token=" + url.QueryEscape(s))}))
		}},
		answer("text holding a percent-encoded URL with userinfo", func(s string, w http.ResponseWriter) []byte {
			w.Header().Set("Content-Type", "text/plain")
			return []byte("sign in at " + url.QueryEscape("https://deploy:"+url.PathEscape(s)+"@example.com/login") + " first\n")
		}),
		placement{name: "JSON name/value pair (an environment variable)", req: func(s string) request {
			return update(jsonText(map[string]any{"notice_type": "MAIL", "env": []map[string]string{{"name": "DB_PASSWORD", "value": s}}}))
		}},
		answer("JSON name/value pair (a HAR header)", func(s string, _ http.ResponseWriter) []byte {
			return []byte(jsonText(map[string]any{"status": "success", "headers": []map[string]string{{"name": "X-Subject-Token", "value": s}}}))
		}),
		placement{name: "text body: a password quoted after a separator", req: func(s string) request {
			r := update("deploy failed for user bob (password => '" + s + "')\n")
			r.header.Set("Content-Type", "text/plain")
			return r
		}},
		answer("JSON header list of pairs", func(s string, _ http.ResponseWriter) []byte {
			return []byte(jsonText(map[string]any{"status": "success", "headers": [][]string{{"Content-Type", "application/json"}, {"X-Auth-Token", s}}}))
		}),
	)
	return ps
}

// echoedAs is an answer placement: the request carries the secret in its
// X-Auth-Token, and the answer a shows it as another server would encode it. The
// recording proxy knows the secret only from the request; for verify it is the
// run's token.
func echoedAs(how string, a func(s string, w http.ResponseWriter) []byte) placement {
	return placement{name: "request token echoed in " + how, runCredential: true, req: func(s string) request {
		r := update(`{}`)
		r.header.Set("X-Auth-Token", s)
		return r
	}, answer: a}
}

// jsonEscaped is s inside a JSON string as Go's encoding/json writes it.
func jsonEscaped(s string) string {
	q, _ := json.Marshal(s)
	return string(q[1 : len(q)-1])
}

// dotnetEscaped is s inside a JSON string as .NET's System.Text.Json writes it by
// default: < > & ' + " as \u003C \u003E \u0026 \u0027 \u002B \u0022.
func dotnetEscaped(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch c {
		case '<', '>', '&', '\'', '+', '"':
			fmt.Fprintf(&b, `\u%04X`, c)
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// lowerHex writes the hex digits of the percent-escapes of s in lower case, as
// some clients and servers do.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerByte(b[i+1]), lowerByte(b[i+2])
		}
	}
	return string(b)
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// readBack is an answer placement: the read-back (GET .../query) answer, as Go's
// encoding/json writes it (& as \u0026), whose param_config holds pc(secret).
func readBack(name string, pc func(s string) map[string]string) placement {
	return placement{name: "read-back answer param_config " + name, req: func(string) request {
		return request{method: http.MethodGet, path: "/v3/jobs/notice/" + job + "/query", header: http.Header{}}
	}, answer: func(s string, _ http.ResponseWriter) []byte {
		return []byte(jsonText(map[string]any{"result": []map[string]any{
			{"notice_type": "MAIL", "enable_map": map[string]bool{"buildJobSuccess": true}, "param_config": nil},
			{"notice_type": "DING_TALK", "enable_map": map[string]bool{"buildJobSuccess": true}, "param_config": jsonText(pc(s))},
		}, "error": nil, "status": "success"}))
	}}
}

// echo is the upstream and verify's target: it answers every request with the
// request itself in its body (headers, query, body), plus what the current placement
// puts in the answer.
type echo struct {
	mu     sync.Mutex
	p      placement
	secret string
}

func (e *echo) set(p placement, secret string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.p, e.secret = p, secret
}

func (e *echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	p, secret := e.p, e.secret
	e.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "5e1f0c3a9b2d4e6f8a7c1b0d3e5f7a9c")
	var out []byte
	if p.answer != nil {
		out = p.answer(secret, w)
	}
	if out == nil {
		user, pass, _ := r.BasicAuth()
		out = []byte(jsonText(map[string]any{
			"echo":   map[string]any{"path": r.URL.Path, "headers": r.Header, "query": r.URL.RawQuery, "body": string(body), "basic": user + ":" + pass},
			"status": "success",
		}))
	}
	status := http.StatusOK
	if r.Header.Get("X-Leaktest-Status") != "" {
		status = http.StatusUnauthorized
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// fixture is what every iteration shares.
type fixture struct {
	echo     *echo
	upstream *httptest.Server
	ca       *proxy.CA
	replay   *replay.Handler
	logs     *bytes.Buffer
	logMu    *sync.Mutex
	// proxies are the recording proxies by mode, "reverse" and "forward".
	proxies map[string]*recordingProxy
}

// cassetteHeader starts every cassette file the writer makes.
const cassetteHeader = "---\nversion: 2\ninteractions:\n"

// recordingProxy is a recording proxy and its cassette, read as it grows.
type recordingProxy struct {
	px   *proxy.Proxy
	path string
	read int64
}

// since returns what the proxy wrote to its cassette since the last call.
func (r *recordingProxy) since(tb testing.TB) string {
	f, err := os.Open(r.path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.NewSectionReader(f, r.read, 1<<40))
	if err != nil {
		tb.Fatal(err)
	}
	r.read += int64(len(b))
	return string(b)
}

// newRecordingProxy starts a proxy in mode (reverse to upstream, or forward with
// upstream's host allowed) recording every interaction to path.
func (f *fixture) newRecordingProxy(tb testing.TB, mode, path, upstream string) *recordingProxy {
	cfg := proxy.Config{Cassette: path, RecordAll: true, Logger: f.logger(), Upstream: upstream}
	if mode == "forward" {
		cfg.Forward, cfg.CA, cfg.AllowHosts = true, f.ca, []string{strings.TrimPrefix(f.upstream.URL, "http://")}
	}
	px, err := proxy.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return &recordingProxy{px: px, path: path, read: int64(len(cassetteHeader))}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func newFixture(tb testing.TB) *fixture {
	f := &fixture{echo: &echo{}, logs: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	f.upstream = httptest.NewServer(f.echo)
	tb.Cleanup(f.upstream.Close)
	var err error
	if f.ca, err = proxy.LoadOrCreateCA(filepath.Join(tb.TempDir(), "ca")); err != nil {
		tb.Fatal(err)
	}
	// The replay serves one clean interaction: every placement's request misses it.
	path := filepath.Join(tb.TempDir(), "replayed.yaml")
	w, err := cassette.OpenWriter(path, cassette.CreateNew)
	if err != nil {
		tb.Fatal(err)
	}
	body := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`
	if _, err := w.Append(cleanInteraction(body)); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	files, err := cassette.LoadPaths(path)
	if err != nil {
		tb.Fatal(err)
	}
	if f.replay, err = replay.New(files, replay.Options{Logger: f.logger()}); err != nil {
		tb.Fatal(err)
	}
	f.proxies = map[string]*recordingProxy{}
	for _, mode := range []string{"reverse", "forward"} {
		rp := f.newRecordingProxy(tb, mode, filepath.Join(tb.TempDir(), mode+".yaml"), f.upstream.URL)
		tb.Cleanup(func() {
			if err := rp.px.Close(); err != nil {
				tb.Error(err)
			}
		})
		f.proxies[mode] = rp
	}
	return f
}

func (f *fixture) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{f.logMu, f.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// takeLogs returns the logs written since the last call.
func (f *fixture) takeLogs() string {
	f.logMu.Lock()
	defer f.logMu.Unlock()
	s := f.logs.String()
	f.logs.Reset()
	return s
}

// outputs collects everything written, by name.
type outputs map[string]string

func (o outputs) file(tb testing.TB, name, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	o[name] = string(b)
}

// forms are the encodings of s an output may hold: raw, URL-encoded (query and
// path, hex digits in either case, and twice), JSON-escaped as Go writes it (with and
// without escaping < > &), as PHP does (\/) and as .NET does (\u002B), and
// HTML-escaped.
func forms(s string) []string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	plain := strings.TrimSuffix(b.String(), "\n")
	plain = plain[1 : len(plain)-1]
	goJSON := jsonEscaped(s)
	out := []string{s, url.QueryEscape(s), url.PathEscape(s), goJSON, plain,
		lowerHex(url.QueryEscape(s)), lowerHex(url.PathEscape(s)), url.QueryEscape(url.QueryEscape(s)),
		strings.ReplaceAll(goJSON, "/", `\/`), strings.ReplaceAll(plain, "/", `\/`), dotnetEscaped(s), html.EscapeString(s)}
	return out
}

// Layers of escapes holds takes off an output.
const decodeLayers = 3

var (
	jsonEscapeRE    = regexp.MustCompile(`\\(?:u[0-9A-Fa-f]{4}|[^u])`)
	percentEscapeRE = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)
)

// unescapeJSON takes JSON string escapes off s wherever they are.
func unescapeJSON(s string) string {
	return jsonEscapeRE.ReplaceAllStringFunc(s, func(m string) string {
		switch m[1] {
		case 'u':
			n, _ := strconv.ParseUint(m[2:], 16, 32)
			return string(rune(n))
		case 'n':
			return "\n"
		case 't':
			return "\t"
		case 'r':
			return "\r"
		}
		return m[1:]
	})
}

// unescapePercent takes percent-escapes (either case) off s wherever they are.
func unescapePercent(s string) string {
	return percentEscapeRE.ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.ParseUint(m[1:], 16, 8)
		return string([]byte{byte(n)})
	})
}

// base64RunRE finds base64 text (either alphabet) long enough to hold a secret.
var base64RunRE = regexp.MustCompile(`[A-Za-z0-9+/_\-]{12,}`)

// maxBase64Runs bounds the base64 runs of one output holds decodes.
const maxBase64Runs = 256

// holds reports whether out holds secret: in one of its forms, or raw once up to
// decodeLayers layers of JSON, percent and HTML escapes are taken off, in any
// order (a URL-encoded secret in a JSON string in a JSON string), or inside base64
// text at any alignment. It returns the text that shows it.
func holds(out, secret string) (shown string, at int, ok bool) {
	if shown, at, ok := holdsEscaped(out, secret); ok {
		return shown, at, ok
	}
	for _, run := range base64RunRE.FindAllString(out, maxBase64Runs) {
		std := strings.NewReplacer("-", "+", "_", "/").Replace(run)
		for off := range 4 {
			q := std[min(off, len(std)):]
			if len(q)%4 == 1 {
				q = q[:len(q)-1] // no whole byte in the last character
			}
			d, err := base64.RawStdEncoding.DecodeString(q)
			if err != nil {
				continue
			}
			if shown, at, ok := holdsEscaped(string(d), secret); ok {
				return "base64 " + run + " decoded: " + shown, at + len("base64 "+run+" decoded: "), true
			}
			// A compressed body (a cassette's !!binary): a secret compressed is a
			// secret on disk all the same.
			if off == 0 {
				if z, ok := inflate(d); ok {
					if shown, at, ok := holdsEscaped(z, secret); ok {
						return "base64 " + run + " inflated: " + shown, at + len("base64 "+run+" inflated: "), true
					}
				}
			}
		}
	}
	return "", 0, false
}

// inflate decodes gzip or zlib data, or reports false.
func inflate(b []byte) (string, bool) {
	var zr io.Reader
	var err error
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		zr, err = gzip.NewReader(bytes.NewReader(b))
	case len(b) > 2 && b[0] == 0x78:
		zr, err = zlib.NewReader(bytes.NewReader(b))
	default:
		return "", false
	}
	if err != nil {
		return "", false
	}
	out, _ := io.ReadAll(io.LimitReader(zr, 1<<20))
	return string(out), len(out) > 0
}

func deflated(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// minCut is the shortest beginning of a secret that, cut short with "...", holds
// counts as the secret.
const minCut = 8

// holdsEscaped is holds without base64.
func holdsEscaped(out, secret string) (shown string, at int, ok bool) {
	for _, form := range forms(secret) {
		if i := strings.Index(out, form); i >= 0 {
			return out, i, true
		}
	}
	for n := len(secret) - 1; n >= minCut; n-- {
		if i := strings.Index(out, secret[:n]+"..."); i >= 0 {
			return out, i, true
		}
	}
	v := out
	for range decodeLayers {
		next := html.UnescapeString(unescapePercent(unescapeJSON(v)))
		if next == v {
			break
		}
		v = next
		if i := strings.Index(v, secret); i >= 0 {
			return v, i, true
		}
	}
	return "", 0, false
}

func (o outputs) check(t *testing.T, p placement, secret string) {
	t.Helper()
	for name, out := range o {
		if shown, i, ok := holds(out, secret); ok {
			lo, hi := max(0, i-200), min(len(shown), i+len(secret)+200)
			t.Fatalf("placement %q: %s holds the secret %q (raw, encoded, or under escapes):\n...%s...", p.name, name, secret, shown[lo:hi])
		}
	}
}

// run puts secret at p and collects every output of every path it takes.
func (f *fixture) run(t *testing.T, p placement, secret string) outputs {
	f.echo.set(p, secret)
	f.takeLogs()
	out := outputs{}
	dir := t.TempDir()
	rq := p.req(secret)

	// The recording proxy, reverse mode and forward mode, in-process; the upstream on
	// loopback.
	upstreamURL := f.upstream.URL
	if p.upstreamUserinfo {
		u, _ := url.Parse(f.upstream.URL)
		u.User = url.UserPassword("builder", secret)
		upstreamURL = u.String()
	}
	for _, mode := range []string{"reverse", "forward"} {
		rp := f.proxies[mode]
		if p.upstreamUserinfo {
			// The upstream is the proxy's configuration: a proxy of its own.
			rp = f.newRecordingProxy(t, mode, filepath.Join(dir, mode+".yaml"), upstreamURL)
			defer rp.px.Close()
		}
		target := "http://proxy.invalid"
		if mode == "forward" {
			target = "http://" + strings.TrimPrefix(f.upstream.URL, "http://")
		}
		if rq.userinfo != "" {
			target = strings.Replace(target, "://", "://"+rq.userinfo+"@", 1)
		}
		req := httptest.NewRequest(rq.method, target+rq.path+query(rq.query), bytes.NewReader(rq.body))
		if mode == "reverse" {
			req.RequestURI = rq.path + query(rq.query)
		}
		for k, vs := range rq.header {
			req.Header[k] = vs
		}
		rec := httptest.NewRecorder()
		rp.px.ServeHTTP(rec, req) // the interaction is in the file when it returns
		if rec.Code != http.StatusOK {
			t.Fatalf("placement %q: %s proxy answered %d: %s", p.name, mode, rec.Code, rec.Body)
		}
		written := rp.since(t)
		if err := provenance.Write(rp.path, provenance.New(upstreamURL, time.Now())); err != nil {
			t.Fatal(err)
		}
		out[mode+" cassette"] = written
		out.file(t, mode+" provenance", provenance.PathFor(rp.path))

		// The audit of what was recorded: its findings are output too, and the
		// policy it applies finds nothing left to redact.
		findings, _, err := audit.File(rp.path, []byte(cassetteHeader+written), audit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var shown []string
		for _, fd := range findings {
			shown = append(shown, fd.String())
			if strings.Contains(fd.Rule, "not redacted") {
				t.Fatalf("placement %q: the audit finds in the %s cassette what the proxy should have redacted: %s", p.name, mode, fd)
			}
		}
		out[mode+" audit"] = strings.Join(shown, "\n")
	}

	// The replay's no-match answer and its log line.
	req := httptest.NewRequest(rq.method, "http://replay.invalid"+rq.path+query(rq.query), bytes.NewReader(rq.body))
	for k, vs := range rq.header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	f.replay.ServeHTTP(rec, req)
	if rec.Code != replay.NoMatchStatus {
		t.Fatalf("placement %q: the replay answered %d, want its no-match %d", p.name, rec.Code, replay.NoMatchStatus)
	}
	out["replay no-match answer"] = rec.Body.String()
	for k, vs := range rec.Header() {
		out["replay no-match header "+k] = strings.Join(vs, "\n")
	}

	// verify against the echoing target: a preflight the target refuses, echoing the
	// credentials (the error is what verify prints), then the table and the report
	// files of a failed check whose message shows the exchange and quotes the answer.
	opts := verify.Options{Target: f.upstream.URL, Token: "noticeconf-leaktest-token", JobID: job}
	if p.runCredential {
		opts.Token = secret
	}
	if p.upstreamUserinfo {
		opts.Target = upstreamURL
	}
	out["verify preflight"] = f.preflight(t, opts)
	x := f.exchange(t, opts.Target, rq)
	opts.JSONReport = filepath.Join(dir, "verify.json")
	opts.MarkdownReport = filepath.Join(dir, "verify.md")
	opts.JUnitReport = filepath.Join(dir, "verify.xml")
	var stdout bytes.Buffer
	if _, err := opts.WriteOutputs("echoing target "+opts.Target, failedCheck(x), &stdout); err != nil {
		t.Fatal(err)
	}
	out["verify stdout"] = stdout.String()
	for _, path := range []string{opts.JSONReport, opts.MarkdownReport, opts.JUnitReport} {
		out.file(t, "verify "+filepath.Base(path), path)
	}
	out["logs"] = f.takeLogs()
	return out
}

func query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

// preflight runs verify against the target, which refuses the preflight, and
// returns what verify prints: its error and its stdout.
func (f *fixture) preflight(t *testing.T, o verify.Options) string {
	// The echo answers 401 to a request with this header; the preflight's request
	// carries none, so the target here is a proxy-free 401 echo of the same upstream.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("X-Leaktest-Status", "401")
		f.echo.ServeHTTP(w, r)
	}))
	defer srv.Close()
	if o.Target != f.upstream.URL {
		u, _ := url.Parse(o.Target)
		u.Host = strings.TrimPrefix(srv.URL, "http://")
		o.Target = u.String()
	} else {
		o.Target = srv.URL
	}
	o.Logger = f.logger()
	var stdout bytes.Buffer
	_, err := verify.Run(context.Background(), o, &stdout)
	if err == nil {
		t.Fatal("verify ran against a target that refuses every credential")
	}
	return err.Error() + "\n" + stdout.String()
}

// exchange sends rq to the echoing target as a check would, and returns the
// exchange as suites shows it, built from the raw request and answer.
func (f *fixture) exchange(t *testing.T, target string, rq request) *suites.Exchange {
	req, err := http.NewRequest(rq.method, target+rq.path+query(rq.query), bytes.NewReader(rq.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range rq.header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &suites.Exchange{Method: rq.method, URL: req.URL.String(), RequestHeader: req.Header, RequestBody: rq.body,
		Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// failedCheck is the Ginkgo report of one failed check whose message quotes the
// answer and shows the exchange, as a rule matcher's does.
func failedCheck(x *suites.Exchange) types.Report {
	msg := fmt.Sprintf("answered %s, want something else\nrule: a check\nlevel: MUST, source: seed\n%s", x.Body, x)
	return types.Report{SpecReports: types.SpecReports{{
		LeafNodeType:            types.NodeTypeIt,
		ContainerHierarchyTexts: []string{"POST /v3/jobs/notice/{job_id}/update", "when the target echoes"},
		LeafNodeText:            "answers without a secret",
		LeafNodeLabels:          []string{"MUST", "source:seed"},
		State:                   types.SpecStateFailed,
		Failure:                 types.Failure{Message: msg},
	}}}
}

func cleanInteraction(body string) *vcr.Interaction {
	return &vcr.Interaction{
		Request: vcr.Request{Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Method: http.MethodPost,
			URL: "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com" + contract.UpdatePathFor(job), Host: "cloudbuild-ext.cn-north-4.myhuaweicloud.com",
			Headers: http.Header{"Content-Type": {"application/json"}, "X-Auth-Token": {cassette.Redacted}}, Body: body},
		Response: vcr.Response{Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Status: "200 OK", Code: 200,
			Headers: http.Header{"Content-Type": {"application/json"}}, Body: `{"result":"x","error":null,"status":"success"}`},
	}
}

// FuzzNoOutputHoldsASecret puts a random secret at one of the placements and sends it
// through every output: the recording proxy in reverse and forward mode (cassette,
// provenance, logs), the cassette audit, the replay's no-match answer and log, and
// verify against an echoing target (its preflight error, stdout table, JSON, JUnit
// and Markdown reports). No output may hold the secret, raw, JSON-escaped or
// URL-encoded.
func FuzzNoOutputHoldsASecret(f *testing.F) {
	ps := placements()
	// Every placement, with a secret plain in every encoding and with one that
	// every encoding changes.
	marked := rawFor("/ab+cd<ef>gh&ij=kl~m.n_o-p", secretAlphabet)
	for n := range ps {
		f.Add(uint16(n), []byte("noticeconf-leak-0001"))
		f.Add(uint16(n), marked)
	}
	f.Add(uint16(0), []byte(`&<>"/+=~`))
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, where uint16, raw []byte) {
		p := ps[int(where)%len(ps)]
		secret := secretFrom(raw, secretAlphabet)
		if secret == "" || strings.Contains(secret, cassette.Redacted) {
			t.Skip()
		}
		fx.run(t, p, secret).check(t, p, secret)
	})
}

// TestEveryPlacementReachesEveryOutput checks the fuzz test's own premise: without
// redaction the secret of every placement would reach the outputs (here: the
// upstream's echo, which the recording proxy records), so that the fuzz test's
// assertion can fail.
func TestEveryPlacementReachesEveryOutput(t *testing.T) {
	fx := newFixture(t)
	for _, p := range placements() {
		for _, secret := range []string{"Zqleaktest-premise-0001", "Zqleaktest/premise+0001<&>"} {
			reaches(t, fx, p, secret)
		}
	}
}

// reaches fails t unless the secret at p reaches the upstream's echo in one of its
// forms.
func reaches(t *testing.T, fx *fixture, p placement, secret string) {
	t.Helper()
	{
		fx.echo.set(p, secret)
		rq := p.req(secret)
		x := fx.exchange(t, fx.upstream.URL, rq)
		body := x.Body
		if x.Header.Get("Content-Encoding") != "" {
			z, ok := inflate(body)
			if !ok {
				t.Fatalf("placement %q: the answer does not inflate", p.name)
			}
			body = []byte(z)
		}
		reqBody := rq.body
		if rq.header.Get("Content-Encoding") != "" {
			z, ok := inflate(reqBody)
			if !ok {
				t.Fatalf("placement %q: the request body does not inflate", p.name)
			}
			reqBody = []byte(z)
		}
		raw := fmt.Sprint(x.Header) + string(body) + string(reqBody)
		if p.upstreamUserinfo || rq.userinfo != "" {
			return // the userinfo is in the URL given, not in the echo
		}
		if _, _, ok := holds(raw, secret); !ok {
			t.Errorf("placement %q: the secret %q never reaches the answer; the fuzz test would test nothing", p.name, secret)
		}
	}
}
