package interp

import (
	"fmt"
	"go/scanner"
	"go/token"
	"path"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/spinlab/spinlab/interp/cell"
	"github.com/spinlab/spinlab/interp/internal/yaegix"
	"github.com/spinlab/spinlab/interp/symbols"
	yaegi "github.com/traefik/yaegi/interp"
)

// A worker's interpreter loads what its program uses, not everything.
//
// An interpreter built with every table (newInterpreter's eager way, the
// evaluator's) copies all 171 symbol tables into yaegi and compiles the
// generic packages from source (yaegi's own cmp, maps and slices, then
// spinlab's generics/): most of a cold worker's start-up, although a
// snippet uses a handful of packages. yaegi v0.16.1 has no hook for an
// import it does not know, so a lazy interpreter (tableLoader) is told,
// before each source it compiles, the packages that source imports
// (Session.run scans it): it loads their tables, with the session's
// replacements on top, and compiles the generic packages among them.
//
// A table's functions and types can hand an interpreted value to
// compiled code as an interface of another package (fmt.Fprint takes an
// io.Writer), for which yaegi looks up that package's wrapper type in its
// table: loading a package also loads the packages of the interfaces its
// API reaches (symbols.Interfaces).

// The evaluator's session stays eager, although a lazy one passes the
// same tests and holds 0.3 MB of heap at idle against 3.9 MB: yaegi reads
// its table of packages while interpreted code runs (a type assertion to
// an interface builds its wrapper then, getWrapper), and a cell's
// experiment compiles its snippet while the cell's goroutines run, so a
// table loaded for that snippet would be written under their reads. A
// worker loads everything before the snippet's first instruction, on one
// goroutine.

// tableLoader loads symbol tables into one interpreter on demand.
type tableLoader struct {
	yi *yaegi.Interpreter
	// over are the session's replacements of symbols (os.Exit, fmt.Print,
	// ...) by import path, applied on top of a package's table when it
	// is loaded.
	over map[string]map[string]reflect.Value
	// wrappers are the session's own entries of interfaces to wrap (its
	// fmt and log functions).
	wrappers map[string]reflect.Value

	mu       sync.Mutex
	loaded   map[string]bool // import paths whose tables are loaded
	compiled map[string]bool // generic packages and helpers compiled
}

// yaegiNeeded are the packages whose yaegi source a lazy interpreter
// compiles (compileGenerics).
var yaegiNeeded = map[string]bool{"cmp": true}

// stdlibFixed are the packages whose tables yaegi's FixStdlib adjusts.
var stdlibFixed = map[string]bool{"fmt": true, "flag": true, "log": true, "os": true, "math/bits": true}

// newTableLoader makes the loader of yi; over are the session's
// replacements, keyed as Interpreter.Use keys them.
func newTableLoader(yi *yaegi.Interpreter, over ...yaegi.Exports) *tableLoader {
	l := &tableLoader{yi: yi, over: map[string]map[string]reflect.Value{}, loaded: map[string]bool{}, compiled: map[string]bool{}}
	for _, ex := range over {
		for k, syms := range ex {
			if k == "." {
				l.wrappers = syms
				continue
			}
			p := path.Dir(k) // cleans "fmt/./fmt" to "fmt"
			if l.over[p] == nil {
				l.over[p] = map[string]reflect.Value{}
			}
			for name, v := range syms {
				l.over[p][name] = v
			}
		}
	}
	return l
}

// start loads what every session needs (the wrappers of fmt's and
// json's interfaces, the session's own support package, the prelude's
// imports) and compiles the helpers that rewritten code calls without an
// import.
func (l *tableLoader) start(prelude string) error {
	if err := l.yi.Use(symbols.Wrappers()); err != nil {
		return err
	}
	if err := l.yi.Use(yaegi.Exports{".": l.wrappers, rtPath + "/rt": l.over[rtPath]}); err != nil {
		return err
	}
	if err := l.load(importPaths(prelude)); err != nil {
		return err
	}
	return loadNewPolyfill(l.yi)
}

// load loads the tables of the packages at paths, and of the packages of
// the interfaces their APIs reach, and compiles the generic packages
// among them. A path without a table is left to yaegi, which reports
// it as it reports any unknown import.
func (l *tableLoader) load(paths []string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.loadLocked(paths)
}

func (l *tableLoader) loadLocked(paths []string) error {
	batch := yaegi.Exports{}
	var added []string
	fix := false
	generics := map[string]bool{}
	for len(paths) > 0 {
		p := paths[0]
		paths = paths[1:]
		if l.loaded[p] {
			continue
		}
		l.loaded[p] = true
		switch p {
		case "cmp", "slices", "maps", "iter":
			generics[p] = true
		case "errors":
			generics["errors"] = true
		}
		key := symbolKey(p)
		t := symbols.Table(key)
		if t == nil {
			continue
		}
		// Not "fmt/fmt": Use would take the batch for the standard
		// library and compile yaegi's generic sources (FixStdlib).
		batch[path.Dir(key)+"/./"+path.Base(key)] = t
		added = append(added, p)
		fix = fix || stdlibFixed[p]
		paths = append(paths, symbols.Interfaces(key)...)
	}
	if len(batch) > 0 {
		if err := l.yi.Use(batch); err != nil {
			return err
		}
	}
	// FixStdlib replaces symbols of every loaded package of its five with
	// yaegi's: the session's go on top again, for all of them.
	if fix {
		yaegix.FixStdlib(l.yi)
		for p := range stdlibFixed {
			if l.loaded[p] && !slices.Contains(added, p) {
				added = append(added, p)
			}
		}
	}
	over := yaegi.Exports{}
	for _, p := range added {
		if syms := l.over[p]; syms != nil {
			over[p+"/./"+path.Base(symbolKey(p))] = syms
		}
	}
	if len(over) > 0 {
		if err := l.yi.Use(over); err != nil {
			return err
		}
	}
	return l.compileGenerics(generics)
}

// compileGenerics compiles spinlab's sources of the generic packages in
// want, after yaegi's own source of cmp, and the errors.As helpers if want
// has "errors". Of yaegi's sources (which the eager interpreter compiles
// as Use does), cmp's Ordered is the only thing cells can reach: every
// function of its slices and maps has a namesake in spinlab's, to which
// the rewriter sends the calls, and a generic function cannot be used as
// a value without a call in the interpreter; compiling them was most of a
// worker's cost of importing slices.
func (l *tableLoader) compileGenerics(want map[string]bool) error {
	if len(want) == 0 {
		return nil
	}
	order, srcs := yaegiGenerics()
	for _, name := range order {
		if want[name] && yaegiNeeded[name] && !l.compiled["yaegi "+name] {
			l.compiled["yaegi "+name] = true
			src := srcs[name]
			if err := l.loadLocked(importPaths(src)); err != nil {
				return err
			}
			if _, err := l.yi.Compile(src); err != nil {
				return fmt.Errorf("yaegi's package %s: %w", name, err)
			}
		}
	}
	for _, name := range cell.LibraryNames() {
		if want[name] && !l.compiled[name] {
			l.compiled[name] = true
			if err := loadGeneric(l.yi, name); err != nil {
				return err
			}
		}
	}
	if want["errors"] && !l.compiled["errors"] {
		l.compiled["errors"] = true
		return loadErrorsAs(l.yi)
	}
	return nil
}

// neededPaths returns the packages that the interpreter needs for src:
// those it imports, and errors for the rewriter's errors.As
// (cell.MainFuncs), whose package name the rewritten code no longer shows.
func neededPaths(src string) []string {
	paths := importPaths(src)
	for _, f := range cell.MainFuncs() {
		if strings.Contains(src, f) {
			return append(paths, "errors")
		}
	}
	return paths
}

// importPaths returns the paths that src's import declarations name, in
// order. src is what the session hands the interpreter: Go source with
// or without a package clause; it need not compile.
func importPaths(src string) []string {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, 0)
	var paths []string
	inImport, group := false, false
	for {
		_, tok, lit := s.Scan()
		switch {
		case tok == token.EOF:
			return paths
		case tok == token.IMPORT:
			inImport, group = true, false
		case !inImport:
		case tok == token.LPAREN:
			group = true
		case tok == token.STRING:
			if p, err := strconv.Unquote(lit); err == nil {
				paths = append(paths, p)
			}
			inImport = group
		case tok == token.RPAREN, tok == token.SEMICOLON && !group:
			inImport = false
		}
	}
}

// compiledNames returns the generic packages and helpers compiled so far,
// sorted: "errors" for errors.As, "yaegi P" for yaegi's source of P.
func (l *tableLoader) compiledNames() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for name := range l.compiled {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
