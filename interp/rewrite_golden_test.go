package interp

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/display"
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
//	scope    declarations of the session the cell runs in (optional): the
//	         definitions of its imports, types, funcs, consts and vars; a
//	         var or const whose type is in testGlobalTypes also has a value
//	cell     the cell, as cell number 1
//	want     the evaluated source: each plan group after a "// group"
//	         line, or "error: " and the error of a cell that fails
//	nobuild  why the rewritten program cannot be built with go build
//	         (TestRewrittenBuilds)
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
	sc := newTestScope(t, scope)
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

// testScope is a Scope read from Go declarations, with no interpreter.
type testScope struct {
	defs    []Definition
	globals map[string]reflect.Value
}

func (s *testScope) Definitions() []Definition         { return append([]Definition(nil), s.defs...) }
func (s *testScope) Globals() map[string]reflect.Value { return s.globals }
func (s *testScope) TypeName(reflect.Type) string      { return "" }
func (s *testScope) add(kind, name, src string) {
	s.defs = append(s.defs, Definition{Kind: kind, Name: name, Source: src})
}
func (s *testScope) global(name string, typ reflect.Type) { s.globals[name] = reflect.New(typ).Elem() }
func (s *testScope) opaque(name string)                   { s.globals[name] = reflect.Value{} }
func (s *testScope) text(src string, n ast.Node, off int) string {
	return src[int(n.Pos())-off : int(n.End())-off]
}

// testGlobalTypes are the types of the scope's variables that have a
// value; a variable of any other type is a global whose value the
// rewriter cannot read (as an interpreted struct type's often is not).
var testGlobalTypes = map[string]reflect.Type{
	"int":             reflect.TypeFor[int](),
	"int64":           reflect.TypeFor[int64](),
	"uint8":           reflect.TypeFor[uint8](),
	"float64":         reflect.TypeFor[float64](),
	"string":          reflect.TypeFor[string](),
	"bool":            reflect.TypeFor[bool](),
	"error":           reflect.TypeFor[error](),
	"[]int":           reflect.TypeFor[[]int](),
	"[]string":        reflect.TypeFor[[]string](),
	"map[string]int":  reflect.TypeFor[map[string]int](),
	"chan int":        reflect.TypeFor[chan int](),
	"[]chan int":      reflect.TypeFor[[]chan int](),
	"*display.Handle": reflect.TypeFor[*display.Handle](),
}

// newTestScope reads the declarations of a scope section: each becomes a
// definition as the session records it.
func newTestScope(t *testing.T, src string) *testScope {
	t.Helper()
	s := &testScope{globals: map[string]reflect.Value{}}
	src = "package main\n" + src
	f, err := parser.ParseFile(token.NewFileSet(), "scope", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("scope: %v", err)
	}
	off := int(f.FileStart)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) == 1 {
				name = recvTypeName(d.Recv.List[0].Type) + "." + name
			}
			s.add(kindFunc, name, s.text(src, d, off))
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ImportSpec:
					s.add(kindImport, importName(sp), "import "+s.text(src, sp, off))
				case *ast.TypeSpec:
					s.add(kindType, sp.Name.Name, "type "+s.text(src, sp, off))
				case *ast.ValueSpec:
					if sp.Type == nil {
						t.Fatalf("scope: %s: give the type of every var and const", s.text(src, sp, off))
					}
					typ := s.text(src, sp.Type, off)
					for _, n := range sp.Names {
						if d.Tok == token.CONST {
							s.add(kindConst, n.Name, s.text(src, d, off))
						} else {
							s.add(kindVar, n.Name, "var "+n.Name+" "+typ)
						}
						if rt, ok := testGlobalTypes[typ]; ok {
							s.global(n.Name, rt)
						} else {
							s.opaque(n.Name)
						}
					}
				}
			}
		}
	}
	return s
}
