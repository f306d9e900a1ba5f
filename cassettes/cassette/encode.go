package cassette

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// An encoder encodes interactions as cassette records through go.yaml.in/yaml/v3: each
// one as a one-item YAML sequence whose first line is idLine, the layout go-vcr v3's
// Save gives it. It builds the yaml.Node tree of the record itself, in go-vcr's field
// order, rather than have the library reflect over go-vcr's structs, and keeps its
// nodes and its output buffer from one record to the next. An encoder is not safe for
// concurrent use.
type encoder struct {
	nodes []yaml.Node
	// content holds the Content slices of the tree, cut from one backing array.
	content []*yaml.Node
	keys    []string
	buf     bytes.Buffer
}

// encodeItem encodes i (its ID taken as 0) with a new encoder.
func encodeItem(i *vcr.Interaction) ([]byte, error) {
	var e encoder
	return e.encode(i)
}

// encode returns the record of i, its ID taken as 0, in a new slice.
func (e *encoder) encode(i *vcr.Interaction) ([]byte, error) {
	e.nodes, e.content = e.nodes[:0], e.content[:0]
	// The tree's nodes and Content slices are cut from e.nodes and e.content, sized
	// here for the whole tree so that each is allocated at most once.
	if need := nodeCount(i); cap(e.nodes) < need {
		e.nodes = make([]yaml.Node, 0, need)
	}
	if need := 2 * nodeCount(i); cap(e.content) < need {
		e.content = make([]*yaml.Node, 0, need)
	}
	root := e.interaction(i)
	e.buf.Reset()
	enc := yaml.NewEncoder(&e.buf)
	err := enc.Encode(root)
	if err == nil {
		err = enc.Close()
	}
	clear(e.nodes[:cap(e.nodes)]) // let the strings of i go
	if err != nil {
		return nil, err
	}
	out := e.buf.Bytes()
	if !bytes.HasPrefix(out, idLine) || !complete(out) {
		return nil, fmt.Errorf("unexpected encoding of an interaction: %.20q", out)
	}
	if e.buf.Cap() > maxKeptBuffer {
		e.buf = bytes.Buffer{}
	}
	return bytes.Clone(out), nil
}

// nodeCount is the number of nodes in the tree of i.
func nodeCount(i *vcr.Interaction) int {
	q, r := &i.Request, &i.Response
	n := 2*(14+12+3) + 8 + len(q.TransferEncoding) + len(r.TransferEncoding)
	for _, h := range [...]map[string][]string{q.Trailer, q.Form, q.Headers, r.Trailer, r.Headers} {
		for _, vs := range h {
			n += 2 + len(vs)
		}
	}
	return n
}

// node returns a new node of the tree.
func (e *encoder) node(kind yaml.Kind, tag, value string) *yaml.Node {
	e.nodes = append(e.nodes, yaml.Node{Kind: kind, Tag: tag, Value: value})
	return &e.nodes[len(e.nodes)-1]
}

// children returns a Content slice of capacity n.
func (e *encoder) children(n int) []*yaml.Node {
	if len(e.content)+n > cap(e.content) {
		return make([]*yaml.Node, 0, n)
	}
	e.content = e.content[:len(e.content)+n]
	return e.content[len(e.content)-n : len(e.content)-n : len(e.content)]
}

// str returns the scalar node of s, written so that yaml.v3 (go-vcr's reader) reads
// back exactly s. The library quotes a string that would read back as another type
// ("123", "true", "null") and writes one that is not valid UTF-8 as !!binary, in
// base64. A multi-line string it writes as a literal block; but one that starts with
// a space, a tab or a line break (any of YAML's) needs an indentation indicator,
// which the library gets wrong in a list ("- |4-") and yaml.v3's reader refuses after
// a tab, so such a string is double-quoted instead (its escapes read back exactly).
func (e *encoder) str(s string) *yaml.Node {
	if !utf8.ValidString(s) {
		return e.node(yaml.ScalarNode, "", s)
	}
	n := e.node(yaml.ScalarNode, "!!str", s)
	if strings.Contains(s, "\n") && leadingSpace(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// leadingSpace reports whether s starts with a space, a tab or a YAML line break.
func leadingSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case ' ', '\t', '\n', '\r', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

func (e *encoder) int(v int64) *yaml.Node {
	return e.node(yaml.ScalarNode, "!!int", strconv.FormatInt(v, 10))
}

// mapping is a mapping node being filled with keys (go-vcr's field names) and values.
type mapping struct {
	e *encoder
	n *yaml.Node
}

func (e *encoder) mapping(fields int) mapping {
	n := e.node(yaml.MappingNode, "", "")
	n.Content = e.children(2 * fields)
	return mapping{e, n}
}

func (m mapping) add(key string, v *yaml.Node) {
	m.n.Content = append(m.n.Content, m.e.node(yaml.ScalarNode, "", key), v)
}

// list returns the sequence node of vs: "[]" when empty, else a block sequence.
func (e *encoder) list(vs []string) *yaml.Node {
	n := e.node(yaml.SequenceNode, "", "")
	if len(vs) == 0 {
		n.Style = yaml.FlowStyle
		return n
	}
	n.Content = e.children(len(vs))
	for _, v := range vs {
		n.Content = append(n.Content, e.str(v))
	}
	return n
}

// header returns the mapping node of an http.Header (or url.Values): "{}" when empty,
// else its names in sorted order, each with its values.
func (e *encoder) header(h map[string][]string) *yaml.Node {
	n := e.node(yaml.MappingNode, "", "")
	if len(h) == 0 {
		n.Style = yaml.FlowStyle
		return n
	}
	n.Content = e.children(2 * len(h))
	e.keys = e.keys[:0]
	for k := range h {
		e.keys = append(e.keys, k)
	}
	slices.SortFunc(e.keys, yamlKeyCompare) // the order the fast encoder writes
	for _, k := range e.keys {
		n.Content = append(n.Content, e.str(k), e.list(h[k]))
	}
	return n
}

// interaction returns the tree of i as a one-item sequence, with go-vcr's field names
// in go-vcr's order (Duration last: see lastLine) and the id 0.
func (e *encoder) interaction(i *vcr.Interaction) *yaml.Node {
	q, r := &i.Request, &i.Response
	req := e.mapping(14)
	req.add("proto", e.str(q.Proto))
	req.add("proto_major", e.int(int64(q.ProtoMajor)))
	req.add("proto_minor", e.int(int64(q.ProtoMinor)))
	req.add("content_length", e.int(q.ContentLength))
	req.add("transfer_encoding", e.list(q.TransferEncoding))
	req.add("trailer", e.header(q.Trailer))
	req.add("host", e.str(q.Host))
	req.add("remote_addr", e.str(q.RemoteAddr))
	req.add("request_uri", e.str(q.RequestURI))
	req.add("body", e.str(q.Body))
	req.add("form", e.header(q.Form))
	req.add("headers", e.header(q.Headers))
	req.add("url", e.str(q.URL))
	req.add("method", e.str(q.Method))

	resp := e.mapping(12)
	resp.add("proto", e.str(r.Proto))
	resp.add("proto_major", e.int(int64(r.ProtoMajor)))
	resp.add("proto_minor", e.int(int64(r.ProtoMinor)))
	resp.add("transfer_encoding", e.list(r.TransferEncoding))
	resp.add("trailer", e.header(r.Trailer))
	resp.add("content_length", e.int(r.ContentLength))
	resp.add("uncompressed", e.node(yaml.ScalarNode, "!!bool", strconv.FormatBool(r.Uncompressed)))
	resp.add("body", e.str(r.Body))
	resp.add("headers", e.header(r.Headers))
	resp.add("status", e.str(r.Status))
	resp.add("code", e.int(int64(r.Code)))
	resp.add("duration", e.str(r.Duration.String()))

	item := e.mapping(3)
	item.add("id", e.int(0))
	item.add("request", req.n)
	item.add("response", resp.n)
	seq := e.node(yaml.SequenceNode, "", "")
	seq.Content = e.children(1)
	seq.Content = append(seq.Content, item.n)
	return seq
}
