package notebook

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A notebook saved through a symbolic link updates the file the link
// points to, keeps that file's mode, and leaves the link a link, however
// the link is spelled.
func TestWriteFileThroughLinks(t *testing.T) {
	dir := t.TempDir()
	must(t, os.Mkdir(filepath.Join(dir, "real"), 0o755))
	must(t, os.Mkdir(filepath.Join(dir, "site"), 0o755))
	target := filepath.Join(dir, "real", "nb.ipynb")
	must(t, os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "site", "realdir")))

	for _, tc := range []struct{ name, link, dest string }{
		{"relative", "rel.ipynb", "real/nb.ipynb"},
		{"absolute", "abs.ipynb", target},
		{"chain", "chain.ipynb", "rel.ipynb"},
		// ".." climbs from where the directory link points, not lexically.
		{"dotdot through a linked directory", "site/dotdot.ipynb", "realdir/../real/nb.ipynb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			must(t, os.WriteFile(target, []byte("stale"), 0o600))
			link := filepath.Join(dir, tc.link)
			if _, err := os.Lstat(link); err != nil {
				must(t, os.Symlink(tc.dest, link))
			}
			nb := notebookOf("print fresh")
			must(t, nb.WriteFile(link))

			if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Fatalf("%s is no longer a symbolic link: %v %v", link, fi.Mode(), err)
			}
			b, err := os.ReadFile(target)
			must(t, err)
			if !strings.Contains(string(b), "print fresh") {
				t.Errorf("the link's target was not updated: %q", b)
			}
			if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
				t.Errorf("target mode = %v, want 0600 kept", fi.Mode().Perm())
			}
			assertNoTempFiles(t, filepath.Join(dir, "real"), filepath.Join(dir, "site"), dir)
		})
	}
}

// A link to a file that does not exist yet creates that file, as
// open(2) would, and stays a link.
func TestWriteFileDanglingLink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "out.ipynb")
	must(t, os.Symlink("made.ipynb", link))
	must(t, notebookOf("print x").WriteFile(link))
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if _, err := Read(mustOpen(t, filepath.Join(dir, "made.ipynb"))); err != nil {
		t.Errorf("the link's target: %v", err)
	}
}

// A pipe (or a device, such as /dev/stdout) is written to, not replaced.
func TestWriteFileToPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	must(t, syscall.Mkfifo(fifo, 0o600))
	must(t, CheckWritable(fifo))
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	must(t, notebookOf("print piped").WriteHTMLFile(fifo, "T"))
	if s := <-got; !strings.Contains(s, "<html") || !strings.Contains(s, "print piped") {
		t.Errorf("read from the pipe: %q", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	must(t, os.WriteFile(file, nil, 0o644))
	must(t, os.Symlink("nowhere/x.ipynb", filepath.Join(dir, "dangling-dir.ipynb")))
	for _, tc := range []struct{ name, want string }{
		{filepath.Join(dir, "new.ipynb"), ""},
		{file, ""},
		{filepath.Join(dir, "missing", "out.ipynb"), "directory " + filepath.Join(dir, "missing") + " does not exist"},
		{dir, "is a directory"},
		{filepath.Join(file, "out.ipynb"), "not a directory"},
		{filepath.Join(dir, "dangling-dir.ipynb"), "nowhere does not exist"},
	} {
		err := CheckWritable(tc.name)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckWritable(%s) = %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("CheckWritable(%s) = %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Error("CheckWritable created the missing directory")
	}
	assertNoTempFiles(t, dir)
}

func assertNoTempFiles(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("temporary file left behind: %s", filepath.Join(d, e.Name()))
			}
		}
	}
}

func mustOpen(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(name)
	must(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
