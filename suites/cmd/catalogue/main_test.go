package main

import (
	"bytes"
	"strings"
	"testing"
)

// The listing itself (a dry run, once per process) is checked by suites/brokentest,
// which builds the catalogue from it; these are its usage errors.

func TestRunRefusesArguments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"extra"}, &stdout, &stderr); code != 2 {
		t.Fatalf("run(extra) = %d, want 2; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), `unexpected argument "extra"`) {
		t.Errorf("stderr = %q, want it to name the argument", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
}

func TestRunNamesAMissingCassette(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-cassette", "no-such.yaml", "-root", t.TempDir()}, &stdout, &stderr); code != 1 {
		t.Fatalf("run = %d, want 1; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "-cassette") || !strings.Contains(stderr.String(), "no-such.yaml") {
		t.Errorf("stderr = %q, want the flag and the file", stderr.String())
	}
}

func TestCompareWhereOrdersLinesAsNumbers(t *testing.T) {
	for _, c := range []struct {
		a, b string
		less bool
	}{
		{"suites/update.go:99", "suites/update.go:100", true},
		{"suites/cassettes.go:500", "suites/update.go:1", true},
		{"suites/update.go:100", "suites/update.go:99", false},
	} {
		if got := compareWhere(c.a, c.b) < 0; got != c.less {
			t.Errorf("compareWhere(%q, %q) < 0 = %t, want %t", c.a, c.b, got, c.less)
		}
	}
}
