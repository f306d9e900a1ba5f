package cassette_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// trickyStrings are values yaml.v3's encoder writes in every scalar style it has:
// plain, single and double quoted, literal blocks with and without chomping and
// indentation indicators, and strings that look like numbers, bools, null or dates.
var trickyStrings = []string{
	"", " ", "plain", "two words", "123", "-5", "0", "007", "1.5", "1e3", ".inf", "0x1f", "1_000",
	"true", "False", "null", "~", "yes", "no", "2026-11-26", "2026-11-26T19:39:42Z", "12.5ms",
	"a: b", "a #b", "#x", "- x", "-x", "? x", "x:", "'quoted'", `"dq"`, "it's", `back\slash`,
	"{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\"]}\n",
	"{\"a\":1}", "[1,2]", "line1\nline2", "line1\nline2\n", "line1\nline2\n\n\n", " leading\nx",
	"trailing \nx", "\n", "\n\nx", "tab\there", "\ttab first", "bell\a", "esc\x1b", "nul\x00", "ünïcödé ✓",
	"\u00a0nbsp", "end space ", "<<", "&anchor", "*alias", "!tag", "%pct", "@at", "`bt`",
	"| pipe", "> gt", "[", "{", "]", "}", ",", "a,b", "x\n  indented\n", "  \n  \n", "#comment\n#more\n",
	"SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=content-type;x-sdk-date, Signature=REDACTED",
}

var _ = Describe("the loader's fast path", func() {
	// Every cassette go-vcr v3 writes MUST load the same through the fast path and
	// through yaml.v3.
	It("reads a cassette go-vcr saved exactly as yaml.v3 does, for every scalar style", func() {
		c := vcr.New(filepath.Join(GinkgoT().TempDir(), "tricky"))
		for i, s := range trickyStrings {
			c.AddInteraction(&vcr.Interaction{
				Request: vcr.Request{
					Method: "POST", URL: "https://h/v3/x?q=" + fmt.Sprint(i), Body: s, Host: s,
					// yaml.v3 cannot read back a multi-line list item that starts with a space
					// or a line end (it writes a wrong indentation indicator), so list
					// items get a prefix.
					Headers: http.Header{"X-Value": {"v" + s, "w" + s}, "Content-Type": {"application/json"}},
					Form:    map[string][]string{"k" + fmt.Sprint(i): {"v" + s}},
				},
				Response: vcr.Response{Code: 200 + i%300, Body: s, Status: s, Headers: http.Header{"X-V": {"v" + s}},
					Duration: time.Duration(i) * 1234567, Uncompressed: i%2 == 0, ContentLength: int64(i - 1)},
			})
		}
		Expect(c.Save()).To(Succeed())
		data, err := os.ReadFile(c.File)
		Expect(err).NotTo(HaveOccurred())
		slow, err := cassette.ParseSlow("t.yaml", data)
		Expect(err).NotTo(HaveOccurred())
		fast, ok := cassette.ParseFast("t.yaml", data)
		Expect(ok).To(BeTrue(), "the fast path must take what go-vcr writes")
		Expect(fast).To(Equal(slow))
		Expect(fast.Interactions[10].Request.Body).To(Equal(trickyStrings[10]))
	})

	It("leaves a cassette with NEL or LS characters (yaml.v3 breaks lines there) to yaml.v3", func() {
		c := vcr.New(filepath.Join(GinkgoT().TempDir(), "nel"))
		for _, s := range []string{"\u0085next line", "\u2028ls", "a\u2029b"} {
			c.AddInteraction(&vcr.Interaction{Request: vcr.Request{Method: "GET", URL: "/x", Body: s}, Response: vcr.Response{Code: 200, Body: s}})
		}
		Expect(c.Save()).To(Succeed())
		data, err := os.ReadFile(c.File)
		Expect(err).NotTo(HaveOccurred())
		_, ok := cassette.ParseFast("n.yaml", data)
		Expect(ok).To(BeFalse())
		slow, err := cassette.ParseSlow("n.yaml", data)
		Expect(err).NotTo(HaveOccurred())
		Expect(cassette.Parse("n.yaml", data)).To(Equal(slow))
	})

	It("reads the cassettes in testdata/valid as yaml.v3 does, or leaves them to it", func() {
		paths, err := filepath.Glob("testdata/valid/*.yaml")
		Expect(err).NotTo(HaveOccurred())
		for _, p := range paths {
			data, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			slow, err := cassette.ParseSlow(p, data)
			Expect(err).NotTo(HaveOccurred())
			fast, ok := cassette.ParseFast(p, data)
			if filepath.Base(p) == "govcr.yaml" {
				Expect(ok).To(BeTrue(), "go-vcr's own output takes the fast path")
			}
			if ok {
				Expect(fast).To(Equal(slow), p)
			}
		}
	})

	It("leaves every malformed cassette to yaml.v3, so errors come from one place", func() {
		paths, err := filepath.Glob("testdata/malformed/*.yaml")
		Expect(err).NotTo(HaveOccurred())
		for _, p := range paths {
			data, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			_, ok := cassette.ParseFast(p, data)
			Expect(ok).To(BeFalse(), p)
		}
	})
})
