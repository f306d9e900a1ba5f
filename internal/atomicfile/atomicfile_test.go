package atomicfile_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/noticeconf/noticeconf/internal/atomicfile"
)

func TestWriteReplacesTheFileWhole(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "x.json")
	if err := os.WriteFile(path, []byte("old content, longer than the new one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(path, []byte("new\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "new\n" {
		t.Errorf("content %q, want %q", got, "new\n")
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644 (0666 less the umask 022)", st.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "x.json" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the directory holds %q, want only x.json: a temporary file was left behind", names)
	}
}

func TestWriteIntoAMissingDirectoryFailsNamingThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "x.json")
	err := atomicfile.Write(path, []byte("x"), 0o600)
	if err == nil {
		t.Fatal("no error writing into a directory that does not exist")
	}
	if want := "write " + path; len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("error %q does not start with %q", err, want)
	}
}

// names lists the entries of dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestExactModeIgnoresTheUmask(t *testing.T) {
	old := syscall.Umask(0o277) // would leave the owner only r--
	defer syscall.Umask(old)
	for _, c := range []struct {
		perm  os.FileMode
		exact bool
		want  os.FileMode
	}{
		{0o600, true, 0o600},
		{0o644, true, 0o644},
		{0o600, false, 0o400}, // without the option the umask applies
	} {
		path := filepath.Join(t.TempDir(), "report.json")
		var opts []atomicfile.Option
		if c.exact {
			opts = append(opts, atomicfile.ExactMode())
		}
		if err := atomicfile.Write(path, []byte("{}\n"), c.perm, opts...); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != c.want {
			t.Errorf("perm %v, ExactMode %t, umask 0277: mode %v, want %v", c.perm, c.exact, st.Mode().Perm(), c.want)
		}
	}
}

func TestWriteFuncStreamsTheContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "page.md")
	err := atomicfile.WriteFunc(path, 0o644, func(w io.Writer) error {
		for i := range 3 {
			if _, err := fmt.Fprintf(w, "line %d\n", i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "line 0\nline 1\nline 2\n"; string(got) != want {
		t.Errorf("content %q, want %q", got, want)
	}
}

func TestWriteFuncFailingLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := errors.New("the report could not be rendered")
	err := atomicfile.WriteFunc(path, 0o600, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half a rep")
		return broken
	}, atomicfile.ExactMode())
	if !errors.Is(err, broken) {
		t.Fatalf("error %v, want it to wrap the write's error", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "old\n" {
		t.Errorf("after a failed write the file holds %q, want the old content", got)
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("the directory holds %q, want only report.json: a temporary file was left behind", n)
	}
}
