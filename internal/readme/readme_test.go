// Package readme checks that README.md shows Go users only what they can import: every
// ```go block is a whole file, compiled, vetted and run by `go test` in a module of
// its own, outside this one, that requires this one through a replace directive.
package readme

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// snippet is one ```go block of the README.
type snippet struct {
	line int // the line of its opening fence
	src  string
}

// snippets returns the ```go blocks of the Markdown text md.
func snippets(md string) ([]snippet, error) {
	var out []snippet
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		start := i + 1
		j := start
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		if j == len(lines) {
			return nil, fmt.Errorf("README.md:%d: a ```go block that is never closed", start)
		}
		out = append(out, snippet{line: start, src: strings.Join(lines[start:j], "\n") + "\n"})
		i = j
	}
	return out, nil
}

// copyTree copies the regular files under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			// The Go packages beside the shipped cassettes (cassettes/cassette,
			// cassettes/replay) are no cassettes, nor is their testdata.
			if path != src && isGoPackage(path) {
				return filepath.SkipDir
			}
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
}

// isGoPackage reports whether dir holds Go source files.
func isGoPackage(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(m) > 0
}

func TestEveryGoBlockOfTheREADMECompilesAndPassesInAFreshModule(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := snippets(string(md))
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, b := range blocks {
		all += b.src
	}
	// What a new user comes for, as the README promises it.
	for _, want := range []string{"replay.NewServer(", "mock.NewServer(", "suites.Run(", "suites.WithRecorded("} {
		if !strings.Contains(all, want) {
			t.Errorf("no ```go block of README.md calls %s", want)
		}
	}

	mod := t.TempDir()
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	const self = "module github.com/noticeconf/noticeconf\n"
	if !bytes.HasPrefix(gomod, []byte(self)) {
		t.Fatalf("go.mod does not start with %q", self)
	}
	// The fresh module requires what this one does (so that it resolves offline, from
	// the module cache), and this one through a replace directive.
	gomod = append([]byte("module example.com/readme\n"), gomod[len(self):]...)
	gomod = fmt.Appendf(gomod, "\nrequire github.com/noticeconf/noticeconf v0.0.0-00010101000000-000000000000\n\nreplace github.com/noticeconf/noticeconf => %s\n", root)
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), gomod, 0o644); err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), gosum, 0o644); err != nil {
		t.Fatal(err)
	}
	for i, b := range blocks {
		if !strings.HasPrefix(b.src, "package ") {
			t.Errorf("README.md:%d: a ```go block must be a whole file (package clause, imports, a Test function), so that it compiles as users copy it; it starts %q", b.line, firstLine(b.src))
			continue
		}
		// Each block in a package of its own (suites.Run runs once per test binary),
		// with the shipped cassettes as its testdata/cassettes.
		dir := filepath.Join(mod, fmt.Sprintf("readme%02d", i+1))
		if err := copyTree(filepath.Join(root, "cassettes"), filepath.Join(dir, "testdata", "cassettes")); err != nil {
			t.Fatal(err)
		}
		src := fmt.Sprintf("// README.md:%d\n\n%s", b.line, b.src)
		if err := os.WriteFile(filepath.Join(dir, "readme_test.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if t.Failed() {
		return
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the README's blocks: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.CommandContext(ctx, gobin, args...)
		cmd.Dir = mod
		// Offline: every module comes from the module cache this module was built with.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOSUMDB=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in a fresh module (blocks of README.md as readmeNN/readme_test.go):\n%s\n%v", strings.Join(args, " "), out, err)
		}
		t.Logf("go %s:\n%s", strings.Join(args, " "), out)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
