package cell

import (
	"go/ast"
	"go/token"
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
	t, _, mixed := r.minMaxType(call, text)
	if t == "" {
		return
	}
	if mixed {
		end := u.offset(id.End())
		u.edit(end, end, "["+t+"]")
	}
	if r.topDefine(u, call) {
		r.wrapDefine(u, call, t)
	}
}

// minMaxType is the type of a call of min or max: its typed arguments'
// type, or the default type of its constants (untyped); mixed says that
// the polyfill needs it stated. "" when an argument's type is unknown or
// Go rejects the call.
func (r *rewriter) minMaxType(call *ast.CallExpr, text func(ast.Node) string) (t string, untyped, mixed bool) {
	typed, consts := "", ""
	for _, a := range call.Args {
		at, isConst := r.exprType(a, text)
		if at == "" {
			return "", false, false
		}
		switch {
		case isConst && consts == "":
			consts = at
		case isConst:
			if at != consts {
				mixed = true
			}
			consts = widerConst(consts, at)
		case typed == "":
			typed = at
		case typed != at:
			return "", false, false // Go rejects it; yaegi's error stands
		}
	}
	if typed == "" {
		return consts, true, mixed
	}
	return typed, false, mixed || consts != ""
}

// minMaxDefines wraps the value of a top-level define that has a min or
// max call inside a larger expression ("z := max(n, 2) * scale") in a
// function literal called in place, as topDefine does for a call that is
// the whole value: at the top level of a cell yaegi v0.16.1 failed on
// it ("constant definition loop", or a nil pointer when it ran).
func (r *rewriter) minMaxDefines(u *unit) {
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	for _, st := range u.stmts {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Rhs) != 1 {
			continue
		}
		v := as.Rhs[0]
		if call, ok := v.(*ast.CallExpr); ok && r.isMinMax(call) {
			continue // topDefine's
		}
		var calls []*ast.CallExpr
		ast.Inspect(v, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if r.isMinMax(n) {
					calls = append(calls, n)
				}
			}
			return true
		})
		t, _ := r.exprType(v, text)
		if len(calls) == 0 || t == "" {
			continue
		}
		for _, c := range calls {
			// A call of constants only is a constant in Go, of the kind
			// the whole expression gives it (max(2, 3) * 1.5 is 4.5).
			if _, untyped, mixed := r.minMaxType(c, text); untyped && !mixed {
				end := u.offset(c.Fun.End())
				u.edit(end, end, "["+t+"]")
			}
		}
		r.wrapDefine(u, v, t)
	}
}

func (r *rewriter) isMinMax(call *ast.CallExpr) bool {
	id, ok := call.Fun.(*ast.Ident)
	return ok && (id.Name == "min" || id.Name == "max") && !r.shadowed(id.Name)
}
