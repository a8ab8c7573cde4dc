package cell

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/rewrite with the current output")

// TestRewriteGolden prepares each cell of testdata/rewrite/*.txtar against
// the scope its archive describes, with no interpreter, and compares the
// source the session would evaluate, group by group, with the archive's
// "want" section (go test -run TestRewriteGolden -update rewrites them).
//
// An archive's comment says what it checks. Its sections:
//
//	scope    declarations of the session the cell runs in (optional), as
//	         NewDeclScope reads them
//	cell     the cell, as cell number 1
//	want     the evaluated source: each plan group after a "// group"
//	         line, or "error: " and the error of a cell that fails
//	nobuild  why the rewritten program cannot be built with go build
//	         (interp's TestRewrittenBuilds builds the others)
func TestRewriteGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/rewrite/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files in testdata/rewrite")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sec := sections(ar)
			if _, ok := sec["cell"]; !ok {
				t.Fatal("no cell section")
			}
			got := rewriteGolden(t, sec["scope"], sec["cell"])
			if *update {
				setSection(ar, "want", got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, ok := sec["want"]
			if !ok {
				t.Fatal("no want section (run with -update to write it)")
			}
			if got != want {
				t.Errorf("rewritten source differs (run with -update to accept it)\n--- got\n%s--- want\n%s", got, want)
			}
		})
	}
}

// rewriteGolden is the text a golden file's want section holds.
func rewriteGolden(t *testing.T, scope, code string) string {
	t.Helper()
	sc, err := NewDeclScope(scope)
	if err != nil {
		t.Fatalf("scope: %v", err)
	}
	units, err := prepare(sc, strings.TrimSuffix(code, "\n"), 1)
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	var b strings.Builder
	plan := planUnits(units)
	for i, g := range plan {
		kind := "statements"
		if g[0].isDecl() {
			kind = "declarations"
		}
		src := groupSource(g, 1)
		if i == len(plan)-1 && finalExpr(g[len(g)-1]) != nil {
			kind += ", with the final value"
			src = groupSourceWrapped(g, 1, true)
		}
		b.WriteString("// group " + strconv.Itoa(i+1) + ": " + kind)
		b.WriteString(src)
		if !strings.HasSuffix(src, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

func sections(ar *txtar.Archive) map[string]string {
	m := map[string]string{}
	for _, f := range ar.Files {
		m[strings.TrimSpace(f.Name)] = string(f.Data)
	}
	return m
}

func setSection(ar *txtar.Archive, name, data string) {
	for i, f := range ar.Files {
		if strings.TrimSpace(f.Name) == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}
