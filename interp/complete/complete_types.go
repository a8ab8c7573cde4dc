package complete

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"

	"github.com/spinlab/spinlab/interp/symbols"
)

// This file is the static reasoning behind completion: the type of the
// expression before a ".", found from the session's definitions, the
// names declared earlier in the cell and the symbol tables of compiled
// packages, without running anything (completing `display.Show("x").`
// must not display). It is a small go/types: enough for selectors, calls,
// index expressions, composite literals and conversions, not for
// generics or untyped constant arithmetic.

// ctype is the static type of an expression: a compiled type (rt), or a
// type written in the session's or the cell's source (x), such as a
// session type's name, *T or []T of one. Composites of compiled types are
// compiled types (reflect.SliceOf, ...), so that x holds only what
// reflection cannot describe.
type ctype struct {
	rt reflect.Type
	x  ast.Expr
}

func (t ctype) ok() bool { return t.rt != nil || t.x != nil }

// operand is what an expression stands for: a value of a type, a type,
// or a package.
type operand struct {
	mode    operandMode
	t       ctype
	pkgPath string // for modePackage
}

type operandMode int

const (
	modeInvalid operandMode = iota
	modeValue
	modeType
	modePackage
)

// member is a field or method that completion offers after x.
type member struct {
	name, kind, sig string
	t               ctype
}

// maxDepth bounds the recursion through declarations (x := y; y := x).
const maxDepth = 24

// typer answers questions about types in one scope: the session's
// definitions and the declarations of the cell before byte offset at of
// code. It parses definitions, and the cell, only when a question needs
// them, and caches them for the one request.
type typer struct {
	defs  []Definition
	code  string
	at    int
	local *cellScope // nil until needed
	depth int

	parsed map[string]ast.Node // definition source -> parsed declaration
}

func newTyper(defs []Definition, code string, at int) *typer {
	return &typer{defs: defs, code: code, at: at, parsed: map[string]ast.Node{}}
}

// locals returns the names the cell declares before the cursor.
func (ty *typer) locals() *cellScope {
	if ty.local == nil {
		ty.local = scanCell(ty.code, ty.at)
	}
	return ty.local
}

// localName returns what the cell declares name as. A name that the
// text before the cursor does not contain is not declared there: most
// questions need no parse of the cell.
func (ty *typer) localName(name string) (*localName, bool) {
	if !strings.Contains(ty.code[:ty.at], name) && name != "worker" && name != "workers" {
		return nil, false
	}
	l, ok := ty.locals().names[name]
	return l, ok
}

// localMethods returns the methods the cell declares on type typ.
func (ty *typer) localMethods(typ string) map[string]*ast.FuncDecl {
	if !strings.Contains(ty.code[:ty.at], typ) {
		return nil
	}
	return ty.locals().methods[typ]
}

// definition returns the latest definition of name.
func (ty *typer) definition(name string) (Definition, bool) {
	for i := len(ty.defs) - 1; i >= 0; i-- {
		if ty.defs[i].Name == name && ty.defs[i].Kind != kindImport {
			return ty.defs[i], true
		}
	}
	return Definition{}, false
}

// decl parses a definition's source into its declaration.
func (ty *typer) decl(d Definition) ast.Decl {
	if n, ok := ty.parsed[d.Source]; ok {
		decl, _ := n.(ast.Decl)
		return decl
	}
	var decl ast.Decl
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+d.Source, parser.SkipObjectResolution)
	if err == nil && len(f.Decls) > 0 {
		decl = f.Decls[0]
	}
	ty.parsed[d.Source] = decl
	return decl
}

// typeSpec returns the declaration of a type named name in the cell or
// the session.
func (ty *typer) typeSpec(name string) *ast.TypeSpec {
	if l, ok := ty.localName(name); ok {
		return l.spec
	}
	d, ok := ty.definition(name)
	if !ok || d.Kind != kindType {
		return nil
	}
	if gd, ok := ty.decl(d).(*ast.GenDecl); ok && len(gd.Specs) > 0 {
		ts, _ := gd.Specs[0].(*ast.TypeSpec)
		return ts
	}
	return nil
}

// isPackage returns the import path that name stands for, if it is a
// package and not shadowed by a name of the cell or the session.
func (ty *typer) isPackage(name string) string {
	if _, ok := ty.localName(name); ok {
		return ""
	}
	if _, ok := ty.definition(name); ok {
		return ""
	}
	return packagePath(ty.defs, name)
}

var builtinTypes = map[string]reflect.Type{
	"bool": reflect.TypeFor[bool](), "string": reflect.TypeFor[string](), "error": reflect.TypeFor[error](),
	"int": reflect.TypeFor[int](), "int8": reflect.TypeFor[int8](), "int16": reflect.TypeFor[int16](),
	"int32": reflect.TypeFor[int32](), "rune": reflect.TypeFor[rune](), "int64": reflect.TypeFor[int64](),
	"uint": reflect.TypeFor[uint](), "uint8": reflect.TypeFor[uint8](), "byte": reflect.TypeFor[byte](),
	"uint16": reflect.TypeFor[uint16](), "uint32": reflect.TypeFor[uint32](), "uint64": reflect.TypeFor[uint64](),
	"uintptr": reflect.TypeFor[uintptr](), "float32": reflect.TypeFor[float32](), "float64": reflect.TypeFor[float64](),
	"complex64": reflect.TypeFor[complex64](), "complex128": reflect.TypeFor[complex128](),
	"any": reflect.TypeFor[any](),
}

// resolveType turns a type expression into a ctype.
func (ty *typer) resolveType(x ast.Expr) ctype {
	ty.depth++
	defer func() { ty.depth-- }()
	if ty.depth > maxDepth || x == nil {
		return ctype{}
	}
	switch x := x.(type) {
	case *ast.Ident:
		if ty.typeSpec(x.Name) != nil {
			return ctype{x: x}
		}
		if _, ok := ty.localName(x.Name); ok {
			return ctype{}
		}
		if _, ok := ty.definition(x.Name); ok {
			return ctype{}
		}
		return ctype{rt: builtinTypes[x.Name]}
	case *ast.SelectorExpr:
		pkg, ok := x.X.(*ast.Ident)
		if !ok {
			return ctype{}
		}
		if path := ty.isPackage(pkg.Name); path != "" {
			if v, ok := symbols.Table(symbolKey(path))[x.Sel.Name]; ok && symbolKind(v) == "type" {
				return ctype{rt: v.Type().Elem()}
			}
		}
		return ctype{}
	case *ast.ParenExpr:
		return ty.resolveType(x.X)
	case *ast.StarExpr:
		return ty.pointerTo(ty.resolveType(x.X))
	case *ast.ArrayType:
		elem := ty.resolveType(x.Elt)
		if elem.rt != nil && x.Len == nil {
			return ctype{rt: reflect.SliceOf(elem.rt)}
		}
		return ctype{x: x}
	case *ast.Ellipsis:
		return ty.resolveType(&ast.ArrayType{Elt: x.Elt})
	case *ast.MapType:
		k, v := ty.resolveType(x.Key), ty.resolveType(x.Value)
		if k.rt != nil && v.rt != nil && k.rt.Comparable() {
			return ctype{rt: reflect.MapOf(k.rt, v.rt)}
		}
		return ctype{x: x}
	case *ast.ChanType:
		if elem := ty.resolveType(x.Value); elem.rt != nil {
			return ctype{rt: reflect.ChanOf(reflect.BothDir, elem.rt)}
		}
		return ctype{x: x}
	case *ast.IndexExpr: // an instantiated generic type: its members are those of the generic one
		return ty.resolveType(x.X)
	case *ast.IndexListExpr:
		return ty.resolveType(x.X)
	case *ast.FuncType, *ast.StructType, *ast.InterfaceType:
		return ctype{x: x}
	}
	return ctype{}
}

func (ty *typer) pointerTo(t ctype) ctype {
	switch {
	case t.rt != nil:
		return ctype{rt: reflect.PointerTo(t.rt)}
	case t.x != nil:
		return ctype{x: &ast.StarExpr{X: t.x}}
	}
	return ctype{}
}

// under returns the underlying type of a session type, else t.
func (ty *typer) under(t ctype) ctype {
	for range maxDepth {
		id, ok := t.x.(*ast.Ident)
		if !ok {
			return t
		}
		ts := ty.typeSpec(id.Name)
		if ts == nil {
			return ctype{}
		}
		t = ty.resolveType(ts.Type)
	}
	return ctype{}
}

// deref returns the type a pointer points to, else t.
func (ty *typer) deref(t ctype) ctype {
	u := ty.under(t)
	switch {
	case u.rt != nil && u.rt.Kind() == reflect.Pointer:
		return ctype{rt: u.rt.Elem()}
	case u.x != nil:
		if s, ok := u.x.(*ast.StarExpr); ok {
			return ty.resolveType(s.X)
		}
	}
	return t
}

// elem is the type of x[i] for x of type t.
func (ty *typer) elem(t ctype) ctype {
	u := ty.under(t)
	if u.rt != nil && u.rt.Kind() == reflect.Pointer && u.rt.Elem().Kind() == reflect.Array {
		u = ctype{rt: u.rt.Elem()}
	}
	if u.rt != nil {
		switch u.rt.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
			return ctype{rt: u.rt.Elem()}
		case reflect.String:
			return ctype{rt: builtinTypes["byte"]}
		}
		return ctype{}
	}
	switch x := u.x.(type) {
	case *ast.ArrayType:
		return ty.resolveType(x.Elt)
	case *ast.MapType:
		return ty.resolveType(x.Value)
	case *ast.ChanType:
		return ty.resolveType(x.Value)
	case *ast.StarExpr:
		if a, ok := ty.under(ty.resolveType(x.X)).x.(*ast.ArrayType); ok {
			return ty.resolveType(a.Elt)
		}
	}
	return ctype{}
}

// key is the type of k in `for k := range x` for x of type t.
func (ty *typer) key(t ctype) ctype {
	u := ty.under(t)
	if u.rt != nil {
		switch u.rt.Kind() {
		case reflect.Map:
			return ctype{rt: u.rt.Key()}
		case reflect.Chan:
			return ctype{rt: u.rt.Elem()}
		case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64:
			return u
		}
		return ctype{rt: builtinTypes["int"]}
	}
	switch x := u.x.(type) {
	case *ast.MapType:
		return ty.resolveType(x.Key)
	case *ast.ChanType:
		return ty.resolveType(x.Value)
	}
	return ctype{rt: builtinTypes["int"]}
}

// result is the type of the i-th result of a call of a function of type t.
func (ty *typer) result(t ctype, i int) ctype {
	u := ty.under(t)
	if u.rt != nil {
		if u.rt.Kind() == reflect.Func && i < u.rt.NumOut() {
			return ctype{rt: u.rt.Out(i)}
		}
		return ctype{}
	}
	ft, ok := u.x.(*ast.FuncType)
	if !ok || ft.Results == nil {
		return ctype{}
	}
	n := 0
	for _, f := range ft.Results.List {
		names := max(len(f.Names), 1)
		if i < n+names {
			return ty.resolveType(f.Type)
		}
		n += names
	}
	return ctype{}
}
