package interp

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// goCase is a program for a differential test: its declarations, and the
// body of its main function. It runs once compiled with `go run` and once
// in a session (the declarations as one cell, the body as the next), and
// both must print the same.
type goCase struct {
	name    string
	imports string // import paths, space-separated
	decls   string
	body    string
}

// goRun runs each case as a program built by the Go toolchain and returns
// its output by name. It skips the test when there is no toolchain. All
// cases build as one program (the toolchain is slow to start), each in a
// function of its own, so their declarations must not collide.
func goRun(t *testing.T, cases []goCase) map[string]string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no Go toolchain for the differential test")
	}
	imports := map[string]bool{"fmt": true}
	for _, c := range cases {
		for _, p := range strings.Fields(c.imports) {
			imports[p] = true
		}
	}
	var paths []string
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	b.WriteString("package main\n\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "import %q\n", p)
	}
	for i, c := range cases {
		fmt.Fprintf(&b, "%s\n\nfunc case%d() {\n%s\n}\n\n", c.decls, i, c.body)
	}
	b.WriteString("func main() {\n")
	for i, c := range cases {
		fmt.Fprintf(&b, "\tfmt.Println(%q)\n\tcase%d()\n", "=== "+c.name, i)
	}
	b.WriteString("}\n")
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gobin, "run", src)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s\n%s", err, out, b.String())
	}
	got := map[string]string{}
	name := ""
	for _, l := range strings.SplitAfter(string(out), "\n") {
		if n, ok := strings.CutPrefix(l, "=== "); ok {
			name = strings.TrimSuffix(n, "\n")
			continue
		}
		got[name] += l
	}
	return got
}

// sessionRun runs the cases in one session and returns what each printed,
// or its error.
func sessionRun(t *testing.T, cases []goCase) map[string]string {
	t.Helper()
	s, out, _ := newTestSession(t)
	var decls strings.Builder
	for _, c := range cases {
		for _, p := range strings.Fields(c.imports) {
			fmt.Fprintf(&decls, "import %q\n", p)
		}
	}
	for _, c := range cases {
		decls.WriteString(c.decls + "\n")
	}
	if _, err := s.Execute(context.Background(), decls.String()); err != nil {
		t.Fatalf("declarations: %v", err)
	}
	got := map[string]string{}
	for _, c := range cases {
		out.Reset()
		_, err := s.Execute(context.Background(), c.body)
		got[c.name] = out.String()
		if err != nil {
			got[c.name] += "error: " + err.Error() + "\n"
		}
	}
	return got
}

// diffGo compares the session with go run, case by case.
func diffGo(t *testing.T, cases []goCase) {
	t.Helper()
	want := goRun(t, cases)
	got := sessionRun(t, cases)
	for _, c := range cases {
		if got[c.name] != want[c.name] {
			t.Errorf("%s:\n%s\nsession: %q\ngo run:  %q", c.name, c.body, got[c.name], want[c.name])
		}
	}
}
