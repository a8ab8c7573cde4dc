package cell

import (
	"go/ast"
)

// Built-ins of newer Go that yaegi v0.16.1 gets wrong rather than
// rejects, rewritten in the cell:
//
//   - new(expr) (Go 1.26) gives a pointer to a new variable holding expr's
//     value; yaegi returned a pointer to a zero value of expr's type;
//   - min and max of untyped constants of different kinds (min(2, 1.5))
//     take the kind Go gives them (float64), where the polyfill took the
//     first argument's.

// newExpr rewrites new(expr) when its operand is a value, not a type; it
// reports whether it did.
func (r *rewriter) newExpr(u *unit, call *ast.CallExpr) bool {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Name != "new" || r.shadowed("new") || len(call.Args) != 1 || !r.isValueExpr(call.Args[0]) {
		return false
	}
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	a := call.Args[0]
	t, _ := r.exprType(a, text)
	if t == "" {
		// The polyfill infers the type; yaegi does, inside functions.
		u.edit(u.offset(id.Pos()), u.offset(id.End()), "_spinlabNew")
		return true
	}
	u.edit(u.offset(call.Pos()), u.offset(a.Pos()), "func() *"+t+" { _spinlabV := "+t+"(")
	u.edit(u.offset(a.End()), u.offset(call.End()), "); return &_spinlabV }()")
	return true
}

// isValueExpr reports an operand of new that is certainly a value.
func (r *rewriter) isValueExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit, *ast.CompositeLit, *ast.BinaryExpr, *ast.FuncLit:
		return true
	case *ast.UnaryExpr:
		return true // -x, &x, <-ch, !b (a pointer type is a StarExpr)
	case *ast.ParenExpr:
		return r.isValueExpr(e.X)
	case *ast.CallExpr:
		return true // a call or a conversion: a value either way
	case *ast.IndexExpr:
		// a[i] is a value; a generic type T[int] is not
		t, _ := r.exprType(e.X, func(ast.Node) string { return "" })
		return t != ""
	case *ast.Ident:
		switch e.Name {
		case "true", "false", "nil", "iota":
			return !r.shadowed(e.Name)
		}
		if _, ok := r.varTypes[e.Name]; ok {
			return true
		}
		if _, ok := r.globals[e.Name]; ok {
			return true
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && r.isPackage(x.Name) {
			return false // pkg.Type (a package variable is rare here)
		}
		return r.isValueExpr(e.X)
	}
	return false
}

// minMaxConst adds the type argument Go would give min or max when its
// arguments are constants of different kinds or mix constants with typed
// values.
func (r *rewriter) minMaxConst(u *unit, call *ast.CallExpr) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Name != "min" && id.Name != "max" || r.shadowed(id.Name) || len(call.Args) < 1 {
		return
	}
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	typed, untyped := "", ""
	mixed := false
	for _, a := range call.Args {
		t, isConst := r.exprType(a, text)
		if t == "" {
			return
		}
		switch {
		case isConst && untyped == "":
			untyped = t
		case isConst:
			if t != untyped {
				mixed = true
			}
			untyped = widerConst(untyped, t)
		case typed == "":
			typed = t
		case typed != t:
			return // Go rejects it; yaegi's error stands
		}
	}
	t := typed
	if t == "" {
		t = untyped
	} else if untyped != "" {
		mixed = true
	}
	if mixed {
		end := u.offset(id.End())
		u.edit(end, end, "["+t+"]")
	}
	if r.topDefine(u, call) {
		r.wrapDefine(u, call, t)
	}
}
