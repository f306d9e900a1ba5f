package replay

import (
	"bytes"
	"encoding/json"
	"testing"
)

// libraryCanonical is canonicalJSON's job done by encoding/json: a check, a decoding
// that keeps numbers as written and an encoding (which sorts object keys). It is the
// baseline BenchmarkCanonicalJSON holds canonicalJSON to.
func libraryCanonical(data []byte) ([]byte, bool) {
	if !json.Valid(data) {
		return nil, false
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	var out bytes.Buffer
	e := json.NewEncoder(&out)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, false
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), true
}

// BenchmarkCanonicalJSON reduces an update body, as every replayed request's is, by
// canonicalJSON and by encoding/json: the figures behind the replay's own canonicalizer.
func BenchmarkCanonicalJSON(b *testing.B) {
	body := []byte(`{"enabled_event_type_names":["buildJobSuccess","buildJobFailed"],"notice_type":"DINGDING","param_config":"{\"webhook\":\"https://oapi.dingtalk.com/robot/send\",\"secret\":\"REDACTED\"}","status":true}`)
	for _, c := range []struct {
		name string
		fn   func([]byte) ([]byte, bool)
	}{{"canonicalizer=replay", canonicalJSON}, {"canonicalizer=encoding-json", libraryCanonical}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := c.fn(body); !ok {
					b.Fatal("the update body must be JSON")
				}
			}
		})
	}
}

// TestLibraryCanonicalAgrees keeps the benchmark's baseline honest: on documents whose
// strings need no escaping choice, it gives canonicalJSON's bytes.
func TestLibraryCanonicalAgrees(t *testing.T) {
	for _, doc := range []string{`{"b":1,"a":[true,null,"x"]}`, `[ {"z":{"y":1.50,"x":-0}} ]`, `"s"`, `12e3`} {
		want, ok1 := canonicalJSON([]byte(doc))
		got, ok2 := libraryCanonical([]byte(doc))
		if !ok1 || !ok2 || !bytes.Equal(want, got) {
			t.Errorf("%s: canonicalJSON %q (%v), encoding/json %q (%v)", doc, want, ok1, got, ok2)
		}
	}
}
