package suites

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/noticeconf/noticeconf/internal/jsondiff"
)

// Include names the recorded values the cassette oracle compares although, by default,
// it ignores them: they differ on every run or on every server.
type Include struct {
	// ErrorMsg compares error_msg text (by default only its presence and type).
	ErrorMsg bool
	// RequestID compares the body's top-level request_id (by default ignored,
	// present or not).
	RequestID bool
	// XRequestID compares the X-Request-Id header (by default ignored).
	XRequestID bool
	// Date compares the Date header (by default ignored).
	Date bool
	// ResultJobIDs compares the job ids in result, after the job map (by default only
	// their type).
	ResultJobIDs bool
}

// Difference is one place where an answer departs from the recorded one.
type Difference struct {
	// Path is "status", "header NAME", or a JSON path into the body such as
	// "$.error_code" ("$" is the whole body).
	Path string
	// Recorded and Got show the value at Path in each answer: a JSON value with its
	// type, or "(absent)".
	Recorded, Got string
}

func (d Difference) String() string {
	return fmt.Sprintf("%s: recorded %s, got %s", d.Path, d.Recorded, d.Got)
}

// absent stands for a key or header that is not there.
const absent = "(absent)"

// answer is what the comparison reads of one response.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// comparer compares an answer with the recorded one.
type comparer struct {
	include Include
	// isJobID reports whether a string is a job id (the contract's pattern).
	isJobID func(string) bool
	// mapJobID maps a recorded job id onto the target's (the job map).
	mapJobID func(string) string
}

// compare lists every difference between the recorded answer and the one got that
// the oracle cares about: the status (exactly), the JSON body's keys and types
// everywhere (every array element, and so the arrays' lengths, included), the values
// of status, error and error_code, and what c.include adds.
func (c comparer) compare(rec, got answer) []Difference {
	var out []Difference
	if rec.status != got.status {
		out = append(out, Difference{"status", statusText(rec.status), statusText(got.status)})
	}
	for _, h := range []struct {
		name string
		on   bool
	}{{"X-Request-Id", c.include.XRequestID}, {"Date", c.include.Date}} {
		if !h.on {
			continue
		}
		r, g := headerShown(rec.header, h.name), headerShown(got.header, h.name)
		if r != g {
			out = append(out, Difference{"header " + h.name, r, g})
		}
	}
	rv, rok := jsonValue(rec.body)
	gv, gok := jsonValue(got.body)
	switch {
	case rok && gok:
		c.walk(&out, rv, gv)
	case rok:
		out = append(out, Difference{"$", shown(rv), "not JSON: " + quoteShort(got.body)})
	case gok:
		out = append(out, Difference{"$", "not JSON: " + quoteShort(rec.body), shown(gv)})
	case len(bytes.TrimSpace(rec.body)) == 0 && len(bytes.TrimSpace(got.body)) != 0:
		out = append(out, Difference{"$", "an empty body", quoteShort(got.body)})
	case len(bytes.TrimSpace(rec.body)) != 0 && len(bytes.TrimSpace(got.body)) == 0:
		out = append(out, Difference{"$", quoteShort(rec.body), "an empty body"})
	}
	return out
}

// valueKey reports whether a top-level member's value, not only its type, must be
// equal.
func (c comparer) valueKey(key string) bool {
	switch key {
	case "status", "error", "error_code":
		return true
	case "error_msg":
		return c.include.ErrorMsg
	case "request_id":
		return c.include.RequestID
	}
	return false
}

// topLevelValue reports whether path is a top-level member whose value must be equal.
func (c comparer) topLevelValue(path string) bool {
	k, ok := strings.CutPrefix(path, "$.")
	return ok && c.valueKey(k)
}

// mappedJobID reports whether the string rv at path is a recorded job id compared,
// after the job map, with the one got.
func (c comparer) mappedJobID(path string, rv any) bool {
	s, ok := rv.(string)
	return ok && c.include.ResultJobIDs && underResult(path) && c.isJobID(s)
}

// walk compares the JSON bodies rv and gv (package jsondiff): every key and type
// everywhere, values only where topLevelValue and mappedJobID say.
func (c comparer) walk(out *[]Difference, rv, gv any) {
	ds := jsondiff.Compare(rv, gv, jsondiff.Options{
		Skip:  func(path string) bool { return path == "$.request_id" && !c.include.RequestID },
		Whole: c.topLevelValue,
		Equal: func(path string, r, g any) bool {
			switch {
			case c.topLevelValue(path):
				return jsonEqual(r, g)
			case c.mappedJobID(path, r):
				return c.mapJobID(r.(string)) == g.(string)
			}
			return true // elsewhere only the types count
		},
		MaxOneSided: maxElementsShown,
	})
	for _, d := range ds {
		switch {
		case d.Kind == jsondiff.OnlyLeft:
			*out = append(*out, Difference{d.Path, shown(d.Left), absent})
		case d.Kind == jsondiff.OnlyRight:
			*out = append(*out, Difference{d.Path, absent, shown(d.Right)})
		case d.Kind == jsondiff.Lengths:
			*out = append(*out, Difference{d.Path, elements(len(d.Left.([]any))), elements(len(d.Right.([]any)))})
		case jsonType(d.Left) == jsonType(d.Right) && c.mappedJobID(d.Path, d.Left):
			*out = append(*out, Difference{d.Path, shown(c.mapJobID(d.Left.(string))) + " (the recorded job id, mapped)", shown(d.Right)})
		default:
			*out = append(*out, Difference{d.Path, shown(d.Left), shown(d.Right)})
		}
	}
}

// maxElementsShown caps the array elements on one side only listed one by one.
const maxElementsShown = 8

// elements shows an array's length.
func elements(n int) string {
	if n == 1 {
		return "array of 1 element"
	}
	return fmt.Sprintf("array of %d elements", n)
}

// underResult reports whether a JSON path is $.result or inside it.
func underResult(path string) bool {
	return path == "$.result" || strings.HasPrefix(path, "$.result.") || strings.HasPrefix(path, "$.result[")
}

// jsonValue decodes a body that is one JSON value in valid UTF-8.
func jsonValue(b []byte) (any, bool) { return jsondiff.Decode(b) }

// jsonType names a decoded JSON value's type as JSON does.
func jsonType(v any) string { return jsondiff.Type(v) }

// jsonEqual reports whether two decoded JSON values are equal (numbers by their text).
func jsonEqual(a, b any) bool {
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	return bytes.Equal(ab, bb)
}

// shown shows a decoded JSON value with its type: `string "x"`, `object {...}`, `null`.
func shown(v any) string {
	t := jsonType(v)
	if v == nil {
		return t
	}
	if str, ok := v.(string); ok && len(str) > 77 {
		// Shorten the text, not its quoted form, so the quotes still close.
		cut := 74
		for cut > 0 && !utf8.RuneStart(str[cut]) {
			cut--
		}
		v = str[:cut] + "..."
	}
	b, _ := json.Marshal(v)
	if _, ok := v.(string); ok {
		return t + " " + string(b)
	}
	s := string(b)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return t + " " + s
}

func quoteShort(b []byte) string {
	s := oneLine(b, 80)
	return fmt.Sprintf("%q", s)
}

func headerShown(h http.Header, name string) string {
	vs := h.Values(name)
	if len(vs) == 0 {
		return absent
	}
	return fmt.Sprintf("%q", strings.Join(vs, ", "))
}

func statusText(code int) string {
	return strings.TrimSpace(fmt.Sprintf("%d %s", code, http.StatusText(code)))
}
