package docs_test

import (
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/interp/docs"
)

// TestSpinlabDocsAreCurrent: the committed docs of spinlab's own packages
// (what Shift-Tab shows for runtimes.Go or display.Show) name every
// exported function, type and method their sources declare, with the doc
// comment the source has now. Run `go generate` in interp/docs when it
// fails.
func TestSpinlabDocsAreCurrent(t *testing.T) {
	for _, pkg := range []struct{ dir, path string }{
		{"../../runtimes", "github.com/spinlab/spinlab/runtimes"},
		{"../../display", "github.com/spinlab/spinlab/display"},
	} {
		committed := docs.Lookup(pkg.path)
		if committed == nil {
			t.Errorf("no docs for %s", pkg.path)
			continue
		}
		bp, err := build.Default.ImportDir(pkg.dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		var files []*ast.File
		for _, name := range bp.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(pkg.dir, name), nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		pd, err := doc.NewFromFiles(fset, files, pkg.path)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, f := range pd.Funcs {
			want[f.Name] = f.Doc
		}
		for _, ty := range pd.Types {
			want[ty.Name] = ty.Doc
			for _, f := range ty.Funcs {
				want[f.Name] = f.Doc
			}
			for _, m := range ty.Methods {
				want[ty.Name+"."+m.Name] = m.Doc
			}
		}
		for name, text := range want {
			got, ok := committed.Symbols[name]
			switch {
			case !ok:
				t.Errorf("%s.%s has no committed docs (run go generate in interp/docs)", pkg.path, name)
			case got.Doc != strings.TrimSpace(text):
				t.Errorf("%s.%s: the committed doc comment is stale (run go generate in interp/docs)\n got: %.80q\nwant: %.80q", pkg.path, name, got.Doc, strings.TrimSpace(text))
			}
		}
		for name, s := range committed.Symbols {
			if _, ok := want[name]; !ok && s.Kind != "var" && s.Kind != "const" {
				t.Errorf("%s.%s is in the committed docs but no longer in the source", pkg.path, name)
			}
		}
	}
}
