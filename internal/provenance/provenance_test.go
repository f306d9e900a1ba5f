package provenance_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/provenance"
)

// recording writes a cassette like one the recording proxy writes from the reference
// mock, with the wall-clock values of one run, and its provenance.
func recording(path, port, requestID, date, sdkDate string, d time.Duration) {
	GinkgoHelper()
	w, err := cassette.OpenWriter(path, cassette.CreateNew)
	Expect(err).NotTo(HaveOccurred())
	_, err = w.Append(&vcr.Interaction{
		Request: vcr.Request{
			Method: http.MethodPost, Host: "127.0.0.1:" + port,
			URL:     "http://127.0.0.1:" + port + "/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
			Headers: http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=x-sdk-date, Signature=REDACTED"}, "X-Sdk-Date": {sdkDate}},
			Body:    `{"notice_type":"MAIL"}`,
		},
		Response: vcr.Response{
			Code: 401, Status: "401 Unauthorized", Duration: d,
			Headers: http.Header{"X-Request-Id": {requestID}, "Date": {date}},
			Body:    `{"error_msg":"x","error_code":"APIGW.0301","request_id":"` + requestID + `"}`,
		},
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(w.Close()).To(Succeed())
	Expect(provenance.Write(path, provenance.New("http://127.0.0.1:"+port, time.Now()))).To(Succeed())
}

var _ = Describe("Read and Write", func() {
	var path string
	BeforeEach(func() { path = filepath.Join(GinkgoT().TempDir(), "c.yaml") })

	It("round-trip a provenance beside the cassette, without credentials in the upstream", func() {
		p := provenance.New("https://user:secret@cloudbuild-ext.cn-north-4.myhuaweicloud.com/?access_token=abc#x", time.Date(2026, 2, 3, 4, 5, 6, 7, time.UTC))
		Expect(provenance.Write(path, p)).To(Succeed())
		Expect(provenance.PathFor(path)).To(BeAnExistingFile())
		got, err := provenance.Read(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Upstream).To(Equal("https://cloudbuild-ext.cn-north-4.myhuaweicloud.com"))
		Expect(got.RecordedAt).To(Equal(time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)))
		Expect(got.Tool).To(Equal(provenance.ToolRecord))
		Expect(got.ToolVersion).NotTo(BeEmpty())
		Expect(got.Credentials).To(BeEmpty())
	})

	It("report a missing file with ErrMissing, and name every missing field", func() {
		_, err := provenance.Read(path)
		Expect(errors.Is(err, provenance.ErrMissing)).To(BeTrue())
		Expect(os.WriteFile(provenance.PathFor(path), []byte(`{"version":1,"tool":"noticeconf record"}`), 0o644)).To(Succeed())
		_, err = provenance.Read(path)
		Expect(err).To(MatchError(ContainSubstring("provenance lacks upstream, recorded_at, tool_version, credentials")))
		Expect(os.WriteFile(provenance.PathFor(path), []byte(`{`), 0o644)).To(Succeed())
		_, err = provenance.Read(path)
		Expect(err).To(MatchError(ContainSubstring("not valid JSON")))
	})
})

var _ = Describe("Normalize", func() {
	It("makes two recordings of the same traffic byte for byte equal, and says what it replaced", func() {
		dir := GinkgoT().TempDir()
		a, b := filepath.Join(dir, "a", "c.yaml"), filepath.Join(dir, "b", "c.yaml")
		recording(a, "40001", "3dc2aeea78619ff68563ef98cbfb38fa", "Wed, 26 Nov 2026 19:39:42 GMT", "20261126T193942Z", 3*time.Millisecond)
		recording(b, "40002", "00ccd460a4bacaf55cfb99381043bb02", "Wed, 26 Nov 2026 19:40:01 GMT", "20261126T194001Z", 5*time.Millisecond)
		o := provenance.NormalizeOptions{Date: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Host: "reference-mock.invalid", Note: "n"}
		Expect(provenance.Normalize(a, o)).To(Succeed())
		Expect(provenance.Normalize(b, o)).To(Succeed())
		for _, name := range []string{"c.yaml", "c.yaml" + provenance.Suffix} {
			ab, err := os.ReadFile(filepath.Join(dir, "a", name))
			Expect(err).NotTo(HaveOccurred())
			bb, err := os.ReadFile(filepath.Join(dir, "b", name))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(ab)).To(Equal(string(bb)), name)
		}
		f, err := cassette.LoadFile(a)
		Expect(err).NotTo(HaveOccurred())
		in := f.Interactions[0]
		Expect(in.Request.URL).To(Equal("http://reference-mock.invalid/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update"))
		Expect(in.Request.Headers.Get("X-Sdk-Date")).To(Equal("20260101T000000Z"))
		Expect(in.Response.Headers.Get("Date")).To(Equal("Thu, 01 Jan 2026 00:00:00 GMT"))
		Expect(in.Response.Headers.Get("X-Request-Id")).To(Equal("00000000000000000000000000000001"))
		Expect(in.Response.Body).To(ContainSubstring(`"request_id":"00000000000000000000000000000001"`), "the body's copy of the id follows the header")
		Expect(in.Response.Duration).To(BeZero())
		Expect(in.Response.Code).To(Equal(401))
		p, err := provenance.Read(a)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Upstream).To(Equal("http://reference-mock.invalid"))
		Expect(p.Credentials).To(Equal([]cassette.AuthKind{cassette.AuthAKSK}))
		Expect(p.Normalized).To(ContainElement(ContainSubstring("durations set to 0")))
		Expect(p.Note).To(Equal("n"))
	})

	It("refuses a cassette without provenance, and a zero date", func() {
		path := filepath.Join(GinkgoT().TempDir(), "c.yaml")
		Expect(os.WriteFile(path, []byte("---\nversion: 2\ninteractions:\n"), 0o644)).To(Succeed())
		Expect(provenance.Normalize(path, provenance.NormalizeOptions{Date: time.Now()})).To(MatchError(provenance.ErrMissing))
		Expect(provenance.Normalize(path, provenance.NormalizeOptions{})).To(MatchError(ContainSubstring("a date is required")))
	})
})
