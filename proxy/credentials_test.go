package proxy_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vcr4 "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/proxy"
)

var _ = Describe("recording named credentials", func() {
	It("writes each credential's name where its value was, and a replay answers each its own recording", func() {
		forbidden := mockConfig().ForbiddenTokens[0]
		env := map[string]string{"T_ALLOWED": demoToken, "T_FORBIDDEN": forbidden, "T_AK": demoAK}
		names, err := credential.Parse([]string{"allowed=T_ALLOWED", "forbidden=T_FORBIDDEN", "signer=T_AK"}, func(k string) string { return env[k] })
		Expect(err).NotTo(HaveOccurred())
		up := startMock(false)
		p := startProxy(proxy.Config{Upstream: up.URL, Credentials: names})
		c := plainClient()

		send := func(base string, sign bool, token string) (int, string) {
			GinkgoHelper()
			req, err := http.NewRequest(http.MethodPost, base+contract.UpdatePathFor(demoJob), strings.NewReader(updateBody))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", "application/json")
			if sign {
				Expect(aksk.Sign(req, []byte(updateBody), aksk.Credential{AK: demoAK, SK: demoSK})).To(Succeed())
			} else {
				req.Header.Set(contract.HeaderAuthToken, token)
			}
			req.Body = io.NopCloser(strings.NewReader(updateBody))
			resp, err := c.Do(req)
			Expect(err).NotTo(HaveOccurred())
			b, err := readBody(resp)
			Expect(err).NotTo(HaveOccurred())
			return resp.StatusCode, string(b)
		}
		type call struct {
			sign  bool
			token string
		}
		calls := []call{{token: demoToken}, {token: forbidden}, {sign: true}, {token: "unnamed-but-valid-looking-token"}}
		want := make([]int, len(calls))
		for i, cl := range calls {
			want[i], _ = send(p.URL, cl.sign, cl.token)
		}
		Expect(want[:3]).To(Equal([]int{200, 403, 200}))
		p.stop()

		text := readFile(p.cassette)
		for _, secret := range []string{demoToken, forbidden, demoAK} {
			Expect(text).NotTo(ContainSubstring(secret))
		}
		Expect(text).To(ContainSubstring("REDACTED:allowed"))
		Expect(text).To(ContainSubstring("REDACTED:forbidden"))
		Expect(text).To(ContainSubstring("Access=REDACTED:signer,"))

		By("go-vcr v3 and v4 load it, with the names in place")
		v3 := loadCassette(p.cassette)
		Expect(v3.Interactions).To(HaveLen(4))
		Expect(v3.Interactions[0].Request.Headers.Get(contract.HeaderAuthToken)).To(Equal("REDACTED:allowed"))
		Expect(v3.Interactions[3].Request.Headers.Get(contract.HeaderAuthToken)).To(Equal(cassette.Redacted))
		v4, err := vcr4.Load(strings.TrimSuffix(p.cassette, ".yaml"))
		Expect(err).NotTo(HaveOccurred(), "go-vcr v4's cassette.Load must read %s", p.cassette)
		Expect(v4.Interactions).To(HaveLen(4))
		Expect(v4.Interactions[1].Request.Headers.Get(contract.HeaderAuthToken)).To(Equal("REDACTED:forbidden"))
		Expect(v4.Interactions[2].Request.Headers.Get(contract.HeaderAuthorization)).To(HavePrefix("SDK-HMAC-SHA256 Access=REDACTED:signer, "))

		By("the replay, given the same names, answers each credential its own recording, in reverse order")
		files, err := cassette.LoadPaths(p.cassette)
		Expect(err).NotTo(HaveOccurred())
		h, err := replay.New(files, replay.Options{Credentials: names})
		Expect(err).NotTo(HaveOccurred())
		rs := httptest.NewServer(h)
		DeferCleanup(rs.Close)
		for i := len(calls) - 1; i >= 0; i-- {
			got, body := send(rs.URL, calls[i].sign, calls[i].token)
			Expect(got).To(Equal(want[i]), "call %d: %s", i, body)
		}
	})

	It("replaces a named credential echoed anywhere, raw, URL-escaped or JSON-escaped, and marks a short one in its header", func() {
		const long = "MIIEcho+token/with=odd\"chars"
		echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok := r.Header.Get(contract.HeaderAuthToken)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Echo", tok)
			b, _ := json.Marshal(map[string]string{"raw": tok, "escaped": url.QueryEscape(tok), "path": url.PathEscape(tok)})
			_, _ = w.Write(b)
		})
		env := map[string]string{"LONG": long, "SHORT": "abc"}
		names, err := credential.Parse([]string{"echoed=LONG", "short=SHORT"}, func(k string) string { return env[k] })
		Expect(err).NotTo(HaveOccurred())
		p := startProxy(proxy.Config{Upstream: startMockHandler(echo), Credentials: names})
		c := plainClient()
		resp, _ := post(c, p.URL, demoJob, updateBody+"", http.Header{contract.HeaderAuthToken: {long}})
		Expect(resp.StatusCode).To(Equal(200))
		resp, _ = post(c, p.URL, demoJob, updateBody, http.Header{contract.HeaderAuthToken: {"abc"}})
		Expect(resp.StatusCode).To(Equal(200))
		v3 := p.load()
		text := readFile(p.cassette)
		for _, form := range []string{long, url.QueryEscape(long), url.PathEscape(long), `MIIEcho+token/with=odd\"chars`} {
			Expect(text).NotTo(ContainSubstring(form))
		}
		Expect(v3.Interactions[0].Request.Headers.Get(contract.HeaderAuthToken)).To(Equal("REDACTED:echoed"))
		Expect(v3.Interactions[0].Response.Body).NotTo(ContainSubstring("MIIEcho"))
		Expect(v3.Interactions[1].Request.Headers.Get(contract.HeaderAuthToken)).To(Equal("REDACTED:short"))
		Expect(v3.Interactions[1].Response.Body).To(ContainSubstring(`"raw":"`), "the short value is not hunted for in other text")
	})

	It("names a signed request only when its signature verifies, given the secret key, so that a replay answers valid and forged signatures each as recorded", func() {
		env := map[string]string{"T_AK": demoAK, "T_SK": demoSK}
		names, err := credential.Parse([]string{"signer=T_AK:T_SK"}, func(k string) string { return env[k] })
		Expect(err).NotTo(HaveOccurred())
		up := startMock(false)
		p := startProxy(proxy.Config{Upstream: up.URL, Credentials: names})
		c := plainClient()
		send := func(base string, forge bool) int {
			GinkgoHelper()
			req, err := http.NewRequest(http.MethodPost, base+contract.UpdatePathFor(demoJob), strings.NewReader(updateBody))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", "application/json")
			Expect(aksk.Sign(req, []byte(updateBody), aksk.Credential{AK: demoAK, SK: demoSK})).To(Succeed())
			if forge {
				a := req.Header.Get(contract.HeaderAuthorization)
				i := strings.LastIndex(a, "Signature=") + len("Signature=")
				digit := byte('0')
				if a[i] == '0' {
					digit = '1'
				}
				req.Header.Set(contract.HeaderAuthorization, a[:i]+string(digit)+a[i+1:])
			}
			req.Body = io.NopCloser(strings.NewReader(updateBody))
			resp, err := c.Do(req)
			Expect(err).NotTo(HaveOccurred())
			_, err = readBody(resp)
			Expect(err).NotTo(HaveOccurred())
			return resp.StatusCode
		}
		Expect(send(p.URL, false)).To(Equal(http.StatusOK))
		Expect(send(p.URL, true)).To(Equal(http.StatusUnauthorized))
		p.stop()
		v3 := loadCassette(p.cassette)
		Expect(v3.Interactions).To(HaveLen(2))
		Expect(v3.Interactions[0].Request.Headers.Get(contract.HeaderAuthorization)).To(HavePrefix("SDK-HMAC-SHA256 Access=REDACTED:signer, "))
		Expect(v3.Interactions[1].Request.Headers.Get(contract.HeaderAuthorization)).To(HavePrefix("SDK-HMAC-SHA256 Access=REDACTED, "), "a forged signature names nothing")
		Expect(readFile(p.cassette)).NotTo(ContainSubstring(demoSK))

		By("a replay given the secret key answers every valid signature 200 and every forged one 401, in any order")
		files, err := cassette.LoadPaths(p.cassette)
		Expect(err).NotTo(HaveOccurred())
		h, err := replay.New(files, replay.Options{Credentials: names})
		Expect(err).NotTo(HaveOccurred())
		rs := httptest.NewServer(h)
		DeferCleanup(rs.Close)
		for i, forge := range []bool{false, false, true, false, true, false} {
			want := http.StatusOK
			if forge {
				want = http.StatusUnauthorized
			}
			Expect(send(rs.URL, forge)).To(Equal(want), "request %d (forged: %v)", i, forge)
		}
	})

	It("leaves the cassette unnamed without names", func() {
		up := startMock(false)
		p := startProxy(proxy.Config{Upstream: up.URL})
		resp, _ := post(plainClient(), p.URL, demoJob, updateBody, http.Header{contract.HeaderAuthToken: {demoToken}})
		Expect(resp.StatusCode).To(Equal(200))
		c := p.load()
		Expect(c.Interactions[0].Request.Headers.Get(contract.HeaderAuthToken)).To(Equal(cassette.Redacted))
		Expect(bytes.Contains([]byte(readFile(p.cassette)), []byte("REDACTED:"))).To(BeFalse())
	})
})
