package atomicfile_test

import (
	"os"
	"path/filepath"
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
