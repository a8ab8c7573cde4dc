package complete

import (
	"go/ast"
	"go/constant"
	"go/token"
	"reflect"

	"github.com/spinlab/spinlab/interp/symbols"
)

// The types of expressions, as completion and inspection need them:
// what the operand before a "." stands for.

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
