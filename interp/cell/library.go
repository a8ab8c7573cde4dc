package cell

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"sync"
)

// The library: spinlab's own slices, maps, cmp and iter, written in the Go
// that yaegi runs (generics/*.go.txt), which the session loads into every
// interpreter and the rewriter's calls name (generics_calls.go).

//go:embed generics/*.go.txt
var genericSources embed.FS

// genericPackages are the packages of generics/, in the order they load.
var genericPackages = []string{"cmp", "slices", "maps", "iter"}

// mainFuncs are the functions of packages that spinlab declares in the
// session's main package (generics/errors.go.txt), by the name a cell
// calls them.
var mainFuncs = map[string]string{
	"errors.As":       "_spinlabAs",
	"errors.AsType":   "_spinlabAsType",
	"errors.Is":       "_spinlabIs",
	"errors.Unwrap":   "_spinlabUnwrap",
	"errors.Join":     "_spinlabJoin",
	"sync.OnceValue":  "_spinlabOnceValue",
	"sync.OnceValues": "_spinlabOnceValues",
}

// Names of the helpers of generics/errors.go.txt that rewrites other than
// the calls of mainFuncs make (ifaceeq.go).
const (
	EqFunc = "_spinlabEq"
	IsFunc = "_spinlabIsT"
)

// renamed is one package of generics/ as the interpreter compiles it.
type renamed struct {
	src   string          // the source, every exported function F renamed F_pkg
	names map[string]bool // the exported functions, by their names in the package
}

// renamedGenerics are the packages of generics/, each renamed on first
// use (renamedGeneric): an interpreter that loads only what its program
// imports (a cold worker) renames only those.
var renamedGenerics = func() map[string]func() renamed {
	m := map[string]func() renamed{}
	for _, pkg := range genericPackages {
		m[pkg] = sync.OnceValue(func() renamed { return renameGeneric(pkg) })
	}
	return m
}()

// renamedGeneric returns package pkg of generics/ renamed (renameGeneric);
// pkg must be one of genericPackages.
func renamedGeneric(pkg string) renamed { return renamedGenerics[pkg]() }

// renameGeneric returns the source of generics/pkg.go.txt with every
// exported function F renamed F_pkg, and the renamed names. yaegi v0.16.1
// keeps the instances of generic functions by function name and type
// arguments alone, whatever their package: slices.Compare[int] and
// cmp.Compare[int], or slices.Max[int] and a cell's own Max[int], would
// share one instance. The rewriter renames the calls to match
// (libraryName).
func renameGeneric(pkg string) renamed {
	b, err := genericSources.ReadFile("generics/" + pkg + ".go.txt")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	src := string(b)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		panic(fmt.Sprintf("generics/%s.go.txt: %v", pkg, err))
	}
	names := map[string]bool{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.IsExported() {
			names[fd.Name.Name] = true
		}
	}
	var out strings.Builder
	at := 0
	skip := nonVariableIdents(f) // selected names (_rt.SortFunc), methods, fields
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && names[id.Name] && !skip[id] {
			off := fset.Position(id.End()).Offset
			out.WriteString(src[at:off] + "_" + pkg)
			at = off
		}
		return true
	})
	out.WriteString(src[at:])
	return renamed{src: out.String(), names: names}
}

// libraryName returns the name under which spinlab's implementation of
// pkg.name is loaded, if it has one.
func libraryName(pkg, name string) (string, bool) {
	if _, ok := renamedGenerics[pkg]; ok && renamedGeneric(pkg).names[name] {
		return name + "_" + pkg, true
	}
	return "", false
}

// LibraryNames returns the names of spinlab's interpreted packages (cmp,
// slices, maps, iter), in the order they load.
func LibraryNames() []string { return slices.Clone(genericPackages) }

// LibrarySource returns the source of the interpreted package name (one of
// LibraryNames), with its functions renamed as the rewriter calls them (F
// of package p is F_p).
func LibrarySource(name string) string { return renamedGeneric(name).src }

// LibraryPackages returns every package of the library, in the order they
// load (LibraryNames, LibrarySource).
func LibraryPackages() []LibraryPackage {
	var out []LibraryPackage
	for _, name := range genericPackages {
		out = append(out, LibraryPackage{Name: name, Source: LibrarySource(name)})
	}
	return out
}

// MainFuncs returns the names, in the session's main package, of the
// library's functions of other packages (errors.As is _spinlabAs): code
// that calls one needs LibraryErrors loaded, although it no longer names
// package errors.
func MainFuncs() []string {
	var out []string
	for _, f := range mainFuncs {
		out = append(out, f)
	}
	out = append(out, EqFunc, IsFunc, errMethodsFunc)
	slices.Sort(out)
	return out
}

// A LibraryPackage is one package of the library.
type LibraryPackage struct {
	Name   string // the package's name: "slices"
	Source string // its source, renamed
}

// LibraryErrors returns the source of errors.As, AsType, Is, Unwrap and
// Join, and of sync.OnceValue and OnceValues, which the session declares in its main package under the names
// the rewriter calls (mainFuncs), and of the registration of session
// types' Unwrap and Is methods (errMethods); it expects package spinlab.dev/rt
// imported as _spinlaberrs.
func LibraryErrors() string {
	src, err := genericSources.ReadFile("generics/errors.go.txt")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	return string(src)
}
