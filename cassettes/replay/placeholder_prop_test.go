package replay_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

// placeholderBody draws a small JSON object body: fields a, b, c, each absent or one
// of a few values, the placeholder among them.
func placeholderBody() *rapid.Generator[map[string]string] {
	return rapid.Custom(func(t *rapid.T) map[string]string {
		m := map[string]string{}
		for _, k := range []string{"a", "b", "c"} {
			if v := rapid.SampledFrom([]string{"", "x", "y", cassette.Redacted}).Draw(t, k); v != "" {
				m[k] = v
			}
		}
		return m
	})
}

func encodeBody(m map[string]string) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// covers reports whether recording rec matches request req through its own
// placeholders: equal keys, and equal values except where rec holds the placeholder.
func covers(rec, req map[string]string) bool {
	if !slices.Equal(slices.Sorted(maps.Keys(rec)), slices.Sorted(maps.Keys(req))) {
		return false
	}
	for k, v := range rec {
		if v != cassette.Redacted && v != req[k] {
			return false
		}
	}
	return true
}

// TestPlaceholderMatchingModel checks the replay against a model of placeholder
// matching over drawn cassettes and requests: a request equal to a recording gets the
// first recording equal to it; else the first recording whose own placeholders cover
// it; else no match.
func TestPlaceholderMatchingModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs := rapid.SliceOfN(placeholderBody(), 1, 6).Draw(t, "recordings")
		var rs []rec
		for i, m := range recs {
			rs = append(rs, rec{method: "POST", url: update, auth: cassette.AuthToken, body: encodeBody(m), code: 200, answer: strconv.Itoa(i)})
		}
		h, err := replay.New([]*cassette.File{file("p.yaml", rs...)}, replay.Options{Repeat: replay.RepeatFirst})
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			var req map[string]string
			if rapid.Bool().Draw(t, "like a recording") {
				req = maps.Clone(recs[rapid.IntRange(0, len(recs)-1).Draw(t, "which")])
				for k, v := range req {
					if v == cassette.Redacted && rapid.Bool().Draw(t, "fill "+k) {
						req[k] = rapid.SampledFrom([]string{"x", "y", "z"}).Draw(t, "value "+k)
					}
				}
			} else {
				req = placeholderBody().Draw(t, "request")
			}
			want := ""
			for i, m := range recs {
				if maps.Equal(m, req) {
					want = strconv.Itoa(i)
					break
				}
			}
			if want == "" {
				for i, m := range recs {
					if covers(m, req) {
						want = strconv.Itoa(i)
						break
					}
				}
			}
			w := serve(h, request("POST", update, cassette.AuthToken, encodeBody(req)))
			got := w.Body.String()
			if w.Code == replay.NoMatchStatus {
				got = ""
			}
			if got != want {
				t.Fatalf("request %s: got recording %q, want %q (\"\" is no match); recordings %v", encodeBody(req), got, want, recs)
			}
		}
	})
}
