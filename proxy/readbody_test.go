package proxy

import (
	"bytes"
	"errors"
	"testing"
	"testing/iotest"
)

// TestReadAtMostReadsWhatIsThereWhateverTheAnnouncedSize reads bodies whose
// announced size is right, too small, too large or unknown, a byte at a time: each
// comes back whole, and one over the limit comes back as errBodyTooLarge with the
// first limit+1 bytes.
func TestReadAtMostReadsWhatIsThereWhateverTheAnnouncedSize(t *testing.T) {
	const limit = 3 * maxPresize
	for _, n := range []int{0, 1, 100, maxPresize, maxPresize + 1, limit} {
		body := bytes.Repeat([]byte("abcdefghij"), n/10+1)[:n]
		for _, size := range []int64{int64(n), int64(n / 2), int64(n)*2 + 1, -1, limit * 4} {
			got, err := readAtMost(iotest.OneByteReader(bytes.NewReader(body)), limit, size)
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("body of %d bytes announced as %d: got %d bytes, err %v", n, size, len(got), err)
			}
		}
	}
	over := bytes.Repeat([]byte{'x'}, limit+10)
	got, err := readAtMost(bytes.NewReader(over), limit, int64(len(over)))
	if !errors.Is(err, errBodyTooLarge) || len(got) != limit+1 {
		t.Errorf("body over the limit: got %d bytes, err %v; want limit+1 = %d bytes and errBodyTooLarge", len(got), err, limit+1)
	}
	broken := errors.New("connection reset")
	if _, err := readAtMost(iotest.ErrReader(broken), limit, 10); !errors.Is(err, broken) {
		t.Errorf("a failing reader: err %v, want %v", err, broken)
	}
}
