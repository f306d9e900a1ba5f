package cassette_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// FuzzParse feeds the loader arbitrary bytes, seeded with every valid and malformed
// cassette in testdata: it must never panic, every refusal must be a *LoadError naming
// the file, and whatever the fast path reads, yaml.v3 must read the same.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*", "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if fast, ok := cassette.ParseFast("fuzz.yaml", data); ok {
			slow, err := cassette.ParseSlow("fuzz.yaml", data)
			if err != nil {
				t.Fatalf("the fast path read what yaml.v3 refuses: %v", err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("the fast path read\n%+v\nyaml.v3 read\n%+v", fast, slow)
			}
		}
		file, err := cassette.Parse("fuzz.yaml", data)
		if err != nil {
			var le *cassette.LoadError
			if !errors.As(err, &le) || le.Path != "fuzz.yaml" || le.Msg == "" {
				t.Fatalf("error %v (%T) is not a LoadError naming the file", err, err)
			}
			return
		}
		if file.Version != cassette.FormatVersion {
			t.Fatalf("loaded a cassette of version %d", file.Version)
		}
		ids := map[int]bool{}
		for _, in := range file.Interactions {
			if ids[in.ID] || in.Request.Method == "" || in.Request.URL == "" || in.Response.Code < 100 || in.Response.Code > 999 {
				t.Fatalf("loaded an invalid interaction %+v", in.Interaction)
			}
			ids[in.ID] = true
		}
	})
}
