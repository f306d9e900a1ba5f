// Package atomicfile writes whole files crash-safely: a reader, and the file after a
// crash or a power loss, holds the old content or the new one, never a part. Every
// file noticeconf writes whole (provenance files, the CA, the normalized cassette,
// verify's reports, the generated docs) goes through it; cassettes being recorded
// are appended by cassette.Writer.
package atomicfile

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Option changes how Write and WriteFunc make the file.
type Option func(*options)

type options struct {
	exactMode bool
}

// ExactMode makes the file's mode exactly perm, whatever the umask: for a file only
// its owner may read (a report that shows requests and answers, 0600) even under a
// umask that would take the owner's bits away, and for a file whose mode is part of
// what it is (a generated page, 0644).
func ExactMode() Option { return func(o *options) { o.exactMode = true } }

// Write writes data to path: to a new file in the same directory, created with mode
// perm (less the umask, as os.WriteFile does, unless ExactMode), fsynced, renamed
// over path, and then the directory fsynced, so that the rename itself survives a
// power loss. On error path is left as it was.
func Write(path string, data []byte, perm fs.FileMode, opts ...Option) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, opts...)
}

// WriteFunc is Write for content that write produces: write gets a buffered writer
// on the new file, and an error from it leaves path as it was. The error WriteFunc
// returns names path.
func WriteFunc(path string, perm fs.FileMode, write func(io.Writer) error, opts ...Option) error {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	f, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-", perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // fails harmlessly once renamed
	fail := func(err error) error {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if o.exactMode {
		if err := f.Chmod(perm); err != nil {
			return fail(err)
		}
	}
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("fsync: %w", err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return Rename(tmp, path)
}

// Rename renames the complete, fsynced file from onto to and fsyncs to's directory.
func Rename(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("write %s: %w", to, err)
	}
	if err := SyncDir(filepath.Dir(to)); err != nil {
		return fmt.Errorf("write %s: %w", to, err)
	}
	return nil
}

// SyncDir fsyncs the directory dir, making the names created or renamed in it durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("fsync directory: %w", err)
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return fmt.Errorf("fsync directory %s: %w", dir, err)
	}
	return d.Close()
}

// createTemp creates a new file in dir named prefix and a random suffix with mode perm
// less the umask (os.CreateTemp would make it 0600 whatever perm).
func createTemp(dir, prefix string, perm fs.FileMode) (*os.File, error) {
	for try := 0; ; try++ {
		var b [8]byte
		_, _ = rand.Read(b[:])
		f, err := os.OpenFile(filepath.Join(dir, prefix+hex.EncodeToString(b[:])), os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) && try < 100 {
			continue
		}
		return f, err
	}
}
