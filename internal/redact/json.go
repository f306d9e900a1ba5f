package redact

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// maxGunzip bounds what Body decodes of a gzip body.
const maxGunzip = 32 << 20

// gunzip decodes a gzip body, or reports false.
func gunzip(b []byte) ([]byte, bool) {
	if !bytes.HasPrefix(b, gzipRE) {
		return nil, false
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxGunzip))
	if err != nil {
		return nil, false
	}
	return out, true
}

// span is a byte range [start, end) of a JSON value in a document, and what replaces
// it.
type span struct {
	start, end int
	with       string
}

// json redacts a JSON document, replacing only the values that change: every other
// byte is kept. It reports false when doc is not one JSON value (or is nested deeper
// than maxDepth), and then returns nil.
func (r *run) json(doc []byte, field string, depth int) ([]byte, bool) {
	if depth > 8 {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var spans []span
	// lastTok is the token read last; pairs, whether an array starts with a string that
	// names a secret, as ["X-Auth-Token", "..."] does.
	var lastTok any
	pairs := false
	var walk func(path []string, secretKey string, level int) error
	walk = func(path []string, secretKey string, level int) error {
		if level > maxDepth {
			return fmt.Errorf("nested deeper than %d", maxDepth)
		}
		start := skipSeparators(doc, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		lastTok = tok
		end := func() int { return int(dec.InputOffset()) }
		userPath := len(path) > 0 && r.p.matchPath(path)
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return err
					}
					key, _ := kt.(string)
					sk := ""
					if IsSecretName(key) {
						sk = key
					}
					if err := walk(append(path[:len(path):len(path)], key), sk, level+1); err != nil {
						return err
					}
				}
			case '[':
				for n := 0; dec.More(); n++ {
					// The elements of a secret key's array are secret too.
					if err := walk(append(path[:len(path):len(path)], strconv.Itoa(n)), secretKey, level+1); err != nil {
						return err
					}
					if n == 0 && !pairs {
						if s, ok := lastTok.(string); ok && (IsSecretName(s) || r.p.judgeHeader(s)) {
							pairs = true
						}
					}
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			if userPath {
				var v any
				if json.Unmarshal(doc[start:end()], &v) == nil {
					r.found = append(r.found, stringsIn(v)...)
				}
				spans = append(spans, span{start, end(), strconv.Quote(cassette.Redacted)})
				r.note(field+" "+jsonPath(path), "--redact-json-field")
			}
		case string:
			at := field + " " + jsonPath(path)
			switch {
			case IsRedacted(t):
			case userPath:
				r.note(at, "--redact-json-field", t)
				spans = append(spans, span{start, end(), strconv.Quote(cassette.Redacted)})
			case secretKey != "" && t != "":
				r.notef(at, "secret JSON field %q (name rule)", secretKey, t)
				spans = append(spans, span{start, end(), strconv.Quote(cassette.Redacted)})
			default:
				if out := r.nestedJSON(t, at, depth); out != t {
					spans = append(spans, span{start, end(), jsonString(out)})
				}
			}
		default:
			if userPath {
				spans = append(spans, span{start, end(), strconv.Quote(cassette.Redacted)})
				r.note(field+" "+jsonPath(path), "--redact-json-field")
			}
		}
		return nil
	}
	if err := walk(nil, "", 0); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	if pairs || bytes.Contains(doc, []byte(`"value"`)) && (bytes.Contains(doc, []byte(`"name"`)) || bytes.Contains(doc, []byte(`"key"`))) {
		var v any
		if json.Unmarshal(doc, &v) == nil {
			r.namedValues(v, field, 0)
		}
	}
	if len(spans) == 0 {
		return doc, true
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	var b bytes.Buffer
	last := 0
	for _, s := range spans {
		if s.start < last {
			continue // inside a value already replaced
		}
		b.Write(doc[last:s.start])
		b.WriteString(s.with)
		last = s.end
	}
	b.Write(doc[last:])
	return b.Bytes(), true
}

// namedValues notes as found the values of the name/value pairs in v whose name is
// secret: objects such as {"name": "X-Auth-Token", "value": "..."} (HAR headers,
// Kubernetes environment variables) and {"key": "password", "value": "..."} (Postman
// variables), and arrays of two, ["X-Auth-Token", "..."] (header lists as Node.js
// and Python print them). The run's scrub replaces them where they stand.
func (r *run) namedValues(v any, field string, level int) {
	if level > maxDepth {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		if val, ok := t["value"]; ok {
			for _, k := range []string{"name", "key"} {
				if n, ok := t[k].(string); ok && (IsSecretName(n) || r.p.judgeHeader(n)) {
					r.noteValues(field, n, val)
				}
			}
		}
		for _, c := range t {
			r.namedValues(c, field, level+1)
		}
	case []any:
		if len(t) == 2 {
			if n, ok := t[0].(string); ok && (IsSecretName(n) || r.p.judgeHeader(n)) {
				r.noteValues(field, n, t[1])
			}
		}
		for _, c := range t {
			r.namedValues(c, field, level+1)
		}
	}
}

// noteValues notes as found the strings of val, the value of a pair named name.
func (r *run) noteValues(field, name string, val any) {
	var secrets []string
	for _, v := range stringsIn(val) {
		if v != "" && !IsRedacted(v) {
			secrets = append(secrets, v)
		}
	}
	if len(secrets) > 0 {
		r.notef(field, "value of the name/value pair %q (name rule)", name, secrets...)
	}
}

// nestedJSON redacts a JSON string's value: a JSON document inside it by its keys,
// anything else as text.
func (r *run) nestedJSON(s, field string, depth int) string {
	t := strings.TrimSpace(s)
	if len(t) > 1 && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
		if out, ok := r.json([]byte(s), field+" >", depth+1); ok {
			return string(out)
		}
	}
	return r.text(s, field) // also a document nested too deep to walk
}

// stringsIn returns the strings in a decoded JSON value.
func stringsIn(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case map[string]any:
		var out []string
		for _, c := range t {
			out = append(out, stringsIn(c)...)
		}
		return out
	case []any:
		var out []string
		for _, c := range t {
			out = append(out, stringsIn(c)...)
		}
		return out
	}
	return nil
}

// jsonPath writes a key path as $.a.b[0].
func jsonPath(path []string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, p := range path {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		b.WriteString("." + p)
	}
	return b.String()
}

func skipSeparators(b []byte, i int) int {
	for i < len(b) && strings.IndexByte(" \t\r\n,:", b[i]) >= 0 {
		i++
	}
	return i
}

func (p *Policy) matchPath(cur []string) bool {
	for _, pat := range p.paths {
		if match(pat, cur) {
			return true
		}
	}
	return false
}

// match reports whether the key path cur matches pattern p ("*" one segment, "**"
// any number of segments).
func match(p, cur []string) bool {
	if len(p) == 0 {
		return len(cur) == 0
	}
	if p[0] == "**" {
		for n := 0; n <= len(cur); n++ {
			if match(p[1:], cur[n:]) {
				return true
			}
		}
		return false
	}
	if len(cur) == 0 {
		return false
	}
	return (p[0] == "*" || p[0] == cur[0]) && match(p[1:], cur[1:])
}
