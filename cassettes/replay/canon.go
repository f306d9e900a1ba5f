package replay

import (
	"bytes"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// canonicalJSON returns the canonical form of data, which must be valid JSON (the
// caller checks with json.Valid): no insignificant whitespace, object members sorted by
// key (the last of repeated keys kept, as encoding/json does), strings with only '"',
// '\' and control characters escaped, numbers and literals as written. Two documents
// get the same form exactly when they hold the same value. It allocates far less than
// a round trip through encoding/json, which matters on every replayed request.
func canonicalJSON(data []byte) ([]byte, bool) {
	c := canonicalizer{data: data}
	out := c.value(make([]byte, 0, len(data)))
	c.space()
	if c.bad || c.i != len(data) {
		return nil, false
	}
	return out, true
}

type canonicalizer struct {
	data []byte
	i    int
	bad  bool
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

// member is one object member: its decoded key, and key and value in canonical form.
type member struct {
	key string
	enc []byte
}

func (c *canonicalizer) value(out []byte) []byte {
	c.space()
	if c.i >= len(c.data) {
		c.bad = true
		return out
	}
	switch c.data[c.i] {
	case '{':
		c.i++
		var members []member
		for {
			c.space()
			if c.i < len(c.data) && c.data[c.i] == '}' && len(members) == 0 {
				c.i++
				break
			}
			key, enc := c.str(nil)
			c.space()
			if c.bad || c.i >= len(c.data) || c.data[c.i] != ':' {
				c.bad = true
				return out
			}
			c.i++
			enc = append(enc, ':')
			enc = c.value(enc)
			members = append(members, member{key, enc})
			c.space()
			if c.bad || c.i >= len(c.data) {
				c.bad = true
				return out
			}
			if c.data[c.i] == ',' {
				c.i++
				continue
			}
			if c.data[c.i] != '}' {
				c.bad = true
				return out
			}
			c.i++
			break
		}
		slices.SortStableFunc(members, func(a, b member) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return 0
		})
		out = append(out, '{')
		first := true
		for j, m := range members {
			if j+1 < len(members) && members[j+1].key == m.key {
				continue // a later member with this key wins
			}
			if !first {
				out = append(out, ',')
			}
			first = false
			out = append(out, m.enc...)
		}
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
	case '"':
		_, out = c.str(out)
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
	if c.i == start {
		c.bad = true
	}
	return append(out, c.data[start:c.i]...)
}

// str reads the string at c.i and returns it decoded, and out with its canonical
// encoding appended.
func (c *canonicalizer) str(out []byte) (string, []byte) {
	if c.i >= len(c.data) || c.data[c.i] != '"' {
		c.bad = true
		return "", out
	}
	c.i++
	start := c.i
	end := bytes.IndexByte(c.data[start:], '"')
	if end >= 0 && bytes.IndexByte(c.data[start:start+end], '\\') < 0 {
		// No escapes: the text is the string, and already canonical.
		raw := c.data[start : start+end]
		c.i = start + end + 1
		out = append(out, '"')
		out = append(out, raw...)
		return string(raw), append(out, '"')
	}
	var s []byte
	for {
		if c.i >= len(c.data) {
			c.bad = true
			return "", out
		}
		b := c.data[c.i]
		if b == '"' {
			c.i++
			break
		}
		if b != '\\' {
			s = append(s, b)
			c.i++
			continue
		}
		c.i++
		if c.i >= len(c.data) {
			c.bad = true
			return "", out
		}
		e := c.data[c.i]
		c.i++
		switch e {
		case '"', '\\', '/':
			s = append(s, e)
		case 'b':
			s = append(s, '\b')
		case 'f':
			s = append(s, '\f')
		case 'n':
			s = append(s, '\n')
		case 'r':
			s = append(s, '\r')
		case 't':
			s = append(s, '\t')
		case 'u':
			r, ok := c.hex4()
			if !ok {
				return "", out
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if c.i+1 < len(c.data) && c.data[c.i] == '\\' && c.data[c.i+1] == 'u' {
					save := c.i
					c.i += 2
					if r2, ok = c.hex4(); !ok {
						return "", out
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
			s = utf8.AppendRune(s, r)
		default:
			c.bad = true
			return "", out
		}
	}
	out = append(out, '"')
	for _, b := range s {
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
	return string(s), append(out, '"')
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
