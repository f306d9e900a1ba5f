package replay

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

func TestWriteHeaderGivesEachAnswerItsOwnValues(t *testing.T) {
	ix := &index{}
	b := &builder{interned: map[string]ref{}}
	var in cassette.Interaction
	in.Response.Code = http.StatusOK
	in.Response.Headers = http.Header{"A": {"1", "2"}, "B": {"3"}, "C": {"4"}, "Content-Length": {"9"}}
	a := ix.newAnswer(b, 0, &in)
	ix.text = string(b.text)
	dst := http.Header{"C": {"0"}}
	ix.writeHeader(&a, dst, false)
	want := http.Header{"A": {"1", "2"}, "B": {"3"}, "C": {"0", "4"}}
	if !reflect.DeepEqual(dst, want) {
		t.Fatalf("writeTo: %v, want %v", dst, want)
	}
	// Appending to one name's values must not write into another's, nor into the
	// next answer's.
	dst["A"] = append(dst["A"], "x")
	dst["A"][0] = "changed"
	if got := dst["B"]; !reflect.DeepEqual(got, []string{"3"}) {
		t.Errorf("appending to A changed B: %v", got)
	}
	next := http.Header{}
	ix.writeHeader(&a, next, false)
	if got := next["A"]; !reflect.DeepEqual(got, []string{"1", "2"}) {
		t.Errorf("changing one answer's values changed the next answer's: %v", got)
	}
}

func TestReadBody(t *testing.T) {
	read := func(body string, contentLength, limit int64) ([]byte, error) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.ContentLength = contentLength
		return readBody(httptest.NewRecorder(), r, limit)
	}
	body := strings.Repeat("b", 300)
	for _, tc := range []struct {
		name          string
		contentLength int64
	}{
		{"declared length", int64(len(body))},
		{"unknown length", -1},
		{"declared over the presized bound", maxPresized + 1},
	} {
		got, err := read(body, tc.contentLength, DefaultMaxBodyBytes)
		if err != nil || string(got) != body {
			t.Errorf("%s: readBody = %d bytes, %v; want the %d bytes of the body", tc.name, len(got), err, len(body))
		}
	}
	if got, err := read("short", 10, DefaultMaxBodyBytes); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a body shorter than declared: readBody = %q, %v; want io.ErrUnexpectedEOF", got, err)
	}
	var tooLarge *http.MaxBytesError
	for _, contentLength := range []int64{-1, 301} {
		if got, err := read(body, contentLength, 200); !errors.As(err, &tooLarge) {
			t.Errorf("a body of 300 bytes declared as %d, limit 200: readBody = %d bytes, %v; want an *http.MaxBytesError", contentLength, len(got), err)
		}
	}
}
