package suites

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"pgregory.net/rapid"

	"github.com/noticeconf/noticeconf/fixtures/contract"
)

// The generators of the generated checks. Each draws requests from the contract:
// the fields, their types and which are required come from the OpenAPI document's
// UpdateNoticeRequestBody (read through fixtures/contract), the values the vendor
// documents from the contract's lists, the job id from the document's pattern.
// Their names are the contract's terms.

// probe is one generated request and what the contract says of it.
type probe struct {
	rq request
	// drawn says in words what was generated ("a valid update: ..."), as failure
	// messages show it.
	drawn string
	// open, if not empty, says why the contract leaves the request's acceptance
	// open (200 or a documented 400): a value the vendor does not document.
	open []string
	// jobIs says which kind of job id a request of any shape addresses.
	jobIs string
}

// bodySchema is what the generators read of the document's request body schema.
type bodySchema struct {
	// fields are the body's properties, in the document's order.
	fields []field
}

// field is one property of the request body.
type field struct {
	name     string
	required bool
	// types are the JSON types the document allows ("string", "array", "boolean").
	types []string
	// items is the type of an array's elements.
	items string
}

// allows reports whether the document allows JSON type typ for f.
func (f field) allows(typ string) bool { return slices.Contains(f.types, typ) }

// readBodySchema reads UpdateNoticeRequestBody from the contract.
func readBodySchema(c *contract.Contract) (bodySchema, error) {
	ref := c.Doc().Components.Schemas["UpdateNoticeRequestBody"]
	if ref == nil || ref.Value == nil {
		return bodySchema{}, fmt.Errorf("the OpenAPI document has no UpdateNoticeRequestBody schema")
	}
	sc := ref.Value
	names := make([]string, 0, len(sc.Properties))
	for name := range sc.Properties {
		names = append(names, name)
	}
	// Required fields first, then the others, each group sorted: a stable order
	// for a map that has none.
	slices.SortFunc(names, func(a, b string) int {
		ra, rb := slices.Contains(sc.Required, a), slices.Contains(sc.Required, b)
		switch {
		case ra && !rb:
			return -1
		case rb && !ra:
			return 1
		}
		return strings.Compare(a, b)
	})
	var bs bodySchema
	for _, name := range names {
		p := sc.Properties[name].Value
		f := field{name: name, required: slices.Contains(sc.Required, name), types: typesOf(p)}
		if len(f.types) == 0 {
			return bs, fmt.Errorf("UpdateNoticeRequestBody.%s: no type in the OpenAPI document", name)
		}
		if f.allows("array") {
			if p.Items == nil || p.Items.Value == nil || len(typesOf(p.Items.Value)) != 1 {
				return bs, fmt.Errorf("UpdateNoticeRequestBody.%s: an array without one item type", name)
			}
			f.items = typesOf(p.Items.Value)[0]
		}
		bs.fields = append(bs.fields, f)
	}
	return bs, nil
}

// typesOf returns the JSON types a schema allows: its type, or its anyOf's.
func typesOf(s *openapi3.Schema) []string {
	if s.Type != nil && len(*s.Type) > 0 {
		return slices.Clone([]string(*s.Type))
	}
	var out []string
	for _, alt := range s.AnyOf {
		if alt.Value != nil {
			out = append(out, typesOf(alt.Value)...)
		}
	}
	return out
}

// member is one key and value of a generated JSON object.
type member struct {
	key string
	// value is a string, bool, float64, nil, []any, or rawJSON.
	value any
}

// rawJSON is a value written as is.
type rawJSON string

// documentedString draws one of the documented values or, less often, any string:
// another case of a documented one (lower, capitalised, one letter changed), other
// words, non-ASCII. It reports whether the
// value is documented.
func documentedString(documented []string) *rapid.Generator[docString] {
	return rapid.Custom(func(t *rapid.T) docString {
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0, 1:
			return docString{rapid.SampledFrom(documented).Draw(t, "documented"), true}
		case 2: // another case: lower, capitalised, or one letter's case changed
			v := rapid.SampledFrom(documented).Draw(t, "documented")
			switch rapid.IntRange(0, 2).Draw(t, "case") {
			case 0:
				v = strings.ToLower(v)
			case 1:
				v = strings.ToUpper(v[:1]) + strings.ToLower(v[1:])
			default:
				v = recase(t, v)
			}
			return docString{v, slices.Contains(documented, v)}
		default:
			v := rapid.String().Draw(t, "string")
			return docString{v, slices.Contains(documented, v)}
		}
	})
}

// docString is a drawn string and whether the vendor documents it.
type docString struct {
	s          string
	documented bool
}

// validUpdate draws a body the contract accepts: the mandatory fields with any
// strings (mostly the documented values) and 0 to 5 event names, the optional
// fields present or absent with their documented types. It returns the members and
// why the contract leaves the acceptance open, if it does.
func validUpdate(bs bodySchema) *rapid.Generator[validBodyDraw] {
	return validUpdateOf(bs, true)
}

// validUpdateOf is validUpdate; anyType says whether a field the document gives
// several types (send_switch) is drawn, now and then, of another type, which the
// contract leaves open. The invalid updates start from a body without: one that a
// server may refuse for that alone hides the defect drawn.
func validUpdateOf(bs bodySchema, anyType bool) *rapid.Generator[validBodyDraw] {
	return rapid.Custom(func(t *rapid.T) validBodyDraw {
		var d validBodyDraw
		for _, f := range bs.fields {
			if !f.required && !rapid.Bool().Draw(t, f.name+" present") {
				continue
			}
			switch {
			case f.name == "notice_type" && f.allows("string"):
				v := documentedString(contract.NoticeTypes()).Draw(t, f.name)
				if !v.documented {
					d.open = append(d.open, fmt.Sprintf("notice_type %s is not a value the vendor documents", quote(v.s)))
				}
				d.members = append(d.members, member{f.name, v.s})
			case f.allows("array"):
				vs := rapid.SliceOfN(documentedString(contract.EventTypes()), 0, len(contract.EventTypes())).Draw(t, f.name)
				arr := make([]any, len(vs))
				seen := map[string]bool{}
				for i, v := range vs {
					arr[i] = v.s
					if !v.documented {
						d.open = append(d.open, fmt.Sprintf("the event name %s is not one the vendor documents", quote(v.s)))
					}
					if seen[v.s] {
						d.open = append(d.open, fmt.Sprintf("the event name %s is there twice", quote(v.s)))
					}
					seen[v.s] = true
				}
				if len(vs) == 0 {
					d.open = append(d.open, "the event list is empty")
				}
				d.members = append(d.members, member{f.name, arr})
			case !f.required && rapid.IntRange(0, 9).Draw(t, f.name+" null") == 9: // shrinks to not null
				d.open = append(d.open, fmt.Sprintf("the optional %s is null", f.name))
				d.members = append(d.members, member{f.name, nil})
			case anyType && len(f.types) > 1 && rapid.IntRange(0, 9).Draw(t, f.name+" other type") == 9: // shrinks to a documented type
				// A field the document gives several types (send_switch): whether
				// others are refused is open, but never a fault.
				typ := rapid.SampledFrom(otherTypes(f)).Draw(t, f.name+" type")
				d.open = append(d.open, fmt.Sprintf("%s is a %s, not %s", f.name, typ, strings.Join(f.types, " or ")))
				d.members = append(d.members, member{f.name, extremeValueOfType(t, typ)})
			case f.allows("boolean") && rapid.Bool().Draw(t, f.name+" boolean"):
				d.members = append(d.members, member{f.name, rapid.Bool().Draw(t, f.name)})
			case f.allows("boolean"): // a string, as the SDK sends it
				v := rapid.SampledFrom([]string{"true", "false", "on", ""}).Draw(t, f.name)
				if v != "true" && v != "false" {
					d.open = append(d.open, fmt.Sprintf("%s %s is neither \"true\" nor \"false\"", f.name, quote(v)))
				}
				d.members = append(d.members, member{f.name, v})
			case f.allows("string"):
				d.members = append(d.members, member{f.name, opaqueString().Draw(t, f.name)})
			}
		}
		return d
	})
}

// opaqueString draws the value of an opaque string field (param_config): any string,
// or one of the shapes the contract names for it, a JSON text with a webhook URL,
// whole, cut short or of another JSON type, or a bare URL. Its content is the
// client's; the field stays a valid string whatever it holds.
func opaqueString() *rapid.Generator[string] {
	url := rapid.Custom(func(t *rapid.T) string {
		return rapid.SampledFrom([]string{"https://", "http://", ""}).Draw(t, "scheme") +
			rapid.StringMatching(`[a-z0-9.-]{1,16}(/[a-zA-Z0-9%?=&_.-]{0,12}){0,3}`).Draw(t, "address")
	})
	return rapid.OneOf(
		rapid.String(),
		rapid.Custom(func(t *rapid.T) string {
			key := rapid.SampledFrom([]string{"url", "webhook", "hook_url", "URL"}).Draw(t, "key")
			u := url.Draw(t, "url")
			text := fmt.Sprintf(`{%q:%q}`, key, u)
			switch rapid.IntRange(0, 3).Draw(t, "shape") {
			case 1: // cut short
				return text[:rapid.IntRange(0, len(text)-1).Draw(t, "cut at")]
			case 2: // JSON, not an object
				return rapid.SampledFrom([]string{"[" + text + "]", `"` + u + `"`, "null", "1", "{}"}).Draw(t, "json")
			case 3:
				return u
			}
			return text
		}),
	)
}

// otherTypes are the JSON types f does not allow, null aside.
func otherTypes(f field) []string {
	var out []string
	for _, typ := range jsonTypes {
		if typ != "null" && !f.allows(typ) {
			out = append(out, typ)
		}
	}
	return out
}

// extremeValueOfType draws a JSON value of type typ, numbers at the edges of what
// parsers take (-0, 1e400, more digits than a float64 holds) as often as small ones.
func extremeValueOfType(t *rapid.T, typ string) any {
	if typ == "number" && rapid.Bool().Draw(t, "extreme") {
		return rawJSON(rapid.SampledFrom([]string{"-0", "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "0.1", "-1", "1E+2"}).Draw(t, "number"))
	}
	if typ == "array" && rapid.Bool().Draw(t, "not empty") {
		return []any{rapid.StringN(0, 8, -1).Draw(t, "element"), 1.0, nil}
	}
	return valueOfType(t, typ)
}

// validBodyDraw is a drawn valid body.
type validBodyDraw struct {
	members []member
	open    []string
}

// jsonTypes are the JSON types a wrong-type value is drawn from.
var jsonTypes = []string{"null", "boolean", "number", "string", "array", "object"}

// valueOfType draws a JSON value of type typ.
func valueOfType(t *rapid.T, typ string) any {
	switch typ {
	case "null":
		return nil
	case "boolean":
		return rapid.Bool().Draw(t, "bool")
	case "number":
		return float64(rapid.IntRange(-1000, 1000).Draw(t, "number"))
	case "string":
		return rapid.StringN(0, 8, -1).Draw(t, "string")
	case "array":
		return []any{}
	default:
		return rawJSON(rapid.SampledFrom([]string{`{}`, `{"url":"https://example.com/hook"}`}).Draw(t, "object"))
	}
}

// invalidUpdate draws a body the contract rejects, and says why: each mandatory
// field missing, renamed (another case) or of each wrong JSON type (null
// included); an element of a wrong type; a value that is not one JSON text
// (trailing bytes, cut short); an empty body.
func invalidUpdate(bs bodySchema) *rapid.Generator[invalidBodyDraw] {
	var required, typed []field
	for _, f := range bs.fields {
		if f.required {
			required = append(required, f)
		}
		// An optional field with one type (param_config) refuses the others; one
		// that allows several (send_switch) is left open by the contract.
		if f.required || len(f.types) == 1 {
			typed = append(typed, f)
		}
	}
	return rapid.Custom(func(t *rapid.T) invalidBodyDraw {
		base := validUpdateOf(bs, false).Draw(t, "valid body")
		ms := base.members
		switch rapid.IntRange(0, 8).Draw(t, "defect") {
		case 0: // a mandatory field missing
			f := rapid.SampledFrom(required).Draw(t, "missing field")
			return invalidBodyDraw{members: without(ms, f.name), why: fmt.Sprintf("the mandatory %s is missing", f.name)}
		case 1: // a mandatory field renamed: key names are case-sensitive
			f := rapid.SampledFrom(required).Draw(t, "renamed field")
			renamed := recase(t, f.name)
			out := without(ms, f.name)
			out = append(out, member{renamed, valueOf(ms, f.name)})
			return invalidBodyDraw{members: out, why: fmt.Sprintf("the mandatory %s is sent as %s (key names are case-sensitive)", f.name, renamed)}
		case 7: // a mandatory field null: not absent, the wrong type
			f := rapid.SampledFrom(required).Draw(t, "null field")
			return invalidBodyDraw{members: with(without(ms, f.name), f.name, nil), why: fmt.Sprintf("the mandatory %s is null", f.name)}
		case 2, 3: // a field of a wrong type
			f := rapid.SampledFrom(typed).Draw(t, "mistyped field")
			var wrong []string
			for _, typ := range jsonTypes {
				if !f.allows(typ) && (f.required || typ != "null") {
					wrong = append(wrong, typ)
				}
			}
			typ := rapid.SampledFrom(wrong).Draw(t, "wrong type")
			v := valueOfType(t, typ)
			return invalidBodyDraw{members: with(without(ms, f.name), f.name, v), why: fmt.Sprintf("%s is a %s, not %s", f.name, typ, strings.Join(f.types, " or "))}
		case 4: // an element of a wrong type
			var arrays []field
			for _, f := range typed {
				if f.allows("array") {
					arrays = append(arrays, f)
				}
			}
			f := rapid.SampledFrom(arrays).Draw(t, "array")
			var wrong []string
			for _, typ := range jsonTypes {
				if typ != f.items {
					wrong = append(wrong, typ)
				}
			}
			typ := "null" // half the time: the element most often sent by mistake
			if rapid.Bool().Draw(t, "not null") {
				typ = rapid.SampledFrom(wrong).Draw(t, "wrong element type")
			}
			arr, _ := valueOf(ms, f.name).([]any)
			arr = slices.Clone(arr)
			at := rapid.IntRange(0, len(arr)).Draw(t, "at")
			arr = slices.Insert(arr, at, valueOfType(t, typ))
			return invalidBodyDraw{members: with(without(ms, f.name), f.name, arr), why: fmt.Sprintf("element %d of %s is a %s, not a %s", at, f.name, typ, f.items)}
		case 8: // one JSON text, but not an object: the update has no fields at all
			return invalidBodyDraw{members: ms, notObject: notAnObject(t), why: "the body is a JSON value that is not an object"}
		case 5: // not one JSON text: bytes after the value, or space that is not JSON's around it
			if rapid.IntRange(0, 2).Draw(t, "not JSON whitespace") == 2 { // shrinks to bytes after
				sp := rapid.SampledFrom(notJSONSpace).Draw(t, "space")
				d := invalidBodyDraw{members: ms, why: fmt.Sprintf("the JSON value is preceded or followed by %s, which is not JSON whitespace (RFC 8259 section 2)", quote(sp))}
				switch rapid.IntRange(0, 2).Draw(t, "where") {
				case 0:
					d.suffix = sp
				case 1:
					d.prefix = sp
				default:
					d.prefix, d.suffix = sp, sp
				}
				return d
			}
			garbage := rapid.SampledFrom([]string{"x", "}", "]", ",", "{}", "1", `"a"`, "null", "\x00"}).Draw(t, "trailing bytes")
			return invalidBodyDraw{members: ms, suffix: garbage, why: fmt.Sprintf("the JSON value is followed by %s (not one JSON text)", quote(garbage))}
		default: // not JSON: empty, cut short, or whitespace alone
			switch rapid.IntRange(0, 2).Draw(t, "not JSON") {
			case 0:
				return invalidBodyDraw{members: ms, empty: true, why: "the body is empty"}
			case 2:
				ws := rapid.StringOfN(rapid.SampledFrom([]rune(" \t\r\n")), 1, 16, -1).Draw(t, "whitespace")
				return invalidBodyDraw{members: ms, only: ws, why: fmt.Sprintf("the body is whitespace alone, %s (no JSON value)", quote(ws))}
			}
			return invalidBodyDraw{members: ms, cut: true, why: "the body is not JSON (cut short)"}
		}
	})
}

// invalidBodyDraw is a drawn invalid body.
type invalidBodyDraw struct {
	members []member
	// prefix and suffix are written before and after the JSON text.
	prefix, suffix string
	// only, if set, is the whole body instead of the JSON text.
	only string
	// cut, if set, cuts the written body short (down to nothing).
	cut bool
	// empty, if set, sends no body at all.
	empty bool
	// notObject, if set, writes the body as a JSON value that is not an object:
	// it returns the text, given the object as written.
	notObject func(object string) string
	why       string
}

// notJSONSpace are characters that are space to someone but not JSON whitespace
// (RFC 8259 section 2 allows only space, tab, line feed and carriage return): form
// feed, vertical tab, NEL, no-break space, line separator, ideographic space and
// zero width space.
var notJSONSpace = []string{"\f", "\v", "\u0085", "\u00a0", "\u2028", "\u3000", "\u200b"}

// notAnObject draws a JSON text that is not an object: the update inside an array
// (a batch of one), or an array, a string, a number, a boolean or null.
func notAnObject(t *rapid.T) func(object string) string {
	switch kind := rapid.SampledFrom([]string{"array of the update", "array", "string", "number", "boolean", "null"}).Draw(t, "not an object"); kind {
	case "array of the update":
		return func(object string) string { return "[" + object + "]" }
	case "string":
		return func(object string) string { return quote(object) }
	default:
		v := map[string]string{"array": "[]", "number": "1", "boolean": "true", "null": "null"}[kind]
		return func(string) string { return v }
	}
}

func without(ms []member, key string) []member {
	return slices.DeleteFunc(slices.Clone(ms), func(m member) bool { return m.key == key })
}

func with(ms []member, key string, v any) []member { return append(ms, member{key, v}) }

func valueOf(ms []member, key string) any {
	for _, m := range ms {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// recase draws another spelling of name that differs in the case of a letter.
func recase(t *rapid.T, name string) string {
	rs := []rune(name)
	var letters []int
	for i, r := range rs {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			letters = append(letters, i)
		}
	}
	i := rapid.SampledFrom(letters).Draw(t, "letter")
	if rs[i] >= 'a' {
		rs[i] -= 'a' - 'A'
	} else {
		rs[i] += 'a' - 'A'
	}
	return string(rs)
}

// spelling is how a body is written: the JSON text (RFC 8259) allows whitespace
// between tokens, any key order and escapes (\u and the short ones: \/, \b, \n,
// ...), all the same body.
type spelling struct {
	// space draws the whitespace before or after a token.
	space func() string
	// escape reports whether to write a rune as an escape.
	escape func() bool
	// short, if set, reports whether to write an escaped rune that has a short
	// escape (RFC 8259 section 7) in it rather than as \u.
	short func() bool
}

// shortEscapes are the two-character escapes of RFC 8259 section 7.
var shortEscapes = map[rune]string{'"': `\"`, '\\': `\\`, '/': `\/`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`}

// jsonSpelling draws a spelling: compact, the SDK's, pretty-printed, or whitespace
// and escapes drawn token by token.
func jsonSpelling(t *rapid.T) spelling {
	none := func() string { return "" }
	never := func() bool { return false }
	switch rapid.IntRange(0, 3).Draw(t, "spelling") {
	case 0:
		return spelling{none, never, nil}
	case 1:
		return spelling{func() string { return " " }, never, nil}
	case 2:
		return spelling{func() string { return "\n  " }, never, nil}
	default:
		ws := rapid.SampledFrom([]string{"", " ", "\n", "\t", "\r\n", "  \n\t"})
		return spelling{
			func() string { return ws.Draw(t, "whitespace") },
			func() bool { return rapid.IntRange(0, 3).Draw(t, "escape") == 3 }, // shrinks to no escape
			func() bool { return rapid.Bool().Draw(t, "short escape") },
		}
	}
}

// write writes members as a JSON object in spelling sp.
func (sp spelling) write(b *strings.Builder, ms []member) {
	b.WriteString(sp.space())
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteString(sp.space())
			b.WriteByte(',')
		}
		b.WriteString(sp.space())
		sp.writeString(b, m.key)
		b.WriteString(sp.space())
		b.WriteByte(':')
		b.WriteString(sp.space())
		sp.writeValue(b, m.value)
	}
	b.WriteString(sp.space())
	b.WriteByte('}')
	b.WriteString(sp.space())
}

func (sp spelling) writeValue(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case float64:
		b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	case string:
		sp.writeString(b, v)
	case rawJSON:
		b.WriteString(string(v))
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
				b.WriteString(sp.space())
			}
			sp.writeValue(b, e)
		}
		b.WriteByte(']')
	default:
		panic(fmt.Sprintf("suites: no JSON spelling of %T", v))
	}
}

// writeString writes s as a JSON string, some runes as \u escapes.
func (sp spelling) writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case sp.escape():
			if e, ok := shortEscapes[r]; ok && sp.short != nil && sp.short() {
				b.WriteString(e)
			} else if r > 0xFFFF {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(b, `\u%04x\u%04X`, r1, r2)
			} else {
				fmt.Fprintf(b, `\u%04X`, r)
			}
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == utf8.RuneError:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// jsonContentType draws a spelling of Content-Type application/json: any case, with
// or without a charset parameter (RFC 9110: the type, subtype and parameter names are
// case insensitive, and whitespace may surround ";"). Parameters other than charset
// are jsonContentTypeAnyParameters'.
func jsonContentType(t *rapid.T) string {
	return contentTypeOfJSON(t, false)
}

// jsonContentTypeAnyParameters is jsonContentType with, now and then, a parameter
// other than charset too, or an empty one (a ";" with nothing after it). Only the
// valid-update check draws it, so that a server that refuses such a Content-Type
// fails that check alone, not every check that sends an update.
func jsonContentTypeAnyParameters(t *rapid.T) string {
	return contentTypeOfJSON(t, true)
}

func contentTypeOfJSON(t *rapid.T, anyParameter bool) string {
	mt := "application/json"
	if rapid.Bool().Draw(t, "recase media type") {
		rs := []byte(mt)
		for i := range rs {
			if rs[i] >= 'a' && rs[i] <= 'z' && rapid.Bool().Draw(t, "upper") {
				rs[i] -= 'a' - 'A'
			}
		}
		mt = string(rs)
	}
	params := rapid.SliceOfN(rapid.SampledFrom([]string{
		"charset=utf-8", "charset=UTF-8", `Charset="UTF-8"`, `charset="utf-8"`, "CHARSET=utf-8",
	}), 0, 1).Draw(t, "parameters")
	if anyParameter && rapid.IntRange(0, 3).Draw(t, "other parameter") == 3 { // shrinks to none
		at := rapid.IntRange(0, len(params)).Draw(t, "at")
		params = slices.Insert(params, at, mediaTypeParameter().Draw(t, "parameter"))
	}
	sep := rapid.SampledFrom([]string{";", "; ", " ; ", " ;"})
	for _, p := range params {
		mt += sep.Draw(t, "separator") + p
	}
	if anyParameter && rapid.IntRange(0, 5).Draw(t, "empty parameter") == 5 { // shrinks to none
		// RFC 9110 section 5.6.6: parameters = *( OWS ";" OWS [ parameter ] ).
		mt += sep.Draw(t, "separator")
	}
	return mt
}

// mediaTypeParameter draws a media type parameter other than charset (RFC 9110
// section 8.3.1: a token name and a token or quoted-string value); the contract
// takes application/json "with or without parameters" as JSON.
func mediaTypeParameter() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		name := rapid.StringMatching(`[a-zA-Z][a-zA-Z0-9!#$&^_.+-]{0,11}`).Filter(func(n string) bool {
			return !strings.EqualFold(n, "charset")
		}).Draw(t, "parameter name")
		if rapid.Bool().Draw(t, "quoted") {
			v := rapid.StringMatching(`[ !#-\[\]-~]{0,12}`).Draw(t, "quoted value")
			return name + `="` + v + `"`
		}
		return name + "=" + rapid.StringMatching(`[a-zA-Z0-9!#$&^_.+-]{1,12}`).Draw(t, "parameter value")
	})
}

// wellFormedJobID draws an id of the contract's pattern that is not the target's job.
func (t Target) wellFormedJobID() *rapid.Generator[string] {
	return rapid.StringMatching(t.Contract.JobIDPattern()).Filter(func(id string) bool {
		return id != t.JobID && t.Contract.ValidJobID(id)
	})
}

// pathSafe are the characters other than letters and digits that stay inside one
// path segment (RFC 3986 unreserved and sub-delims, ':' and '@'), so that a
// malformed id still addresses the update endpoint.
const pathSafe = "-._~!$&'()*+,;=:@"

// nonASCIIAlnum are letters and digits outside ASCII (Latin, Greek, Cyrillic, Han,
// Arabic-Indic and Devanagari digits, fullwidth forms): letters and digits to
// Unicode, but not "letters and digits" of ^[0-9a-z]{32}$. Sent in UTF-8,
// percent-encoded on the wire.
const nonASCIIAlnum = "éßñøÄΩжд中文٣५ａＺ０"

// otherRunes are characters that are neither letters nor digits to anyone, outside
// ASCII: a middle dot, a no-break space, the euro sign, an emoji.
const otherRunes = "·\u00a0€😀"

// percentEncoded are octets a job id may carry percent-encoded that stay inside
// one path segment (no %2F, %3F, %23, %2E): controls, space, quotes, delimiters, '%'
// itself, and bytes that are not UTF-8 alone.
var percentEncoded = []string{"%20", "%00", "%09", "%22", "%25", "%3C", "%3E", "%5C", "%60", "%7B", "%7C", "%7F", "%80", "%C3", "%FF"}

// malformedJobID draws an id outside "32 letters and digits": another length (up to
// 1024 characters), or 32 characters one of which is neither an ASCII letter nor an
// ASCII digit (a path-safe character, a non-ASCII letter or digit or other
// character, a percent-encoded octet). It returns the id as written in the path,
// and says which.
func malformedJobID() *rapid.Generator[[2]string] {
	alnum := rapid.RuneFrom([]rune("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
	return rapid.Custom(func(t *rapid.T) [2]string {
		if rapid.Bool().Draw(t, "wrong length") {
			n := rapid.OneOf(rapid.SampledFrom([]int{31, 33, 1, 16, 64}), rapid.IntRange(65, 1024)).Draw(t, "length")
			unit := rapid.StringOfN(alnum, 1, 32, -1).Draw(t, "id")
			id := strings.Repeat(unit, n/len(unit)+1)[:n]
			return [2]string{id, fmt.Sprintf("%d characters, not 32", n)}
		}
		id := []rune(rapid.StringOfN(alnum, 32, 32, -1).Draw(t, "id"))
		at := rapid.IntRange(0, 31).Draw(t, "at")
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			c := rapid.SampledFrom([]rune(pathSafe)).Draw(t, "character")
			id[at] = c
			return [2]string{string(id), fmt.Sprintf("character %d is %q, neither a letter nor a digit", at, c)}
		case 1:
			c := rapid.SampledFrom([]rune(nonASCIIAlnum+otherRunes)).Draw(t, "non-ASCII character")
			id[at] = c
			return [2]string{string(id), fmt.Sprintf("character %d is %q, not an ASCII letter or digit", at, c)}
		default:
			o := rapid.SampledFrom(percentEncoded).Draw(t, "octet")
			return [2]string{string(id[:at]) + o + string(id[at+1:]), fmt.Sprintf("character %d is the octet %s, percent-encoded", at, o)}
		}
	})
}

// upperCaseJobID draws an id of 32 letters and digits with at least one upper-case
// letter: outside the document's ^[0-9a-z]{32}$, inside the page's "32 letters and
// digits". The contract leaves it open: 200, 400 or 404.
func (t Target) upperCaseJobID() *rapid.Generator[string] {
	return rapid.Custom(func(rt *rapid.T) string {
		id := []byte(rapid.StringMatching(t.Contract.JobIDPattern()).Draw(rt, "id"))
		if rapid.Bool().Draw(rt, "the job's own id") && len(t.JobID) == 32 {
			id = []byte(t.JobID)
		}
		at := rapid.IntRange(0, 31).Draw(rt, "at")
		id[at] = rapid.ByteRange('A', 'Z').Draw(rt, "letter")
		return string(id)
	})
}

// spellBody writes a drawn body in a drawn spelling and key order, the SDK's
// trailing newline sometimes added.
func spellBody(t *rapid.T, ms []member) []byte {
	ms = rapid.Permutation(ms).Draw(t, "key order")
	sp := jsonSpelling(t)
	var b strings.Builder
	sp.write(&b, ms)
	if rapid.Bool().Draw(t, "trailing newline") {
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// quote writes s as JSON, for messages.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// validUpdateProbe draws a valid update of the target's job, in any spelling and
// with any JSON Content-Type but those with parameters other than charset.
func (s *specs) validUpdateProbe() *rapid.Generator[probe] {
	return s.validUpdateWith(jsonContentType)
}

// validUpdateAnyParametersProbe is validUpdateProbe with any JSON Content-Type.
func (s *specs) validUpdateAnyParametersProbe() *rapid.Generator[probe] {
	return s.validUpdateWith(jsonContentTypeAnyParameters)
}

func (s *specs) validUpdateWith(contentType func(*rapid.T) string) *rapid.Generator[probe] {
	return rapid.Custom(func(t *rapid.T) probe {
		d := validUpdate(s.bs).Draw(t, "body")
		ct := contentType(t)
		rq := update(s.t.JobID, "")
		rq.body = spellBody(t, d.members)
		rq.header.Set("Content-Type", ct)
		return probe{rq: rq, drawn: "a valid update with Content-Type " + quote(ct), open: d.open}
	})
}

// invalidUpdateProbe draws an invalid update of the target's job.
func (s *specs) invalidUpdateProbe() *rapid.Generator[probe] {
	return rapid.Custom(func(t *rapid.T) probe {
		d := invalidUpdate(s.bs).Draw(t, "body")
		b := spellBody(t, d.members)
		switch {
		case d.cut:
			b = b[:rapid.IntRange(0, len(strings.TrimSpace(string(b)))-1).Draw(t, "cut at")]
		case d.only != "":
			b = []byte(d.only)
		case d.prefix != "" || d.suffix != "":
			b = append(append([]byte(d.prefix), b...), d.suffix...)
		case d.notObject != nil:
			b = []byte(d.notObject(string(b)))
		case d.empty:
			b = nil
		}
		rq := update(s.t.JobID, "")
		rq.body = b
		rq.header.Set("Content-Type", jsonContentType(t))
		return probe{rq: rq, drawn: "an invalid update: " + d.why}
	})
}

// anyBody draws a body valid or not, with any Content-Type or none.
func (s *specs) anyBody(t *rapid.T) ([]byte, string) {
	var b []byte
	if rapid.Bool().Draw(t, "valid body") {
		b = spellBody(t, validUpdate(s.bs).Draw(t, "body").members)
	} else {
		b = s.invalidUpdateProbe().Draw(t, "invalid").rq.body
	}
	ct := rapid.SampledFrom([]string{"json", "none", "text/plain", "application/x-www-form-urlencoded"}).Draw(t, "content type")
	if ct == "json" {
		ct = jsonContentType(t)
	}
	if ct == "none" {
		ct = ""
	}
	return b, ct
}

// anyJobID draws the job's id, a well-formed id of no job, a malformed one, or an
// upper-case one.
func (s *specs) anyJobID(t *rapid.T) (string, string) {
	switch rapid.IntRange(0, 3).Draw(t, "job id kind") {
	case 0:
		return s.t.JobID, "the job's id"
	case 1:
		return s.t.wellFormedJobID().Draw(t, "missing job"), "a well-formed id of no job"
	case 2:
		m := malformedJobID().Draw(t, "malformed")
		return m[0], "a malformed id (" + m[1] + ")"
	default:
		return s.t.upperCaseJobID().Draw(t, "upper-case"), "an upper-case id"
	}
}

// setContentType sets or removes rq's Content-Type.
func setContentType(rq *request, ct string) {
	if ct == "" {
		rq.header.Del("Content-Type")
		return
	}
	rq.header.Set("Content-Type", ct)
}

// wrongCredential is a credential that must authenticate nothing: none, a token no
// one issued, the valid token with a byte changed, added or removed, or the valid
// token anywhere but X-Auth-Token.
type wrongCredential struct {
	what   string
	tamper func(r *http.Request, body []byte) []byte
	secret []derived
	// movesPath reports whether tamper sends the request to another path.
	movesPath bool
}

// wrongToken draws a token that differs from the valid one: a byte changed, added or
// removed, its case changed, or text written around it (a scheme, quotes, a
// separator, the token again).
func (t Target) wrongToken() *rapid.Generator[wrongCredential] {
	return rapid.Custom(func(rt *rapid.T) wrongCredential {
		tok := t.Token
		n := len(tok)
		env := EnvToken
		var v, shell, what string
		switch rapid.IntRange(0, 4).Draw(rt, "change") {
		case 4: // text around it: a scheme, quotes, a name, the token twice
			wrap := rapid.SampledFrom([][2]string{{"Bearer ", ""}, {"Token ", ""}, {`"`, `"`}, {"'", "'"}, {"token=", ""}, {"", ";"}, {"", ","}, {"", " " + tok}, {tok + ",", ""}}).Draw(rt, "around")
			v = wrap[0] + tok + wrap[1]
			// The token is a secret of the run: the curl line writes it as the variable.
			return wrongCredential{
				what:   fmt.Sprintf("the token written as %s", quote(wrap[0]+"TOKEN"+wrap[1])),
				tamper: func(r *http.Request, b []byte) []byte { r.Header.Set(contract.HeaderAuthToken, v); return b },
			}
		case 0: // a byte changed
			i := position(n-1).Draw(rt, "at")
			c := tokenByte.Filter(func(c byte) bool { return c != tok[i] }).Draw(rt, "byte")
			v = tok[:i] + string(c) + tok[i+1:]
			shell = fmt.Sprintf("${%s:0:%d}%s${%s:%d}", env, i, shellLiteral(string(c)), env, i+1)
			what = fmt.Sprintf("the token with byte %d changed", i)
		case 1: // a byte added
			i := position(n).Draw(rt, "at")
			c := tokenByte.Draw(rt, "byte")
			v = tok[:i] + string(c) + tok[i:]
			shell = fmt.Sprintf("${%s:0:%d}%s${%s:%d}", env, i, shellLiteral(string(c)), env, i)
			what = fmt.Sprintf("the token with a byte added at %d", i)
		case 2: // a byte removed
			i := position(n-1).Draw(rt, "at")
			v = tok[:i] + tok[i+1:]
			shell = fmt.Sprintf("${%s:0:%d}${%s:%d}", env, i, env, i+1)
			what = fmt.Sprintf("the token with byte %d removed", i)
		default: // another case
			up, low := strings.ToUpper(tok), strings.ToLower(tok)
			v, shell, what = up, "${"+env+"^^}", "the token in upper case"
			if up == tok {
				v, shell, what = low, "${"+env+",,}", "the token in lower case"
			}
		}
		if v == tok || v == t.ForbiddenToken {
			rt.Skip("the change gave a valid token back") // the token has no letter to change the case of
		}
		return wrongCredential{
			what:   what,
			tamper: func(r *http.Request, b []byte) []byte { r.Header.Set(contract.HeaderAuthToken, v); return b },
			secret: []derived{{v, shell}},
		}
	})
}

// tokenByte draws a byte a token is made of (and a shell writes as itself).
var tokenByte = rapid.SampledFrom([]byte("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_."))

// position draws a position from 0 to last, the ends as often as the rest
// together: where comparisons that skip a byte go wrong.
func position(last int) *rapid.Generator[int] {
	return rapid.OneOf(rapid.Just(0), rapid.Just(last), rapid.IntRange(0, last))
}

// shellLiteral writes s for inside a double-quoted shell word.
func shellLiteral(s string) string {
	q := shellWord(s, nil)
	return q[1 : len(q)-1]
}

// misplacedToken draws the valid token anywhere but X-Auth-Token: a query
// parameter, a cookie, another header, a member of the body.
func (t Target) misplacedToken() *rapid.Generator[wrongCredential] {
	return rapid.Custom(func(rt *rapid.T) wrongCredential {
		tok := t.Token
		// The token as a query parameter's value is escaped: that form is secret too.
		escaped := []derived{{url.QueryEscape(tok), "${" + EnvToken + "}"}}
		switch rapid.IntRange(0, 3).Draw(rt, "where") {
		case 3:
			name := rapid.SampledFrom([]string{"X-Auth-Token", "x_auth_token", "token", "auth_token", "access_token"}).Draw(rt, "body member")
			return wrongCredential{what: "the token in the body member " + name, tamper: func(r *http.Request, b []byte) []byte {
				i := bytes.IndexByte(b, '{')
				if i < 0 {
					return b
				}
				return slices.Concat(b[:i+1], []byte(quote(name)+":"+quote(tok)+","), b[i+1:])
			}}
		case 0:
			name := rapid.SampledFrom([]string{"X-Auth-Token", "x-auth-token", "token", "access_token", "auth_token"}).Draw(rt, "query parameter")
			return wrongCredential{what: "the token in the query parameter " + name, secret: escaped, tamper: func(r *http.Request, b []byte) []byte {
				q := r.URL.Query()
				q.Set(name, tok)
				r.URL.RawQuery = q.Encode()
				return b
			}}
		case 1:
			name := rapid.SampledFrom([]string{"X-Auth-Token", "token", "auth_token"}).Draw(rt, "cookie")
			return wrongCredential{what: "the token in the cookie " + name, tamper: func(r *http.Request, b []byte) []byte {
				r.AddCookie(&http.Cookie{Name: name, Value: tok})
				return b
			}}
		default:
			h := rapid.SampledFrom([]string{"Authorization: Bearer ", "Authorization: ", "X-Subject-Token: ", "X-Token: ", "Auth-Token: ", "X-Auth-Token-Id: "}).Draw(rt, "header")
			name, prefix, _ := strings.Cut(h, ": ")
			return wrongCredential{what: "the token in the header " + name, tamper: func(r *http.Request, b []byte) []byte {
				r.Header.Set(name, prefix+tok)
				return b
			}}
		}
	})
}

// tamperedSignature draws a change made to an AK/SK-signed request after signing:
// the signature (a digit changed, or cut short), X-Sdk-Date, SignedHeaders, the body,
// the query string or the path (which the signature covers) or the access key.
func tamperedSignature() *rapid.Generator[wrongCredential] {
	return rapid.Custom(func(rt *rapid.T) wrongCredential {
		switch rapid.IntRange(0, 7).Draw(rt, "tampering") {
		case 6:
			cut := rapid.IntRange(1, 64).Draw(rt, "hex digits cut")
			return wrongCredential{what: fmt.Sprintf("the last %d hex digits of the signature cut after signing", cut), tamper: func(r *http.Request, b []byte) []byte {
				a := r.Header.Get(contract.HeaderAuthorization)
				i := strings.Index(a, "Signature=")
				if i < 0 {
					return b
				}
				sig := a[i+len("Signature="):]
				end := strings.IndexByte(sig, ',')
				if end < 0 {
					end = len(sig)
				}
				k := max(end-cut, 0)
				r.Header.Set(contract.HeaderAuthorization, a[:i+len("Signature=")]+sig[:k]+sig[end:])
				return b
			}}
		case 7:
			id := rapid.StringMatching(`[0-9a-z]{32}`).Draw(rt, "other job id")
			return wrongCredential{what: "the path changed to the job " + id + " after signing", movesPath: true, tamper: func(r *http.Request, b []byte) []byte {
				r.URL.Path, r.URL.RawPath = contract.UpdatePathFor(id), ""
				return b
			}}
		case 4:
			name := rapid.StringMatching(`[a-z][a-z_]{0,11}`).Draw(rt, "query parameter")
			value := rapid.StringMatching(`[a-zA-Z0-9]{0,8}`).Draw(rt, "query value")
			return wrongCredential{what: fmt.Sprintf("the query parameter %s=%s added after signing", name, value), tamper: func(r *http.Request, b []byte) []byte {
				q := r.URL.Query()
				q.Add(name, value)
				r.URL.RawQuery = q.Encode()
				return b
			}}
		case 5:
			return wrongCredential{what: "the last character of the access key (Access=) changed after signing", tamper: func(r *http.Request, b []byte) []byte {
				a := r.Header.Get(contract.HeaderAuthorization)
				i := strings.Index(a, "Access=")
				j := strings.Index(a[max(i, 0):], ",")
				if i < 0 || j < 1 {
					return b
				}
				k := i + j - 1 // the access key's last character
				c := byte('0')
				if a[k] == '0' {
					c = '1'
				}
				r.Header.Set(contract.HeaderAuthorization, a[:k]+string(c)+a[k+1:])
				return b
			}}
		case 0:
			at := rapid.IntRange(0, 63).Draw(rt, "hex digit")
			return wrongCredential{what: fmt.Sprintf("digit %d of the signature changed", at), tamper: func(r *http.Request, b []byte) []byte {
				a := r.Header.Get(contract.HeaderAuthorization)
				i := strings.Index(a, "Signature=")
				if i < 0 {
					return b
				}
				j := min(i+len("Signature=")+at, len(a)-1)
				c := byte('0')
				if a[j] == '0' {
					c = '1'
				}
				r.Header.Set(contract.HeaderAuthorization, a[:j]+string(c)+a[j+1:])
				return b
			}}
		case 1:
			shift := rapid.SampledFrom([]int{1, -1, 60, 3600, -86400}).Draw(rt, "seconds")
			return wrongCredential{what: fmt.Sprintf("X-Sdk-Date moved by %d s after signing", shift), tamper: func(r *http.Request, b []byte) []byte {
				if d, err := time.Parse(signer.BasicDateFormat, r.Header.Get(contract.HeaderSdkDate)); err == nil {
					r.Header.Set(contract.HeaderSdkDate, d.Add(time.Duration(shift)*time.Second).Format(signer.BasicDateFormat))
				}
				return b
			}}
		case 2:
			sh := rapid.SampledFrom([]string{"host", "x-sdk-date;host", "content-type;x-sdk-date", "x-project-id;x-sdk-date"}).Draw(rt, "signed headers")
			return wrongCredential{what: fmt.Sprintf("SignedHeaders changed to %q after signing", sh), tamper: func(r *http.Request, b []byte) []byte {
				a := r.Header.Get(contract.HeaderAuthorization)
				i := strings.Index(a, "SignedHeaders=")
				j := strings.Index(a[max(i, 0):], ",")
				if i < 0 || j < 0 {
					return b
				}
				r.Header.Set(contract.HeaderAuthorization, a[:i]+"SignedHeaders="+sh+a[i+j:])
				return b
			}}
		default:
			extra := rapid.SampledFrom([]string{" ", "\n", "{}"}).Draw(rt, "appended")
			return wrongCredential{what: fmt.Sprintf("%s appended to the body after signing", quote(extra)), tamper: func(r *http.Request, b []byte) []byte {
				return append(slices.Clone(b), extra...)
			}}
		}
	})
}

// apiSegments are the last path segments of the notice APIs the contract names
// (update, its read-back, and disable): a path that ends in none of them after
// the job id is no API of the gateway.
var apiSegments = []string{"update", "query", "disable"}

// unknownAPIPath draws a path that is no API of the gateway, made from the update
// path of jobID: its last segment with letters added before or after it, a segment
// added after it or before it, or one of the segments before the job id with
// letters added. Each keeps a segment no API has.
func unknownAPIPath(jobID string) *rapid.Generator[[2]string] {
	word := rapid.StringMatching(`[a-z0-9][a-z0-9_-]{0,7}`)
	return rapid.Custom(func(t *rapid.T) [2]string {
		segs := []string{"v3", "jobs", "notice", jobID, "update"}
		var what string
		switch rapid.IntRange(0, 4).Draw(t, "where") {
		case 0:
			w := word.Draw(t, "suffix")
			segs[4] += w
			what = fmt.Sprintf("the last segment %q, not update", segs[4])
		case 1:
			w := word.Draw(t, "prefix")
			segs[4] = w + segs[4]
			what = fmt.Sprintf("the last segment %q, not update", segs[4])
		case 2:
			w := word.Draw(t, "segment after")
			segs = append(segs, w)
			what = fmt.Sprintf("a segment %q after update", w)
		case 3:
			w := word.Filter(func(w string) bool { return !slices.Contains(apiSegments, w) }).Draw(t, "segment before")
			segs = slices.Insert(segs, 4, w)
			what = fmt.Sprintf("a segment %q between the job id and update", w)
		default:
			i := rapid.IntRange(0, 2).Draw(t, "prefix segment")
			w := word.Draw(t, "letters added")
			what = fmt.Sprintf("the segment %q, not %s", segs[i]+w, segs[i])
			segs[i] += w
		}
		return [2]string{"/" + strings.Join(segs, "/"), what}
	})
}

// unusualUpdate is an update the other generators never draw, and what the
// contract answers it.
type unusualUpdate struct {
	p probe
	// invalid reports whether the contract refuses it (400); otherwise it succeeds,
	// or, where p.open says so, answers a documented 400.
	invalid bool
	// large reports whether the body is large enough for a server's body limit:
	// the OpenAPI document's 413 is an answer too.
	large bool
	// anyStatus reports whether the contract says only that the answer is no 5xx:
	// another method, or another spelling of the path.
	anyStatus bool
}

// unusualUpdateProbe draws an update of the target's job with one feature of size or
// content the other generators never draw: a very long string, a deep nesting or an
// extreme number where a string belongs, many event names, keys the request table
// does not list (non-ASCII ones too), a key twice, a byte order mark, bytes that are
// not UTF-8, a lone surrogate or a control character escaped, a query string,
// another method or spelling of the path, the body gzip-compressed; and,
// independently, the body sent chunked. The rest is a documented update, in the
// official SDK's Content-Type.
func (s *specs) unusualUpdateProbe() *rapid.Generator[unusualUpdate] {
	return rapid.Custom(func(t *rapid.T) unusualUpdate {
		ms := []member{{"notice_type", "MESSAGE"}, {"enabled_event_type_names", []any{"buildJobSuccess"}}}
		var u unusualUpdate
		var what, query string
		// stringField draws where a string value goes: notice_type, an event name or
		// param_config.
		stringField := func() string {
			return rapid.SampledFrom([]string{"param_config", "notice_type", "an event name"}).Draw(t, "string field")
		}
		put := func(field string, v any) {
			if field == "an event name" {
				ms[1].value = []any{"buildJobSuccess", v}
				return
			}
			ms = with(without(ms, field), field, v)
		}
		method, path := http.MethodPost, contract.UpdatePathFor(s.t.JobID)
		var bom, gzipped bool
		switch rapid.IntRange(0, 11).Draw(t, "feature") {
		case 9: // a byte order mark before the JSON text
			bom, what = true, "a byte order mark (EF BB BF) before the JSON text"
			u.p.open = append(u.p.open, "a parser may ignore a byte order mark or refuse it (RFC 8259 section 8.1)")
		case 10: // a key twice
			f := rapid.SampledFrom(s.bs.fields).Draw(t, "key twice")
			var v any = "MAIL"
			if f.allows("array") {
				v = []any{"buildJobFail"}
			} else if !f.allows("string") {
				v = false
			}
			at := rapid.IntRange(0, len(ms)).Draw(t, "at")
			ms = slices.Insert(ms, at, member{f.name, v})
			what = fmt.Sprintf("the key %s twice", f.name)
			u.p.open = append(u.p.open, "which of two members of one name counts is not defined (RFC 8259 section 4)")
		case 11: // the body compressed
			gzipped, what = true, "its body gzip-compressed (Content-Encoding: gzip)"
			u.anyStatus = true
		case 8: // another method, or another spelling of the path
			if rapid.Bool().Draw(t, "method") {
				method = rapid.SampledFrom([]string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodGet, http.MethodOptions}).Draw(t, "other method")
				what = "the method " + method + ", not POST"
			} else {
				path = rapid.SampledFrom([]string{path + "/", strings.Replace(path, "/update", "//update", 1), strings.ToUpper(path), strings.Replace(path, "/notice/", "/notice/./", 1)}).Draw(t, "path spelling")
				what = fmt.Sprintf("the path spelled %s", path)
			}
			u.anyStatus = true
		case 0: // a very long string
			f := stringField()
			unit := rapid.StringMatching(`[ -~]{1,8}`).Draw(t, "unit")
			n := rapid.SampledFrom([]int{1 << 10, 1 << 13, 1 << 16}).Draw(t, "length")
			put(f, strings.Repeat(unit, n/len(unit)+1)[:n])
			what, u.large = fmt.Sprintf("%s a string of %d bytes", f, n), n >= 1<<13
			if f != "param_config" {
				u.p.open = append(u.p.open, fmt.Sprintf("%s is not a value the vendor documents", f))
			}
		case 1: // a deep nesting where a string belongs
			f := stringField()
			depth := rapid.OneOf(rapid.IntRange(2, 64), rapid.IntRange(65, 1000)).Draw(t, "depth")
			open, closing := "[", "]"
			if rapid.Bool().Draw(t, "objects") {
				open, closing = `{"a":`, "}"
			}
			put(f, rawJSON(strings.Repeat(open, depth)+"1"+strings.Repeat(closing, depth)))
			what, u.invalid = fmt.Sprintf("%s arrays or objects nested %d deep, not a string", f, depth), true
		case 2: // an extreme number where a string belongs
			f := stringField()
			n := rapid.SampledFrom([]string{"1e400", "-1e400", "1e-400", "123456789012345678901234567890", "-0", "0.0000000000000000000001", "1E+308"}).Draw(t, "number")
			put(f, rawJSON(n))
			what, u.invalid = fmt.Sprintf("%s the number %s, not a string", f, n), true
		case 3: // many event names
			n := rapid.IntRange(6, 2000).Draw(t, "event names")
			arr := make([]any, n)
			for i := range arr {
				arr[i] = contract.EventTypes()[i%len(contract.EventTypes())]
			}
			ms[1].value = arr
			what, u.large = fmt.Sprintf("enabled_event_type_names %d names, each documented", n), n >= 500
			u.p.open = append(u.p.open, "the event names are more than the five documented, repeated")
		case 4: // keys the request table does not list
			n := rapid.IntRange(1, 200).Draw(t, "keys")
			key := rapid.OneOf(
				rapid.StringMatching(`[a-zA-Z_]{1,12}`),
				rapid.StringOfN(rapid.RuneFrom([]rune(nonASCIIAlnum+otherRunes+"_- .$\"\\")), 1, 12, -1), // shrinks to ASCII
			).Filter(func(k string) bool {
				return !slices.ContainsFunc(s.bs.fields, func(f field) bool { return strings.EqualFold(f.name, k) })
			}).Draw(t, "key")
			for i := range n {
				ms = append(ms, member{fmt.Sprintf("%s_%d", key, i), valueOfType(t, rapid.SampledFrom(jsonTypes).Draw(t, "type"))})
			}
			what = fmt.Sprintf("%d keys the request table does not list (%s_0, ...)", n, key)
			u.p.open = append(u.p.open, "the body has keys the request table does not list")
		case 5: // bytes that are not UTF-8 in a string
			f := stringField()
			bad := rapid.SampledFrom([]string{"\xff", "\xc3", "\xed\xa0\x80", "\xc0\xaf", "\x80"}).Draw(t, "bytes")
			put(f, rawJSON(`"MESSAGE`+bad+`"`))
			what = fmt.Sprintf("%s a string holding the bytes %q, not UTF-8", f, bad)
			u.p.open = append(u.p.open, "a body that is not UTF-8 is not JSON (RFC 8259 section 8.1), but the contract does not say it is refused")
		case 6: // an escape of a lone surrogate or a control character
			f := stringField()
			esc := rapid.SampledFrom([]string{`\u0000`, `\u001f`, `\u007f`, `\ud800`, `\udfff`, `\udc00\ud800`}).Draw(t, "escape")
			put(f, rawJSON(`"MESSAGE`+esc+`"`))
			what = fmt.Sprintf("%s a string with the escape %s", f, esc)
			switch {
			case strings.Contains(esc, `\ud`):
				u.p.open = append(u.p.open, "a lone surrogate's meaning is not defined (RFC 8259 section 8.2)")
			case f != "param_config":
				u.p.open = append(u.p.open, fmt.Sprintf("%s is not a value the vendor documents", f))
			}
		default: // a query string
			n := rapid.IntRange(1, 4).Draw(t, "query parameters")
			params := make([]string, n)
			for i := range params {
				params[i] = rapid.SampledFrom([]string{"notice_type=MAIL", "job_id=", "a=1", "a=2", "flag", "x=%ZZ", "e=%C3%A9", "q=a+b", "=v", ""}).Draw(t, "query parameter")
			}
			query = "?" + strings.Join(params, "&")
			what = fmt.Sprintf("the query string %q", query)
			u.p.open = append(u.p.open, "the update defines no query parameters")
		}
		u.p.rq = update(s.t.JobID, "")
		u.p.rq.method, u.p.rq.path = method, path+query
		u.p.rq.header.Set("Content-Type", "application/json")
		var b strings.Builder
		spelling{func() string { return "" }, func() bool { return false }, nil}.write(&b, ms)
		u.p.rq.body = []byte(b.String())
		if bom {
			u.p.rq.body = append([]byte("\xef\xbb\xbf"), u.p.rq.body...)
		}
		if gzipped {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			_, _ = zw.Write(u.p.rq.body) // a bytes.Buffer does not fail
			_ = zw.Close()
			u.p.rq.body = z.Bytes()
			u.p.rq.header.Set("Content-Encoding", "gzip")
		}
		u.p.rq.chunked = rapid.IntRange(0, 3).Draw(t, "chunked") == 3 // shrinks to a Content-Length
		framing := ""
		if u.p.rq.chunked {
			framing = ", sent chunked (no Content-Length)"
		}
		u.p.drawn = "an update with " + what + framing
		return u
	})
}

// wireDraw is a drawn way for a request to travel, and its words.
type wireDraw struct {
	wire wire
	what string
}

// requestWire draws how a request travels, each a client's choice (RFC 9110):
// HTTP/1.0, Connection: close, Expect: 100-continue, an Accept header, another
// User-Agent or none, and always an Accept-Encoding of its own (gzip, identity, or
// codings other than gzip), so that the answer's content coding is the server's.
func requestWire() *rapid.Generator[wireDraw] {
	return rapid.Custom(func(t *rapid.T) wireDraw {
		var w wire
		var what []string
		if w.http10 = rapid.IntRange(0, 2).Draw(t, "HTTP/1.0") == 2; w.http10 { // shrinks to HTTP/1.1
			what = append(what, "as HTTP/1.0")
		}
		if w.close = rapid.IntRange(0, 2).Draw(t, "Connection: close") == 2; w.close {
			what = append(what, "with Connection: close")
		}
		if w.expect = rapid.IntRange(0, 2).Draw(t, "Expect") == 2; w.expect {
			what = append(what, "with Expect: 100-continue")
		}
		if rapid.IntRange(0, 2).Draw(t, "Accept") == 2 {
			w.accept = rapid.SampledFrom([]string{"*/*", "application/json", "application/json, text/plain, */*", "application/json;charset=UTF-8"}).Draw(t, "accept")
			what = append(what, "with Accept: "+w.accept)
		}
		if rapid.IntRange(0, 2).Draw(t, "User-Agent") == 2 {
			w.userAgent = rapid.SampledFrom([]string{"-", "curl/8.5.0", "huaweicloud-usdk-go/3.0", "Mozilla/5.0 (X11; Linux x86_64)", "python-requests/2.32.3"}).Draw(t, "user agent")
			if w.userAgent == "-" {
				what = append(what, "without a User-Agent")
			} else {
				what = append(what, "with User-Agent: "+w.userAgent)
			}
		}
		w.acceptEncoding = rapid.SampledFrom([]string{"identity", "gzip", "gzip, deflate", "deflate", "br", "GZIP"}).Draw(t, "accept encoding")
		what = append(what, "with Accept-Encoding: "+w.acceptEncoding)
		return wireDraw{wire: w, what: strings.Join(what, ", ")}
	})
}
