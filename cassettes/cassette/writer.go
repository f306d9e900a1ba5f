package cassette

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// WriteMode is how OpenWriter treats a cassette file that already exists.
type WriteMode int

const (
	// CreateNew starts a new cassette and refuses to open a file that already exists.
	CreateNew WriteMode = iota
	// Overwrite starts a new cassette, truncating a file that already exists.
	Overwrite
	// Append adds interactions after those already in the file, numbering them on
	// from the last one. A file that does not exist yet is created.
	Append
)

// fileHeader opens every cassette file. Interactions follow it as YAML sequence items.
const fileHeader = "---\nversion: 2\ninteractions:\n"

// ErrWriterClosed is returned (wrapped) by Writer.Append after Close.
var ErrWriterClosed = errors.New("cassette writer is closed")

// ErrExists is returned (wrapped) by OpenWriter in CreateNew mode when the file exists.
var ErrExists = errors.New("cassette already exists")

// Writer appends interactions to a go-vcr v3 cassette file (format version 2) so that
// the file parses, with go-vcr's own cassette.Load, after every Append: the header is
// written once, and each interaction is appended as one complete YAML sequence item in
// a single write. An Append costs the same whatever the size of the cassette; nothing
// is ever rewritten.
//
// By default each write is followed by an fsync before Append returns. With
// WriterOptions.SyncBehind, Append returns once the write is done (in the file, where
// the death of the process can no longer lose it) and a background goroutine makes it
// durable with an fsync within WriterOptions.MaxSyncLag, off the caller's path.
//
// Appends from many goroutines are safe. Concurrent appends are committed together
// (one write, and one fsync, for all of them), and ids are given in the order the
// interactions reach the Writer. The caller must call Close when finished.
type Writer struct {
	path string
	f    Sink
	opts WriterOptions
	lock *fileLock

	// size is the length of the file up to the end of its last complete interaction:
	// where a failed write is cut back to. Only the flushing goroutine uses it.
	size int64
	// broken is set when a failed write could not be cut back: the file may end in a
	// torn record, and every later Append fails with it. Guarded by mu.
	broken error

	mu       sync.Mutex
	nextID   int
	queue    []*pendingItem
	flushing bool
	closed   bool
	syncs    int
	idle     *sync.Cond // signalled when flushing turns false
	// encoders and fastEncoders are kept for Append to encode interactions with,
	// outside the lock; items holds the buffers of written items for the next
	// encodings.
	encoders, fastEncoders, items sync.Pool
	// pending keeps pendingItems, with their channels, for the next Appends.
	pending sync.Pool
	// out is the buffer a batch is assembled in for its one write, kept from batch
	// to batch (unless it grew past maxKeptBuffer). Only the flushing goroutine uses it.
	out []byte

	// Sync-behind state, guarded by mu.
	written, synced int64     // batches written, batches known durable
	unsyncedSince   time.Time // when the oldest write not yet durable was made
	// syncing is set while an fsync is under way; afterSnapshot is when the first
	// write it does not cover was made (zero while there is none).
	syncing       bool
	afterSnapshot time.Time
	syncErr       error      // the first failed background fsync
	syncedCond    *sync.Cond // signalled when synced moves
	kick          chan struct{}
	urgent        chan struct{} // an Append waits for the next fsync: skip the window
	syncerDone    chan struct{}
}

// WriterOptions tunes a Writer. The zero value fsyncs every commit before Append
// returns.
type WriterOptions struct {
	// SyncBehind lets Append return once its interaction is written to the file and
	// fsyncs in the background, a twentieth of MaxSyncLag after a write is first
	// pending (one fsync covers the writes of that window). If false, Append returns
	// only after the fsync.
	SyncBehind bool
	// MaxSyncLag bounds how far durability may fall behind with SyncBehind: an Append
	// that finds a write older than MaxSyncLag still waiting for its fsync waits for
	// that fsync before it writes. If zero, DefaultMaxSyncLag.
	MaxSyncLag time.Duration
	// WrapFile, if not nil, is given the opened cassette file and returns what the
	// Writer writes through instead: a fault injector (a disk that fills after N
	// bytes, an I/O error) for tests. If nil, the *os.File is used as it is.
	WrapFile func(Sink) Sink
}

// Sink is what a Writer writes a cassette file through; *os.File implements it.
type Sink interface {
	Write(p []byte) (int, error)
	Truncate(size int64) error
	Sync() error
	Close() error
}

// DefaultMaxSyncLag is WriterOptions.MaxSyncLag when it is zero.
const DefaultMaxSyncLag = 100 * time.Millisecond

// pendingItem is one encoded interaction waiting for its write and fsync: item is
// its encoding with the id line of id 0 (see encoder), id the id it is written
// with.
type pendingItem struct {
	item []byte
	id   int
	done chan error
}

// maxKeptBuffer bounds the batch buffer a Writer keeps between writes: a batch of
// large bodies gets a buffer of its own, not kept.
const maxKeptBuffer = 1 << 20

// maxKeptItem bounds the buffer of an encoded item a Writer keeps for the next.
const maxKeptItem = 64 << 10

// OpenWriter opens the cassette at path for appending in the given mode. Missing
// parent directories are created. In Append mode an existing file must be a version 2
// cassette; a last interaction cut short by a crash is dropped (the file is truncated
// to the end of the last complete one).
func OpenWriter(path string, mode WriteMode) (*Writer, error) {
	return OpenWriterWith(path, mode, WriterOptions{})
}

// OpenWriterWith is OpenWriter with options.
//
// A Writer holds a lock on the cassette (an flock on the sidecar file PATH.lock, which
// names the holder's pid and start time) until Close: a second Writer on the same
// file, in this process or another, fails with ErrLocked naming the holder.
func OpenWriterWith(path string, mode WriteMode, opts WriterOptions) (*Writer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cassette %s: %w", path, err)
	}
	lock, err := acquireLock(path)
	if err != nil {
		return nil, err
	}
	w, err := openLocked(path, mode, opts)
	if err != nil {
		lock.release()
		return nil, err
	}
	w.lock = lock
	return w, nil
}

// openLocked is OpenWriterWith once the lock is held.
func openLocked(path string, mode WriteMode, opts WriterOptions) (*Writer, error) {
	var (
		f   *os.File
		err error
	)
	switch mode {
	case CreateNew:
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("cassette %s: %w", path, ErrExists)
		}
	case Overwrite:
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
	case Append:
		return openAppend(path, opts)
	default:
		return nil, fmt.Errorf("cassette %s: unknown write mode %d", path, mode)
	}
	if err != nil {
		return nil, fmt.Errorf("cassette %s: %w", path, err)
	}
	w := newWriter(path, f, 0, opts)
	if err := w.start(); err != nil {
		_ = w.f.Close()
		return nil, err
	}
	w.startSyncer()
	return w, nil
}

func newWriter(path string, f *os.File, nextID int, opts WriterOptions) *Writer {
	if opts.MaxSyncLag <= 0 {
		opts.MaxSyncLag = DefaultMaxSyncLag
	}
	var file Sink = f
	if opts.WrapFile != nil {
		file = opts.WrapFile(f)
	}
	w := &Writer{path: path, f: file, nextID: nextID, opts: opts}
	w.idle = sync.NewCond(&w.mu)
	w.syncedCond = sync.NewCond(&w.mu)
	return w
}

// startSyncer starts the background fsync goroutine of a sync-behind Writer.
func (w *Writer) startSyncer() {
	if !w.opts.SyncBehind {
		return
	}
	w.kick = make(chan struct{}, 1)
	w.urgent = make(chan struct{}, 1)
	w.syncerDone = make(chan struct{})
	go w.syncer()
}

// syncer fsyncs whenever writes are pending, until kick is closed; then once more if
// anything is left. It lets a twentieth of MaxSyncLag pass between the first pending
// write and its fsync, so that one fsync covers the writes of that window.
func (w *Writer) syncer() {
	defer close(w.syncerDone)
	window := time.NewTimer(0)
	defer window.Stop()
	for range w.kick {
		window.Reset(w.opts.MaxSyncLag / 20)
		select {
		case <-window.C:
		case <-w.urgent:
		}
		w.syncPending()
	}
	w.syncPending()
}

// syncPending fsyncs the writes made so far, if any are not yet durable.
func (w *Writer) syncPending() {
	w.mu.Lock()
	target := w.written
	if target == w.synced {
		w.mu.Unlock()
		return
	}
	w.syncs++
	w.syncing, w.afterSnapshot = true, time.Time{}
	w.mu.Unlock()
	err := w.f.Sync()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.synced = target
	if err != nil && w.syncErr == nil {
		w.syncErr = fmt.Errorf("cassette %s: fsync: %w; recording stopped", w.path, err)
	}
	w.syncing = false
	if w.synced == w.written {
		w.unsyncedSince = time.Time{}
	} else {
		// Writes made during the fsync: the oldest is the first of them.
		w.unsyncedSince = w.afterSnapshot
	}
	w.syncedCond.Broadcast()
}

// start writes the header of a new, empty file and makes it and its directory entry
// durable.
func (w *Writer) start() error {
	n, err := w.f.Write([]byte(fileHeader))
	if err != nil {
		if n > 0 {
			_ = w.f.Truncate(0)
		}
		return fmt.Errorf("cassette %s: write header: %w", w.path, err)
	}
	w.size = int64(n)
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("cassette %s: sync: %w", w.path, err)
	}
	return syncDir(filepath.Dir(w.path))
}

func openAppend(path string, opts WriterOptions) (*Writer, error) {
	n, keep, size, err := appendPoint(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && size == 0) {
		return openLocked(path, Overwrite, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("cassette %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("cassette %s: %w", path, err)
	}
	w := newWriter(path, f, n, opts)
	w.size = int64(keep)
	if int64(keep) < size {
		if err := w.f.Truncate(int64(keep)); err != nil {
			_ = w.f.Close()
			return nil, fmt.Errorf("cassette %s: drop a torn last interaction: %w", path, err)
		}
		if err := w.f.Sync(); err != nil {
			_ = w.f.Close()
			return nil, fmt.Errorf("cassette %s: sync: %w", path, err)
		}
	}
	w.startSyncer()
	return w, nil
}

// appendPoint returns the id the next interaction of the cassette at path gets, the
// length of its prefix of complete interactions and its size. A cassette that loads
// whole and ends on a complete record is streamed (see LoadFile) and only its tail is
// read again; any other is read whole, for completePrefix to cut.
func appendPoint(path string) (nextID, keep int, size int64, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, 0, err
	}
	if fi.Size() == 0 {
		return 0, 0, 0, nil
	}
	if f, err := LoadFile(path); err == nil && len(f.Warnings) == 0 && fi.Mode().IsRegular() {
		if tail, err := readTail(path, fi.Size(), 64<<10); err == nil && complete(tail) && endsOnRecord(tail) {
			for _, i := range f.Interactions {
				if i.ID >= nextID {
					nextID = i.ID + 1
				}
			}
			return nextID, int(fi.Size()), fi.Size(), nil
		}
	}
	data, err := readRegular(path, 0)
	if err != nil {
		return 0, 0, 0, err
	}
	nextID, keep, err = completePrefix(path, data)
	return nextID, keep, int64(len(data)), err
}

// endsOnRecord reports whether the tail of a file ends with a whole last line (not a
// line cut by the start of the tail).
func endsOnRecord(tail []byte) bool {
	return bytes.Count(tail, []byte{'\n'}) >= 2
}

// readTail reads the last n bytes (at most) of the file at path, of size size.
func readTail(path string, size, n int64) ([]byte, error) {
	f, _, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	off := max(size-n, 0)
	buf := make([]byte, size-off)
	if _, err := f.ReadAt(buf, off); err != nil {
		return nil, err
	}
	return buf, nil
}

// completePrefix checks a cassette file and returns the id the next interaction gets
// and the length of the longest prefix that holds only complete interactions. An
// interrupted append can leave a last sequence item (a line starting with "- " at
// column 0) cut anywhere, even where the rest still parses; such an item does not end
// with its duration line, and is dropped. The prefix is read by Parse, so that what
// every reader refuses (aliases, a second document, duplicate ids) is refused here too.
func completePrefix(path string, data []byte) (nextID, keep int, err error) {
	keep = len(data)
	if k, torn := tornTail(data); torn {
		keep = k
	} else if !complete(data) {
		cut := bytes.LastIndex(data, []byte("\n- "))
		if cut < 0 {
			if _, err := Parse(path, data); err != nil {
				return 0, 0, fmt.Errorf("not a complete cassette: %w", err)
			}
			return 0, 0, errors.New("not a complete cassette: no complete interaction")
		}
		keep = cut + 1
	}
	f, err := Parse(path, data[:keep])
	if err != nil {
		return 0, 0, fmt.Errorf("not a complete cassette: %w", err)
	}
	if !complete(data[:keep]) || len(f.Warnings) > 0 {
		return 0, 0, errors.New("not a complete cassette: its last interactions are damaged")
	}
	for _, i := range f.Interactions {
		if i.ID >= nextID {
			nextID = i.ID + 1
		}
	}
	return nextID, keep, nil
}

// complete reports whether a cassette's bytes end where a Writer leaves them between
// appends: after the header or after the last line of an interaction.
func complete(data []byte) bool {
	if bytes.HasSuffix(data, []byte("\ninteractions:\n")) {
		return true
	}
	if !bytes.HasSuffix(data, []byte("\n")) {
		return false
	}
	last := data[bytes.LastIndexByte(data[:len(data)-1], '\n')+1:]
	return bytes.HasPrefix(last, lastLine)
}

// Path returns the cassette file's path.
func (w *Writer) Path() string { return w.path }

// Len returns the number of interactions in the file, including those there before an
// Append-mode open.
func (w *Writer) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.nextID
}

// Append encodes i, gives it the next id (i.ID is overwritten), and returns once it is
// written and fsynced, or, with SyncBehind, once it is written (its fsync follows at
// once in the background; a failed background fsync fails the next Appends and Close).
// The caller must not change i during the call.
func (w *Writer) Append(i *vcr.Interaction) (int, error) {
	item, err := w.encode(i)
	if err != nil {
		return 0, fmt.Errorf("cassette %s: encode interaction: %w", w.path, err)
	}
	p, _ := w.pending.Get().(*pendingItem)
	if p == nil {
		p = &pendingItem{done: make(chan error, 1)}
	}
	w.mu.Lock()
	if w.opts.SyncBehind {
		// Back-pressure: durability must not fall further behind than MaxSyncLag.
		for !w.closed && !w.unsyncedSince.IsZero() && time.Since(w.unsyncedSince) > w.opts.MaxSyncLag && w.syncErr == nil {
			select {
			case w.urgent <- struct{}{}:
			default: // already asked
			}
			w.syncedCond.Wait()
		}
	}
	if w.closed {
		w.mu.Unlock()
		return 0, fmt.Errorf("cassette %s: %w", w.path, ErrWriterClosed)
	}
	if err := errors.Join(w.syncErr, w.broken); err != nil {
		w.mu.Unlock()
		return 0, err
	}
	id := w.nextID
	w.nextID++
	p.item, p.id = item, id
	w.queue = append(w.queue, p)
	if !w.flushing {
		w.flushing = true
		w.flushLocked()
	}
	w.mu.Unlock()
	err = <-p.done
	w.pending.Put(p) // its one send received: nothing refers to it any more
	return id, err
}

// flushLocked writes batches of queued items until the queue is empty. It is called
// with w.mu held by the one goroutine that set w.flushing, and drops the lock while
// it writes so that others can queue the next batch meanwhile.
//
// A write that fails (a full disk, an I/O error) fails every item of its batch, and
// the file is cut back to the end of its last complete interaction, so that it stays
// a cassette of what was written before and the next write lands on a clean end. If
// the cut fails too, the Writer is broken: every later Append fails.
func (w *Writer) flushLocked() {
	for len(w.queue) > 0 {
		batch := w.queue
		w.queue = nil
		if !w.opts.SyncBehind {
			w.syncs++
		}
		if w.broken != nil {
			for _, p := range batch {
				p.done <- w.broken
			}
			continue
		}
		w.mu.Unlock()
		buf := w.assemble(batch)
		n, err := w.f.Write(buf)
		if cap(buf) <= maxKeptBuffer {
			w.out = buf[:0]
		}
		if err == nil && n != len(buf) {
			err = io.ErrShortWrite
		}
		var broken error
		if err != nil {
			err = fmt.Errorf("cassette %s: append: %w", w.path, err)
			if terr := w.f.Truncate(w.size); terr != nil {
				broken = fmt.Errorf("%w; cutting the file back to its last complete interaction (%d bytes) failed too: %v; recording stopped", err, w.size, terr)
				err = broken
			}
		} else {
			w.size += int64(n)
			if !w.opts.SyncBehind {
				if serr := w.f.Sync(); serr != nil {
					// The bytes are in the file but perhaps not on the disk: the
					// interactions cannot be promised, and neither can later ones.
					w.size -= int64(n)
					_ = w.f.Truncate(w.size)
					err = fmt.Errorf("cassette %s: fsync: %w; recording stopped", w.path, serr)
					broken = err
				}
			}
		}
		for _, p := range batch {
			w.recycle(p.item)
			p.item = nil
			p.done <- err
		}
		w.mu.Lock()
		if broken != nil && w.broken == nil {
			w.broken = broken
		}
		if w.opts.SyncBehind && err == nil {
			w.written++
			now := time.Now()
			if w.unsyncedSince.IsZero() {
				w.unsyncedSince = now
			}
			if w.syncing && w.afterSnapshot.IsZero() {
				w.afterSnapshot = now
			}
			select {
			case w.kick <- struct{}{}:
			default: // the syncer is already due to run
			}
		}
	}
	w.flushing = false
	w.idle.Broadcast()
}

// Syncs returns how many fsyncs of appended interactions the Writer has made.
// Concurrent Appends share one, so Syncs is at most the number of Appends.
func (w *Writer) Syncs() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.syncs
}

// Sync waits until every interaction appended so far is durable: it returns at once
// without SyncBehind, and otherwise waits for the background fsync. It returns the
// error of a failed background fsync.
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.opts.SyncBehind && w.synced < w.written && w.syncErr == nil {
		w.syncedCond.Wait()
	}
	return w.syncErr
}

// Close waits for the commit in progress, if any, makes every write durable and
// closes the file. It returns the error of a failed background fsync, if any. Appends
// after Close fail with ErrWriterClosed. Close is safe to call more than once.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	for w.flushing {
		w.idle.Wait()
	}
	w.mu.Unlock()
	var syncErr error
	if w.opts.SyncBehind {
		close(w.kick)
		<-w.syncerDone
		w.mu.Lock()
		syncErr = w.syncErr
		w.mu.Unlock()
	}
	err := w.f.Close()
	w.lock.release()
	if err != nil {
		return errors.Join(syncErr, fmt.Errorf("cassette %s: close: %w", w.path, err))
	}
	return syncErr
}

// idLine is the first line of an encoded item; appendWithID replaces its number.
var idLine = []byte("- id: 0\n")

// lastLine starts the last line of an encoded item: go-vcr's Response.Duration is the
// last field of an Interaction.
var lastLine = []byte("    duration: ")

// encode returns the record of i (its ID taken as 0): the fast encoder's when it
// takes i, else the library's, through an encoder of the Writer's pool.
func (w *Writer) encode(i *vcr.Interaction) ([]byte, error) {
	f, _ := w.fastEncoders.Get().(*fastEncoder)
	if f == nil {
		f = new(fastEncoder)
	}
	var buf []byte
	if b, _ := w.items.Get().(*[]byte); b != nil {
		buf = *b
	}
	out, ok := f.encode(i, buf)
	w.fastEncoders.Put(f)
	if ok {
		return out, nil
	}
	w.recycle(out)
	e, _ := w.encoders.Get().(*encoder)
	if e == nil {
		e = new(encoder)
	}
	defer w.encoders.Put(e)
	return e.encode(i)
}

// recycle keeps the buffer of an item no longer needed for a later encoding.
func (w *Writer) recycle(item []byte) {
	if cap(item) > 0 && cap(item) <= maxKeptItem {
		item = item[:0]
		w.items.Put(&item)
	}
}

// assemble returns the bytes of one write of batch: each item with its own id, in
// order, in the Writer's kept buffer when it is big enough.
func (w *Writer) assemble(batch []*pendingItem) []byte {
	size := 0
	for _, p := range batch {
		size += len(p.item) + 16
	}
	buf := w.out[:0]
	if cap(buf) < size {
		buf = make([]byte, 0, size)
	}
	for _, p := range batch {
		buf = appendWithID(buf, p.item, p.id)
	}
	return buf
}

// appendWithID appends item, an encoding whose first line is idLine, to buf with
// the id line of id instead.
func appendWithID(buf, item []byte, id int) []byte {
	buf = append(buf, "- id: "...)
	buf = strconv.AppendInt(buf, int64(id), 10)
	buf = append(buf, '\n')
	return append(buf, item[len(idLine):]...)
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
