package cassette_test

import (
	"errors"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// canonical returns h with canonical header names, as the loader stores them.
func canonical(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := http.Header{}
	for k, v := range h {
		ck := textproto.CanonicalMIMEHeaderKey(k)
		out[ck] = append(out[ck], v...)
	}
	return out
}

// vcrLoad loads path with go-vcr v3's own cassette.Load.
func vcrLoad(path string) (*vcr.Cassette, error) {
	return vcr.Load(strings.TrimSuffix(path, ".yaml"))
}

// expectSameAsVCR checks that the loader read path exactly as go-vcr v3 does.
func expectSameAsVCR(path string) {
	GinkgoHelper()
	f, err := cassette.LoadFile(path)
	Expect(err).NotTo(HaveOccurred())
	want, err := vcrLoad(path)
	Expect(err).NotTo(HaveOccurred(), "go-vcr v3 itself must load %s", path)
	Expect(f.Version).To(Equal(want.Version))
	Expect(f.Interactions).To(HaveLen(len(want.Interactions)))
	for i, w := range want.Interactions {
		got := f.Interactions[i].Interaction
		Expect(got.Request.Headers).To(Equal(canonical(w.Request.Headers)), "interaction %d request headers", i)
		Expect(got.Response.Headers).To(Equal(canonical(w.Response.Headers)), "interaction %d response headers", i)
		Expect(got.Request.Trailer).To(Equal(canonical(w.Request.Trailer)))
		Expect(got.Response.Trailer).To(Equal(canonical(w.Response.Trailer)))
		got.Request.Headers, w.Request.Headers = nil, nil
		got.Response.Headers, w.Response.Headers = nil, nil
		got.Request.Trailer, w.Request.Trailer = nil, nil
		got.Response.Trailer, w.Response.Trailer = nil, nil
		Expect(got).To(Equal(*w), "interaction %d", i)
	}
}

var _ = Describe("cassette.LoadFile", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	When("the cassette was written by go-vcr v3's own Save", func() {
		It("reads every field exactly as go-vcr's cassette.Load does", func() {
			c := vcr.New(filepath.Join(dir, "govcr"))
			c.AddInteraction(&vcr.Interaction{
				Request: vcr.Request{
					Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: 73,
					Host: "127.0.0.1:8080", RemoteAddr: "127.0.0.1:5555", RequestURI: "/v3/x",
					Body: "{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\"]}\n",
					Form: map[string][]string{"a": {"1", "2"}},
					Headers: http.Header{"Content-Type": {"application/json"}, "X-Auth-Token": {cassette.Redacted},
						"Accept-Encoding": {"gzip"}},
					URL:              "http://127.0.0.1:8080/v3/jobs/notice/db8467d972cc47f7a1bd2a3a3e77596a/update?b=2&a=1",
					Method:           "POST",
					TransferEncoding: []string{"chunked"},
					Trailer:          http.Header{"X-Trailer": {"t"}},
				},
				Response: vcr.Response{
					Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: -1, Uncompressed: true,
					Body:     "{\"result\":\"x\",\"error\":null,\"status\":\"success\"}",
					Headers:  http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "X-Request-Id": {"abc"}},
					Status:   "200 OK",
					Code:     200,
					Duration: 1234567 * time.Nanosecond,
				},
			})
			c.AddInteraction(&vcr.Interaction{
				Request:  vcr.Request{Method: "GET", URL: "/bin", Body: "\x00\x01\xff not utf-8"},
				Response: vcr.Response{Code: 500, Body: "\xfe\xff", Duration: 3 * time.Second},
			})
			Expect(c.Save()).To(Succeed())
			expectSameAsVCR(c.File)
		})
	})

	When("the cassette was written by hand with flow style, anchors, binary bodies and unknown keys", func() {
		It("reads it as go-vcr v3 does, with header names made canonical", func() {
			src, err := os.ReadFile("testdata/valid/handwritten.yaml")
			Expect(err).NotTo(HaveOccurred())
			path := filepath.Join(dir, "handwritten.yaml")
			Expect(os.WriteFile(path, src, 0o600)).To(Succeed())
			expectSameAsVCR(path)

			f, err := cassette.LoadFile("testdata/valid/handwritten.yaml")
			Expect(err).NotTo(HaveOccurred())
			Expect(f.Interactions[0].Line).To(Equal(9))
			Expect(f.Interactions[1].Line).To(Equal(26))
			Expect(f.Interactions[0].Request.Headers.Get("X-Auth-Token")).To(Equal(cassette.Redacted))
			Expect(f.Interactions[1].Request.Headers).To(Equal(f.Interactions[0].Request.Headers))
			Expect(f.Interactions[2].Request.Body).To(Equal("\x00\x01\x02\xff"))
			Expect(f.Interactions[2].Response.Code).To(Equal(500))
			Expect(f.Interactions[0].Response.Duration).To(Equal(1500 * time.Microsecond))
			Expect(f.Interactions[1].Response.Duration).To(Equal(2 * time.Millisecond))
		})
	})

	When("the cassette is go-vcr's output committed in testdata", func() {
		It("reads it exactly as go-vcr's cassette.Load does", func() {
			src, err := os.ReadFile("testdata/valid/govcr.yaml")
			Expect(err).NotTo(HaveOccurred())
			path := filepath.Join(dir, "govcr.yaml")
			Expect(os.WriteFile(path, src, 0o600)).To(Succeed())
			expectSameAsVCR(path)
		})
	})

	When("the interactions key is empty", func() {
		It("loads a cassette with no interactions", func() {
			f, err := cassette.LoadFile("testdata/valid/empty-interactions.yaml")
			Expect(err).NotTo(HaveOccurred())
			Expect(f.Interactions).To(BeEmpty())
			Expect(f.Version).To(Equal(cassette.FormatVersion))
		})
	})

	// The malformed corpus: each file with the exact error it gives. The error names
	// the file, the line where one applies, and what is wrong.
	DescribeTable("refuses a malformed cassette with a clear error",
		func(name, want string) {
			path := filepath.Join("testdata", "malformed", name)
			f, err := cassette.LoadFile(path)
			Expect(f).To(BeNil())
			Expect(err).To(MatchError(path + want))
			var le *cassette.LoadError
			Expect(errors.As(err, &le)).To(BeTrue(), "a *LoadError")
			Expect(le.Path).To(Equal(path))
		},
		Entry("not YAML: an unclosed flow mapping", "not-yaml-unclosed-flow.yaml", ":3: not valid YAML: did not find expected ',' or '}'"),
		Entry("not YAML: a tab in the indentation", "not-yaml-tab.yaml", ":2: not valid YAML: found a tab character that violates indentation"),
		Entry("an empty file", "empty.yaml", ": empty file: not a cassette (want a go-vcr v3 cassette, format version 2)"),
		Entry("a list at the top level", "top-level-list.yaml", ":1: top level is a list, want a mapping with version and interactions (a go-vcr v3 cassette)"),
		Entry("no version", "no-version.yaml", ":1: no version key: want \"version: 2\" (go-vcr v3 cassette format)"),
		Entry("format version 1", "version-1.yaml", ":2: version: format version 1, want 2 (go-vcr v3); re-record the cassette with noticeconf or go-vcr v3"),
		Entry("a version that is not a number", "version-not-int.yaml", ":1: version: is \"two\", want an integer"),
		Entry("a version with no value", "null-version.yaml", ":1: version: is null, want 2"),
		Entry("no interactions key", "no-interactions.yaml", ":1: no interactions key: want \"interactions:\" followed by a list"),
		Entry("interactions as a mapping", "interactions-mapping.yaml", ":3: interactions: is a mapping, want a list"),
		Entry("an interaction that is a string", "interaction-scalar.yaml", ":3: interactions[0]: is \"just a string\", want a mapping with id, request and response"),
		Entry("an interaction without id", "no-id.yaml", ":4: interactions[0]: no id: want \"id: N\", unique in the cassette"),
		Entry("two interactions with one id", "duplicate-id.yaml", ":10: interactions[1]: duplicate id 0 (also at line 4)"),
		Entry("a negative id", "negative-id.yaml", ":3: interactions[0].id: -1 is not a valid id (want 0, 1, 2, ...)"),
		Entry("a request without method", "no-method.yaml", ":5: interactions[0].request: no method: want e.g. \"method: POST\""),
		Entry("a method with a space", "bad-method.yaml", ":5: interactions[0].request.method: \"PO ST\" is not an HTTP method"),
		Entry("a request without url", "no-url.yaml", ":5: interactions[0].request: no url: want e.g. \"url: https://host/v3/jobs/notice/JOB/update\""),
		Entry("a url that does not parse", "bad-url.yaml", ":6: interactions[0].request.url: \"http://host/v3/%zz\" is not a URL: invalid URL escape \"%zz\""),
		Entry("an interaction without request", "no-request.yaml", ":3: interactions[0]: no request"),
		Entry("an interaction without response", "no-response.yaml", ":3: interactions[0]: no response"),
		Entry("a response without code", "no-code.yaml", ":8: interactions[0].response: no code: want the HTTP status, e.g. \"code: 200\""),
		Entry("a code that is no HTTP status", "bad-code.yaml", ":8: interactions[0].response.code: 42 is not an HTTP status (want 100 to 999)"),
		Entry("a header value that is not a list", "header-not-list.yaml", ":9: interactions[0].response.headers.Content-Type: is \"application/json\", want a list of strings"),
		Entry("a duration that does not parse", "bad-duration.yaml", ":9: interactions[0].response.duration: is \"fast\", want a duration such as \"12.5ms\""),
		Entry("a duration in bare nanoseconds, which go-vcr cannot read", "int-duration.yaml", ":9: interactions[0].response.duration: is \"1500000\", want a duration such as \"12.5ms\""),
		Entry("a !!binary body that is not base64", "bad-binary.yaml", ":9: interactions[0].response.body: !!binary value is not base64: illegal base64 data at input byte 14"),
		Entry("a key given twice", "repeated-key.yaml", ":7: interactions[0].request: key repeated (first at line 4)"),
		Entry("two YAML documents", "two-documents.yaml", ":4: a second YAML document; a cassette is exactly one document"),
	)

	When("the file cannot be read", func() {
		It("says so, naming the file", func() {
			path := filepath.Join(dir, "missing.yaml")
			_, err := cassette.LoadFile(path)
			Expect(err).To(MatchError(path + ": cannot read: no such file or directory"))
		})
		It("says so for a directory given as a file", func() {
			path := filepath.Join(dir, "dir.yaml")
			Expect(os.Mkdir(path, 0o700)).To(Succeed())
			_, err := cassette.LoadFile(path)
			Expect(err).To(MatchError(path + ": cannot read: is a directory"))
		})
	})

	It("never panics on any prefix of a valid cassette", func() {
		src, err := os.ReadFile("testdata/valid/handwritten.yaml")
		Expect(err).NotTo(HaveOccurred())
		for i := range src {
			Expect(func() { _, _ = cassette.Parse("prefix.yaml", src[:i]) }).NotTo(Panic())
		}
	})
})

var _ = Describe("cassette.LoadPaths", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		Expect(os.WriteFile(p, []byte(text), 0o600)).To(Succeed())
		return p
	}
	const good = "version: 2\ninteractions:\n  - {id: 0, request: {method: GET, url: /a}, response: {code: 200}}\n"

	When("given a directory", func() {
		It("loads every *.yaml and *.yml file in it and below it, in path order, and nothing else", func() {
			write("b.yml", good)
			write("a.yaml", good)
			write("notes.txt", "not a cassette")
			Expect(os.Mkdir(filepath.Join(dir, "sub.yaml"), 0o700)).To(Succeed())
			write("sub.yaml/c.yaml", good)
			files, err := cassette.LoadPaths(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(files).To(HaveLen(3))
			Expect(files[0].Path).To(Equal(filepath.Join(dir, "a.yaml")))
			Expect(files[1].Path).To(Equal(filepath.Join(dir, "b.yml")))
			Expect(files[2].Path).To(Equal(filepath.Join(dir, "sub.yaml", "c.yaml")))
		})
		It("refuses a directory with no cassette in it", func() {
			_, err := cassette.LoadPaths(dir)
			Expect(err).To(MatchError(dir + ": directory holds no cassette (no *.yaml or *.yml file)"))
		})
	})

	When("some of the files are bad", func() {
		It("reports every bad file, each with its line", func() {
			write("a.yaml", good)
			bad1 := write("b.yaml", "version: 3\ninteractions: []\n")
			bad2 := write("c.yaml", "version: 2\ninteractions:\n  - {id: 0, request: {url: /a}, response: {code: 200}}\n")
			_, err := cassette.LoadPaths(dir)
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(Equal(
				bad1 + ":1: version: format version 3, want 2 (go-vcr v3); re-record the cassette with noticeconf or go-vcr v3\n" +
					bad2 + ":3: interactions[0].request: no method: want e.g. \"method: POST\""))
			var le *cassette.LoadError
			Expect(errors.As(err, &le)).To(BeTrue())
			Expect(le.Path).To(Equal(bad1))
		})
	})

	It("loads a file named twice once", func() {
		p := write("a.yaml", good)
		files, err := cassette.LoadPaths(p, dir, dir+"/./a.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(HaveLen(1))
	})

	It("refuses a path that does not exist, and no path at all", func() {
		_, err := cassette.LoadPaths(filepath.Join(dir, "nope"))
		Expect(err).To(MatchError(filepath.Join(dir, "nope") + ": cannot read: no such file or directory"))
		_, err = cassette.LoadPaths()
		Expect(err).To(MatchError("no cassette given"))
	})
})
