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

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/audit"
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
			"request.headers.X-Auth-Token", `not redacted: secret header "X-Auth-Token"`, "tok-abcdef"),
		Entry("a header off the old list", func(i *vcr.Interaction) { i.Request.Headers.Set("X-Api-Key", "key-abcdef") },
			"request.headers.X-Api-Key", `not redacted: secret header "X-Api-Key"`, "key-abcdef"),
		Entry("an AK/SK Authorization", func(i *vcr.Interaction) {
			i.Request.Headers.Set("Authorization", "SDK-HMAC-SHA256 Access="+leakedAK+", SignedHeaders=x-sdk-date, Signature="+leakedSig)
		}, "request.headers.Authorization", "not redacted: credential header", leakedAK),
		Entry("a Set-Cookie", func(i *vcr.Interaction) { i.Response.Headers.Set("Set-Cookie", "sid=abcdef123") },
			"response.headers.Set-Cookie", "not redacted: cookie values", "abcdef123"),
		Entry("a token query parameter", func(i *vcr.Interaction) { i.Request.URL += "?access_token=qwerty12345" },
			"request.url", `not redacted: query parameter "access_token"`, "qwerty12345"),
		Entry("a signature in another header", func(i *vcr.Interaction) {
			i.Response.Headers.Set("Location", "https://x/y?X-Amz-Signature="+leakedSig)
		}, "response.headers.Location", `not redacted: query parameter "X-Amz-Signature"`, leakedSig),
		Entry("a JSON field by its name", func(i *vcr.Interaction) { i.Request.Body = `{"ak":"` + leakedAK + `"}` },
			"request.body $.ak", `not redacted: secret JSON field "ak"`, leakedAK),
		Entry("an IAM token in a body", func(i *vcr.Interaction) { i.Response.Body = `{"t":"` + leakedToken + `"}` },
			"response.body", "IAM-token-shaped", leakedToken),
		Entry("an AK in a body", func(i *vcr.Interaction) { i.Request.Body = `{"id":"` + leakedAK + `"}` },
			"request.body", "AK-shaped", leakedAK),
		Entry("an AWS key", func(i *vcr.Interaction) { i.Request.Body = `{"id":"AKIAIOSFODNN7EXAMPLE"}` },
			"request.body", "AWS access key", "AKIAIOSFODNN7EXAMPLE"),
		Entry("a GitHub token", func(i *vcr.Interaction) { i.Response.Body = `{"note":"ghp_0123456789abcdefghijABCDEFGHIJ012345"}` },
			"response.body", "GitHub token", "ghp_0123456789abcdefghijABCDEFGHIJ012345"),
		Entry("a Slack token", func(i *vcr.Interaction) { i.Response.Body = `{"note":"xoxb-1234567890-abcdefghij"}` },
			"response.body", "Slack token", "xoxb-1234567890-abcdefghij"),
		// The policy itself knows a JWT by its shape, and names the JSON field.
		Entry("a JWT", func(i *vcr.Interaction) {
			i.Response.Body = `{"note":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"}`
		}, "response.body $.note", "JWT", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
		Entry("a webhook URL whose token no rule names", func(i *vcr.Interaction) {
			i.Request.Body = `{"param_config":"{\"url\":\"https://oapi.dingtalk.com/robot/send?at=zq9x8w7v6u\"}"}`
		}, "request.body", "webhook URL with its token", "zq9x8w7v6u"),
		Entry("a high-entropy string", func(i *vcr.Interaction) { i.Response.Headers.Set("X-Trace", "Zx8Kq2LmN4pR7sT1vW3yB6dF9hJ0gA5c") },
			"response.headers.X-Trace", "high-entropy string", "Zx8Kq2LmN4pR7sT1vW3yB6dF9hJ0gA5c"),
		Entry("a --pattern match", func(i *vcr.Interaction) { i.Request.Body = `{"note":"whsec-zzyzx"}` },
			"request.body $.note", "matches the pattern", "whsec-zzyzx", `whsec-[a-z]+`),
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

// beforePolicy is a cassette as the name-list redaction wrote it (see its provenance
// file): every leak in it must be flagged, at its interaction and field.
var beforePolicy = filepath.Join("testdata", "before-policy.yaml")

var _ = Describe("Paths, a cassette written before the redaction policy", func() {
	It("flags every leak the name list let through, by interaction and field, and exits with findings", func() {
		r, err := audit.Paths([]string{beforePolicy}, audit.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Provenance).To(BeEmpty())
		type want struct {
			id          int
			field, rule string
		}
		for _, w := range []want{
			{0, "request.body $.param_config > $.secret", `secret JSON field "secret"`},
			{0, "request.body $.param_config > $.webhook", `query parameter "sign"`},
			{1, "request.body $.param_config > $.webhook", `query parameter "key"`},
			{2, "request.body $.param_config > $.secret", `secret JSON field "secret"`},
			{2, "request.body $.param_config > $.webhook", "webhook URL token"},
			{3, "response.body $.result[0].param_config > $.secret", `secret JSON field "secret"`},
			{3, "response.body $.result[0].param_config > $.webhook", `query parameter "sign"`},
			{3, "response.body $.result[1].param_config > $.webhook", `query parameter "key"`},
			{3, "response.body $.result[2].param_config > $.secret", `secret JSON field "secret"`},
			{3, "response.body $.result[2].param_config > $.webhook", "webhook URL token"},
			{4, "request.url", "URL userinfo"},
			{4, "response.headers.Location", "URL userinfo"},
			{5, "request.headers.X-Api-Key", "secret header"},
			{5, "request.headers.Api-Key", "secret header"},
			{5, "request.headers.X-Access-Key", "secret header"},
			{5, "request.headers.X-Amz-Security-Token", "secret header"},
			{5, "request.headers.X_auth_token", "secret header"},
			{5, "response.headers.X-Security-Token", "secret header"},
			{5, "response.headers.Www-Authenticate", "credential header"},
			{6, "request.body $.password", `secret JSON field "password"`},
			{6, "request.body $.token", `secret JSON field "token"`},
			{6, "request.body $.sk", `secret JSON field "sk"`},
			{6, "request.body $.access_token", `secret JSON field "access_token"`},
			{7, "request.body $.auth.identity.password.user.password", `secret JSON field "password"`},
		} {
			Expect(r.Findings).To(ContainElement(SatisfyAll(
				HaveField("File", beforePolicy), HaveField("Interaction", w.id), HaveField("Field", w.field),
				HaveField("Rule", ContainSubstring(w.rule)),
			)), "interaction %d, %s: want a finding about %q; got\n%v", w.id, w.field, w.rule, r.Findings)
		}
	})
})

var _ = Describe("Paths, the shipped cassettes", func() {
	It("finds nothing in them: job ids, request ids and dates are no secrets", func() {
		// Every entry of cassettes/ but the Go packages beside the shipped cassettes
		// (cassettes/cassette, cassettes/replay), whose testdata is malformed on purpose.
		entries, err := os.ReadDir(filepath.Join("..", "..", "cassettes"))
		Expect(err).NotTo(HaveOccurred())
		var shipped []string
		for _, e := range entries {
			p := filepath.Join("..", "..", "cassettes", e.Name())
			if gofiles, _ := filepath.Glob(filepath.Join(p, "*.go")); e.IsDir() && len(gofiles) > 0 {
				continue
			}
			if e.IsDir() || strings.HasSuffix(e.Name(), ".yaml") {
				shipped = append(shipped, p)
			}
		}
		Expect(shipped).To(ContainElement(filepath.Join("..", "..", "cassettes", "reference-mock")))
		r, err := audit.Paths(shipped, audit.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Files).NotTo(BeEmpty())
		Expect(r.Findings).To(BeEmpty())
	})
})
