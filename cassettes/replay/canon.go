package replay

import (
	"bytes"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// canonicalJSON returns the canonical form of data and true if data is JSON as
// json.Valid has it (nested at most maxDepth deep), else false: no insignificant
// whitespace, object members sorted by key (the last of repeated keys kept, as
// encoding/json does), strings with only '"', '\' and control characters escaped,
// numbers and literals as written. Two documents get the same form exactly when they
// hold the same value. It reads data once and allocates far less than a check with
// json.Valid and a round trip through encoding/json, which matters on every replayed
// request.
func canonicalJSON(data []byte) ([]byte, bool) {
	c := canonicalizer{data: data, members: make([]member, 0, 8)}
	out := c.value(make([]byte, 0, len(data)))
	c.space()
	if c.bad || c.i != len(data) {
		return nil, false
	}
	return out, true
}

// A canonicalizer writes every value straight into the output, and an object's
// members in the order they come; only an object whose keys are out of order (or
// repeated) is rewritten, from a copy of its members. So a body costs its output and
// nothing else unless a key needs escapes or an object needs sorting.
type canonicalizer struct {
	data  []byte
	i     int
	bad   bool
	depth int // of the arrays and objects being read
	// members are those of the objects being read, the innermost object's last.
	members []member
	tmp     []byte // what reorder copies
}

func (c *canonicalizer) space() {
	for c.i < len(c.data) {
		switch c.data[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// member is one object member: its decoded key, and where its canonical form (key,
// colon, value) sits in the output.
type member struct {
	key        []byte
	start, end int
}

// maxDepth is how deeply arrays and objects may nest: encoding/json's bound.
const maxDepth = 10000

func (c *canonicalizer) value(out []byte) []byte {
	c.space()
	if c.i >= len(c.data) {
		c.bad = true
		return out
	}
	switch c.data[c.i] {
	case '{', '[':
		if c.depth++; c.depth > maxDepth {
			c.bad = true
			return out
		}
		out = c.container(out)
		c.depth--
		return out
	case '"':
		_, out = c.str(out, false)
		return out
	}
	// A number or a literal: copy it as written.
	start := c.i
	for c.i < len(c.data) {
		b := c.data[c.i]
		if b == ',' || b == '}' || b == ']' || b == ' ' || b == '\t' || b == '\n' || b == '\r' {
			break
		}
		c.i++
	}
	if tok := c.data[start:c.i]; !literal(tok) && !number(tok) {
		c.bad = true
	}
	return append(out, c.data[start:c.i]...)
}

// literal reports whether tok is true, false or null.
func literal(tok []byte) bool {
	switch string(tok) {
	case "true", "false", "null":
		return true
	}
	return false
}

// number reports whether tok is a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func number(tok []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(tok) && tok[i] >= '0' && tok[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(tok) && tok[i] == '-' {
		i++
	}
	switch {
	case i < len(tok) && tok[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(tok) && tok[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(tok) && (tok[i] == 'e' || tok[i] == 'E') {
		i++
		if i < len(tok) && (tok[i] == '+' || tok[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(tok)
}

// container reads the array or object at c.i.
func (c *canonicalizer) container(out []byte) []byte {
	switch c.data[c.i] {
	case '{':
		c.i++
		open := len(out)
		out = append(out, '{')
		c.space()
		if c.i < len(c.data) && c.data[c.i] == '}' {
			c.i++
			return append(out, '}')
		}
		base := len(c.members)
		for {
			c.space()
			start := len(out)
			var key []byte
			key, out = c.str(out, true)
			c.space()
			if c.bad || c.i >= len(c.data) || c.data[c.i] != ':' {
				c.bad = true
				return out
			}
			c.i++
			out = append(out, ':')
			out = c.value(out)
			c.members = append(c.members, member{key: key, start: start, end: len(out)})
			c.space()
			if c.bad || c.i >= len(c.data) {
				c.bad = true
				return out
			}
			if c.data[c.i] == ',' {
				c.i++
				out = append(out, ',')
				continue
			}
			if c.data[c.i] != '}' {
				c.bad = true
				return out
			}
			c.i++
			break
		}
		out = c.sortMembers(out, open, c.members[base:])
		c.members = c.members[:base]
		return append(out, '}')
	case '[':
		c.i++
		out = append(out, '[')
		c.space()
		if c.i < len(c.data) && c.data[c.i] == ']' {
			c.i++
			return append(out, ']')
		}
		for {
			out = c.value(out)
			c.space()
			if c.bad || c.i >= len(c.data) {
				c.bad = true
				return out
			}
			if c.data[c.i] == ']' {
				c.i++
				return append(out, ']')
			}
			if c.data[c.i] != ',' {
				c.bad = true
				return out
			}
			c.i++
			out = append(out, ',')
		}
	}
	return out
}

// sortMembers returns out with the members ms of the object opened at out[open]
// sorted by key, the last of repeated keys kept (as encoding/json does). Members
// already in order, as most objects' are, are left where they were written.
func (c *canonicalizer) sortMembers(out []byte, open int, ms []member) []byte {
	inOrder := true
	for j := 1; j < len(ms) && inOrder; j++ {
		inOrder = bytes.Compare(ms[j-1].key, ms[j].key) < 0
	}
	if inOrder {
		return out
	}
	from := open + 1
	c.tmp = append(c.tmp[:0], out[from:]...)
	slices.SortStableFunc(ms, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	out = out[:from]
	first := true
	for j, m := range ms {
		if j+1 < len(ms) && bytes.Equal(ms[j+1].key, m.key) {
			continue // a later member with this key wins
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, c.tmp[m.start-from:m.end-from]...)
	}
	return out
}

// str reads the string at c.i and returns out with its canonical encoding appended
// and, when key is set, the string decoded (a part of the input when the input has no
// escapes in it).
func (c *canonicalizer) str(out []byte, key bool) ([]byte, []byte) {
	if c.i >= len(c.data) || c.data[c.i] != '"' {
		c.bad = true
		return nil, out
	}
	c.i++
	start := c.i
	end := bytes.IndexByte(c.data[start:], '"')
	if end >= 0 && bytes.IndexByte(c.data[start:start+end], '\\') < 0 {
		// No escapes: the text is the string, and already canonical, unless it holds
		// a control character, which JSON does not allow there.
		raw := c.data[start : start+end]
		for _, b := range raw {
			if b < 0x20 {
				c.bad = true
				return nil, out
			}
		}
		c.i = start + end + 1
		out = append(out, '"')
		out = append(out, raw...)
		return raw, append(out, '"')
	}
	out = append(out, '"')
	from := len(out) // the decoded bytes go here first, then are escaped
	for {
		if c.i >= len(c.data) {
			c.bad = true
			return nil, out
		}
		b := c.data[c.i]
		if b == '"' {
			c.i++
			break
		}
		if b < 0x20 {
			c.bad = true
			return nil, out
		}
		if b != '\\' {
			out = append(out, b)
			c.i++
			continue
		}
		c.i++
		if c.i >= len(c.data) {
			c.bad = true
			return nil, out
		}
		e := c.data[c.i]
		c.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := c.hex4()
			if !ok {
				return nil, out
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if c.i+1 < len(c.data) && c.data[c.i] == '\\' && c.data[c.i+1] == 'u' {
					save := c.i
					c.i += 2
					if r2, ok = c.hex4(); !ok {
						return nil, out
					}
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						c.i, r2 = save, -1
					}
				}
				if r2 >= 0 {
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			c.bad = true
			return nil, out
		}
	}
	var decoded []byte
	if key {
		decoded = bytes.Clone(out[from:])
	}
	// Escape the decoded bytes in place: copy them aside only when one needs it.
	n := len(out)
	for j := from; j < n; j++ {
		if b := out[j]; b == '"' || b == '\\' || b < 0x20 {
			c.tmp = append(c.tmp[:0], out[j:n]...)
			out = out[:j]
			for _, b := range c.tmp {
				switch {
				case b == '"' || b == '\\':
					out = append(out, '\\', b)
				case b < 0x20:
					out = append(out, `\u00`...)
					out = append(out, "0123456789abcdef"[b>>4], "0123456789abcdef"[b&0xf])
				default:
					out = append(out, b)
				}
			}
			break
		}
	}
	return decoded, append(out, '"')
}

func (c *canonicalizer) hex4() (rune, bool) {
	if c.i+4 > len(c.data) {
		c.bad = true
		return 0, false
	}
	v, err := strconv.ParseUint(string(c.data[c.i:c.i+4]), 16, 32)
	if err != nil {
		c.bad = true
		return 0, false
	}
	c.i += 4
	return rune(v), true
}
