package interp

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strings"

	"github.com/spinlab/spinlab/interp/docs"
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

// typeOf says what an expression stands for.
func (ty *typer) typeOf(e ast.Expr) operand {
	ty.depth++
	defer func() { ty.depth-- }()
	if ty.depth > maxDepth || e == nil {
		return operand{}
	}
	value := func(t ctype) operand {
		if !t.ok() {
			return operand{}
		}
		return operand{mode: modeValue, t: t}
	}
	switch e := e.(type) {
	case *ast.Ident:
		return ty.identOf(e.Name)
	case *ast.ParenExpr:
		return ty.typeOf(e.X)
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			return value(ctype{rt: builtinTypes["string"]})
		case token.INT:
			return value(ctype{rt: builtinTypes["int"]})
		case token.FLOAT:
			return value(ctype{rt: builtinTypes["float64"]})
		case token.CHAR:
			return value(ctype{rt: builtinTypes["rune"]})
		}
	case *ast.CompositeLit:
		return value(ty.resolveType(e.Type))
	case *ast.FuncLit:
		return value(ctype{x: e.Type})
	case *ast.TypeAssertExpr:
		return value(ty.resolveType(e.Type))
	case *ast.SelectorExpr:
		x := ty.typeOf(e.X)
		switch x.mode {
		case modePackage:
			return packageMember(x.pkgPath, e.Sel.Name)
		case modeValue:
			if m, ok := ty.member(x.t, e.Sel.Name); ok {
				return value(m.t)
			}
		}
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && ty.isBuiltin(id.Name) {
			return ty.builtinCall(id.Name, e.Args)
		}
		f := ty.typeOf(e.Fun)
		switch f.mode {
		case modeType: // a conversion
			return value(f.t)
		case modeValue:
			return value(ty.result(f.t, 0))
		}
	case *ast.IndexExpr:
		x := ty.typeOf(e.X)
		if x.mode == modeValue {
			if u := ty.under(x.t); (u.rt != nil && u.rt.Kind() == reflect.Func) || isFuncType(u.x) {
				return x // an instantiation of a generic function
			}
			return value(ty.elem(x.t))
		}
		return x
	case *ast.SliceExpr:
		x := ty.typeOf(e.X)
		if u := ty.under(x.t); u.rt != nil && u.rt.Kind() == reflect.Array {
			return value(ctype{rt: reflect.SliceOf(u.rt.Elem())})
		}
		return x
	case *ast.StarExpr:
		x := ty.typeOf(e.X)
		switch x.mode {
		case modeValue:
			return value(ty.deref(x.t))
		case modeType:
			return operand{mode: modeType, t: ty.pointerTo(x.t)}
		}
	case *ast.UnaryExpr:
		x := ty.typeOf(e.X)
		switch e.Op {
		case token.AND:
			return value(ty.pointerTo(x.t))
		case token.ARROW:
			return value(ty.elem(x.t))
		case token.NOT:
			return value(ctype{rt: builtinTypes["bool"]})
		}
		return x
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
			return value(ctype{rt: builtinTypes["bool"]})
		}
		if x := ty.typeOf(e.X); x.mode == modeValue {
			return x
		}
		return ty.typeOf(e.Y)
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.StructType, *ast.InterfaceType:
		if t := ty.resolveType(e); t.ok() {
			return operand{mode: modeType, t: t}
		}
	}
	return operand{}
}

func isFuncType(x ast.Expr) bool {
	_, ok := x.(*ast.FuncType)
	return ok
}

// identOf says what a name stands for: a name of the cell, of the
// session, a package or a predeclared type.
func (ty *typer) identOf(name string) operand {
	if l, ok := ty.localName(name); ok {
		return ty.localOf(l)
	}
	if d, ok := ty.definition(name); ok {
		switch d.Kind {
		case kindType:
			return operand{mode: modeType, t: ctype{x: ast.NewIdent(name)}}
		case kindVar, kindConst:
			if gd, ok := ty.decl(d).(*ast.GenDecl); ok {
				for _, sp := range gd.Specs {
					vs, ok := sp.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, n := range vs.Names {
						if n.Name != name {
							continue
						}
						if vs.Type != nil {
							return operand{mode: modeValue, t: ty.resolveType(vs.Type)}
						}
						if i < len(vs.Values) {
							return ty.typeOf(vs.Values[i])
						}
					}
				}
			}
		case kindFunc:
			if fd, ok := ty.decl(d).(*ast.FuncDecl); ok {
				return operand{mode: modeValue, t: ctype{x: fd.Type}}
			}
		}
		return operand{}
	}
	if path := packagePath(ty.defs, name); path != "" {
		return operand{mode: modePackage, pkgPath: path}
	}
	if t, ok := builtinTypes[name]; ok {
		return operand{mode: modeType, t: ctype{rt: t}}
	}
	return operand{}
}

// localOf says what a name declared in the cell stands for.
func (ty *typer) localOf(l *localName) operand {
	switch l.kind {
	case kindType:
		return operand{mode: modeType, t: ctype{x: ast.NewIdent(l.spec.Name.Name)}}
	case kindFunc:
		return operand{mode: modeValue, t: ctype{x: l.typ}}
	}
	if l.typ != nil {
		return operand{mode: modeValue, t: ty.resolveType(l.typ)}
	}
	if l.init == nil {
		return operand{}
	}
	x := ty.typeOf(l.init)
	if x.mode != modeValue {
		return operand{}
	}
	switch {
	case l.rangeKey:
		return operand{mode: modeValue, t: ty.key(x.t)}
	case l.rangeValue:
		return operand{mode: modeValue, t: ty.elem(x.t)}
	case l.index > 0:
		// x, err := f(): the index-th result of the call
		call, ok := unparen(l.init).(*ast.CallExpr)
		if !ok {
			if _, isIndex := unparen(l.init).(*ast.IndexExpr); isIndex && l.index == 1 {
				return operand{mode: modeValue, t: ctype{rt: builtinTypes["bool"]}} // v, ok := m[k]
			}
			return operand{}
		}
		f := ty.typeOf(call.Fun)
		if f.mode != modeValue {
			return operand{}
		}
		if t := ty.result(f.t, l.index); t.ok() {
			return operand{mode: modeValue, t: t}
		}
		return operand{}
	}
	return x
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// isBuiltin reports whether name is a predeclared function here.
func (ty *typer) isBuiltin(name string) bool {
	if goBuiltins[name] != "function" {
		return false
	}
	if _, ok := ty.localName(name); ok {
		return false
	}
	_, ok := ty.definition(name)
	return !ok
}

func (ty *typer) builtinCall(name string, args []ast.Expr) operand {
	value := func(t ctype) operand {
		if !t.ok() {
			return operand{}
		}
		return operand{mode: modeValue, t: t}
	}
	switch name {
	case "new":
		if len(args) == 1 {
			return value(ty.pointerTo(ty.resolveType(args[0])))
		}
	case "make":
		if len(args) > 0 {
			return value(ty.resolveType(args[0]))
		}
	case "append", "min", "max":
		if len(args) > 0 {
			return ty.typeOf(args[0])
		}
	case "len", "cap", "copy":
		return value(ctype{rt: builtinTypes["int"]})
	case "recover":
		return value(ctype{rt: builtinTypes["any"]})
	}
	return operand{}
}

// packageMember says what path.name stands for.
func packageMember(path, name string) operand {
	v, ok := symbols.Table(symbolKey(path))[name]
	if !ok || !v.IsValid() {
		return operand{}
	}
	switch symbolKind(v) {
	case "type":
		return operand{mode: modeType, t: ctype{rt: v.Type().Elem()}}
	case "constant":
		if _, untyped := v.Interface().(constant.Value); untyped {
			return operand{}
		}
	}
	return operand{mode: modeValue, t: ctype{rt: v.Type()}}
}

// members lists the fields and methods of a value of type t, as the
// selector x. offers them: through pointers, with promoted fields and
// methods, and the methods of *T for an addressable T (gopls does the
// same, since a variable's pointer methods are callable on it).
func (ty *typer) members(t ctype) []member {
	var out []member
	seen := map[string]bool{}
	add := func(m member) {
		if !seen[m.name] {
			seen[m.name] = true
			out = append(out, m)
		}
	}
	ty.collectMembers(t, add, 0)
	return out
}

func (ty *typer) collectMembers(t ctype, add func(member), depth int) {
	if depth > 4 || !t.ok() {
		return
	}
	base := ty.deref(t)
	if base.rt != nil {
		rtMembers(base.rt, add)
		return
	}
	if id, ok := base.x.(*ast.Ident); ok {
		for _, m := range ty.sessionMethods(id.Name) {
			add(m)
		}
	}
	u := ty.under(base)
	if u.rt != nil {
		// a session type defined as a compiled one: its fields (its
		// methods are not the compiled type's)
		if u.rt.Kind() == reflect.Struct {
			for _, f := range reflect.VisibleFields(u.rt) {
				if f.IsExported() {
					add(member{name: f.Name, kind: "field", sig: f.Type.String(), t: ctype{rt: f.Type}})
				}
			}
		}
		return
	}
	switch x := u.x.(type) {
	case *ast.StructType:
		var embedded []ctype
		for _, f := range x.Fields.List {
			ft := ty.resolveType(f.Type)
			for _, n := range f.Names {
				add(member{name: n.Name, kind: "field", sig: types.ExprString(f.Type), t: ft})
			}
			if len(f.Names) == 0 {
				add(member{name: embeddedName(f.Type), kind: "field", sig: types.ExprString(f.Type), t: ft})
				embedded = append(embedded, ft)
			}
		}
		for _, e := range embedded {
			ty.collectMembers(e, add, depth+1)
		}
	case *ast.InterfaceType:
		for _, f := range x.Methods.List {
			for _, n := range f.Names {
				add(member{name: n.Name, kind: "method", sig: "func" + strings.TrimPrefix(types.ExprString(f.Type), "func"), t: ctype{x: f.Type}})
			}
			if len(f.Names) == 0 {
				ty.collectMembers(ty.resolveType(f.Type), add, depth+1)
			}
		}
	}
}

func embeddedName(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.StarExpr:
		return embeddedName(x.X)
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.Ident:
		return x.Name
	case *ast.IndexExpr:
		return embeddedName(x.X)
	}
	return types.ExprString(x)
}

// sessionMethods lists the methods the session (or the cell) declared
// on the type named typ, with value or pointer receivers.
func (ty *typer) sessionMethods(typ string) []member {
	var out []member
	addDecl := func(name string, fd *ast.FuncDecl) {
		out = append(out, member{name: name, kind: "method", sig: funcSignature(fd.Type), t: ctype{x: fd.Type}})
	}
	for name, l := range ty.localMethods(typ) {
		addDecl(name, l)
	}
	for _, d := range ty.defs {
		if d.Kind != kindFunc || !strings.HasPrefix(d.Name, typ+".") {
			continue
		}
		name := d.Name[len(typ)+1:]
		if _, ok := ty.localMethods(typ)[name]; ok {
			continue
		}
		if fd, ok := ty.decl(d).(*ast.FuncDecl); ok {
			addDecl(name, fd)
		}
	}
	return out
}

// funcSignature renders a function type as it is written: func(n int) error.
func funcSignature(ft *ast.FuncType) string {
	return types.ExprString(&ast.FuncType{Params: ft.Params, Results: ft.Results})
}

// rtMembers adds the exported methods and fields of a compiled type. A
// method's signature is its declaration from the documentation table
// (with parameter names), when the table has it.
func rtMembers(rt reflect.Type, add func(member)) {
	mt := rt
	if rt.Kind() != reflect.Interface && rt.Kind() != reflect.Pointer {
		mt = reflect.PointerTo(rt)
	}
	named := rt
	if named.Kind() == reflect.Pointer {
		named = named.Elem()
	}
	var pd *docs.Package
	if named.Name() != "" && named.PkgPath() != "" {
		pd = docs.Lookup(named.PkgPath())
	}
	for i := range mt.NumMethod() {
		m := mt.Method(i)
		ft := m.Type
		if rt.Kind() != reflect.Interface {
			ft = withoutReceiver(ft)
		}
		sig := ft.String()
		if pd != nil {
			if sym, ok := pd.Symbols[named.Name()+"."+m.Name]; ok && sym.Kind == "method" {
				sig = sym.Decl
			}
		}
		add(member{name: m.Name, kind: "method", sig: sig, t: ctype{rt: ft}})
	}
	if rt.Kind() == reflect.Struct {
		for _, f := range reflect.VisibleFields(rt) {
			if f.IsExported() {
				add(member{name: f.Name, kind: "field", sig: f.Type.String(), t: ctype{rt: f.Type}})
			}
		}
	}
}

// withoutReceiver drops a method type's receiver parameter.
func withoutReceiver(ft reflect.Type) reflect.Type {
	in := make([]reflect.Type, 0, ft.NumIn())
	for i := 1; i < ft.NumIn(); i++ {
		in = append(in, ft.In(i))
	}
	out := make([]reflect.Type, ft.NumOut())
	for i := range out {
		out[i] = ft.Out(i)
	}
	return reflect.FuncOf(in, out, ft.IsVariadic())
}

// member finds the field or method name of a value of type t.
func (ty *typer) member(t ctype, name string) (member, bool) {
	for _, m := range ty.members(t) {
		if m.name == name {
			return m, true
		}
	}
	return member{}, false
}
