package docsection

import (
	"bytes"
	"testing"
)

func TestSpliceAddsThenReplacesTheSectionAndKeepsTheRest(t *testing.T) {
	doc := []byte("# Benchmarks\n\nin process\n")
	once := Splice(doc, "make bench-http", []byte("## Over HTTP\n\nfirst run\n"))
	if !bytes.HasPrefix(once, doc[:len(doc)-1]) || !bytes.Contains(once, []byte("first run")) {
		t.Fatalf("Splice into a document without the section:\n%s", once)
	}
	twice := Splice(once, "make bench-http", []byte("## Over HTTP\n\nsecond run"))
	if bytes.Contains(twice, []byte("first run")) || !bytes.Contains(twice, []byte("second run\n")) {
		t.Fatalf("Splice over the section:\n%s", twice)
	}
	if bytes.Count(twice, []byte("<!-- make bench-http: begin")) != 1 {
		t.Fatalf("the section twice:\n%s", twice)
	}
	sec := Extract(twice, "make bench-http")
	if sec == nil || !bytes.Contains(sec, []byte("second run")) {
		t.Fatalf("Extract = %q", sec)
	}
	// The other generator rewrites the rest and keeps the section.
	back := Keep([]byte("# Benchmarks\n\nin process, new figures\n"), twice, "make bench-http")
	if !bytes.Contains(back, []byte("new figures")) || !bytes.HasSuffix(back, sec) || bytes.Contains(back, []byte("in process\n")) {
		t.Fatalf("Keep:\n%s", back)
	}
	if got := Keep([]byte("doc\n"), []byte("old, no section\n"), "make bench-http"); string(got) != "doc\n" {
		t.Errorf("Keep without a section = %q", got)
	}
	if Extract([]byte("<!-- make bench-http: begin (generated; do not edit) -->\nno end\n"), "make bench-http") != nil {
		t.Error("Extract of a section without its end marker")
	}
}
