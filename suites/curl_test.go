package suites

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBodyWordReproducesTheBody holds a reproduction's body to the bytes sent: the
// shell word bodyWord writes, given to bash, prints the body exactly, and a body of
// megabytes made of one long run is written in a few hundred bytes.
func TestBodyWordReproducesTheBody(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("bash is needed to run the reproductions: %v", err)
	}
	head, tail := `{"notice_type":"MAIL","param_config":"it's \"$HOME\" `+"`x`"+` \\ `, `"}`
	for _, c := range []struct {
		name, body string
		maxLen     int
	}{
		{"short", head + tail, 200},
		{"a run under the bound", head + strings.Repeat("x", minRunWritten-1) + tail, minRunWritten + 200},
		{"2 MiB of one letter", head + strings.Repeat("x", 2<<20) + tail, 300},
		{"a run at the start", strings.Repeat("7", 1<<16) + tail, 300},
		{"two runs, the longer written as a command", strings.Repeat("a", 5000) + head + strings.Repeat("b", 9000), 5300},
	} {
		w := bodyWord(c.body, nil)
		if len(w) > c.maxLen {
			t.Errorf("%s: the word is %d bytes, want at most %d", c.name, len(w), c.maxLen)
		}
		out, err := exec.Command("bash", "-c", "printf %s "+w).Output()
		if err != nil {
			t.Fatalf("%s: bash -c 'printf %%s %s...': %v", c.name, w[:min(len(w), 80)], err)
		}
		if string(out) != c.body {
			t.Errorf("%s: bash prints %d bytes, want the %d of the body (word %q...)", c.name, len(out), len(c.body), w[:min(len(w), 120)])
		}
	}
}
