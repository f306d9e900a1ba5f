package proxy_test

import (
	"net/http"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/proxy"
)

var _ = Describe("content codings the redaction policy cannot read", func() {
	const secret = "Zq-secret-in-a-coding-0001"

	It("asks the upstream only for codings it can read, unless the client signed its Accept-Encoding", func() {
		var mu sync.Mutex
		var seen []string
		up := startMockHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, strings.Join(r.Header.Values("Accept-Encoding"), " | "))
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"result":null,"error":null,"status":"success"}`))
		}))
		p := startProxy(proxy.Config{Upstream: up})
		c := plainClient()
		for _, ae := range []string{"br, gzip;q=0.8, zstd", "br", "gzip", "*"} {
			resp, _ := post(c, p.URL, demoJob, updateBody, http.Header{"Accept-Encoding": {ae}})
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
		}
		signed := http.Header{"Accept-Encoding": {"br"}, "Authorization": {"SDK-HMAC-SHA256 Access=AK0001, SignedHeaders=accept-encoding;x-sdk-date, Signature=00"}}
		resp, _ := post(c, p.URL, demoJob, updateBody, signed)
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		mu.Lock()
		defer mu.Unlock()
		Expect(seen).To(Equal([]string{"gzip;q=0.8", "identity", "gzip", "identity", "br"}))
		By("recording the client's Accept-Encoding as it sent it")
		Expect(p.load().Interactions[0].Request.Headers.Get("Accept-Encoding")).To(Equal("br, gzip;q=0.8, zstd"))
	})

	It("records the placeholder for a body in a coding it cannot read, names the coding, and passes the answer on unchanged", func() {
		// Not real brotli: bytes the proxy cannot decode, with the secret in them as a
		// compressor may leave a short string.
		answer := "\x1b\x10" + secret + "\x03"
		up := startMockHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "br")
			_, _ = w.Write([]byte(answer))
		}))
		p := startProxy(proxy.Config{Upstream: up})
		resp, body := post(plainClient(), p.URL, demoJob, updateBody, http.Header{"Accept-Encoding": {"br"}})
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(body).To(Equal(answer), "the client gets the upstream's bytes")
		Expect(resp.Header.Get("Content-Encoding")).To(Equal("br"))

		By("a request body in such a coding too")
		resp, _ = post(plainClient(), p.URL, demoJob, "\x1b\x10"+secret, http.Header{"Content-Encoding": {"zstd"}})
		Expect(resp.StatusCode).To(Equal(http.StatusOK))

		c := p.load()
		Expect(readFile(p.cassette)).NotTo(ContainSubstring(secret))
		r0 := c.Interactions[0].Response
		Expect(r0.Body).To(Equal(cassette.Redacted))
		Expect(r0.Headers.Get("Content-Encoding")).To(BeEmpty())
		Expect(r0.Headers.Get(proxy.HeaderWithheldEncoding)).To(Equal("br"))
		Expect(c.Interactions[1].Request.Body).To(Equal(cassette.Redacted))
		Expect(c.Interactions[1].Request.Headers.Get(proxy.HeaderWithheldEncoding)).To(Equal("zstd"))
		Expect(p.logs.String()).To(ContainSubstring("the redaction policy cannot read its content coding"))
	})
})
