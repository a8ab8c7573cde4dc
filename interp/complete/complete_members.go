package complete

import (
	"go/ast"
	"go/types"
	"reflect"
	"strings"

	"github.com/spinlab/spinlab/interp/docs"
)

// The fields and methods that a selector offers on a type.

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
		skip := 1 // the receiver
		if rt.Kind() == reflect.Interface {
			skip = 0
		}
		sig := funcString(m.Type, skip)
		if pd != nil {
			if sym, ok := pd.Symbols[named.Name()+"."+m.Name]; ok && sym.Kind == "method" {
				sig = sym.Decl
			}
		}
		// The method's type keeps its receiver: only its results matter
		// to completion (result), and reflect.FuncOf is slow.
		add(member{name: m.Name, kind: "method", sig: sig, t: ctype{rt: m.Type}})
	}
	if rt.Kind() == reflect.Struct {
		for _, f := range reflect.VisibleFields(rt) {
			if f.IsExported() {
				add(member{name: f.Name, kind: "field", sig: f.Type.String(), t: ctype{rt: f.Type}})
			}
		}
	}
}

// funcString renders a function type without its first skip parameters
// (a method's receiver), as reflect would render the method's own type.
func funcString(ft reflect.Type, skip int) string {
	var b strings.Builder
	b.WriteString("func(")
	for i := skip; i < ft.NumIn(); i++ {
		if i > skip {
			b.WriteString(", ")
		}
		if ft.IsVariadic() && i == ft.NumIn()-1 {
			b.WriteString("..." + ft.In(i).Elem().String())
			continue
		}
		b.WriteString(ft.In(i).String())
	}
	b.WriteString(")")
	switch ft.NumOut() {
	case 0:
	case 1:
		b.WriteString(" " + ft.Out(0).String())
	default:
		b.WriteString(" (")
		for i := range ft.NumOut() {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(ft.Out(i).String())
		}
		b.WriteString(")")
	}
	return b.String()
}

// member finds the field or method name of a value of type t. A
// compiled type answers by name, without listing all its members.
func (ty *typer) member(t ctype, name string) (member, bool) {
	if base := ty.deref(t); base.rt != nil {
		rt := base.rt
		mt := rt
		if rt.Kind() != reflect.Interface && rt.Kind() != reflect.Pointer {
			mt = reflect.PointerTo(rt)
		}
		if m, ok := mt.MethodByName(name); ok {
			skip := 1 // the receiver
			if rt.Kind() == reflect.Interface {
				skip = 0
			}
			return member{name: name, kind: "method", sig: funcString(m.Type, skip), t: ctype{rt: m.Type}}, true
		}
		if rt.Kind() == reflect.Struct {
			if f, ok := rt.FieldByName(name); ok && f.IsExported() {
				return member{name: name, kind: "field", sig: f.Type.String(), t: ctype{rt: f.Type}}, true
			}
		}
		return member{}, false
	}
	for _, m := range ty.members(t) {
		if m.name == name {
			return m, true
		}
	}
	return member{}, false
}
