package cassette

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// This file is the loader's fast path: a line-based parser for the block-style YAML
// that go-vcr v3 (through yaml.v3's encoder) and the recording proxy write. It builds
// the same yaml.Node tree the library (go.yaml.in/yaml/v3, yaml.v3's maintained fork,
// the same parser) would for that subset, several times faster. On anything outside
// the subset (flow collections other than [] and {}, anchors, tags, multi-line flow
// scalars, folded scalars, comments inside values, tabs in indentation, CR, NEL, LS or
// PS line ends, a second document) it gives up, and Parse uses the library instead;
// Parse also reruns the library whenever the fast tree does not decode, so every error
// message and line number comes from one place. It is kept because the library alone
// loads no faster than go-vcr's cassette.Load (the same parser), and loading must be
// at least twice as fast; FuzzParse holds it to the library's reading.

// fastLine is one line of the input.
type fastLine struct {
	text   []byte // without the line end
	indent int    // leading spaces
	blank  bool   // only spaces, or a comment
	num    int    // 1-based line number
}

// fastParser parses the block subset. ok turns false at the first thing outside it.
type fastParser struct {
	lines []fastLine
	i     int // current line
	ok    bool
	// pending are plain scalars that might be numbers or dates: their tags are asked
	// of yaml.v3 in one batch at the end.
	pending []*yaml.Node
}

// parseFast returns the document node of data, or false if data is outside the subset.
func parseFast(data []byte) (*yaml.Node, bool) {
	return parseFastAt(data, 1)
}

// parseFastAt is parseFast for data that starts on line first of its file.
func parseFastAt(data []byte, first int) (*yaml.Node, bool) {
	if !utf8.Valid(data) || !plainText(data) {
		return nil, false
	}
	p := &fastParser{ok: true}
	p.lines = make([]fastLine, 0, bytes.Count(data, []byte{'\n'})+1)
	for num := first; len(data) > 0; num++ {
		text := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			text, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		n := 0
		for n < len(text) && text[n] == ' ' {
			n++
		}
		if n < len(text) && text[n] == '\t' {
			return nil, false // a tab where indentation could be
		}
		blank := n == len(text) || text[n] == '#'
		p.lines = append(p.lines, fastLine{text: text, indent: n, blank: blank, num: num})
	}
	p.skipBlank()
	if p.i < len(p.lines) && string(p.lines[p.i].text) == "---" {
		p.i++
		p.skipBlank()
	}
	if p.i >= len(p.lines) {
		return nil, false
	}
	if l := p.lines[p.i]; l.indent != 0 || l.text[0] == '%' {
		return nil, false
	}
	root := p.block(0)
	p.skipBlank()
	if !p.ok || p.i < len(p.lines) || !p.resolvePending() {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Content: []*yaml.Node{root}}, true
}

// plainText reports whether data is free of what yaml.v3 treats specially or refuses:
// CR, NEL, LS and PS (line breaks to it), other control characters, byte order marks
// and the non-characters U+FFFE and U+FFFF.
func plainText(data []byte) bool {
	for i := 0; i < len(data); i++ {
		b := data[i]
		switch {
		case b < 0x20 && b != '\t' && b != '\n', b == 0x7f:
			return false
		case b == 0xc2 && i+1 < len(data) && data[i+1] < 0xa0: // U+0080 to U+009F
			return false
		case b == 0xe2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xa8 || data[i+2] == 0xa9):
			return false
		case b == 0xef && i+2 < len(data) && (data[i+1] == 0xbb && data[i+2] == 0xbf || data[i+1] == 0xbf && data[i+2] >= 0xbe):
			return false
		}
	}
	return true
}

func (p *fastParser) skipBlank() {
	for p.i < len(p.lines) && p.lines[p.i].blank {
		p.i++
	}
}

// fail marks the input as outside the subset and returns a placeholder node.
func (p *fastParser) fail() *yaml.Node {
	p.ok = false
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
}

// block parses the node starting on the current line (not blank), at its indent.
func (p *fastParser) block(minIndent int) *yaml.Node {
	l := p.lines[p.i]
	if l.indent < minIndent {
		return p.fail()
	}
	if isDash(l.text[l.indent:]) {
		return p.sequence(l.indent)
	}
	return p.mapping(l.indent, l.indent)
}

// isDash reports whether s starts a block sequence entry.
func isDash(s []byte) bool {
	return len(s) > 0 && s[0] == '-' && (len(s) == 1 || s[1] == ' ')
}

// sequence parses "- item" lines at indent n.
func (p *fastParser) sequence(n int) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: p.lines[p.i].num}
	for p.ok {
		p.skipBlank()
		if p.i >= len(p.lines) {
			break
		}
		l := p.lines[p.i]
		if l.indent < n {
			break
		}
		if l.indent > n || !isDash(l.text[l.indent:]) {
			if l.indent == n {
				break // the next key of a mapping at the same indent
			}
			return p.fail()
		}
		col := n + 1
		for col < len(l.text) && l.text[col] == ' ' {
			col++
		}
		if col >= len(l.text) || l.text[col] == '#' { // "-" alone: the item is below
			p.i++
			p.skipBlank()
			if p.i >= len(p.lines) || p.lines[p.i].indent <= n {
				seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: l.num})
				continue
			}
			seq.Content = append(seq.Content, p.block(n+1))
			continue
		}
		rest := l.text[col:]
		switch {
		case isDash(rest):
			return p.fail() // "- - x": nested compact sequences
		case keyEnd(rest) >= 0:
			seq.Content = append(seq.Content, p.mapping(col, col))
		default:
			seq.Content = append(seq.Content, p.value(rest, l.num, n))
		}
	}
	return seq
}

// keyEnd returns the index of the ": " (or final ":") that ends a plain key at the
// start of s, or -1 if s does not start with a plain key.
func keyEnd(s []byte) int {
	if len(s) == 0 || strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", s[0]) >= 0 {
		return -1
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ':':
			if i+1 == len(s) || s[i+1] == ' ' {
				return i
			}
		case '#':
			if s[i-1] == ' ' {
				return -1
			}
		}
	}
	return -1
}

// mapping parses "key: value" entries at indent n; the first entry's key starts at
// column first of the current line (after "- " when the mapping is a sequence item).
func (p *fastParser) mapping(n, first int) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: p.lines[p.i].num}
	col := first
	for p.ok {
		l := p.lines[p.i]
		s := l.text[col:]
		end := keyEnd(s)
		if end < 0 {
			return p.fail()
		}
		key := string(bytes.TrimRight(s[:end], " "))
		if key == "<<" {
			return p.fail()
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: l.num})
		rest := bytes.TrimLeft(s[end+1:], " ")
		if len(rest) == 0 || rest[0] == '#' {
			p.i++
			p.skipBlank()
			var v *yaml.Node
			switch {
			case p.i < len(p.lines) && p.lines[p.i].indent > n:
				v = p.block(n + 1)
			case p.i < len(p.lines) && p.lines[p.i].indent == n && isDash(p.lines[p.i].text[n:]):
				v = p.sequence(n)
			default:
				v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: l.num}
			}
			m.Content = append(m.Content, v)
		} else {
			m.Content = append(m.Content, p.value(rest, l.num, n))
		}
		if !p.ok {
			break
		}
		p.skipBlank()
		if p.i >= len(p.lines) || p.lines[p.i].indent < n {
			break
		}
		if p.lines[p.i].indent > n {
			return p.fail()
		}
		if isDash(p.lines[p.i].text[n:]) {
			break // the next item of the sequence this mapping is in
		}
		col = n
	}
	return m
}

// value parses the scalar (or [] or {}) that starts at rest on the current line,
// for a node whose parent is at indent n, and moves past it.
func (p *fastParser) value(rest []byte, num, n int) *yaml.Node {
	switch rest[0] {
	case '|':
		return p.literal(rest, num, n)
	case '[', '{':
		if t := string(bytes.TrimRight(rest, " ")); t == "[]" || t == "{}" {
			p.i++
			if p.continued(n) {
				return p.fail()
			}
			if t == "[]" {
				return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: num}
			}
			return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle, Line: num}
		}
		return p.fail()
	case '\'':
		v, ok := singleQuoted(rest)
		return p.scalar(v, "!!str", ok, num, n)
	case '"':
		v, ok := doubleQuoted(rest)
		return p.scalar(v, "!!str", ok, num, n)
	}
	if strings.IndexByte("-?:,]}#&*!>%@`", rest[0]) >= 0 && !(rest[0] == '-' && len(rest) > 1 && rest[1] != ' ') {
		return p.fail()
	}
	if bytes.Contains(rest, []byte(" #")) || bytes.Contains(rest, []byte(": ")) || bytes.HasSuffix(rest, []byte(":")) {
		return p.fail()
	}
	v := string(bytes.TrimRight(rest, " "))
	tag, ok := p.resolve(v)
	return p.scalar(v, tag, ok, num, n)
}

// scalar finishes a one-line scalar: the following lines must not continue it.
func (p *fastParser) scalar(v, tag string, ok bool, num, n int) *yaml.Node {
	p.i++
	if !ok || p.continued(n) {
		return p.fail()
	}
	node := &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v, Line: num}
	if tag == "" {
		p.pending = append(p.pending, node)
	}
	return node
}

// continued reports whether the next non-blank line is indented deeper than n, which
// would make it part of the scalar just read (a multi-line scalar).
func (p *fastParser) continued(n int) bool {
	p.skipBlank()
	return p.i < len(p.lines) && p.lines[p.i].indent > n
}

// resolve tags a plain scalar as yaml.v3 does. Plain decimal integers, null and bool
// words, durations and words that cannot be numbers are decided here; anything else
// that might be a float, a date or an integer in another base gets the empty tag, to
// be resolved by resolvePending.
func (p *fastParser) resolve(v string) (string, bool) {
	switch v {
	case "~", "null", "Null", "NULL":
		return "!!null", true
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool", true
	}
	c := v[0]
	if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.') {
		return "!!str", true
	}
	if len(v) > 1 && c == '0' || c == '+' {
		return "", true
	}
	digits := v
	if c == '-' {
		digits = v[1:]
	}
	if len(digits) > 0 && len(digits) <= 18 && (digits[0] != '0' || len(digits) == 1) {
		allDigits := true
		for i := 0; i < len(digits); i++ {
			if digits[i] < '0' || digits[i] > '9' {
				allDigits = false
				break
			}
		}
		if allDigits {
			return "!!int", true
		}
	}
	// A duration with its unit ("12.345678ms", as go-vcr writes every one) is never a
	// number or a date to yaml.v3.
	if last := v[len(v)-1]; last >= 'a' && last <= 'z' {
		if _, err := time.ParseDuration(v); err == nil {
			return "!!str", true
		}
	}
	return "", true
}

// resolvePending asks yaml.v3 for the tags of the pending scalars, all in one small
// document, one list item per distinct value.
func (p *fastParser) resolvePending() bool {
	if len(p.pending) == 0 {
		return true
	}
	index := map[string]int{}
	var doc bytes.Buffer
	for _, n := range p.pending {
		if _, ok := index[n.Value]; !ok {
			index[n.Value] = len(index)
			doc.WriteString("- ")
			doc.WriteString(n.Value)
			doc.WriteByte('\n')
		}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(doc.Bytes(), &root); err != nil || len(root.Content) != 1 {
		return false
	}
	items := root.Content[0].Content
	if root.Content[0].Kind != yaml.SequenceNode || len(items) != len(index) {
		return false
	}
	for _, n := range p.pending {
		it := items[index[n.Value]]
		if it.Kind != yaml.ScalarNode || it.Value != n.Value || it.Style != 0 || it.Tag == "" {
			return false
		}
		n.Tag = it.Tag
	}
	return true
}

// singleQuoted decodes a one-line 'single quoted' scalar; nothing but spaces may follow.
func singleQuoted(s []byte) (string, bool) {
	var sb strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			sb.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			sb.WriteByte('\'')
			i++
			continue
		}
		return sb.String(), len(bytes.TrimRight(s[i+1:], " ")) == 0
	}
	return "", false
}

// doubleQuoted decodes a one-line "double quoted" scalar with YAML's escapes; nothing
// but spaces may follow.
func doubleQuoted(s []byte) (string, bool) {
	var sb strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return sb.String(), len(bytes.TrimRight(s[i+1:], " ")) == 0
		case '\\':
		default:
			sb.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", false
		}
		width := 0
		switch s[i] {
		case '0':
			sb.WriteByte(0)
		case 'a':
			sb.WriteByte('\a')
		case 'b':
			sb.WriteByte('\b')
		case 't', '\t':
			sb.WriteByte('\t')
		case 'n':
			sb.WriteByte('\n')
		case 'v':
			sb.WriteByte('\v')
		case 'f':
			sb.WriteByte('\f')
		case 'r':
			sb.WriteByte('\r')
		case 'e':
			sb.WriteByte(0x1b)
		case ' ', '"', '/', '\\':
			sb.WriteByte(s[i])
		case 'N':
			sb.WriteRune('\u0085')
		case '_':
			sb.WriteRune('\u00a0')
		case 'L':
			sb.WriteRune('\u2028')
		case 'P':
			sb.WriteRune('\u2029')
		case 'x':
			width = 2
		case 'u':
			width = 4
		case 'U':
			width = 8
		default:
			return "", false
		}
		if width > 0 {
			if i+width >= len(s) {
				return "", false
			}
			r, err := strconv.ParseUint(string(s[i+1:i+1+width]), 16, 32)
			if err != nil || !utf8.ValidRune(rune(r)) {
				return "", false
			}
			sb.WriteRune(rune(r))
			i += width
		}
	}
	return "", false
}

// literal parses a "|" block scalar whose parent node is at indent n.
func (p *fastParser) literal(header []byte, num, n int) *yaml.Node {
	chomp, indent := byte(0), 0
	h := bytes.TrimRight(header[1:], " ")
	for _, c := range h {
		switch {
		case (c == '-' || c == '+') && chomp == 0:
			chomp = c
		case c >= '1' && c <= '9' && indent == 0:
			indent = n + int(c-'0')
		default:
			return p.fail()
		}
	}
	p.i++
	start := p.i
	if indent == 0 { // the first line with text sets the indentation
		for j := p.i; j < len(p.lines); j++ {
			if l := p.lines[j]; l.indent < len(l.text) {
				indent = l.indent
				break
			}
			if p.lines[j].indent > 0 && j < len(p.lines) {
				// a spaces-only line before the first text line: keep to the simple case
				return p.fail()
			}
		}
		if indent <= n {
			return p.fail()
		}
	}
	var body []string
	lastText := -1
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		if l.indent < len(l.text) && l.indent < indent {
			break // a line with text, less indented: the block is over
		}
		if len(l.text) < indent {
			body = append(body, "")
			continue
		}
		body = append(body, string(l.text[indent:]))
		lastText = len(body) - 1
	}
	if lastText < 0 { // no text at all: only "+" keeps the line ends
		v := ""
		if chomp == '+' {
			v = strings.Repeat("\n", len(body))
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.LiteralStyle, Value: v, Line: num}
	}
	trailing := len(body) - 1 - lastText
	v := strings.Join(body[:lastText+1], "\n")
	switch chomp {
	case 0:
		v += "\n"
	case '+':
		v += strings.Repeat("\n", trailing+1)
	}
	// Blank lines after the block belong to it only with "+"; let them be skipped.
	p.i -= trailing
	if p.i < start {
		p.i = start
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.LiteralStyle, Value: v, Line: num}
}
