package cassette

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// decoder walks a parsed cassette's node tree into go-vcr's types by hand: no
// reflection, a line number for every problem, and the first problem kept.
type decoder struct {
	path string
	err  *LoadError
}

// fail records the first problem found, at node n.
func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	if d.err != nil {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + ": " + msg
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	d.err = &LoadError{Path: d.path, Line: line, Msg: msg}
}

// resolve follows aliases to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// kindName names a node's kind for an error message.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// pairs calls fn for every key and value of mapping n, in order, and reports a key that
// appears twice (go-vcr's YAML library refuses those too).
func (d *decoder) pairs(n *yaml.Node, field string, fn func(key string, k, v *yaml.Node)) {
	for i := 0; i+1 < len(n.Content) && d.err == nil; i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.fail(k, field, "a key is %s, want a name", kindName(k))
			return
		}
		for j := 0; j < i; j += 2 {
			if prev := resolve(n.Content[j]); prev.Value == k.Value {
				d.fail(k, join(field, k.Value), "key repeated (first at line %d)", prev.Line)
				return
			}
		}
		fn(k.Value, k, v)
	}
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// file decodes the document node of a cassette.
func (d *decoder) file(doc *yaml.Node) *File {
	root := doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = resolve(doc.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		d.fail(root, "", "top level is %s, want a mapping with version and interactions (a go-vcr v3 cassette)", kindName(root))
		return nil
	}
	f := &File{Path: d.path}
	var versionSeen bool
	var interactions *yaml.Node
	d.pairs(root, "", func(key string, _, v *yaml.Node) {
		switch key {
		case "version":
			versionSeen = true
			n, ok := d.integer(v, "version")
			if !ok {
				d.fail(v, "version", "is %s, want %d", kindName(v), FormatVersion)
			} else if n != FormatVersion {
				d.fail(v, "version", "format version %d, want %d (go-vcr v3); re-record the cassette with noticeconf or go-vcr v3", n, FormatVersion)
			}
			f.Version = int(n)
		case "interactions":
			interactions = v
		}
	})
	switch {
	case d.err != nil:
		return nil
	case !versionSeen:
		d.fail(root, "", "no version key: want \"version: %d\" (go-vcr v3 cassette format)", FormatVersion)
		return nil
	case interactions == nil:
		d.fail(root, "", "no interactions key: want \"interactions:\" followed by a list")
		return nil
	}
	if interactions.Kind == yaml.ScalarNode && interactions.ShortTag() == "!!null" {
		return f // a cassette with nothing recorded yet
	}
	if interactions.Kind != yaml.SequenceNode {
		d.fail(interactions, "interactions", "is %s, want a list", kindName(interactions))
		return nil
	}
	f.Interactions = make([]Interaction, 0, len(interactions.Content))
	ids := make(map[int]int, len(interactions.Content)) // id -> line
	for i, n := range interactions.Content {
		n = resolve(n)
		field := "interactions[" + strconv.Itoa(i) + "]"
		in := d.interaction(n, field)
		if d.err != nil {
			return nil
		}
		if line, dup := ids[in.ID]; dup {
			d.fail(n, field, "duplicate id %d (also at line %d)", in.ID, line)
			return nil
		}
		ids[in.ID] = n.Line
		f.Interactions = append(f.Interactions, in)
	}
	return f
}

// interaction decodes one element of the interactions list.
func (d *decoder) interaction(n *yaml.Node, field string) Interaction {
	var in Interaction
	in.Line = n.Line
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "is %s, want a mapping with id, request and response", kindName(n))
		return in
	}
	var hasID, hasReq, hasResp bool
	d.pairs(n, field, func(key string, _, v *yaml.Node) {
		switch key {
		case "id":
			id, ok := d.integer(v, field+".id")
			if ok && (id < 0 || id > 1<<31) {
				d.fail(v, field+".id", "%d is not a valid id (want 0, 1, 2, ...)", id)
			}
			in.ID, hasID = int(id), ok
		case "request":
			hasReq = true
			d.request(v, field+".request", &in)
		case "response":
			hasResp = true
			d.response(v, field+".response", &in)
		}
	})
	switch {
	case d.err != nil:
	case !hasID:
		d.fail(n, field, "no id: want \"id: N\", unique in the cassette")
	case !hasReq:
		d.fail(n, field, "no request")
	case !hasResp:
		d.fail(n, field, "no response")
	}
	return in
}

func (d *decoder) request(n *yaml.Node, field string, in *Interaction) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "is %s, want a mapping with at least method and url", kindName(n))
		return
	}
	r := &in.Request
	var hasMethod, hasURL bool
	d.pairs(n, field, func(key string, _, v *yaml.Node) {
		f := field + "." + key
		switch key {
		case "proto":
			r.Proto = d.str(v, f)
		case "proto_major":
			r.ProtoMajor = d.int(v, f)
		case "proto_minor":
			r.ProtoMinor = d.int(v, f)
		case "content_length":
			r.ContentLength, _ = d.integer(v, f)
		case "transfer_encoding":
			r.TransferEncoding = d.strList(v, f)
		case "trailer":
			r.Trailer = d.header(v, f)
		case "host":
			r.Host = d.str(v, f)
		case "remote_addr":
			r.RemoteAddr = d.str(v, f)
		case "request_uri":
			r.RequestURI = d.str(v, f)
		case "body":
			r.Body = d.str(v, f)
		case "form":
			r.Form = url.Values(d.values(v, f, false))
		case "headers":
			r.Headers = d.header(v, f)
		case "url":
			hasURL = true
			r.URL = d.str(v, f)
			if d.err != nil {
				return
			}
			if r.URL == "" {
				d.fail(v, f, "is empty, want the request URL")
			} else if _, err := url.Parse(r.URL); err != nil {
				d.fail(v, f, "%q is not a URL: %v", r.URL, unwrapURLError(err))
			}
		case "method":
			hasMethod = true
			r.Method = d.str(v, f)
			if d.err == nil && !validMethod(r.Method) {
				d.fail(v, f, "%q is not an HTTP method", r.Method)
			}
		}
	})
	switch {
	case d.err != nil:
	case !hasMethod:
		d.fail(n, field, "no method: want e.g. \"method: POST\"")
	case !hasURL:
		d.fail(n, field, "no url: want e.g. \"url: https://host/v3/jobs/notice/JOB/update\"")
	}
}

func (d *decoder) response(n *yaml.Node, field string, in *Interaction) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "is %s, want a mapping with at least code", kindName(n))
		return
	}
	r := &in.Response
	var hasCode bool
	d.pairs(n, field, func(key string, _, v *yaml.Node) {
		f := field + "." + key
		switch key {
		case "proto":
			r.Proto = d.str(v, f)
		case "proto_major":
			r.ProtoMajor = d.int(v, f)
		case "proto_minor":
			r.ProtoMinor = d.int(v, f)
		case "transfer_encoding":
			r.TransferEncoding = d.strList(v, f)
		case "trailer":
			r.Trailer = d.header(v, f)
		case "content_length":
			r.ContentLength, _ = d.integer(v, f)
		case "uncompressed":
			r.Uncompressed = d.boolean(v, f)
		case "body":
			r.Body = d.str(v, f)
		case "headers":
			r.Headers = d.header(v, f)
		case "status":
			r.Status = d.str(v, f)
		case "code":
			code, ok := d.integer(v, f)
			hasCode = ok
			if ok && (code < 100 || code > 999) {
				d.fail(v, f, "%d is not an HTTP status (want 100 to 999)", code)
			}
			r.Code = int(code)
		case "duration":
			r.Duration = d.duration(v, f)
		}
	})
	if d.err == nil && !hasCode {
		d.fail(n, field, "no code: want the HTTP status, e.g. \"code: 200\"")
	}
}

// validMethod reports whether m is a non-empty HTTP token.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// str decodes a scalar as go-vcr's YAML library does into a string: null is empty,
// !!binary is base64, any other scalar is its text.
func (d *decoder) str(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, field, "is %s, want a string", kindName(n))
		return ""
	}
	switch n.ShortTag() {
	case "!!null":
		return ""
	case "!!binary":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Value), ""))
		if err != nil {
			d.fail(n, field, "!!binary value is not base64: %v", err)
			return ""
		}
		return string(b)
	}
	return n.Value
}

// integer decodes an integer scalar. It reports false for null or after a problem.
func (d *decoder) integer(n *yaml.Node, field string) (int64, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
			return 0, false
		}
		d.fail(n, field, "is %s, want an integer", kindName(n))
		return 0, false
	}
	if v, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
		return v, true
	}
	var v int64 // YAML's other forms: 0x1f, 0o17, +5, 1_000
	if err := n.Decode(&v); err != nil {
		d.fail(n, field, "%q is not a 64-bit integer", n.Value)
		return 0, false
	}
	return v, true
}

func (d *decoder) int(n *yaml.Node, field string) int {
	v, _ := d.integer(n, field)
	if v < -1<<31 || v > 1<<31-1 {
		d.fail(n, field, "%d is out of range", v)
		return 0
	}
	return int(v)
}

func (d *decoder) boolean(n *yaml.Node, field string) bool {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, field, "is %s, want true or false", kindName(n))
		return false
	}
	switch n.ShortTag() {
	case "!!null":
		return false
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	}
	d.fail(n, field, "is %s, want true or false", kindName(n))
	return false
}

// duration decodes a duration as go-vcr's YAML library does: a string such as "1.5ms"
// (it refuses bare numbers).
func (d *decoder) duration(n *yaml.Node, field string) time.Duration {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!null":
			return 0
		case "!!str":
			v, err := time.ParseDuration(n.Value)
			if err == nil {
				return v
			}
		}
	}
	d.fail(n, field, "is %s, want a duration such as \"12.5ms\"", kindName(n))
	return 0
}

// strList decodes a list of strings; null is an empty list.
func (d *decoder) strList(n *yaml.Node, field string) []string {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, field, "is %s, want a list of strings", kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		c = resolve(c)
		out = append(out, d.str(c, field+"["+strconv.Itoa(i)+"]"))
		if d.err != nil {
			return nil
		}
	}
	return out
}

// values decodes a mapping of names to lists of strings; canonical turns the names
// into canonical header names, merging names that differ only in case.
func (d *decoder) values(n *yaml.Node, field string, canonical bool) map[string][]string {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "is %s, want a mapping of names to lists of strings", kindName(n))
		return nil
	}
	out := make(map[string][]string, len(n.Content)/2)
	d.pairs(n, field, func(key string, k, v *yaml.Node) {
		if k.ShortTag() == "!!binary" {
			key = d.str(k, field) // a name that is not valid UTF-8
		}
		vals := d.strList(v, field+"."+key)
		if canonical {
			key = textproto.CanonicalMIMEHeaderKey(key)
		}
		out[key] = append(out[key], vals...)
	})
	return out
}

func (d *decoder) header(n *yaml.Node, field string) http.Header {
	return http.Header(d.values(n, field, true))
}
