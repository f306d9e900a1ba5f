package cassette_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

var _ = Describe("Writer with SyncBehind", func() {
	var (
		path string
		w    *cassette.Writer
	)

	BeforeEach(func() {
		path = filepath.Join(GinkgoT().TempDir(), "behind.yaml")
		var err error
		w, err = cassette.OpenWriterWith(path, cassette.CreateNew, cassette.WriterOptions{SyncBehind: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(w.Close)
	})

	When("Append returns", func() {
		It("has already written the interaction to the file, where a crash of the process cannot lose it", func() {
			for n := range 5 {
				id, err := w.Append(interaction(fmt.Sprintf("body-%d", n)))
				Expect(err).NotTo(HaveOccurred())
				Expect(id).To(Equal(n))
				// Read at once, before any Sync: the bytes are in the file.
				c := load(path)
				Expect(c.Interactions).To(HaveLen(n + 1))
				Expect(c.Interactions[n].Request.Body).To(Equal(fmt.Sprintf("body-%d", n)))
			}
		})
	})

	When("many goroutines append", func() {
		It("makes every interaction durable with fewer fsyncs than appends, in the background", func() {
			const n = 200
			var wg sync.WaitGroup
			for k := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer GinkgoRecover()
					_, err := w.Append(interaction(fmt.Sprintf("body-%d", k)))
					Expect(err).NotTo(HaveOccurred())
				}()
			}
			wg.Wait()
			Expect(w.Sync()).To(Succeed())
			syncs := w.Syncs()
			Expect(syncs).To(BeNumerically(">=", 1), "the background fsync must have run")
			Expect(syncs).To(BeNumerically("<", n), "appends of one window share an fsync")
			Expect(w.Close()).To(Succeed())
			Expect(load(path).Interactions).To(HaveLen(n))
		})
	})

	When("it is closed right after an append", func() {
		It("fsyncs the last write before Close returns, and refuses later appends", func() {
			_, err := w.Append(interaction("last"))
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Close()).To(Succeed())
			Expect(w.Syncs()).To(Equal(1))
			_, err = w.Append(interaction("late"))
			Expect(err).To(MatchError(cassette.ErrWriterClosed))
			data, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(data)).To(ContainSubstring("body: last"))
			Expect(string(data)).NotTo(ContainSubstring("late"))
		})
	})

	When("it is opened in Append mode", func() {
		It("keeps the options and numbers on from the existing interactions", func() {
			_, err := w.Append(interaction("first"))
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Close()).To(Succeed())
			w2, err := cassette.OpenWriterWith(path, cassette.Append, cassette.WriterOptions{SyncBehind: true})
			Expect(err).NotTo(HaveOccurred())
			id, err := w2.Append(interaction("second"))
			Expect(err).NotTo(HaveOccurred())
			Expect(id).To(Equal(1))
			Expect(w2.Sync()).To(Succeed())
			Expect(w2.Syncs()).To(Equal(1))
			Expect(w2.Close()).To(Succeed())
			Expect(load(path).Interactions).To(HaveLen(2))
		})
	})
})
