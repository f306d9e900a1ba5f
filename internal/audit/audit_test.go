package audit_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/internal/audit"
	"github.com/noticeconf/noticeconf/internal/cassette"
	"github.com/noticeconf/noticeconf/internal/provenance"
)

const (
	leakedToken = "MIIPhQYJKoZIhvcNAQcCoIIPdjCCD3ICAQExDTALBglghkgBZQMEAgEwgg2XBgkqhkiG9w0BBwGggg2IBIINhHsidG9rZW4iOnsiZXhwaXJlc19hdCI6IjIwMjYtMTEtMjdUMjA6MDA6MDAuMDAwMDAwWiJ9fQ"
	leakedAK    = "HSTQ7VXW2KPL9MNBQR4Z"
	leakedSig   = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

// clean is an interaction as the recording proxy writes it.
func clean() *vcr.Interaction {
	return &vcr.Interaction{
		Request: vcr.Request{
			Method: http.MethodPost,
			URL:    "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
			Headers: http.Header{
				"X-Auth-Token":  {cassette.Redacted},
				"Authorization": {"SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=x-sdk-date, Signature=REDACTED"},
				"X-Sdk-Date":    {"20261126T193942Z"},
			},
			Body: `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}` + "\n",
		},
		Response: vcr.Response{
			Status: "200 OK", Code: 200,
			Headers: http.Header{"X-Request-Id": {"00ccd460a4bacaf55cfb99381043bb02"}, "Set-Cookie": {cassette.Redacted}},
			Body:    `{"result":"48c66c6002964721be537cdc6ce0297b","error":null,"status":"success"}`,
		},
	}
}

// write makes a cassette file at path holding is.
func write(path string, is ...*vcr.Interaction) {
	GinkgoHelper()
	w, err := cassette.OpenWriter(path, cassette.CreateNew)
	Expect(err).NotTo(HaveOccurred())
	for _, i := range is {
		_, err := w.Append(i)
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(w.Close()).To(Succeed())
}

var _ = Describe("Paths", func() {
	var dir string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
	})

	When("the cassettes hold only placeholders", func() {
		It("finds nothing", func() {
			write(filepath.Join(dir, "a.yaml"), clean(), clean())
			r, err := audit.Paths([]string{dir}, audit.Options{})
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Files).To(HaveLen(1))
			Expect(r.Interactions).To(Equal(2))
			Expect(r.Findings).To(BeEmpty())
		})
	})

	When("the directory holds no cassettes", func() {
		It("audits nothing and does not fail", func() {
			Expect(os.WriteFile(filepath.Join(dir, "README.md"), []byte("cassettes go here"), 0o644)).To(Succeed())
			r, err := audit.Paths([]string{dir}, audit.Options{})
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Files).To(BeEmpty())
		})
	})

	When("a path does not exist or is not a cassette", func() {
		It("fails", func() {
			_, err := audit.Paths([]string{filepath.Join(dir, "missing")}, audit.Options{})
			Expect(err).To(HaveOccurred())
			bad := filepath.Join(dir, "bad.yaml")
			Expect(os.WriteFile(bad, []byte("just: [text"), 0o644)).To(Succeed())
			_, err = audit.Paths([]string{bad}, audit.Options{})
			Expect(err).To(MatchError(ContainSubstring("bad.yaml")))
		})
	})

	DescribeTable("a secret left in a cassette is found, named by file, interaction and field, and not printed",
		func(leak func(*vcr.Interaction), field, rule, secret string, patterns ...string) {
			path := filepath.Join(dir, "sub", "leaky.yml")
			i := clean()
			leak(i)
			write(path, clean(), i)
			var o audit.Options
			for _, p := range patterns {
				o.Patterns = append(o.Patterns, regexp.MustCompile(p))
			}
			r, err := audit.Paths([]string{dir}, o)
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Findings).NotTo(BeEmpty())
			var matched []audit.Finding
			for _, f := range r.Findings {
				Expect(f.String()).NotTo(ContainSubstring(secret), "a finding must not print the secret")
				if f.Field == field && strings.Contains(f.Rule, rule) {
					matched = append(matched, f)
				}
			}
			Expect(matched).NotTo(BeEmpty(), "want a finding in %s about %q, got %v", field, rule, r.Findings)
			Expect(matched[0].File).To(Equal(path))
			Expect(matched[0].Interaction).To(Equal(1))
			Expect(matched[0].String()).To(HavePrefix(path + ": interaction 1: " + field + ": "))
		},
		Entry("an X-Auth-Token", func(i *vcr.Interaction) { i.Request.Headers.Set("X-Auth-Token", "tok-abcdef") },
			"request.headers.X-Auth-Token", "secret header not redacted", "tok-abcdef"),
		Entry("an AK/SK Authorization", func(i *vcr.Interaction) {
			i.Request.Headers.Set("Authorization", "SDK-HMAC-SHA256 Access="+leakedAK+", SignedHeaders=x-sdk-date, Signature="+leakedSig)
		}, "request.headers.Authorization", "secret header not redacted", leakedAK),
		Entry("a Set-Cookie", func(i *vcr.Interaction) { i.Response.Headers.Set("Set-Cookie", "sid=abcdef123") },
			"response.headers.Set-Cookie", "secret header not redacted", "abcdef123"),
		Entry("a token query parameter", func(i *vcr.Interaction) { i.Request.URL += "?access_token=qwerty12345" },
			"request.url", `secret query parameter "access_token"`, "qwerty12345"),
		Entry("an IAM token in a body", func(i *vcr.Interaction) { i.Response.Body = `{"t":"` + leakedToken + `"}` },
			"response.body", "IAM-token-shaped", leakedToken),
		Entry("an AK in a body", func(i *vcr.Interaction) { i.Request.Body = `{"ak":"` + leakedAK + `"}` },
			"request.body", "AK-shaped", leakedAK),
		Entry("a signature in another header", func(i *vcr.Interaction) {
			i.Response.Headers.Set("Location", "https://x/y?X-Amz-Signature="+leakedSig)
		}, "response.headers.Location", "Signature= followed by hex", leakedSig),
		Entry("a --pattern match", func(i *vcr.Interaction) { i.Request.Body = `{"webhook_secret":"whsec-zzyzx"}` },
			"request.body", "--pattern", "whsec-zzyzx", `whsec-[a-z]+`),
	)
})

var _ = Describe("Paths, provenance", func() {
	It("reports a cassette without its provenance file, and not one with it", func() {
		dir := GinkgoT().TempDir()
		bare, kept := filepath.Join(dir, "bare.yaml"), filepath.Join(dir, "kept.yaml")
		write(bare, clean())
		write(kept, clean())
		Expect(provenance.Write(kept, provenance.New("https://cloudbuild-ext.cn-north-4.myhuaweicloud.com", time.Now()))).To(Succeed())
		r, err := audit.Paths([]string{dir}, audit.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Files).To(Equal([]string{bare, kept}), "the provenance file is not audited as a cassette")
		Expect(r.Findings).To(BeEmpty())
		Expect(r.Provenance).To(HaveLen(1))
		Expect(r.Provenance[0].String()).To(Equal(bare + ": provenance: no provenance: want bare.yaml.provenance.json beside it (noticeconf record writes one)"))
	})

	It("reports a provenance file that lacks a field", func() {
		path := filepath.Join(GinkgoT().TempDir(), "c.yaml")
		write(path, clean())
		Expect(os.WriteFile(provenance.PathFor(path), []byte(`{"version":1,"upstream":"x","tool":"hand-written","credentials":[]}`), 0o644)).To(Succeed())
		r, err := audit.Paths([]string{path}, audit.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Provenance).To(HaveLen(1))
		Expect(r.Provenance[0].Rule).To(Equal("provenance lacks recorded_at"))
	})
})
