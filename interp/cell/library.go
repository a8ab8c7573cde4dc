package cell

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
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
	"errors.As":     "_spinlabAs",
	"errors.AsType": "_spinlabAsType",
}

// renamedGenerics returns the sources of generics/ with every exported
// function F of package p renamed F_p, and the renamed names by package.
// yaegi v0.16.1 keeps the instances of generic functions by function name
// and type arguments alone, whatever their package: slices.Compare[int]
// and cmp.Compare[int], or slices.Max[int] and a cell's own Max[int],
// would share one instance. The rewriter renames the calls to match
// (libraryName).
var renamedGenerics = sync.OnceValues(func() (map[string]string, map[string]map[string]bool) {
	srcs := map[string]string{}
	names := map[string]map[string]bool{}
	for _, pkg := range genericPackages {
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
		names[pkg] = map[string]bool{}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.IsExported() {
				names[pkg][fd.Name.Name] = true
			}
		}
		var out strings.Builder
		at := 0
		skip := nonVariableIdents(f) // selected names (_rt.SortFunc), methods, fields
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && names[pkg][id.Name] && !skip[id] {
				off := fset.Position(id.End()).Offset
				out.WriteString(src[at:off] + "_" + pkg)
				at = off
			}
			return true
		})
		out.WriteString(src[at:])
		srcs[pkg] = out.String()
	}
	return srcs, names
})

// libraryName returns the name under which spinlab's implementation of
// pkg.name is loaded, if it has one.
func libraryName(pkg, name string) (string, bool) {
	_, names := renamedGenerics()
	if names[pkg][name] {
		return name + "_" + pkg, true
	}
	return "", false
}

// LibraryPackages returns the sources of spinlab's interpreted packages
// (cmp, slices, maps, iter), in the order they load, with their functions
// renamed as the rewriter calls them (F of package p is F_p).
func LibraryPackages() []LibraryPackage {
	srcs, _ := renamedGenerics()
	var out []LibraryPackage
	for _, name := range genericPackages {
		out = append(out, LibraryPackage{Name: name, Source: srcs[name]})
	}
	return out
}

// A LibraryPackage is one package of the library.
type LibraryPackage struct {
	Name   string // the package's name: "slices"
	Source string // its source, renamed
}

// LibraryErrors returns the source of errors.As and errors.AsType, which
// the session declares in its main package under the names the rewriter
// calls (_spinlabAs, _spinlabAsType); it expects package spinlab.dev/rt
// imported as _spinlaberrs.
func LibraryErrors() string {
	src, err := genericSources.ReadFile("generics/errors.go.txt")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	return string(src)
}
