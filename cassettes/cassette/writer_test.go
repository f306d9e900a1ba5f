package cassette_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// interaction returns a small interaction whose request body is body.
func interaction(body string) *vcr.Interaction {
	return &vcr.Interaction{
		Request: vcr.Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Method:        http.MethodPost,
			URL:           "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
			Host:          "cloudbuild-ext.cn-north-4.myhuaweicloud.com",
			Headers:       http.Header{"Content-Type": {"application/json"}, "X-Auth-Token": {cassette.Redacted}},
			Body:          body,
			ContentLength: int64(len(body)),
		},
		Response: vcr.Response{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Status: "200 OK", Code: 200,
			Headers:  http.Header{"Content-Type": {"application/json;charset=UTF-8"}},
			Body:     `{"result":"x","error":null,"status":"success"}`,
			Duration: 1234567 * time.Nanosecond,
		},
	}
}

// load reads path with go-vcr v3's own loader.
func load(path string) *vcr.Cassette {
	GinkgoHelper()
	c, err := vcr.Load(strings.TrimSuffix(path, ".yaml"))
	Expect(err).NotTo(HaveOccurred(), "go-vcr's cassette.Load must read %s", path)
	return c
}

var _ = Describe("Writer", func() {
	var path string

	BeforeEach(func() {
		path = filepath.Join(GinkgoT().TempDir(), "sub", "x.yaml")
	})

	When("a cassette is created and nothing is appended", func() {
		It("writes a version 2 file that go-vcr loads with no interactions", func() {
			w, err := cassette.OpenWriter(path, cassette.CreateNew)
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Close()).To(Succeed())
			c := load(path)
			Expect(c.Version).To(Equal(cassette.FormatVersion))
			Expect(c.Interactions).To(BeEmpty())
		})
	})

	When("interactions are appended", func() {
		It("numbers them 0..n-1, keeps bodies byte for byte and keeps the duration, and the file parses after every append", func() {
			bodies := []string{
				"{\"notice_type\":\"MAIL\"}\n",
				"",
				"  leading spaces\r\nCRLF line\r\n\ttab\n\n\n",
				"- id: 7\n  request: fake\n---\n...\n",
				"\xff\xfe not utf-8 \x00 bytes",
				"trailing spaces   \nlast line without newline   ",
				`"quoted" 'single' #hash: colon`,
				"\n",
				"\n\n",
				" \n ",
			}
			w, err := cassette.OpenWriter(path, cassette.CreateNew)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(w.Close)
			for n, b := range bodies {
				id, err := w.Append(interaction(b))
				Expect(err).NotTo(HaveOccurred())
				Expect(id).To(Equal(n))
				Expect(load(path).Interactions).To(HaveLen(n + 1))
			}
			c := load(path)
			for n, b := range bodies {
				Expect(c.Interactions[n].ID).To(Equal(n))
				Expect([]byte(c.Interactions[n].Request.Body)).To(Equal([]byte(b)), "request body %d must round-trip byte for byte", n)
				Expect(c.Interactions[n].Response.Duration).To(Equal(1234567 * time.Nanosecond))
				Expect(c.Interactions[n].Request.Headers.Get("X-Auth-Token")).To(Equal(cassette.Redacted))
			}
		})
	})

	When("200 goroutines append at once", func() {
		It("gives each a distinct id, writes every one, and commits the appends queued behind an fsync in one fsync", func() {
			const n = 200
			// The first fsync waits until every append has its id (and so is queued):
			// the appends queued behind it must then share one fsync, whatever the
			// scheduler does.
			var w *cassette.Writer
			var armed, gated atomic.Bool
			wrap := func(s cassette.Sink) cassette.Sink {
				return gateSink{Sink: s, before: func() {
					if !armed.Load() || !gated.CompareAndSwap(false, true) {
						return
					}
					for deadline := time.Now().Add(10 * time.Second); w.Len() < n && time.Now().Before(deadline); {
						time.Sleep(time.Millisecond)
					}
				}}
			}
			w, err := cassette.OpenWriterWith(path, cassette.CreateNew, cassette.WriterOptions{WrapFile: wrap})
			Expect(err).NotTo(HaveOccurred())
			armed.Store(true)
			ids := make([]int, n)
			var wg sync.WaitGroup
			for k := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer GinkgoRecover()
					id, err := w.Append(interaction(fmt.Sprintf("body-%d", k)))
					Expect(err).NotTo(HaveOccurred())
					ids[k] = id
				}()
			}
			wg.Wait()
			Expect(w.Len()).To(Equal(n))
			Expect(w.Syncs()).To(BeNumerically("<=", 2), "the appends queued behind the first fsync must share the next one")
			Expect(w.Close()).To(Succeed())
			c := load(path)
			Expect(c.Interactions).To(HaveLen(n))
			for pos, i := range c.Interactions {
				Expect(i.ID).To(Equal(pos), "ids must follow the order in the file")
			}
			for k, id := range ids {
				Expect(c.Interactions[id].Request.Body).To(Equal(fmt.Sprintf("body-%d", k)), "the id Append returned must name that interaction")
			}
		})
	})

	When("the file already exists", func() {
		BeforeEach(func() {
			w, err := cassette.OpenWriter(path, cassette.CreateNew)
			Expect(err).NotTo(HaveOccurred())
			_, err = w.Append(interaction("first"))
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Close()).To(Succeed())
		})

		It("refuses to open it in CreateNew mode", func() {
			_, err := cassette.OpenWriter(path, cassette.CreateNew)
			Expect(err).To(MatchError(cassette.ErrExists))
			Expect(load(path).Interactions).To(HaveLen(1))
		})

		It("truncates it in Overwrite mode", func() {
			w, err := cassette.OpenWriter(path, cassette.Overwrite)
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Close()).To(Succeed())
			Expect(load(path).Interactions).To(BeEmpty())
		})

		It("continues the ids in Append mode", func() {
			w, err := cassette.OpenWriter(path, cassette.Append)
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Len()).To(Equal(1))
			id, err := w.Append(interaction("second"))
			Expect(err).NotTo(HaveOccurred())
			Expect(id).To(Equal(1))
			Expect(w.Close()).To(Succeed())
			c := load(path)
			Expect(c.Interactions).To(HaveLen(2))
			Expect(c.Interactions[1].Request.Body).To(Equal("second"))
		})

		It("drops a last interaction cut short by a crash when opened in Append mode", func() {
			data, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			whole := len(data)
			item := data[strings.Index(string(data), "- id: 0"):]
			torn := strings.Replace(string(item[:len(item)/2]), "- id: 0", "- id: 1", 1)
			Expect(os.WriteFile(path, append(data, torn...), 0o644)).To(Succeed())

			w, err := cassette.OpenWriter(path, cassette.Append)
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Len()).To(Equal(1))
			fi, err := os.Stat(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(fi.Size()).To(BeEquivalentTo(whole))
			_, err = w.Append(interaction("after the crash"))
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Close()).To(Succeed())
			Expect(load(path).Interactions).To(HaveLen(2))
		})

		It("refuses to append to a file that is not a version 2 cassette", func() {
			Expect(os.WriteFile(path, []byte("---\nversion: 1\ninteractions: []\n"), 0o644)).To(Succeed())
			_, err := cassette.OpenWriter(path, cassette.Append)
			Expect(err).To(MatchError(ContainSubstring("version")))
		})
	})

	When("the writer is closed", func() {
		It("refuses further appends", func() {
			w, err := cassette.OpenWriter(path, cassette.CreateNew)
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Close()).To(Succeed())
			Expect(w.Close()).To(Succeed())
			_, err = w.Append(interaction("late"))
			Expect(err).To(MatchError(cassette.ErrWriterClosed))
		})
	})
})

// gateSink calls before ahead of every Sync.
type gateSink struct {
	cassette.Sink
	before func()
}

func (g gateSink) Sync() error {
	g.before()
	return g.Sink.Sync()
}
