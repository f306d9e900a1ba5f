package redact_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/redact"
)

// secretAlphabet is what tokens, AKs and signatures are made of.
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// secretFrom turns fuzz bytes into a secret of 8 to 64 characters of secretAlphabet,
// or "" for one that redaction could not be expected to tell from the placeholder.
func secretFrom(b []byte) string {
	if len(b) < 8 {
		return ""
	}
	if len(b) > 64 {
		b = b[:64]
	}
	out := make([]byte, len(b))
	for n, c := range b {
		out[n] = secretAlphabet[int(c)%len(secretAlphabet)]
	}
	s := string(out)
	if strings.Contains(cassette.Redacted, s) || strings.Contains(s, cassette.Redacted) {
		return ""
	}
	return s
}

// secretQueryNames are query parameters that carry secrets.
var secretQueryNames = []string{"access_token", "X-Amz-Signature", "token", "sk", "ak", "password", "X-Auth-Token", "api_key", "signature"}

// placeSecret puts secret into a fresh interaction at the place where selects, with
// noise (any text) around it in the bodies.
func placeSecret(where uint8, secret, noise string) *vcr.Interaction {
	job := "48c66c6002964721be537cdc6ce0297b"
	i := &vcr.Interaction{
		Request: vcr.Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Method: http.MethodPost,
			Host:    "cloudbuild-ext.cn-north-4.myhuaweicloud.com",
			URL:     "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com" + contract.UpdatePathFor(job),
			Headers: http.Header{"Content-Type": {"application/json"}},
			Body:    `{"notice_type":"MAIL","param_config":` + quote(noise) + `}` + "\n",
		},
		Response: vcr.Response{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Status: "200 OK", Code: 200,
			Headers:  http.Header{"Content-Type": {"application/json;charset=UTF-8"}},
			Body:     `{"result":"` + job + `","error":null,"status":"success","note":` + quote(noise) + `}`,
			Duration: time.Millisecond,
		},
	}
	q, r := &i.Request, &i.Response
	name := secretQueryNames[int(where/16)%len(secretQueryNames)]
	switch where % 16 {
	case 0:
		q.Headers.Set(contract.HeaderAuthToken, secret)
	case 1:
		q.Headers["x-auth-token"] = []string{secret} // not canonical
	case 2:
		q.Headers.Set(contract.HeaderAuthorization, contract.AKSKScheme+" Access="+secret+", SignedHeaders=content-type;host;x-sdk-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	case 3:
		q.Headers.Set(contract.HeaderAuthorization, contract.AKSKScheme+" Access=NOTICECONFDEMOAK0001, SignedHeaders=content-type;host, Signature="+secret)
	case 4:
		q.Headers.Set(contract.HeaderAuthorization, "Bearer "+secret)
	case 5:
		q.Headers.Set(contract.HeaderSecurityToken, secret)
	case 6:
		q.Headers.Set("Cookie", "lang=en; session="+secret)
	case 7:
		q.URL += "?" + name + "=" + secret
	case 8:
		q.URL += "?page=1&" + name + "=" + secret + "#frag"
	case 9:
		q.Body = `{"notice_type":"MAIL","auth":{"password":"` + secret + `"},"x":` + quote(noise) + `}`
	case 10:
		q.Body = `{"notice_type":"WECOM","webhook":"https://hooks.example.com/send?` + name + `=` + secret + `&x=1"}`
	case 11:
		// The token in its header and echoed elsewhere: every other copy goes too.
		q.Headers.Set(contract.HeaderAuthToken, secret)
		r.Body = `{"error_msg":"token ` + secret + ` is expired","noise":` + quote(noise) + `}`
		r.Headers.Set("X-Echo", "seen "+secret)
	case 12:
		r.Headers.Set("Set-Cookie", "sid="+secret+"; Path=/; HttpOnly")
	case 13:
		r.Headers.Set(contract.HeaderSubjectToken, secret)
	case 14:
		r.Headers.Set("Location", "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/next?"+name+"="+secret)
	case 15:
		q.Form = map[string][]string{name: {secret}}
		q.Headers.Set("Content-Type", "application/x-www-form-urlencoded")
		q.Body = name + "=" + secret
	}
	return i
}

// quote makes a JSON string of any text, keeping it valid JSON.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// FuzzRedact places a token, an AK, a signature or another secret anywhere the
// recording proxy redacts (request and response headers, query parameters, form
// values, JSON body fields, URLs inside bodies), redacts the interaction and writes it
// with the cassette writer the proxy uses: the secret's bytes must not be in the file.
func FuzzRedact(f *testing.F) {
	for where := range 16 * len(secretQueryNames) {
		f.Add(uint8(where), []byte("noticeconf-demo-token-0001"), "")
	}
	f.Add(uint8(11), []byte("MIIEXAMPLETOKENVALUE"), `"quoted" and \escaped`)
	f.Add(uint8(9), []byte("hunter2hunter2"), "中文")

	r, err := redact.New(redact.Config{})
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "fuzz.yaml")
	w, err := cassette.OpenWriterWith(path, cassette.Overwrite, cassette.WriterOptions{SyncBehind: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = w.Close() })
	file, err := os.Open(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = file.Close() })

	f.Fuzz(func(t *testing.T, where uint8, raw []byte, noise string) {
		secret := secretFrom(raw)
		if secret == "" || strings.Contains(noise, secret) {
			t.Skip()
		}
		i := placeSecret(where, secret, noise)
		r.Interaction(i)
		start, err := file.Seek(0, io.SeekEnd)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Append(i); err != nil {
			t.Fatal(err)
		}
		written, err := io.ReadAll(io.NewSectionReader(file, start, 1<<30))
		if err != nil {
			t.Fatal(err)
		}
		if len(written) == 0 {
			t.Fatal("nothing written")
		}
		if strings.Contains(string(written), secret) {
			t.Fatalf("secret %q placed at %d survives in the cassette:\n%s", secret, where, written)
		}
	})
}
