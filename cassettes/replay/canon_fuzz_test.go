package replay

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCanonicalJSON checks the match key's JSON form against encoding/json: it
// refuses exactly what json.Valid refuses; for any valid JSON it holds the same value,
// it is stable, and every other spelling of that value (here: encoding/json's own)
// gets the same form.
func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range []string{
		`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}` + "\n",
		`{ "b" : [1, 2.50, -3e2, true, false, null], "a": {"z": "\u00e9\"\\\/\n", "y": {}}, "a": 1 }`,
		`"\ud83d\ude00 \ud800 x"`, `[]`, `[[],{}]`, `0`, `"<&>\u2028"`, `{"":""}`,
		`[01]`, `[1.]`, `[-]`, `[1e]`, `[tru]`, `[nulls]`, `{"a":1,}`, `[1,]`, "\"a\tb\"", `"\x"`, `{"a" 1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return
		}
		canon, ok := canonicalJSON(data)
		if valid := json.Valid(data); ok != valid {
			t.Fatalf("canonicalJSON(%q) ok = %v, json.Valid = %v", data, ok, valid)
		}
		if !ok {
			return
		}
		want, ok1 := decodeJSON(data)
		got, ok2 := decodeJSON(canon)
		if !ok1 || !ok2 || !reflect.DeepEqual(want, got) {
			t.Fatalf("%q became %q: a different value", data, canon)
		}
		again, ok := canonicalJSON(canon)
		if !ok || !bytes.Equal(again, canon) {
			t.Fatalf("not stable: %q then %q", canon, again)
		}
		other, ok := canonicalJSON(encodeJSON(want))
		if !ok || !bytes.Equal(other, canon) {
			t.Fatalf("%q and its re-encoding %q differ: %q vs %q", data, encodeJSON(want), canon, other)
		}
	})
}

// TestCanonicalJSONNestingBound checks that canonicalJSON refuses, as json.Valid does,
// arrays nested deeper than encoding/json allows, so that a hostile body cannot
// recurse without bound.
func TestCanonicalJSONNestingBound(t *testing.T) {
	for _, depth := range []int{maxDepth, maxDepth + 1} {
		data := []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
		_, ok := canonicalJSON(data)
		if valid := json.Valid(data); ok != valid || ok != (depth <= maxDepth) {
			t.Errorf("depth %d: canonicalJSON ok = %v, json.Valid = %v; want both %v", depth, ok, valid, depth <= maxDepth)
		}
	}
}
