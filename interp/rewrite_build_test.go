package interp

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/interp/cell"
	"golang.org/x/tools/txtar"
)

// TestRewrittenBuilds checks that what the rewriter makes of each cell of
// cell/testdata/rewrite is still Go: every cell, prepared against its
// scope as package cell's TestRewriteGolden prepares it, becomes a program (the scope's
// declarations, the session's prelude and polyfills, the cell's
// declaration groups at package level and its statement groups in main,
// imports it leaves unused made blank)
// of a temporary module whose package spinlab.dev/rt has the signatures
// of the session's support functions, and `go build` must compile them
// all. An archive with a "nobuild" section says why its cell cannot be
// built and is skipped.
func TestRewrittenBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: TestRewrittenBuilds runs go build on the rewritten cells of cell/testdata/rewrite")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go build of rewritten cells: no go command: %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("cell/testdata/rewrite/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in cell/testdata/rewrite (%v)", err)
	}
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// The module requires what spinlab requires, and spinlab itself (for
	// display and runtimes) from this tree.
	gomod := strings.Replace(string(mod), "module github.com/spinlab/spinlab", "module cellcheck", 1)
	gomod += "\nrequire (\n\tgithub.com/spinlab/spinlab v0.0.0\n\tspinlab.dev v0.0.0\n)\n"
	gomod += "\nreplace github.com/spinlab/spinlab => " + root + "\n\nreplace spinlab.dev => ./spinlabdev\n"
	write("go.mod", gomod)
	write("go.sum", string(sum))
	write("spinlabdev/go.mod", "module spinlab.dev\n\ngo 1.26.8\n")
	write("spinlabdev/rt/rt.go", rtStub(t))

	built := map[string]string{} // package directory → golden file
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sec := map[string]string{}
		for _, f := range ar.Files {
			sec[strings.TrimSpace(f.Name)] = string(f.Data)
		}
		if why, ok := sec["nobuild"]; ok {
			t.Logf("%s: not built: %s", name, strings.TrimSpace(why))
			continue
		}
		src, ok := buildProgram(t, sec["scope"], sec["cell"])
		if !ok {
			continue // a cell that fails to prepare has nothing to build
		}
		pkg := strings.ReplaceAll(name, "-", "_")
		write(filepath.Join(pkg, "main.go"), src)
		built[pkg] = file
	}
	if len(built) == 0 {
		t.Fatal("no rewritten cell to build")
	}
	cmd := exec.Command(goCmd, "build", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	// go build prints "# cellcheck/pkg" before each package's errors.
	failed := false
	for _, block := range strings.Split("\n"+string(out), "\n# ") {
		head, rest, _ := strings.Cut(block, "\n")
		pkg := strings.TrimPrefix(strings.TrimSpace(head), "cellcheck/")
		if file, ok := built[pkg]; ok {
			failed = true
			prog, _ := os.ReadFile(filepath.Join(dir, pkg, "main.go"))
			t.Errorf("%s: the rewritten cell does not build:\n%s\nprogram:\n%s", file, rest, numbered(string(prog)))
		}
	}
	if !failed {
		t.Fatalf("go build: %v\n%s", err, out)
	}
}

// buildProgram is the program that TestRewrittenBuilds builds for a cell.
func buildProgram(t *testing.T, scope, code string) (string, bool) {
	t.Helper()
	sc, err := cell.NewDeclScope(scope)
	if err != nil {
		t.Fatalf("scope: %v", err)
	}
	units, err := cell.Prepare(sc, strings.TrimSuffix(code, "\n"), 1)
	if err != nil {
		return "", false
	}
	var imports, decls, body strings.Builder
	// The scope's imports, then its other declarations.
	scopeItems, err := cell.Split(scope)
	if err != nil {
		t.Fatalf("scope: %v", err)
	}
	for _, it := range scopeItems {
		if it.Kind() == cell.KindImport {
			imports.WriteString(it.Src() + "\n")
		} else {
			decls.WriteString(it.Src() + "\n")
		}
	}
	plan := cell.Plan(units)
	for i, g := range plan {
		final := cell.FinalExpr(g[len(g)-1])
		switch {
		case g[0].Kind() == cell.KindImport:
			imports.WriteString(cell.GroupSource(g, 1) + "\n")
		case g[0].IsDecl():
			decls.WriteString(cell.GroupSource(g, 1) + "\n")
		case i == len(plan)-1 && final != nil && !isCall(final):
			body.WriteString(cell.GroupSourceWrapped(g, 1, true) + "\n")
		default:
			body.WriteString(cell.GroupSource(g, 1) + "\n")
		}
		for _, u := range g {
			if !u.IsDecl() {
				for _, n := range u.Defines() {
					fmt.Fprintf(&body, "_ = %s\n", n)
				}
			}
		}
	}
	// The helpers the session declares when a rewrite calls one
	// (errors.As, the comparisons of ifaceeq.go).
	libImport, library := "", ""
	for _, f := range cell.MainFuncs() {
		if strings.Contains(decls.String()+body.String(), f) {
			libImport, library = "import _spinlaberrs \"spinlab.dev/rt\"\n", cell.LibraryErrors()+"\n"
			break
		}
	}
	src := "package main\n" + libImport + imports.String() + prelude + polyfills + library +
		"func _spinlabNew[T any](v T) *T { return &v }\n" +
		decls.String() + "\nfunc main() {\n" + body.String() + "}\n"
	return blankUnusedImports(t, src), true
}

// blankUnusedImports makes the imports that src does not use blank
// imports: yaegi accepts an unused import, go build does not, and a
// rewrite may leave one unused (iter, once iter.Seq[int] is spelled out
// as the func type it stands for).
func blankUnusedImports(t *testing.T, src string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return src // go build reports it
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok {
				used[x.Name] = true
			}
		}
		return true
	})
	var offs []int
	for _, sp := range f.Imports {
		if sp.Name == nil && !used[cell.ImportName(sp)] {
			offs = append(offs, int(sp.Path.Pos()-f.FileStart))
		}
	}
	for i := len(offs) - 1; i >= 0; i-- {
		src = src[:offs[i]] + "_ " + src[offs[i]:]
	}
	return src
}

func isCall(e ast.Expr) bool {
	_, ok := e.(*ast.CallExpr)
	return ok
}

func numbered(src string) string {
	var b strings.Builder
	for i, l := range strings.Split(src, "\n") {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, l)
	}
	return b.String()
}

// rtStub is package spinlab.dev/rt as the session gives it to cells: the
// functions of the session's support table, with their signatures and
// bodies that panic.
func rtStub(t *testing.T) string {
	t.Helper()
	s, err := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	// Every table that newInterpreter gives the interpreter under rtPath.
	std := log.New(io.Discard, "", 0)
	table := map[string]reflect.Value{}
	for _, part := range []map[string]reflect.Value{
		overrides(newStderrFilter(io.Discard), s, std)[rtPath+"/rt"],
		printSymbols(newTypeRegistry(), io.Discard, std, func(string) {})[rtPath+"/rt"],
		genericSymbols(),
	} {
		for k, v := range part {
			table[k] = v
		}
	}
	imports := map[string]string{}
	var names []string
	for name := range table {
		names = append(names, name)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, name := range names {
		v := table[name]
		if v.Kind() != reflect.Func {
			t.Fatalf("rt.%s is a %s: the stub knows functions only", name, v.Kind())
		}
		ft := v.Type()
		var in, out []string
		for i := range ft.NumIn() {
			p := stubType(t, ft.In(i), imports)
			if ft.IsVariadic() && i == ft.NumIn()-1 {
				p = "..." + stubType(t, ft.In(i).Elem(), imports)
			}
			in = append(in, fmt.Sprintf("p%d %s", i, p))
		}
		for i := range ft.NumOut() {
			out = append(out, stubType(t, ft.Out(i), imports))
		}
		fmt.Fprintf(&b, "func %s(%s) (%s) { panic(\"stub\") }\n", name, strings.Join(in, ", "), strings.Join(out, ", "))
	}
	var head strings.Builder
	head.WriteString("// Package rt is the signatures of spinlab's support functions, for go build.\npackage rt\n\n")
	for name, path := range imports {
		fmt.Fprintf(&head, "import %s %q\n", name, path)
	}
	return head.String() + "\n" + b.String()
}

// stubType writes a type of a support function's signature as Go source,
// noting the packages it names.
func stubType(t *testing.T, rt reflect.Type, imports map[string]string) string {
	t.Helper()
	if rt.Name() != "" {
		if rt.PkgPath() == "" {
			return rt.Name()
		}
		name := filepath.Base(rt.PkgPath())
		imports[name] = rt.PkgPath()
		return name + "." + rt.Name()
	}
	switch rt.Kind() {
	case reflect.Interface:
		if rt.NumMethod() == 0 {
			return "any"
		}
	case reflect.Pointer:
		return "*" + stubType(t, rt.Elem(), imports)
	case reflect.Slice:
		return "[]" + stubType(t, rt.Elem(), imports)
	case reflect.Map:
		return "map[" + stubType(t, rt.Key(), imports) + "]" + stubType(t, rt.Elem(), imports)
	case reflect.Func:
		var in, out []string
		for i := range rt.NumIn() {
			in = append(in, stubType(t, rt.In(i), imports))
		}
		for i := range rt.NumOut() {
			out = append(out, stubType(t, rt.Out(i), imports))
		}
		return "func(" + strings.Join(in, ", ") + ") (" + strings.Join(out, ", ") + ")"
	}
	t.Fatalf("stub: cannot write type %s", rt)
	return ""
}
