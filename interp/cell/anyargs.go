package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// anyArgs works around yaegi v0.16.1 passing a value of an interpreted type
// with methods to a parameter of an interpreted function whose type is the
// empty interface:
//
//	func show(v any) { fmt.Println(v) }
//	show(point{1, 2})
//
// panicked with "invalid memory address or nil pointer dereference" (the
// parameter held no value when show handed it to fmt), printed "<nil>"
// on the second call, or called String on a corrupted value on the third;
// inside a loop every call failed. An explicit conversion, any(point{1,
// 2}), is passed correctly, and in Go it is what the call does anyway. So
// every argument that meets an empty-interface parameter of an
// interpreted function, method, function value or function literal is
// converted explicitly:
//
//	show(point{1, 2})    →  show(any(point{1, 2}))
//	log(1, x, y)         →  log(1, any(x), any(y))    (func log(n int, vs ...any))
//
// Only a value of a session struct type, or of a type the cell does not
// make evident, is converted: yaegi passes other values right, and an
// explicit conversion loses the String method of a named type that is not
// a struct (any(level(2)) printed 2). Spread calls (f(xs...)) and a lone call argument that may
// stand for several results (f(g()) with f taking more than one value).
// Compiled functions (fmt.Println) take such values correctly already.
func (r *rewriter) anyArgs(u *unit) {
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	ast.Inspect(u.file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() || !hasConvertibleArg(call) {
			return true
		}
		params := r.paramTypes(u, call, text)
		if params == nil {
			return true
		}
		variadic := params.variadic
		if len(call.Args) == 1 && (len(params.types) != 1 || variadic) {
			if _, isCall := ast.Unparen(call.Args[0]).(*ast.CallExpr); isCall {
				return true
			}
		}
		for i, a := range call.Args {
			var t string
			switch {
			case i < len(params.types)-1 || !variadic && i < len(params.types):
				t = params.types[i]
			case variadic:
				t = params.types[len(params.types)-1]
			default:
				return true // more arguments than parameters: yaegi reports it
			}
			if !isAnyType(t) || !convertibleArg(a) || !r.mayBeStruct(u, a, text) {
				continue
			}
			u.edit(u.offset(a.Pos()), u.offset(a.Pos()), "any(")
			u.edit(u.offset(a.End()), u.offset(a.End()), ")")
		}
		return true
	})
}

// params are the parameter types of a callee, one per parameter, as
// source text; the last one's element type when variadic.
type params struct {
	types    []string
	variadic bool
}

// paramTypes returns the parameters of the interpreted function a call
// calls, or nil when it is not one or they are not known: a function of
// the cell or the session (not generic), a method of a session type, a
// function value whose type is evident, or a function literal.
func (r *rewriter) paramTypes(u *unit, call *ast.CallExpr, text func(ast.Node) string) *params {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.FuncLit:
		return paramsOf(f.Type, text)
	case *ast.Ident:
		if isBuiltin(f.Name) && !r.shadowed(f.Name) {
			return nil
		}
		scoped := r.scopedVarTypes(u.file, call, text)
		if t, ok := scoped[f.Name]; ok {
			return funcTypeParams(t)
		}
		if _, ok := r.globals[f.Name]; ok {
			saved := r.varTypes
			r.varTypes = scoped
			t, _ := r.exprType(f, text)
			r.varTypes = saved
			return funcTypeParams(t)
		}
		if ft, ftext := r.signature(f.Name); ft != nil {
			return paramsOf(ft, ftext)
		}
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && r.isPackage(x.Name) {
			return nil
		}
		saved := r.varTypes
		r.varTypes = r.scopedVarTypes(u.file, call, text)
		t, _ := r.exprType(f.X, text)
		r.varTypes = saved
		if m, ok := r.methods[strings.TrimPrefix(t, "*")+"."+f.Sel.Name]; ok && t != "" {
			return paramsOf(m.sig.ft, m.sig.text)
		}
	}
	return nil
}

// funcTypeParams returns the parameters of a function type written as
// source ("func(v any) int"), or nil.
func funcTypeParams(t string) *params {
	if !strings.HasPrefix(t, "func(") {
		return nil
	}
	e, err := parser.ParseExpr(t)
	if err != nil {
		return nil
	}
	ft, ok := e.(*ast.FuncType)
	if !ok {
		return nil
	}
	return paramsOf(ft, func(n ast.Node) string { return t[n.Pos()-1 : n.End()-1] })
}

// paramsOf lists a function type's parameters.
func paramsOf(ft *ast.FuncType, text func(ast.Node) string) *params {
	if ft == nil || ft.TypeParams != nil {
		return nil
	}
	p := &params{types: []string{}}
	if ft.Params == nil {
		return p
	}
	for _, f := range ft.Params.List {
		t := f.Type
		if e, ok := t.(*ast.Ellipsis); ok {
			p.variadic = true
			t = e.Elt
		}
		for range max(1, len(f.Names)) {
			p.types = append(p.types, text(t))
		}
	}
	return p
}

// hasConvertibleArg reports a call with an argument convertibleArg takes.
func hasConvertibleArg(call *ast.CallExpr) bool {
	for _, a := range call.Args {
		if convertibleArg(a) {
			return true
		}
	}
	return false
}

// convertibleArg reports an argument that anyArgs may convert: not a
// basic literal, nil, or an explicit conversion to any already.
func convertibleArg(a ast.Expr) bool {
	switch a := ast.Unparen(a).(type) {
	case *ast.BasicLit:
		return false
	case *ast.Ident:
		return a.Name != "nil"
	case *ast.CallExpr:
		if id, ok := a.Fun.(*ast.Ident); ok && id.Name == "any" && len(a.Args) == 1 {
			return false
		}
		if it, ok := a.Fun.(*ast.InterfaceType); ok && len(it.Methods.List) == 0 {
			return false
		}
	case *ast.UnaryExpr:
		if a.Op == token.SUB || a.Op == token.ADD {
			_, lit := a.X.(*ast.BasicLit)
			return !lit
		}
	}
	return true
}

// mayBeStruct reports an argument whose type is a session struct type, or
// is not evident.
func (r *rewriter) mayBeStruct(u *unit, a ast.Expr, text func(ast.Node) string) bool {
	if lit, ok := a.(*ast.CompositeLit); ok && lit.Type == nil {
		return false
	}
	t := r.scopedExprType(u, a, text)
	if t == "" {
		return true
	}
	ts := r.sessionTypeSpecs()[t]
	if ts == nil {
		return false
	}
	_, isStruct := ts.Type.(*ast.StructType)
	return isStruct
}

// scopedExprType types an expression with the names that hold where it
// stands.
func (r *rewriter) scopedExprType(u *unit, e ast.Expr, text func(ast.Node) string) string {
	saved := r.varTypes
	r.varTypes = r.scopedVarTypes(u.file, e, text)
	t, _ := r.exprType(e, text)
	r.varTypes = saved
	return t
}
