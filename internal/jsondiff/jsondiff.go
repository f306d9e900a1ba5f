// Package jsondiff compares two decoded JSON documents (as encoding/json decodes them
// into any) and lists where they differ, by JSON path: the one differ behind the
// replay server's no-match answers and the cassette oracle's drift reports.
package jsondiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Kind says how the two documents differ at a Diff's path.
type Kind int

const (
	// Changed: both documents have a value at the path, of different JSON types, or
	// of one type and not Equal.
	Changed Kind = iota
	// OnlyLeft: the path is absent from the right document.
	OnlyLeft
	// OnlyRight: the path is absent from the left document.
	OnlyRight
	// Lengths: the arrays at the path have more elements on one side only than
	// Options.MaxOneSided; Left and Right are the two arrays, whole, and the
	// elements past the first MaxOneSided are not listed one by one.
	Lengths
)

// Diff is one place where the documents differ.
type Diff struct {
	// Path locates the value: "$" is the whole document, then Member and Element
	// steps, e.g. $.enabled_event_type_names[1] or $["a b"].
	Path string
	Kind Kind
	// Left and Right are the values at Path; nil on a side where Path is absent
	// (see Kind).
	Left, Right any
}

// Options says what counts as a difference. The zero Options compares every value.
type Options struct {
	// Skip, if set, reports whether the object member at path is left out.
	Skip func(path string) bool
	// Whole, if set, reports whether the values at path are compared whole, with
	// Equal, rather than member by member and element by element.
	Whole func(path string) bool
	// Equal, if set, reports whether two values of the same JSON type are equal
	// where they are compared whole: two values that are neither objects nor
	// arrays, or any two at a path Whole selects. If nil, values are equal when
	// their JSON encodings are.
	Equal func(path string, left, right any) bool
	// Max caps the differences listed. Zero lists them all.
	Max int
	// MaxOneSided caps, per array, the elements on one side only that are listed
	// one by one; past it one Lengths difference says the arrays' lengths. Zero
	// lists them all.
	MaxOneSided int
}

// Compare lists the differences between the documents left and right, in document
// order (object members by sorted key).
func Compare(left, right any, o Options) []Diff {
	c := comparison{o: o}
	c.walk("$", left, right)
	return c.out
}

type comparison struct {
	o   Options
	out []Diff
}

func (c *comparison) full() bool { return c.o.Max > 0 && len(c.out) >= c.o.Max }

func (c *comparison) add(d Diff) {
	if !c.full() {
		c.out = append(c.out, d)
	}
}

func (c *comparison) walk(path string, l, r any) {
	if c.full() {
		return
	}
	if Type(l) != Type(r) {
		c.add(Diff{Path: path, Kind: Changed, Left: l, Right: r})
		return
	}
	if c.o.Whole == nil || !c.o.Whole(path) {
		switch lv := l.(type) {
		case map[string]any:
			c.object(path, lv, r.(map[string]any))
			return
		case []any:
			c.array(path, lv, r.([]any))
			return
		}
	}
	if !c.equal(path, l, r) {
		c.add(Diff{Path: path, Kind: Changed, Left: l, Right: r})
	}
}

func (c *comparison) equal(path string, l, r any) bool {
	if c.o.Equal != nil {
		return c.o.Equal(path, l, r)
	}
	lb, lerr := json.Marshal(l)
	rb, rerr := json.Marshal(r)
	return lerr == nil && rerr == nil && bytes.Equal(lb, rb)
}

func (c *comparison) object(path string, l, r map[string]any) {
	keys := make([]string, 0, len(l)+len(r))
	for k := range l {
		keys = append(keys, k)
	}
	for k := range r {
		if _, ok := l[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := Member(path, k)
		if c.o.Skip != nil && c.o.Skip(p) {
			continue
		}
		lc, lok := l[k]
		rc, rok := r[k]
		switch {
		case lok && rok:
			c.walk(p, lc, rc)
		case lok:
			c.add(Diff{Path: p, Kind: OnlyLeft, Left: lc})
		default:
			c.add(Diff{Path: p, Kind: OnlyRight, Right: rc})
		}
	}
}

func (c *comparison) array(path string, l, r []any) {
	n := min(len(l), len(r))
	for i := range n {
		c.walk(Element(path, i), l[i], r[i])
	}
	for i := n; i < max(len(l), len(r)); i++ {
		if c.o.MaxOneSided > 0 && i-n == c.o.MaxOneSided {
			c.add(Diff{Path: path, Kind: Lengths, Left: l, Right: r})
			return
		}
		if i < len(l) {
			c.add(Diff{Path: Element(path, i), Kind: OnlyLeft, Left: l[i]})
		} else {
			c.add(Diff{Path: Element(path, i), Kind: OnlyRight, Right: r[i]})
		}
	}
}

// Decode decodes body if it is one JSON value in valid UTF-8, numbers as
// json.Number so that Compare sees them as written; ok is false for any other body.
func Decode(body []byte) (v any, ok bool) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || !utf8.Valid(trimmed) || !json.Valid(trimmed) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// Member is the JSON path of the member key of the object at path: path.key for a
// key that is a plain name (letters, digits, underscores, not starting with a
// digit), path["key"] for any other.
func Member(path, key string) string {
	plain := key != ""
	for i, r := range key {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

// Element is the JSON path of element i of the array at path: path[i].
func Element(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Type names a decoded JSON value's type as JSON does: null, boolean, number,
// string, array or object.
func Type(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
