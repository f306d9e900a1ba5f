package proxy_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/proxy"
)

// fillingDisk is a cassette.Sink over a disk with room for a number of bytes: a
// write that does not fit writes what fits and fails with ENOSPC, as write(2) does.
type fillingDisk struct {
	cassette.Sink
	mu         sync.Mutex
	room, size int64
}

func (d *fillingDisk) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fit := p
	if int64(len(p)) > d.room {
		fit = p[:d.room]
	}
	n, err := d.Sink.Write(fit)
	d.room -= int64(n)
	d.size += int64(n)
	if err == nil && n < len(p) {
		err = syscall.ENOSPC
	}
	return n, err
}

func (d *fillingDisk) Truncate(size int64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.room += d.size - size
	d.size = size
	return d.Sink.Truncate(size)
}

func (d *fillingDisk) free() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.room = 1 << 40
}

var _ = Describe("Recording onto a disk that fills", func() {
	for _, fsyncFirst := range []bool{false, true} {
		When(fmt.Sprintf("the disk fills after a few interactions (fsync before response: %v), then space comes back", fsyncFirst), func() {
			It("answers 507 with a JSON body for each interaction it could not write, and the cassette holds exactly those it answered", func() {
				up := startMock(false)
				disk := &fillingDisk{room: 12_000}
				path := filepath.Join(GinkgoT().TempDir(), "full.yaml")
				p := startProxy(proxy.Config{
					Upstream: up.URL, Cassette: path, FsyncBeforeResponse: fsyncFirst,
					WrapCassetteFile: func(s cassette.Sink) cassette.Sink { disk.Sink = s; return disk },
				})
				const total, freeAt = 80, 60
				var answered, refused []string
				for n := range total {
					if n == freeAt {
						disk.free()
					}
					marker := fmt.Sprintf("full-%03d", n)
					body := `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"],"param_config":"` + marker + `"}` + "\n"
					resp, got := post(plainClient(), p.URL, demoJob, body, tokenHeader())
					switch resp.StatusCode {
					case http.StatusOK:
						answered = append(answered, marker)
					case http.StatusInsufficientStorage:
						expectProxyError(resp, got, http.StatusInsufficientStorage, "could not be written to the cassette")
						Expect(got).To(ContainSubstring("no space left on device"))
						refused = append(refused, marker)
					default:
						Fail(fmt.Sprintf("request %d: answered %d %s, want 200 or the proxy's 507", n, resp.StatusCode, got))
					}
				}
				Expect(refused).NotTo(BeEmpty(), "the disk must fill mid-run")
				Expect(len(answered)).To(BeNumerically(">", total-freeAt), "recording must go on once space is back")
				Expect(p.logs.String()).To(ContainSubstring("interaction not recorded"))

				p.closed = true
				p.server.Close()
				Expect(p.Close()).To(MatchError(ContainSubstring("no space left on device")), "Close reports the failed writes")

				f, err := cassette.LoadFile(path)
				Expect(err).NotTo(HaveOccurred(), "every reader must still load the cassette")
				Expect(f.Warnings).To(BeEmpty(), "a failed write leaves no torn record")
				var recorded []string
				for _, i := range f.Interactions {
					for _, m := range answered {
						if strings.Contains(i.Request.Body, m) {
							recorded = append(recorded, m)
						}
					}
				}
				Expect(recorded).To(Equal(answered), "the cassette holds every interaction answered 200, in order, and nothing else")
				Expect(f.Interactions).To(HaveLen(len(answered)))
				fmt.Fprintf(GinkgoWriter, "%d requests: %d answered and recorded, %d refused with 507\n", total, len(answered), len(refused))
			})
		})
	}
})
