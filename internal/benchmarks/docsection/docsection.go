// Package docsection keeps one generated section inside a Markdown document that
// another generator writes: docs/benchmarks.md is written by `make bench`
// (benchreport), and its section "Benchmarks over HTTP" by `make bench-http`
// (benchhttp). The section lies between two HTML comments, which Markdown does not
// show, so each generator can rewrite its part and keep the other's.
package docsection

import (
	"bytes"
	"fmt"
)

// Markers around a named section.
func markers(name string) (begin, end []byte) {
	return []byte(fmt.Sprintf("<!-- %s: begin (generated; do not edit) -->\n", name)),
		[]byte(fmt.Sprintf("<!-- %s: end -->\n", name))
}

// Extract returns the section name of doc, markers included, or nil when doc has
// none (or only one of its markers).
func Extract(doc []byte, name string) []byte {
	begin, end := markers(name)
	i := bytes.Index(doc, begin)
	if i < 0 {
		return nil
	}
	j := bytes.Index(doc[i:], end)
	if j < 0 {
		return nil
	}
	return bytes.Clone(doc[i : i+j+len(end)])
}

// Splice returns doc with the section name holding content: in place of the section
// doc has, or at its end, after a blank line, when it has none.
func Splice(doc []byte, name string, content []byte) []byte {
	begin, end := markers(name)
	var sec bytes.Buffer
	sec.Write(begin)
	sec.Write(content)
	if len(content) > 0 && content[len(content)-1] != '\n' {
		sec.WriteByte('\n')
	}
	sec.Write(end)
	if old := Extract(doc, name); old != nil {
		i := bytes.Index(doc, old)
		return append(append(append([]byte{}, doc[:i]...), sec.Bytes()...), doc[i+len(old):]...)
	}
	out := bytes.TrimRight(bytes.Clone(doc), "\n")
	if len(out) > 0 {
		out = append(out, "\n\n"...)
	}
	return append(out, sec.Bytes()...)
}

// Keep returns doc, a document written anew, with the section name of old, the
// document it replaces, at its end: what the other generator wrote stays.
func Keep(doc, old []byte, name string) []byte {
	sec := Extract(old, name)
	if sec == nil {
		return doc
	}
	out := bytes.TrimRight(bytes.Clone(doc), "\n")
	return append(append(out, "\n\n"...), sec...)
}

// BenchHTTP names the section of docs/benchmarks.md that `make bench-http` writes.
const BenchHTTP = "make bench-http"
