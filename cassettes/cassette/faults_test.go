package cassette_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// fullDisk is a cassette.Sink over a disk with room for a number of bytes: a write
// that does not fit writes what fits and fails with ENOSPC, as write(2) does. Room
// can be given back, as when the user frees space.
type fullDisk struct {
	cassette.Sink
	mu        sync.Mutex
	room      int64
	failTrunc bool
	size      int64
}

func (d *fullDisk) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if int64(len(p)) <= d.room {
		d.room -= int64(len(p))
		n, err := d.Sink.Write(p)
		d.size += int64(n)
		return n, err
	}
	fit := p[:d.room]
	d.room = 0
	n, err := d.Sink.Write(fit)
	d.size += int64(n)
	if err != nil {
		return n, err
	}
	return n, syscall.ENOSPC
}

func (d *fullDisk) Truncate(size int64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failTrunc {
		return syscall.EIO
	}
	d.room += d.size - size
	d.size = size
	return d.Sink.Truncate(size)
}

func (d *fullDisk) setRoom(n int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.room = n
}

// openFull opens a Writer at a new path whose file sits on a fullDisk with room bytes.
func openFull(t *testing.T, room int64, opts cassette.WriterOptions) (*cassette.Writer, *fullDisk, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "full.yaml")
	disk := &fullDisk{room: room}
	opts.WrapFile = func(s cassette.Sink) cassette.Sink { disk.Sink = s; return disk }
	w, err := cassette.OpenWriterWith(path, cassette.CreateNew, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w, disk, path
}

// mustLoad loads path with the package's loader (the one replay, verify, audit and
// normalize read through) and returns the request bodies it holds.
func mustLoad(t *testing.T, path string) (bodies []string, warnings []string) {
	t.Helper()
	f, err := cassette.LoadFile(path)
	if err != nil {
		t.Fatalf("every reader must still load %s: %v", path, err)
	}
	ids := map[int]bool{}
	for _, i := range f.Interactions {
		if ids[i.ID] {
			t.Fatalf("%s: id %d twice", path, i.ID)
		}
		ids[i.ID] = true
		bodies = append(bodies, i.Request.Body)
	}
	return bodies, f.Warnings
}

// TestWriterDiskFillsMidRun fills the disk in the middle of 80 appends, then frees
// space: every Append that succeeded is in the file, none that failed is, and the
// file loads without a warning, both while the disk is full and after.
func TestWriterDiskFillsMidRun(t *testing.T) {
	for _, behind := range []bool{false, true} {
		t.Run(fmt.Sprintf("SyncBehind=%v", behind), func(t *testing.T) {
			w, disk, path := openFull(t, 20_000, cassette.WriterOptions{SyncBehind: behind})
			var ok, failed []string
			for n := range 80 {
				if n == 60 {
					disk.setRoom(1 << 30) // space comes back
				}
				body := fmt.Sprintf(`{"n":%d,"pad":"%s"}`, n, strings.Repeat("x", 300))
				_, err := w.Append(interaction(body))
				switch {
				case err == nil:
					ok = append(ok, body)
				case errors.Is(err, syscall.ENOSPC):
					failed = append(failed, body)
				default:
					t.Fatalf("append %d: %v, want nil or ENOSPC", n, err)
				}
				if n == 45 {
					got, warnings := mustLoad(t, path)
					if len(warnings) > 0 || len(got) != len(ok) {
						t.Fatalf("with the disk full: %d interactions (warnings %q), want the %d appended", len(got), warnings, len(ok))
					}
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if len(failed) == 0 || len(ok) <= 60-len(failed) {
				t.Fatalf("the disk must fill mid-run and recover: %d ok, %d failed", len(ok), len(failed))
			}
			got, warnings := mustLoad(t, path)
			if len(warnings) > 0 {
				t.Fatalf("warnings %q: a failed write must leave no torn record", warnings)
			}
			if strings.Join(got, "\n") != strings.Join(ok, "\n") {
				t.Fatalf("the file holds %d interactions, want exactly the %d whose Append succeeded", len(got), len(ok))
			}
			t.Logf("80 appends: %d written, %d refused with ENOSPC", len(ok), len(failed))
		})
	}
}

// TestWriterStopsWhenItCannotCutBack: when the cut back to the last complete record
// fails too, the Writer stops: every later Append fails, even with space back, and
// every reader still loads what was written before, with a warning.
func TestWriterStopsWhenItCannotCutBack(t *testing.T) {
	w, disk, path := openFull(t, 2_000, cassette.WriterOptions{})
	disk.failTrunc = true
	var ok int
	var err error
	for range 20 {
		if _, err = w.Append(interaction(strings.Repeat("y", 400))); err != nil {
			break
		}
		ok++
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("append: %v, want ENOSPC", err)
	}
	disk.setRoom(1 << 30)
	if _, err := w.Append(interaction("later")); err == nil || !strings.Contains(err.Error(), "recording stopped") {
		t.Fatalf("append after a failed cut back: %v, want an error saying recording stopped", err)
	}
	_ = w.Close()
	got, warnings := mustLoad(t, path)
	if len(got) != ok || len(warnings) != 1 || !strings.Contains(warnings[0], "torn") {
		t.Fatalf("loaded %d interactions with warnings %q, want the %d written and one warning about the torn tail", len(got), warnings, ok)
	}
}

// TestLoadTornTail cuts a Writer's file at every byte and loads each cut: every
// reader gets the interactions complete before the cut, with a warning naming the
// file when the cut is inside one.
func TestLoadTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whole.yaml")
	w, err := cassette.OpenWriter(path, cassette.CreateNew)
	if err != nil {
		t.Fatal(err)
	}
	var ends []int
	for n := range 3 {
		if _, err := w.Append(interaction(fmt.Sprintf("body %d\nline two: \"quoted\"", n))); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		ends = append(ends, int(fi.Size()))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.yaml")
	for size := len("---\nversion: 2\ninteractions:\n"); size <= len(whole); size++ {
		if err := os.WriteFile(cut, whole[:size], 0o644); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, e := range ends {
			if e <= size {
				want++
			}
		}
		f, err := cassette.LoadFile(cut)
		if err != nil {
			t.Fatalf("cut at %d of %d bytes: %v", size, len(whole), err)
		}
		// A cut at the line end before a record's duration line loses only the
		// duration: the record is read, with no warning.
		onlyDuration := want < len(ends) && strings.HasPrefix(string(whole[size:ends[want]]), "    duration: ")
		if onlyDuration {
			if len(f.Interactions) != want+1 || len(f.Warnings) > 0 {
				t.Fatalf("cut before the duration line at %d bytes: %d interactions, warnings %q; want %d and none", size, len(f.Interactions), f.Warnings, want+1)
			}
			continue
		}
		if n := len(f.Interactions); n != want {
			t.Fatalf("cut at %d bytes (ends %v): %d interactions, want %d; warnings %q; tail %q", size, ends, n, want, f.Warnings, whole[max(0, size-60):size])
		}
		atEnd := size == len("---\nversion: 2\ninteractions:\n") || want > 0 && size == ends[want-1]
		if !atEnd && len(f.Interactions) == want && (len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], cut)) {
			t.Fatalf("cut at %d bytes, inside a record: warnings %q, want one naming %s", size, f.Warnings, cut)
		}
		if atEnd && len(f.Warnings) > 0 {
			t.Fatalf("cut at %d bytes, a record's end: warnings %q, want none", size, f.Warnings)
		}
	}
}

// TestSecondWriterRefused: a second Writer on a cassette fails with ErrLocked naming
// the holder's pid; once the first closes, a new one opens.
func TestSecondWriterRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "one.yaml")
	w, err := cassette.OpenWriter(path, cassette.CreateNew)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []cassette.WriteMode{cassette.Append, cassette.Overwrite} {
		_, err := cassette.OpenWriter(path, mode)
		if !errors.Is(err, cassette.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d, started ", os.Getpid())) {
			t.Fatalf("second writer (mode %d): %v, want ErrLocked naming pid %d and its start time", mode, err, os.Getpid())
		}
	}
	if _, err := w.Append(interaction("first")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cassette.LockPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock file after Close: %v, want it removed", err)
	}
	w2, err := cassette.OpenWriter(path, cassette.Append)
	if err != nil {
		t.Fatalf("after the first writer closed: %v", err)
	}
	if _, err := w2.Append(interaction("second")); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := mustLoad(t, path); len(got) != 2 {
		t.Fatalf("%d interactions, want 2", len(got))
	}
}

// TestLoadRefusesFIFOsAndDevices: a FIFO with no writer and /dev/zero are refused at
// once, not read.
func TestLoadRefusesFIFOsAndDevices(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	for path, kind := range map[string]string{fifo: "a FIFO", "/dev/zero": "a character device"} {
		done := make(chan error, 1)
		go func() { _, err := cassette.LoadFile(path); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, cassette.ErrNotRegular) && !strings.Contains(err.Error(), kind) {
				t.Fatalf("%s: %v, want it refused as %s", path, err, kind)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the loader blocked on it", path)
		}
		if _, err := cassette.LoadPaths(filepath.Dir(path)); path == fifo && err == nil {
			t.Fatalf("a directory holding a FIFO named *.yaml must be refused")
		}
	}
}

// TestLoadRefusesAliasBomb: nested aliases that would expand a few kilobytes to
// gigabytes are refused with the file named, quickly and in little memory.
func TestLoadRefusesAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\nversion: 2\nl0: &l0 \"" + strings.Repeat("x", 100) + "\"\n")
	for n := 1; n <= 9; n++ {
		fmt.Fprintf(&b, "l%d: &l%d [", n, n)
		for k := range 10 {
			if k > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", n-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("interactions:\n- id: 0\n  request: {method: GET, url: /x, body: *l9}\n  response: {code: 200}\n")
	_, err := cassette.Parse("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "bomb.yaml") || !strings.Contains(err.Error(), "aliases") {
		t.Fatalf("alias bomb: %v, want it refused naming the file and the aliases", err)
	}
}

// TestLoadMemoryBounded: loading a 20 MB cassette written by a Writer never holds
// much more than its interactions: the heap's peak during the load, sampled with the
// collector made eager, stays under three times the file (reading the file whole and
// building its node tree, as before, peaks over four times).
func TestLoadMemoryBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.yaml")
	w, err := cassette.OpenWriterWith(path, cassette.CreateNew, cassette.WriterOptions{SyncBehind: true})
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("0123456789", 300)
	for n := range 5000 {
		i := interaction(fmt.Sprintf(`{"n":%d,"pad":"%s"}`, n, pad[:900]))
		i.Response.Body = `{"result":"` + pad + `"}`
		if _, err := w.Append(i); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	base := heapObjects()
	var peak atomic.Uint64
	var samples atomic.Int64
	stop := make(chan struct{})
	started := make(chan struct{})
	sampled := make(chan struct{})
	sample := func() {
		if h := heapObjects(); h > peak.Load() {
			peak.Store(h)
		}
	}
	go func() {
		defer close(sampled)
		sample()
		close(started)
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Microsecond):
			}
			sample()
			samples.Add(1)
		}
	}()
	<-started
	f, err := cassette.LoadFile(path)
	close(stop)
	<-sampled
	sample() // what the load left behind counts too
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Interactions) != 5000 {
		t.Fatalf("%d interactions, want 5000", len(f.Interactions))
	}
	// A peak from a handful of samples says nothing: the load must have been watched.
	const minSamples = 10
	if n := samples.Load(); n < minSamples {
		t.Fatalf("the heap was sampled %d times during the load, want at least %d: the peak was not measured", n, minSamples)
	}
	held := liveHeap() - base
	runtime.KeepAlive(f)
	top := peak.Load() - base
	t.Logf("%d-byte cassette, %d interactions: heap peak during the load %d bytes (%.2fx), held once loaded %d bytes (%.2fx)",
		fi.Size(), len(f.Interactions), top, float64(top)/float64(fi.Size()), held, float64(held)/float64(fi.Size()))
	if top > 3*uint64(fi.Size()) {
		t.Fatalf("loading a %d-byte cassette peaked at %d bytes of heap, over three times its size", fi.Size(), top)
	}
}

// heapObjects returns the bytes of heap objects, live or not yet collected.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// liveHeap returns the bytes of live heap after a collection.
func liveHeap() uint64 {
	runtime.GC()
	return heapObjects()
}

// TestLoadZerosAfterPowerLoss: a file whose last writes became zeros (a power loss
// before the fsync) loads with every complete record and a warning.
func TestLoadZerosAfterPowerLoss(t *testing.T) {
	path := filepath.Join(t.TempDir(), "power.yaml")
	w, err := cassette.OpenWriter(path, cassette.CreateNew)
	if err != nil {
		t.Fatal(err)
	}
	for n := range 3 {
		if _, err := w.Append(interaction(fmt.Sprint(n))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, make([]byte, 4096)...), 0o644); err != nil {
		t.Fatal(err)
	}
	got, warnings := mustLoad(t, path)
	if len(got) != 3 || len(warnings) != 1 {
		t.Fatalf("%d interactions, warnings %q; want all 3 and one warning", len(got), warnings)
	}
}
