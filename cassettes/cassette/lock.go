package cassette

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ErrLocked is returned (wrapped) by OpenWriter when another Writer, in this process
// or another, holds the cassette.
var ErrLocked = errors.New("cassette is being written by another recorder")

// LockPath returns the sidecar lock file of the cassette at path.
func LockPath(path string) string { return path + ".lock" }

// fileLock is an exclusive flock on a cassette's sidecar lock file. The file holds
// the holder's pid and start time, for the error another recorder shows.
type fileLock struct {
	path string
	f    *os.File
}

// lockHolder is what a lock file says of the process that holds it.
func lockHolder(path string) string {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return "holder unknown"
	}
	var pid, started string
	for _, field := range strings.Fields(string(data)) {
		if v, ok := strings.CutPrefix(field, "pid="); ok {
			pid = v
		}
		if v, ok := strings.CutPrefix(field, "started="); ok {
			started = v
		}
	}
	if pid == "" {
		return "holder unknown"
	}
	return fmt.Sprintf("pid %s, started %s", pid, started)
}

// holderLine is written into the lock file by its holder.
func holderLine() string {
	return "pid=" + strconv.Itoa(os.Getpid()) + " started=" + time.Now().UTC().Format(time.RFC3339) + "\n"
}

// release unlocks and removes the lock file. It is safe on a nil lock.
func (l *fileLock) release() {
	if l == nil || l.f == nil {
		return
	}
	// Removed while still held, so that nobody can lock the old file after it is
	// gone; acquireLock checks that the file it locked is still the one at its path.
	_ = os.Remove(l.path)
	_ = unlockFile(l.f)
	_ = l.f.Close()
	l.f = nil
}

// acquireLock takes the lock of the cassette at path, or fails with ErrLocked naming
// the holder.
func acquireLock(path string) (*fileLock, error) {
	lp := LockPath(path)
	for range 10 {
		f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("cassette %s: lock file: %w", path, err)
		}
		if err := lockFile(f); err != nil {
			_ = f.Close()
			if errors.Is(err, errWouldBlock) {
				return nil, fmt.Errorf("cassette %s: %w (%s; lock file %s): stop that recorder first, or record to another file", path, ErrLocked, lockHolder(lp), lp)
			}
			return nil, fmt.Errorf("cassette %s: lock %s: %w", path, lp, err)
		}
		if !sameFile(f, lp) {
			// Removed by its last holder between our open and our lock: start over.
			_ = unlockFile(f)
			_ = f.Close()
			continue
		}
		if err := f.Truncate(0); err == nil {
			_, _ = f.WriteAt([]byte(holderLine()), 0)
		}
		return &fileLock{path: lp, f: f}, nil
	}
	return nil, fmt.Errorf("cassette %s: lock %s: the lock file keeps changing", path, lp)
}

// sameFile reports whether f is still the file at path.
func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// Lock takes the lock a Writer holds on the cassette at path, for a program that
// rewrites the file by other means (e.g. through a temporary file renamed over it):
// it fails with ErrLocked while a recorder writes the file, and keeps recorders out
// until release is called.
func Lock(path string) (release func(), err error) {
	l, err := acquireLock(path)
	if err != nil {
		return nil, err
	}
	return l.release, nil
}
