package cell

import (
	"go/ast"
	"go/token"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/spinlab/spinlab/interp/symbols"
)

// preferred settles package names that several importable packages share,
// the way a Go programmer would expect goimports to.
var preferred = map[string]string{
	"rand":     "math/rand",
	"template": "text/template",
	"scanner":  "text/scanner",
	"draw":     "image/draw",
	"palette":  "image/color/palette",
	"pprof":    "runtime/pprof",
	"trace":    "runtime/trace",
	"debug":    "runtime/debug",
	"big":      "math/big",
	"constant": "go/constant",
	"doc":      "go/doc",
	"format":   "go/format",
	"parser":   "go/parser",
	"token":    "go/token",
	"types":    "go/types",
	"ast":      "go/ast",
	"build":    "go/build",
	"printer":  "go/printer",
	"cmplx":    "math/cmplx",
	"color":    "image/color",
	"json":     "encoding/json",
	"hash":     "hash",
	"atomic":   "sync/atomic",
	"url":      "net/url",
	"signal":   "os/signal",
	"exec":     "os/exec",
	"user":     "os/user",
	"errors":   "errors",
	"plot":     "gonum.org/v1/plot",
	"plotter":  "gonum.org/v1/plot/plotter",
	"vg":       "gonum.org/v1/plot/vg",
	"stat":     "gonum.org/v1/gonum/stat",
	"floats":   "gonum.org/v1/gonum/floats",
	"display":  "github.com/spinlab/spinlab/display",
	"runtimes": "github.com/spinlab/spinlab/runtimes",
}

var (
	packagesOnce   sync.Once
	packagesByName map[string]string // package name -> import path
	packagePaths   []string          // every importable path, sorted
)

var majorRE = regexp.MustCompile(`^v[0-9]+$`)

// packageName is the default name of the package at an import path.
func packageName(p string) string {
	base := path.Base(p)
	if majorRE.MatchString(base) {
		base = path.Base(path.Dir(p))
	}
	if i := strings.LastIndexAny(base, ".-"); i >= 0 && strings.Contains(p, "/") && base != "yaml.v3" {
		base = base[i+1:]
	}
	return base
}

// importable returns the packages a cell can import without a toolchain:
// the standard library as yaegi extracts it, and the bundled packages.
func importable() (map[string]string, []string) {
	packagesOnce.Do(func() {
		byName := map[string][]string{}
		seen := map[string]bool{}
		add := func(key string) {
			p := path.Dir(key)
			if seen[p] || strings.Contains(p, "internal") || strings.HasPrefix(p, "spinlab.dev") {
				return
			}
			seen[p] = true
			packagePaths = append(packagePaths, p)
			name := path.Base(key)
			byName[name] = append(byName[name], p)
		}
		for _, k := range symbols.Keys() {
			add(k)
		}
		sort.Strings(packagePaths)
		packagesByName = map[string]string{}
		for name, paths := range byName {
			if p, ok := preferred[name]; ok && seen[p] {
				packagesByName[name] = p
				continue
			}
			sort.Slice(paths, func(i, j int) bool {
				si, sj := !strings.Contains(strings.Split(paths[i], "/")[0], "."), !strings.Contains(strings.Split(paths[j], "/")[0], ".")
				if si != sj {
					return si
				}
				if len(paths[i]) != len(paths[j]) {
					return len(paths[i]) < len(paths[j])
				}
				return paths[i] < paths[j]
			})
			packagesByName[name] = paths[0]
		}
	})
	return packagesByName, packagePaths
}

// autoImports returns import units for the packages that the cell names
// (as pkg.Name) but neither imports nor defines.
func autoImports(sc Scope, units []*unit, cellNames map[string]bool) []*unit {
	byName, _ := importable()
	imported := map[string]bool{"display": true, "runtimes": true}
	s := newView(sc)
	defs, sessionNames := s.snapshot()
	for _, d := range defs {
		if d.Kind == kindImport {
			imported[d.Name] = true
		}
	}
	globals := s.globals()
	var want []string
	for _, u := range units {
		if u.kind == kindImport {
			continue
		}
		local := localNames(u.file)
		ast.Inspect(u.file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			name := x.Name
			if imported[name] || cellNames[name] || sessionNames[name] || local[name] {
				return true
			}
			if _, ok := globals[name]; ok {
				return true
			}
			if _, ok := byName[name]; ok {
				imported[name] = true
				want = append(want, name)
			}
			return true
		})
	}
	var out []*unit
	for _, name := range want {
		src := `import "` + byName[name] + `"`
		u, err := parseUnit(item{kind: kindImport, src: src, synthetic: true, off: -1})
		if err != nil {
			continue
		}
		u.out = src
		out = append(out, u)
	}
	return out
}

// localNames lists every name a file declares anywhere (parameters,
// locals, fields): such a name is never a package.
func localNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						names[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				names[id.Name] = true
			}
		case *ast.Field:
			for _, id := range n.Names {
				names[id.Name] = true
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					names[id.Name] = true
				}
			}
		case *ast.TypeSpec:
			names[n.Name.Name] = true
		case *ast.ImportSpec:
			names[importName(n)] = true
		}
		return true
	})
	return names
}
