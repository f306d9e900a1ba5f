package redact

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// maxDecodeLayers bounds how many layers of escapes the scrubber takes off a text
// to look for a secret underneath: a JSON string in a JSON string in a URL.
const maxDecodeLayers = 3

// view is a text with escapes taken off, and where each of its bytes came from in
// the original: byte n of text was written as original[start[n]:end[n]].
type view struct {
	text       []byte
	start, end []int
}

// mayBeEscaped reports whether s holds the start of an escape the scrubber decodes:
// a backslash (JSON), a percent sign (URL) or an ampersand (HTML and XML).
func mayBeEscaped(s string) bool {
	return strings.IndexByte(s, '\\') >= 0 || strings.IndexByte(s, '%') >= 0 || strings.IndexByte(s, '&') >= 0
}

// mayHoldEscaped reports whether s may hold one of olds under escapes: whether one
// of them has a byte some writer escapes (anything but ASCII letters, digits, '-',
// '.' and '_') and s holds, as written, its longest run of letters and digits (no
// writer escapes those), or it has none.
func (olds replacer) mayHoldEscaped(s string) bool {
	for _, o := range olds {
		if neverEscaped(o) {
			continue
		}
		if run := longestAlnumRun(o); run == "" || strings.Contains(s, run) {
			return true
		}
	}
	return false
}

// neverEscaped reports whether no writer escapes any byte of s: ASCII letters,
// digits, '-', '.' and '_' only ('~' is percent-encoded by some).
func neverEscaped(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '.' && c != '_' {
			return false
		}
	}
	return true
}

// longestAlnumRun returns the longest run of ASCII letters and digits in s.
func longestAlnumRun(s string) string {
	best, start := "", -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isAlnum(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > len(best) {
			best = s[start:i]
		}
		start = -1
	}
	return best
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// replaceDecoded replaces the secrets of olds that s holds under escapes other than
// the ones olds lists: JSON escapes of any character in either case (\u002B, \/),
// percent-encoding in either case (%2f), HTML and XML character references (&lt;,
// &#43;, &#x2F;), and any of them applied up to maxDecodeLayers times (%252F). Each
// escape is one unit: the placeholder replaces whole escapes, so that the text around
// it stays valid in its own syntax. The caller checks mayHoldEscaped first: a secret
// whose longest run of letters and digits is itself escaped is not looked for.
func (olds replacer) replaceDecoded(s string) string {
	var spans [][2]int
	v := identity(s)
	for layer := 0; layer < maxDecodeLayers; layer++ {
		next, ok := v.decode()
		if !ok {
			break // nothing left to take off
		}
		v = next
		text := string(v.text)
		for _, o := range olds {
			for from := 0; ; {
				i := strings.Index(text[from:], o)
				if i < 0 {
					break
				}
				a, b := from+i, from+i+len(o)
				spans = append(spans, [2]int{v.start[a], v.end[b-1]})
				from = b
			}
		}
	}
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a][0] < spans[b][0] })
	var out strings.Builder
	last := 0
	for _, sp := range spans {
		if sp[1] <= last {
			continue // inside a span already replaced
		}
		if sp[0] < last {
			sp[0] = last // overlaps the one before: extend it
		} else {
			out.WriteString(s[last:sp[0]])
			out.WriteString(cassette.Redacted)
		}
		last = sp[1]
	}
	out.WriteString(s[last:])
	return out.String()
}

// identity is the view of s with nothing taken off.
func identity(s string) view {
	v := view{text: []byte(s), start: make([]int, len(s)), end: make([]int, len(s))}
	for n := range s {
		v.start[n], v.end[n] = n, n+1
	}
	return v
}

// decode takes one layer of escapes off v. It reports false when v holds none.
func (v view) decode() (view, bool) {
	t := v.text
	out := view{text: make([]byte, 0, len(t)), start: make([]int, 0, len(t)), end: make([]int, 0, len(t))}
	changed := false
	emit := func(b []byte, from, to int) {
		for _, c := range b {
			out.text = append(out.text, c)
			out.start = append(out.start, v.start[from])
			out.end = append(out.end, v.end[to-1])
		}
	}
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(t); {
		if b, n := unescapeAt(t, i, buf[:0]); n > 0 {
			emit(b, i, i+n)
			i += n
			changed = true
			continue
		}
		out.text = append(out.text, t[i])
		out.start = append(out.start, v.start[i])
		out.end = append(out.end, v.end[i])
		i++
	}
	return out, changed
}

// unescapeAt decodes the escape that starts at t[i], if one does: it returns the
// bytes it stands for (appended to buf) and its length in t, or a length of 0.
func unescapeAt(t []byte, i int, buf []byte) ([]byte, int) {
	switch t[i] {
	case '\\':
		if i+1 >= len(t) {
			return nil, 0
		}
		switch c := t[i+1]; c {
		case '"', '\\', '/', '\'':
			return append(buf, c), 2
		case 'n':
			return append(buf, '\n'), 2
		case 't':
			return append(buf, '\t'), 2
		case 'r':
			return append(buf, '\r'), 2
		case 'u':
			r, ok := hex4(t, i+2)
			if !ok {
				return nil, 0
			}
			n := 6
			if utf16.IsSurrogate(r) {
				lo, ok := rune(0), false
				if i+7 < len(t) && t[i+6] == '\\' && t[i+7] == 'u' {
					lo, ok = hex4(t, i+8)
				}
				if !ok {
					return nil, 0
				}
				r, n = utf16.DecodeRune(r, lo), 12
			}
			return utf8.AppendRune(buf, r), n
		}
	case '%':
		if i+2 < len(t) && isHex(t[i+1]) && isHex(t[i+2]) {
			return append(buf, unhex(t[i+1])<<4|unhex(t[i+2])), 3
		}
	case '&':
		end := i + 1
		for end < len(t) && end-i <= 10 && t[end] != ';' {
			end++
		}
		if end >= len(t) || t[end] != ';' {
			return nil, 0
		}
		name := string(t[i+1 : end])
		if r, ok := htmlEntities[name]; ok {
			return append(buf, r), end + 1 - i
		}
		if len(name) > 1 && name[0] == '#' {
			var n uint64
			var err error
			if name[1] == 'x' || name[1] == 'X' {
				n, err = strconv.ParseUint(name[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(name[1:], 10, 32)
			}
			if err == nil && n <= utf8.MaxRune {
				return utf8.AppendRune(buf, rune(n)), end + 1 - i
			}
		}
	}
	return nil, 0
}

// htmlEntities are the named character references HTML and XML writers use to
// escape text.
var htmlEntities = map[string]byte{"lt": '<', "gt": '>', "amp": '&', "quot": '"', "apos": '\'', "sol": '/', "plus": '+', "equals": '=', "period": '.'}

func hex4(t []byte, i int) (rune, bool) {
	if i+4 > len(t) {
		return 0, false
	}
	var r rune
	for _, c := range t[i : i+4] {
		if !isHex(c) {
			return 0, false
		}
		r = r<<4 | rune(unhex(c))
	}
	return r, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// unescapeText takes one layer of escapes off s, as view.decode does, without
// keeping where each byte came from. It reports false, at no cost, when s holds none.
func unescapeText(s string) (string, bool) {
	t := []byte(nil)
	var buf [utf8.UTFMax]byte
	last := 0
	var out []byte
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\\' && c != '%' && c != '&' {
			continue
		}
		if t == nil {
			t = []byte(s)
		}
		b, n := unescapeAt(t, i, buf[:0])
		if n == 0 {
			continue
		}
		out = append(append(out, s[last:i]...), b...)
		i += n - 1
		last = i + 1
	}
	if out == nil {
		return s, false
	}
	return string(append(out, s[last:]...)), true
}
