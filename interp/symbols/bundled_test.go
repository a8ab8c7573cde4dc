package symbols

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSpinlabTablesAreCurrent checks that the tables of spinlab's own
// packages offer every exported top-level name their sources declare, so
// that an API added to runtimes or display without `go run gen.go
// PACKAGE` fails here instead of as "undefined selector" in a cell.
func TestSpinlabTablesAreCurrent(t *testing.T) {
	for _, pkg := range []struct{ dir, key string }{
		{"../../runtimes", "github.com/spinlab/spinlab/runtimes/runtimes"},
		{"../../display", "github.com/spinlab/spinlab/display/display"},
	} {
		table := Table(pkg.key)
		if table == nil {
			t.Errorf("no table %s", pkg.key)
			continue
		}
		for _, name := range exportedNames(t, pkg.dir) {
			if slices.Contains(internalNames[pkg.key], name) {
				continue
			}
			if _, ok := table[name]; !ok {
				t.Errorf("%s lacks %s: run `go run gen.go %s` in interp/symbols", pkg.key, name, strings.TrimSuffix(pkg.key, "/"+filepath.Base(pkg.key)))
			}
		}
	}
}

// internalNames is gen.go's internal list: exported names that only
// spinlab's own compiled code calls, left out of the tables.
var internalNames = map[string][]string{
	"github.com/spinlab/spinlab/runtimes/runtimes": {"CountDecode", "EnvWorkerBin", "MarkStart", "SetDefault", "WorkerMain", "WorkerPooled"},
}

// TestInternalsAreLeftOut: a cell can neither complete nor call what only
// the evaluator and the worker child call (runtimes.SetDefault,
// WorkerMain...).
func TestInternalsAreLeftOut(t *testing.T) {
	for key, names := range internalNames {
		table := Table(key)
		for _, name := range names {
			if _, ok := table[name]; ok {
				t.Errorf("%s has the internal %s: gen.go's internal list and this one differ", key, name)
			}
		}
	}
}

// exportedNames lists the exported top-level funcs (not methods), types,
// vars and consts that dir's non-test Go files declare for linux/amd64.
func exportedNames(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("sources of %s: %v", dir, err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, name := range files {
		base := filepath.Base(name)
		if strings.HasSuffix(base, "_test.go") || !buildsHere(base) {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "//go:build ignore") {
			continue
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					names = append(names, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							names = append(names, s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								names = append(names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	return names
}

// buildsHere reports whether a file's name keeps it out of a linux build.
func buildsHere(base string) bool {
	for _, other := range []string{"_darwin", "_windows", "_other", "_bsd", "_plan9"} {
		if strings.Contains(base, other) {
			return false
		}
	}
	return true
}
