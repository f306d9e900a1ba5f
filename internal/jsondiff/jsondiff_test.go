package jsondiff_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/internal/jsondiff"
)

// decode decodes s as the replay and the cassette oracle do, numbers as json.Number.
func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// lines shows diffs one a line: path, kind, left, right.
func lines(ds []jsondiff.Diff) string {
	var b strings.Builder
	for _, d := range ds {
		l, _ := json.Marshal(d.Left)
		r, _ := json.Marshal(d.Right)
		fmt.Fprintf(&b, "%s %d %s %s\n", d.Path, d.Kind, l, r)
	}
	return b.String()
}

func TestCompareListsEveryDifferenceByPath(t *testing.T) {
	left := decode(t, `{"a":1,"b":[1,2,3],"c d":"x","n":null,"o":{"p":true,"q":"same"},"1x":0}`)
	right := decode(t, `{"a":1.0,"b":[1,2],"c d":"x","n":{},"o":{"p":false,"q":"same"},"e":true,"1x":0}`)
	got := lines(jsondiff.Compare(left, right, jsondiff.Options{}))
	want := `$.a 0 1 1.0
$.b[2] 1 3 null
$.e 2 null true
$.n 0 null {}
$.o.p 0 true false
`
	if got != want {
		t.Errorf("differences:\n%s\nwant:\n%s", got, want)
	}
	if ds := jsondiff.Compare(left, left, jsondiff.Options{}); len(ds) != 0 {
		t.Errorf("a document differs from itself: %s", lines(ds))
	}
}

func TestMemberQuotesKeysThatAreNotNames(t *testing.T) {
	for key, want := range map[string]string{
		"job_id": "$.job_id", "A1": "$.A1", "c d": `$["c d"]`, "1x": `$["1x"]`, "": `$[""]`, `q"`: `$["q\""]`,
	} {
		if got := jsondiff.Member("$", key); got != want {
			t.Errorf("Member($, %q) = %s, want %s", key, got, want)
		}
	}
	if got := jsondiff.Element("$.a", 3); got != "$.a[3]" {
		t.Errorf("Element($.a, 3) = %s", got)
	}
}

func TestOptionsSayWhatCounts(t *testing.T) {
	left := decode(t, `{"status":"success","error":{"x":1},"request_id":"r1","result":["a","b"],"n":7}`)
	right := decode(t, `{"status":"failed","error":{"x":1,"y":2},"request_id":"r2","result":["c","d"],"n":8}`)
	o := jsondiff.Options{
		Skip:  func(path string) bool { return path == "$.request_id" },
		Whole: func(path string) bool { return path == "$.status" || path == "$.error" },
		Equal: func(path string, l, r any) bool {
			switch path {
			case "$.status", "$.error":
				lb, _ := json.Marshal(l)
				rb, _ := json.Marshal(r)
				return bytes.Equal(lb, rb)
			}
			return true // elsewhere only the types count
		},
	}
	got := lines(jsondiff.Compare(left, right, o))
	want := `$.error 0 {"x":1} {"x":1,"y":2}
$.status 0 "success" "failed"
`
	if got != want {
		t.Errorf("differences:\n%s\nwant:\n%s", got, want)
	}
}

func TestCapsBoundTheList(t *testing.T) {
	left := decode(t, `{"a":[1,2,3,4,5,6],"b":1,"c":2,"d":3}`)
	right := decode(t, `{"a":[1],"b":0,"c":0,"d":0}`)
	got := lines(jsondiff.Compare(left, right, jsondiff.Options{MaxOneSided: 2}))
	want := `$.a[1] 1 2 null
$.a[2] 1 3 null
$.a 3 [1,2,3,4,5,6] [1]
$.b 0 1 0
$.c 0 2 0
$.d 0 3 0
`
	if got != want {
		t.Errorf("MaxOneSided 2:\n%s\nwant:\n%s", got, want)
	}
	if ds := jsondiff.Compare(left, right, jsondiff.Options{Max: 3}); len(ds) != 3 || ds[2].Path != "$.a[3]" {
		t.Errorf("Max 3: %s, want the first three, ending at $.a[3]", lines(ds))
	}
}

func TestDecodeTakesOneJSONValueInUTF8(t *testing.T) {
	v, ok := jsondiff.Decode([]byte(" {\"n\":1.50} \n"))
	if !ok {
		t.Fatal("a JSON object with white space around it did not decode")
	}
	if n := v.(map[string]any)["n"]; n != json.Number("1.50") {
		t.Errorf("n decoded as %#v, want json.Number(\"1.50\"), as written", n)
	}
	for _, body := range []string{"", "  ", "{", `{"a":1} {"b":2}`, "<html>", "{\"a\":\"\xff\"}"} {
		if _, ok := jsondiff.Decode([]byte(body)); ok {
			t.Errorf("%q decoded, want it refused as not one JSON value in UTF-8", body)
		}
	}
}
