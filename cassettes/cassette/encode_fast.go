package cassette

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// encode encodes i (its ID taken as 0) as a one-item YAML sequence, byte for byte as
// the library path (encoder, through go.yaml.in/yaml/v3) encodes it, without the
// library's emitter, for the common case: ASCII header names, single-line values and
// bodies that are plain text. It reports false when i holds anything it does not
// render exactly as the library would (the caller then uses the library); the fuzz
// target FuzzEncodeFast holds it to that. It appends to buf[:0] when buf has room for
// the encoding (else to a new slice), and keeps e's scratch for the next call.
//
// The fast encoder is kept because the recording proxy encodes every interaction
// before the response is passed on: BenchmarkEncodeInteraction measures the library
// path at about thirty times its time (and 80 KB of allocations against none), which
// the recording targets of docs/benchmarks.md (in process and over HTTP) cannot
// afford.
func (e *fastEncoder) encode(i *vcr.Interaction, buf []byte) ([]byte, bool) {
	if size := encodedSize(i); cap(buf) < size {
		buf = make([]byte, 0, size)
	}
	e.buf, e.ok, e.slow = buf[:0], true, 0
	e.interaction(i)
	out := e.buf
	e.buf = nil
	clear(e.names[:cap(e.names)]) // let the strings of i go
	return out, e.ok
}

// encodedSize estimates the bytes of i's encoding, so that the encoder's buffer is
// allocated once: the field names and the fixed fields, the strings, and each
// header value with its name and indentation.
func encodedSize(i *vcr.Interaction) int {
	q, r := &i.Request, &i.Response
	n := 1024 + len(q.Body) + len(r.Body) + len(q.URL) + len(q.Host) + len(q.RequestURI) + len(r.Status)
	for _, h := range []map[string][]string{q.Headers, q.Trailer, q.Form, r.Headers, r.Trailer} {
		for k, vs := range h {
			n += len(k) + 8
			for _, v := range vs {
				n += len(v) + 16
			}
		}
	}
	return n
}

// fastEncoder appends block YAML to buf; ok turns false at the first value it cannot
// render exactly as yaml.v3 does.
type fastEncoder struct {
	buf []byte
	ok  bool
	// slow counts the values rendered by yaml.v3 alone.
	slow int
	// names, order and runes are header's scratch for sorting keys.
	names []string
	order []sortKey
	runes []rune
}

func (e *fastEncoder) interaction(i *vcr.Interaction) {
	q, r := &i.Request, &i.Response
	e.raw("- id: 0\n  request:\n")
	e.str(4, "proto", q.Proto)
	e.int(4, "proto_major", int64(q.ProtoMajor))
	e.int(4, "proto_minor", int64(q.ProtoMinor))
	e.int(4, "content_length", q.ContentLength)
	e.list(4, "transfer_encoding", q.TransferEncoding)
	e.header(4, "trailer", q.Trailer)
	e.str(4, "host", q.Host)
	e.str(4, "remote_addr", q.RemoteAddr)
	e.str(4, "request_uri", q.RequestURI)
	e.str(4, "body", q.Body)
	e.header(4, "form", http.Header(q.Form))
	e.header(4, "headers", q.Headers)
	e.str(4, "url", q.URL)
	e.str(4, "method", q.Method)
	e.raw("  response:\n")
	e.str(4, "proto", r.Proto)
	e.int(4, "proto_major", int64(r.ProtoMajor))
	e.int(4, "proto_minor", int64(r.ProtoMinor))
	e.list(4, "transfer_encoding", r.TransferEncoding)
	e.header(4, "trailer", r.Trailer)
	e.int(4, "content_length", r.ContentLength)
	e.key(4, "uncompressed")
	e.raw(strconv.FormatBool(r.Uncompressed))
	e.raw("\n")
	e.str(4, "body", r.Body)
	e.header(4, "headers", r.Headers)
	e.str(4, "status", r.Status)
	e.int(4, "code", int64(r.Code))
	e.str(4, "duration", r.Duration.String())
}

func (e *fastEncoder) raw(s string) {
	e.buf = append(e.buf, s...)
}

// spaces is the widest indentation the encoder writes, and more.
const spaces = "                                "

func (e *fastEncoder) indent(n int) {
	for n > len(spaces) {
		e.buf = append(e.buf, spaces...)
		n -= len(spaces)
	}
	e.buf = append(e.buf, spaces[:n]...)
}

// key writes "name: " at column col; name is one of go-vcr's field names or a
// checked map key.
func (e *fastEncoder) key(col int, name string) {
	e.indent(col)
	e.raw(name)
	e.raw(":")
	e.buf = append(e.buf, ' ')
}

func (e *fastEncoder) int(col int, name string, v int64) {
	e.key(col, name)
	e.buf = strconv.AppendInt(e.buf, v, 10)
	e.buf = append(e.buf, '\n')
}

// str writes "name: value" for a string field at column col.
func (e *fastEncoder) str(col int, name, v string) {
	e.key(col, name)
	e.value(col, v)
}

// list writes a []string field: "[]" when empty, else a block sequence.
func (e *fastEncoder) list(col int, name string, vs []string) {
	if len(vs) == 0 {
		e.key(col, name)
		e.raw("[]\n")
		return
	}
	e.indent(col)
	e.raw(name)
	e.raw(":\n")
	e.items(col+4, vs)
}

// items writes block sequence items at column col. yaml.v3 renders a multi-line item
// differently from a mapping value, so those are left to it.
func (e *fastEncoder) items(col int, vs []string) {
	for _, v := range vs {
		if strings.ContainsRune(v, '\n') {
			e.ok = false
			return
		}
		e.indent(col)
		e.raw("- ")
		e.value(col, v)
	}
}

// header writes an http.Header (or url.Values) field: "{}" when empty, else its keys
// in yaml.v3's order, each with a block sequence.
func (e *fastEncoder) header(col int, name string, h http.Header) {
	if len(h) == 0 {
		e.key(col, name)
		e.raw("{}\n")
		return
	}
	e.indent(col)
	e.raw(name)
	e.raw(":\n")
	// Each key is turned into runes once, for all the comparisons of the sort, in
	// the encoder's scratch slices (kept from one header field to the next); the
	// sort moves pointer-free entries only.
	n := 0
	for k := range h {
		n += len(k)
	}
	if cap(e.runes) < n {
		e.runes = make([]rune, 0, n+128)
	}
	names, order, rs := e.names[:0], e.order[:0], e.runes[:0]
	for k := range h {
		if !plainKey(k) {
			e.ok = false
			return
		}
		start := len(rs)
		for n := 0; n < len(k); n++ {
			rs = append(rs, rune(k[n])) // plainKey: ASCII
		}
		order = append(order, sortKey{name: len(names), start: start, end: len(rs)})
		names = append(names, k)
	}
	e.names, e.order, e.runes = names, order, rs
	slices.SortFunc(order, func(a, b sortKey) int {
		return yamlRunesCompare(rs[a.start:a.end], rs[b.start:b.end])
	})
	for _, o := range order {
		k := names[o.name]
		vs := h[k]
		if len(vs) == 0 {
			e.key(col+4, k)
			e.raw("[]\n")
			continue
		}
		e.indent(col + 4)
		e.raw(k)
		e.raw(":\n")
		e.items(col+8, vs)
	}
}

// value writes a string value that follows a key or "- " whose line starts at column
// col, and the line break after it.
func (e *fastEncoder) value(col int, s string) {
	switch {
	case s == "":
		e.raw(`""`)
	case plainScalar(s):
		e.raw(s)
	case len(s) <= 18 && strings.Trim(s, "0123456789") == "":
		// An integer (a Content-Length): yaml.v3 double-quotes it.
		e.buf = append(e.buf, '"')
		e.raw(s)
		e.buf = append(e.buf, '"')
	case strings.ContainsRune(s, '\n'):
		if !literalScalar(s) {
			e.ok = false
			return
		}
		e.literal(col+4, s)
		return
	case singleQuotedScalar(s):
		e.buf = append(e.buf, '\'')
		for {
			n := strings.IndexByte(s, '\'')
			if n < 0 {
				break
			}
			e.buf = append(e.buf, s[:n+1]...) // a quote is written twice
			e.buf = append(e.buf, '\'')
			s = s[n+1:]
		}
		e.buf = append(e.buf, s...)
		e.buf = append(e.buf, '\'')
	case strings.ContainsAny(s, "\r\u0085\u2028\u2029"):
		// Line breaks to YAML: the rendering depends on the indentation.
		e.ok = false
		return
	default:
		// Another single line: the library's rendering of a single-line value does
		// not depend on where it stands, so render it alone, as the library path's
		// node of it (see encoder.str).
		e.slow++
		var one encoder
		out, err := yaml.Marshal(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"}, one.str(s),
		}})
		if err != nil || !strings.HasPrefix(string(out), "k: ") || strings.Count(string(out), "\n") != 1 {
			e.ok = false
			return
		}
		e.buf = append(e.buf, out[len("k: "):len(out)-1]...)
	}
	e.buf = append(e.buf, '\n')
}

// literal writes s, checked by literalScalar, as a literal block scalar whose lines
// are at column col.
func (e *fastEncoder) literal(col int, s string) {
	if strings.HasSuffix(s, "\n") {
		e.raw("|\n")
		s = s[:len(s)-1]
	} else {
		e.raw("|-\n")
	}
	for line := range strings.SplitSeq(s, "\n") {
		if line != "" {
			e.indent(col)
			e.raw(line)
		}
		e.buf = append(e.buf, '\n')
	}
}

// isSpecialWord reports whether s is one of the plain scalars yaml.v3 quotes because
// they would read back as booleans or null (YAML 1.1 and 1.2 alike), in any case.
func isSpecialWord(s string) bool {
	if s == "" || len(s) > len("false") {
		return false
	}
	switch s[0] | 0x20 { // the first letter lower-cased
	case 'y', 'n', 't', 'f', 'o':
	default:
		return false
	}
	for _, w := range [...]string{"y", "yes", "n", "no", "true", "false", "on", "off", "null"} {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

// plainScalar reports whether yaml.v3 writes the single-line string s as a plain
// scalar, for a conservative set of strings: it starts with a letter, '/' or a digit
// (if it cannot read back as a number or a time), holds
// only printable ASCII (and 'µ') without YAML's quote, comment, escape and block characters,
// never has ": " or a colon or space at its end, and is not a boolean or null word.
func plainScalar(s string) bool {
	if s == "" || isSpecialWord(s) {
		return false
	}
	c := s[0]
	switch {
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/':
	case c >= '0' && c <= '9':
		if !resolvesToString(s) {
			return false
		}
	default:
		return false
	}
	for n := 0; n < len(s); n++ {
		c := s[n]
		switch plainClass[c] {
		case plainAny:
		case plainNotLast:
			// A space or a colon: not last, and not followed by a space.
			if n+1 == len(s) || s[n+1] == ' ' {
				return false
			}
		default:
			if c == 0xc2 && n+1 < len(s) && s[n+1] == 0xb5 {
				n++ // 'µ', as in a time.Duration's "1.5µs"
				continue
			}
			return false
		}
	}
	return true
}

// The classes of bytes in a plain scalar (see plainScalar).
const (
	plainNever   = iota // ends the plain scalar (quotes, '#', control bytes, non-ASCII)
	plainAny            // letters, digits and harmless punctuation
	plainNotLast        // ' ' and ':'
)

// plainClass is the class of each byte in a plain scalar.
var plainClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = plainAny, plainAny
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = plainAny
	}
	for _, c := range []byte("-_./;=,()+*%@&!?~^$[]{}<") {
		t[c] = plainAny
	}
	t[' '], t[':'] = plainNotLast, plainNotLast
	return t
}()

// numberClass marks the bytes strconv's integer and float syntax can hold (signs,
// base prefixes, hex digits, exponents, "inf", "infinity" and "nan"): a string with
// any other byte cannot parse as a number.
var numberClass = func() (t [256]bool) {
	for _, c := range []byte("0123456789abcdefABCDEFxXoObBpPiInNtTyY+-._") {
		t[c] = true
	}
	return t
}()

// resolvesToString reports whether yaml.v3 reads the plain scalar s, which starts with
// a digit, as a string: not a timestamp, an integer or a float in any of the forms it
// knows. (A YAML 1.1 base 60 number such as 1:20:30 stays plain: the library quotes
// it only when it reflects over a string, not in a node tagged !!str, and yaml.v3
// reads it back as a string.)
func resolvesToString(s string) bool {
	if len(s) > 4 && s[4] == '-' && strings.Trim(s[:4], "0123456789") == "" {
		return false // perhaps a timestamp
	}
	// Strings strconv would fail to parse (and allocate its error for): a byte no
	// number holds, or, without a base prefix, a letter but an exponent's.
	prefixed := len(s) > 1 && s[0] == '0' && strings.IndexByte("xXoObB", s[1]) >= 0
	for n := 0; n < len(s); n++ {
		c := s[n]
		if !numberClass[c] || !prefixed && c > '9' && c != 'e' && c != 'E' && c != '_' {
			return true
		}
	}
	plain := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return false
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return false
	}
	if _, err := strconv.ParseFloat(plain, 64); err == nil {
		return false
	}
	return true
}

// singleQuotedScalar reports whether yaml.v3 writes the single-line string s in single
// quotes, for strings that start like a JSON object, array or string (a character
// that rules out a plain scalar and that yaml.v3 never resolves to another type) and
// hold printable ASCII only.
func singleQuotedScalar(s string) bool {
	if s == "" || strings.IndexByte(`{["'`, s[0]) < 0 {
		return false
	}
	for n := 0; n < len(s); n++ {
		if s[n] < 0x20 || s[n] > 0x7e {
			return false
		}
	}
	return true
}

// literalScalar reports whether yaml.v3 writes the multi-line string s as a literal
// block scalar with no indentation indicator and "|" or "|-" chomping: text YAML
// calls printable (no control character but the line break, no character beyond
// U+FFFF) with no line break but '\n', not starting with a space or line break, no space
// before a line break or at the end, and at most one line break at the end.
func literalScalar(s string) bool {
	if s == "" || s[0] == ' ' || s[0] == '\n' || s[len(s)-1] == ' ' || strings.HasSuffix(s, "\n\n") || !utf8.ValidString(s) {
		return false
	}
	for n, r := range s {
		switch {
		case r == '\n':
			if n > 0 && s[n-1] == ' ' {
				return false
			}
		case r >= 0x20 && r <= 0x7e:
		case r >= 0xa0 && r <= 0xd7ff && r != 0x2028 && r != 0x2029:
			// Printable to YAML and not a line break (U+2028 and U+2029 are).
		case r >= 0xe000 && r <= 0xfffd && r != 0xfeff:
		default:
			return false // control characters, U+FEFF, invalid UTF-8, beyond U+FFFF
		}
	}
	return true
}

// plainKey reports whether yaml.v3 writes the map key k as a plain scalar and orders
// it with yamlKeyCompare: letters, digits, '-' and '_', starting with a letter, and
// short enough for a simple key (a longer one the library writes as "? key").
func plainKey(k string) bool {
	if k == "" || len(k) > 128 || isSpecialWord(k) {
		return false
	}
	for n := 0; n < len(k); n++ {
		c := k[n]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if n == 0 && !letter {
			return false
		}
		if !letter && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// yamlKeyCompare orders string map keys as yaml.v3 does: letters before other
// characters, runs of digits by their value.
func yamlKeyCompare(a, b string) int {
	if a == b {
		return 0
	}
	var abuf, bbuf [64]rune
	return yamlRunesCompare(runes(a, &abuf), runes(b, &bbuf))
}

// yamlRunesCompare is yamlKeyCompare of two keys given as runes.
func yamlRunesCompare(a, b []rune) int {
	if slices.Equal(a, b) {
		return 0
	}
	if yamlKeyLess(a, b) {
		return -1
	}
	return 1
}

// A sortKey is a map key being sorted: its index in the encoder's names and where
// its runes are in the encoder's runes.
type sortKey struct {
	name, start, end int
}

// runes returns s as runes, in buf when it fits (header names do), so that sorting
// keys does not allocate.
func runes(s string, buf *[64]rune) []rune {
	if len(s) > len(buf) {
		return []rune(s)
	}
	out := buf[:0]
	for _, r := range s {
		out = append(out, r)
	}
	return out
}

func yamlKeyLess(ar, br []rune) bool {
	digits := false
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			digits = unicode.IsDigit(ar[i])
			continue
		}
		al, bl := unicode.IsLetter(ar[i]), unicode.IsLetter(br[i])
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			if digits {
				return al
			}
			return bl
		}
		var ai, bi int
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(ar[j]); j-- {
				if ar[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		for ai = i; ai < len(ar) && unicode.IsDigit(ar[ai]); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for bi = i; bi < len(br) && unicode.IsDigit(br[bi]); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}
