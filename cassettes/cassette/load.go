package cassette

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// File is one loaded cassette: go-vcr v3's interactions, in file order, each with the
// line it starts on. A File is read-only once loaded; it is safe for concurrent reads.
type File struct {
	// Path is the file the cassette was loaded from, as given to the loader.
	Path string
	// Version is the cassette format version (always FormatVersion once loaded).
	Version int
	// Interactions are the recorded exchanges in the order they appear in the file.
	Interactions []Interaction
	// Warnings say what the loader left out of a file it still loaded, each naming the
	// file and line: a last interaction torn by a crash or a full disk in the middle
	// of its write. Readers should show them. Empty when nothing was left out.
	Warnings []string
}

// Interaction is one recorded exchange, in go-vcr v3's own type, with where it sits in
// its file. Header names (request and response) are in canonical form
// (textproto.CanonicalMIMEHeaderKey); values are exactly as recorded.
type Interaction struct {
	vcr.Interaction
	// Line is the line of the file the interaction starts on (1-based).
	Line int
}

// LoadError is what is wrong with a cassette file, and where.
type LoadError struct {
	// Path is the file (or directory) at fault.
	Path string
	// Line is the 1-based line the problem is on; zero when no line applies.
	Line int
	// Msg says what is wrong.
	Msg string
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// LoadPaths loads every cassette named by paths. A path that is a directory stands for
// every *.yaml and *.yml file in it and below it, in path order; a directory with none is an
// error. A file named twice is loaded once. Every bad file is reported: the error joins
// one *LoadError per problem found (errors.As finds the first).
func LoadPaths(paths ...string) ([]*File, error) {
	if len(paths) == 0 {
		return nil, errors.New("no cassette given")
	}
	var (
		files []*File
		errs  []error
		seen  = map[string]bool{}
	)
	load := func(p string) {
		key := filepath.Clean(p)
		if seen[key] {
			return
		}
		seen[key] = true
		f, err := LoadFile(p)
		if err != nil {
			errs = append(errs, err)
			return
		}
		files = append(files, f)
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &LoadError{Path: p, Msg: "cannot read: " + ioReason(err)})
			continue
		}
		if !fi.IsDir() {
			load(p)
			continue
		}
		names, err := cassettesIn(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, n := range names {
			load(n)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return files, nil
}

// cassettesIn lists the cassette files in dir and below it, in lexical path order.
func cassettesIn(dir string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return &LoadError{Path: path, Msg: "cannot read directory: " + ioReason(err)}
		}
		if ext := strings.ToLower(filepath.Ext(d.Name())); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			names = append(names, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, &LoadError{Path: dir, Msg: "directory holds no cassette (no *.yaml or *.yml file)"}
	}
	return names, nil
}

// ioReason is the part of an I/O error worth showing after the path.
func ioReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// LoadFile reads and checks one cassette file. Any error is a *LoadError. Only a
// regular file is read: a FIFO, a device or a socket is refused without blocking on it.
// A Writer's file is read and decoded one record at a time, so that loading it costs
// about its interactions' size, not several times the file's.
func LoadFile(path string) (*File, error) {
	fh, size, err := openRegular(path)
	if err != nil {
		return nil, &LoadError{Path: path, Msg: "cannot read: " + ioReason(err)}
	}
	defer fh.Close()
	if f, ok := streamRecords(path, bufio.NewReaderSize(io.LimitReader(fh, size), 64<<10)); ok {
		return f, nil
	}
	// Anything else (another writer's layout, a torn tail, an error to report) is
	// read whole.
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return nil, &LoadError{Path: path, Msg: "cannot read: " + ioReason(err)}
	}
	data := make([]byte, size)
	n, err := io.ReadFull(fh, data)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, &LoadError{Path: path, Msg: "cannot read: " + ioReason(err)}
	}
	return Parse(path, data[:n])
}

// streamRecords decodes a Writer's file from r one record at a time (see
// parseRecords). False means r holds something else, or a record it cannot decode,
// or a last record without its line end (torn): the caller reads the file whole.
func streamRecords(path string, r *bufio.Reader) (*File, bool) {
	head := make([]byte, len(fileHeader))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != fileHeader {
		return nil, false
	}
	f := &File{Path: path, Version: FormatVersion}
	ids := map[int]struct{}{}
	line := bytes.Count(head, []byte{'\n'}) + 1
	var chunk []byte
	flush := func() bool {
		if len(chunk) == 0 {
			return true
		}
		in, ok := decodeRecord(path, chunk, line, len(f.Interactions))
		if !ok {
			return false
		}
		if _, dup := ids[in.ID]; dup {
			return false
		}
		ids[in.ID] = struct{}{}
		f.Interactions = append(f.Interactions, in)
		line += bytes.Count(chunk, []byte{'\n'})
		chunk = chunk[:0]
		return true
	}
	atLineStart := true
	for {
		piece, err := r.ReadSlice('\n')
		if len(piece) > 0 {
			if atLineStart && piece[0] == '-' && !flush() {
				return nil, false
			}
			if atLineStart && len(chunk) == 0 && !bytes.HasPrefix(piece, idPrefix) {
				return nil, false
			}
			chunk = append(chunk, piece...)
			atLineStart = piece[len(piece)-1] == '\n'
		}
		switch {
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if !atLineStart || !flush() {
				return nil, false
			}
			return f, true
		default:
			return nil, false
		}
	}
}

// decodeRecord decodes one record of a Writer's file (a one-item YAML sequence) that
// starts on line first; index is its place in the file.
func decodeRecord(path string, chunk []byte, first, index int) (Interaction, bool) {
	doc, ok := parseFastAt(chunk, first)
	if !ok || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.SequenceNode || len(doc.Content[0].Content) != 1 {
		return Interaction{}, false
	}
	d := decoder{path: path}
	in := d.interaction(doc.Content[0].Content[0], "interactions["+strconv.Itoa(index)+"]")
	return in, d.err == nil
}

// openRegular opens the regular file at path and returns its size, refusing a FIFO,
// a device, a socket or a directory without reading from it.
func openRegular(path string) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscallNonblock, 0)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, 0, err
	}
	if fi.IsDir() {
		_ = f.Close()
		return nil, 0, &fs.PathError{Op: "read", Path: path, Err: errors.New("is a directory")}
	}
	if !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, 0, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%s): a cassette must be a regular file", ErrNotRegular, fileKind(fi.Mode()))}
	}
	return f, fi.Size(), nil
}

// ErrNotRegular is returned (wrapped) by ReadFile for a path that is not a regular
// file.
var ErrNotRegular = errors.New("not a regular file")

// ReadFile reads the regular file at path, as os.ReadFile does, but refuses a FIFO, a
// device, a socket or a directory without reading from it: the file is opened
// non-blocking and checked before the first read, and at most the size it had then
// is read.
func ReadFile(path string) ([]byte, error) {
	return readRegular(path, 0)
}

// readRegular is ReadFile; extra bytes of capacity are left at the end of the slice.
func readRegular(path string, extra int) ([]byte, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data := make([]byte, size, size+int64(extra))
	n, err := io.ReadFull(f, data)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return data[:n], nil
}

// fileKind names the type of a file that is not regular.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "type " + m.Type().String()
}

// Parse checks and decodes a cassette held in data; path names it in errors. It
// accepts every cassette go-vcr v3 writes (format version 2), and refuses what go-vcr
// would misread: a second YAML document, a missing or duplicate interaction id, an
// interaction without request method, request URL or response code. It refuses YAML
// aliases too (an alias can make a small file decode to a huge one). Unknown keys are
// ignored, as go-vcr ignores them. Any error is a *LoadError.
//
// A file a Writer left with its last interaction torn (by a crash, a kill or a full
// disk in the middle of a write) is loaded without that interaction, with a warning
// in File.Warnings: its client never got an answer.
func Parse(path string, data []byte) (*File, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &LoadError{Path: path, Msg: "empty file: not a cassette (want a go-vcr v3 cassette, format version 2)"}
	}
	// A Writer's record cut inside a line may still parse, with a wrong last value
	// ("duration: 1.5" of "1.5ms"): such a file is never read whole. One cut at a line
	// end is read whole if it can be (the cut record then lacks at most its duration).
	keep, torn := tornTail(data)
	if !torn || bytes.HasSuffix(data, []byte{'\n'}) {
		f, err := parseWhole(path, data)
		if err == nil || !torn {
			return f, err
		}
	}
	f, err := parseWhole(path, data[:keep])
	if err != nil {
		return parseWhole(path, data)
	}
	line := bytes.Count(data[:keep], []byte{'\n'}) + 1
	f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: last interaction torn (the file ends %d bytes into it, as a crash or a full disk in the middle of a write leaves it): left out, its client got no answer; noticeconf record --mode append cuts it off",
		path, line, len(data)-keep))
	return f, nil
}

// idPrefix starts every item a Writer writes.
var idPrefix = []byte("- id: ")

// tornTail reports whether data is a Writer's file whose last record is cut short,
// and the length of what comes before that record.
func tornTail(data []byte) (keep int, torn bool) {
	// A Writer's file: its header, then items at column 0, each starting with its id.
	rest, ok := bytes.CutPrefix(data, []byte(fileHeader))
	if !ok || complete(data) || !(bytes.HasPrefix(rest, idPrefix) || bytes.HasPrefix(idPrefix, rest)) {
		return 0, false
	}
	// A power loss can leave zeros where the last writes were: what comes before them
	// may be whole.
	if trimmed := bytes.TrimRight(data, "\x00"); len(trimmed) < len(data) && complete(trimmed) {
		return len(trimmed), true
	}
	// Every line at column 0 after the header starts a record (a record's own lines,
	// block scalars included, are indented).
	cut := bytes.LastIndex(data, []byte("\n-"))
	if cut < len(fileHeader)-1 {
		return len(fileHeader), true
	}
	return cut + 1, true
}

// parseWhole decodes data: record by record when it is a Writer's file, through the
// fast path when it can, and through go.yaml.in/yaml/v3 otherwise (which gives every
// error).
func parseWhole(path string, data []byte) (*File, error) {
	if f, ok := parseRecords(path, data); ok {
		return f, nil
	}
	if f, ok := parseFastFile(path, data); ok {
		return f, nil
	}
	return parseSlow(path, data)
}

// parseRecords decodes a Writer's file (its header, then records at column 0) one
// record at a time, so that only one record's node tree is alive at once: loading
// costs the interactions and little more. False means "use the other paths", which
// also give the error of a file this one cannot read.
func parseRecords(path string, data []byte) (*File, bool) {
	rest, ok := bytes.CutPrefix(data, []byte(fileHeader))
	if !ok || !(len(rest) == 0 || bytes.HasPrefix(rest, idPrefix)) {
		return nil, false
	}
	f := &File{Path: path, Version: FormatVersion}
	f.Interactions = make([]Interaction, 0, bytes.Count(rest, []byte("\n-"))+1)
	ids := make(map[int]struct{}, cap(f.Interactions))
	line := bytes.Count([]byte(fileHeader), []byte{'\n'}) + 1
	for len(rest) > 0 {
		chunk := rest
		if end := bytes.Index(rest, []byte("\n-")); end >= 0 {
			chunk = rest[:end+1]
		}
		in, ok := decodeRecord(path, chunk, line, len(f.Interactions))
		if !ok {
			return nil, false
		}
		if _, dup := ids[in.ID]; dup {
			return nil, false
		}
		ids[in.ID] = struct{}{}
		f.Interactions = append(f.Interactions, in)
		line += bytes.Count(chunk, []byte{'\n'})
		rest = rest[len(chunk):]
	}
	return f, true
}

// parseFastFile decodes data through the fast path; false means "use parseSlow".
func parseFastFile(path string, data []byte) (*File, bool) {
	doc, ok := parseFast(data)
	if !ok {
		return nil, false
	}
	d := decoder{path: path}
	f := d.file(doc)
	if d.err != nil {
		return nil, false // the slow path gives the error, with yaml.v3's lines
	}
	return f, true
}

// parseSlow decodes data through go.yaml.in/yaml/v3's parser.
func parseSlow(path string, data []byte) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, yamlError(path, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, yamlError(path, err)
	default:
		return nil, &LoadError{Path: path, Line: extra.Line, Msg: "a second YAML document; a cassette is exactly one document"}
	}
	if budget := aliasBudget(len(data)); expandedSize(&doc, budget, map[*yaml.Node]int64{}) > budget {
		return nil, &LoadError{Path: path, Msg: fmt.Sprintf("YAML aliases expand this %d-byte file to more than %d bytes; a cassette may use aliases only within that budget (write the values out, or remove the aliases)", len(data), budget)}
	}
	d := decoder{path: path}
	f := d.file(&doc)
	if d.err != nil {
		return nil, d.err
	}
	return f, nil
}

// aliasBudget is how large a file of size n may become once its YAML aliases are
// expanded: a few times its size, so that aliases can shorten a hand-written cassette
// but never make a small file decode to a huge one (a "billion laughs").
func aliasBudget(n int) int64 { return 4*int64(n) + 64<<10 }

// expandedSize returns the bytes of scalar text under n with every alias expanded,
// or a number over budget as soon as it passes budget. sizes memoizes each node's
// size, so the walk is linear in the number of nodes however the aliases nest.
func expandedSize(n *yaml.Node, budget int64, sizes map[*yaml.Node]int64) int64 {
	if n == nil {
		return 0
	}
	if s, ok := sizes[n]; ok {
		return s
	}
	sizes[n] = budget + 1 // a node reached again while sized is a cycle: over budget
	var s int64
	switch n.Kind {
	case yaml.AliasNode:
		s = expandedSize(n.Alias, budget, sizes)
	case yaml.ScalarNode:
		s = int64(len(n.Value)) + 1
	default:
		for _, c := range n.Content {
			if s += expandedSize(c, budget, sizes); s > budget {
				break
			}
		}
	}
	if s > budget {
		s = budget + 1
	}
	sizes[n] = s
	return s
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a YAML syntax error into a LoadError with its line.
func yamlError(path string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &LoadError{Path: path, Line: line, Msg: "not valid YAML: " + m[2]}
	}
	return &LoadError{Path: path, Msg: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}
