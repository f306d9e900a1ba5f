package proxy_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/audit"
	"github.com/noticeconf/noticeconf/internal/redact"
	"github.com/noticeconf/noticeconf/proxy"
)

// Secrets of the redaction spec, each shaped like the real thing.
var (
	secretToken     = "MIIPhQYJKoZIhvcNAQcCoIIPdjCCD3ICAQExDTALBglghkgBZQMEAgEwgg2XBgkqhkiG9w0BBwGggg2IBIINhHsidG9rZW4iOnsiZXhwaXJlc19hdCI6IjIwMjYtMTEtMjdUMjA6MDA6MDAuMDAwMDAwWiJ9fQ"
	secretAK        = "HSTQ7VXW2KPL9MNBQR4Z"
	secretSignature = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	secretSecToken  = "gQpjbi1ub3J0aC00iO2fSSlQ1tHZjZXdrV0u8ZnRwXk3Jd9QzT"
)

var allSecrets = map[string]string{
	"token": secretToken, "AK": secretAK, "signature": secretSignature, "security token": secretSecToken,
}

// received is what the upstream saw.
type received struct {
	mu     sync.Mutex
	header http.Header
	uri    string
	body   string
}

var _ = Describe("Redaction", func() {
	When("a token, an AK, a signature and a security token are in every place redaction covers", func() {
		It("writes none of their bytes to the cassette or the logs, and alters no live request or response", func() {
			got := &received{}
			upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				got.mu.Lock()
				got.header, got.uri, got.body = r.Header.Clone(), r.RequestURI, string(b)
				got.mu.Unlock()
				h := w.Header()
				h.Set("Content-Type", "application/json")
				h.Add("Set-Cookie", "session="+secretToken+"; HttpOnly")
				h.Set(contract.HeaderSubjectToken, secretToken)
				h.Set("X-Custom-Secret", secretSecToken)
				h.Set("Location", "https://example.com/next?X-Amz-Signature="+secretSignature+"&page=2")
				_ = json.NewEncoder(w).Encode(map[string]any{
					"token":  secretToken,
					"nested": map[string]any{"credentials": map[string]string{"access": secretAK, "securitytoken": secretSecToken}},
					"note":   "you sent " + r.Header.Get(contract.HeaderAuthToken),
				})
			}))
			DeferCleanup(upstream.Close)
			p := startProxy(proxy.Config{
				Upstream: upstream.URL,
				Redact: proxy.Redaction{
					Headers:    []string{"X-Custom-Secret"},
					JSONFields: []string{"auth", "token", "nested.credentials.*"},
				},
			})

			query := "?access_token=" + secretToken + "&X-Amz-Credential=" + secretAK + "%2F20261126%2Fcn-north-4" +
				"&X-Amz-Signature=" + secretSignature + "&X-Amz-Security-Token=" + secretSecToken + "&page=1"
			body := `{"notice_type":"DING_TALK","enabled_event_type_names":["buildJobFail"],` +
				`"param_config":"{\"webhook\":\"https://oapi.dingtalk.com/robot/send?access_token=` + secretToken + `\"}",` +
				`"auth":{"token":"` + secretToken + `","ak":"` + secretAK + `","signature":"` + secretSignature + `","security_token":"` + secretSecToken + `"}}` + "\n"
			authz := "SDK-HMAC-SHA256 Access=" + secretAK + ", SignedHeaders=x-sdk-date;x-security-token, Signature=" + secretSignature
			header := http.Header{
				contract.HeaderAuthToken:     {secretToken},
				contract.HeaderAuthorization: {authz},
				contract.HeaderSdkDate:       {"20261126T193942Z"},
				contract.HeaderSecurityToken: {secretSecToken},
				contract.HeaderSubjectToken:  {secretToken},
				"Cookie":                     {"sid=" + secretToken + "; sts=" + secretSecToken},
				"X-Custom-Secret":            {secretSignature},
			}
			req, err := http.NewRequest(http.MethodPost, p.URL+contract.UpdatePathFor(demoJob)+query, strings.NewReader(body))
			Expect(err).NotTo(HaveOccurred())
			req.Header = header.Clone()
			req.Header.Set("Content-Type", "application/json")
			resp, err := plainClient().Do(req)
			Expect(err).NotTo(HaveOccurred())
			respBody, err := io.ReadAll(resp.Body)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Body.Close()).To(Succeed())

			By("leaving the live request as the client sent it")
			got.mu.Lock()
			Expect(got.header.Get(contract.HeaderAuthToken)).To(Equal(secretToken))
			Expect(got.header.Get(contract.HeaderAuthorization)).To(Equal(authz))
			Expect(got.header.Get(contract.HeaderSecurityToken)).To(Equal(secretSecToken))
			Expect(got.header.Get("Cookie")).To(Equal(header.Get("Cookie")))
			Expect(got.uri).To(Equal(contract.UpdatePathFor(demoJob) + query))
			Expect(got.body).To(Equal(body))
			got.mu.Unlock()

			By("leaving the live response as the upstream sent it")
			Expect(resp.Header.Get("Set-Cookie")).To(ContainSubstring(secretToken))
			Expect(resp.Header.Get(contract.HeaderSubjectToken)).To(Equal(secretToken))
			Expect(string(respBody)).To(ContainSubstring(secretToken))

			c := p.load()
			file := readFile(p.cassette)
			logs := p.logs.String()
			for name, s := range allSecrets {
				for _, piece := range []string{s, s[:12], s[len(s)-12:]} {
					Expect(file).NotTo(ContainSubstring(piece), "the cassette holds bytes of the %s", name)
					Expect(logs).NotTo(ContainSubstring(piece), "the logs hold bytes of the %s", name)
				}
			}

			By("keeping headers with the placeholder, so a replay knows how the request authenticated")
			i := c.Interactions[0]
			Expect(i.Request.Headers.Get(contract.HeaderAuthToken)).To(Equal(cassette.Redacted))
			Expect(i.Request.Headers.Get(contract.HeaderAuthorization)).To(Equal("SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=x-sdk-date;x-security-token, Signature=REDACTED"))
			Expect(i.Request.Headers.Get(contract.HeaderSecurityToken)).To(Equal(cassette.Redacted))
			Expect(i.Response.Headers.Get("Set-Cookie")).To(Equal("session=REDACTED; HttpOnly"), "a cookie keeps its name and attributes")
			Expect(i.Request.URL).To(HaveSuffix("X-Amz-Security-Token=REDACTED&page=1"))
			Expect(i.Request.Body).To(HavePrefix(`{"notice_type":"DING_TALK","enabled_event_type_names":["buildJobFail"],`), "bytes outside redacted fields are kept")
			Expect(i.Request.Body).To(HaveSuffix(`"auth":"REDACTED"}` + "\n"))
			Expect(json.Valid([]byte(i.Response.Body))).To(BeTrue())

			By("leaving nothing the audit finds")
			r, err := audit.Paths([]string{p.cassette}, audit.Options{})
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Findings).To(BeEmpty())
		})
	})

	DescribeTable("JSON field paths",
		func(path, body, want string) {
			r, err := redact.New(redact.Config{JSONFields: []string{path}})
			Expect(err).NotTo(HaveOccurred())
			i := &vcr.Interaction{Request: vcr.Request{Body: body, Headers: http.Header{}}, Response: vcr.Response{Headers: http.Header{}}}
			r.Interaction(i)
			Expect(i.Request.Body).To(Equal(want), "only the value at %s changes; every other byte stays", path)
		},
		Entry("a nested key", "a.b", `{ "a" : { "b" : "s3cr3t-value", "c": 1 } }`, `{ "a" : { "b" : "REDACTED", "c": 1 } }`),
		Entry("an array element", "list.1", `{"list":["x", "s3cr3t-value" ,"z"]}`, `{"list":["x", "REDACTED" ,"z"]}`),
		Entry("any one key", "creds.*", `{"creds":{"ak":"s3cr3t-one","sk":"s3cr3t-two"},"keep":"k"}`, `{"creds":{"ak":"REDACTED","sk":"REDACTED"},"keep":"k"}`),
		Entry("any depth", "**.token", `{"a":[{"token":"s3cr3t-value"}],"token":{"deep":1}}`+"\n", `{"a":[{"token":"REDACTED"}],"token":"REDACTED"}`+"\n"),
		Entry("a body that is not JSON", "a", `a=s3cr3t-value`, `a=s3cr3t-value`),
	)

	It("refuses an empty JSON path or header name", func() {
		_, err := redact.New(redact.Config{JSONFields: []string{"a..b"}})
		Expect(err).To(HaveOccurred())
		_, err = redact.New(redact.Config{Headers: []string{" "}})
		Expect(err).To(HaveOccurred())
	})

})
