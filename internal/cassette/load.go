package cassette

import (
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

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
	"gopkg.in/yaml.v3"
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

// LoadFile reads and checks one cassette file. Any error is a *LoadError.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &LoadError{Path: path, Msg: "cannot read: " + ioReason(err)}
	}
	return Parse(path, data)
}

// Parse checks and decodes a cassette held in data; path names it in errors. It
// accepts every cassette go-vcr v3 writes (format version 2), and refuses what go-vcr
// would misread: a second YAML document, a missing or duplicate interaction id, an
// interaction without request method, request URL or response code. Unknown keys are
// ignored, as go-vcr ignores them. Any error is a *LoadError.
func Parse(path string, data []byte) (*File, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &LoadError{Path: path, Msg: "empty file: not a cassette (want a go-vcr v3 cassette, format version 2)"}
	}
	if f, ok := parseFastFile(path, data); ok {
		return f, nil
	}
	return parseSlow(path, data)
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

// parseSlow decodes data through yaml.v3's parser.
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
	d := decoder{path: path}
	f := d.file(&doc)
	if d.err != nil {
		return nil, d.err
	}
	return f, nil
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
