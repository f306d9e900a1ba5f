package cassette

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// TestAssembleGivesEachItemItsIDAcrossKeptBuffers holds the batch buffer a Writer
// keeps between writes to what a batch must be: every item with its own id line and
// nothing of an earlier, longer batch left in it.
func TestAssembleGivesEachItemItsIDAcrossKeptBuffers(t *testing.T) {
	w := &Writer{}
	item := func(body string) []byte {
		out, err := encodeItem(&vcr.Interaction{Request: vcr.Request{Method: "POST", Body: body}, Response: vcr.Response{Code: 200}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	long, short := item(strings.Repeat("x", 4096)), item("y")
	for round, batch := range [][]*pendingItem{
		{{item: long, id: 7}, {item: long, id: 8}},
		{{item: short, id: 9}},
		{{item: short, id: 10}, {item: short, id: 12345678}},
	} {
		got := w.assemble(batch)
		var want []byte
		for _, p := range batch {
			want = append(want, "- id: "...)
			want = append(want, strconv.Itoa(p.id)...)
			want = append(want, '\n')
			want = append(want, p.item[len(idLine):]...)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("batch %d: assembled\n%s\nwant\n%s", round, got, want)
		}
		w.out = got[:0] // as flushLocked keeps it
	}
}
