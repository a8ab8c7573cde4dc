package interp

import "go/ast"

// loopScopes runs a cell-level loop whose body captures its variables (a
// closure, a go statement, wg.Go(func() {...})) inside a function literal
// called in place. The per-iteration copies that loopVars declares are
// variables of the loop body, but at the cell's top level yaegi v0.16.1
// keeps one slot for them across iterations, so every closure saw the
// last iteration's value; inside a function each iteration has its own.
func (r *rewriter) loopScopes(u *unit) {
	for _, st := range u.stmts {
		switch st.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
		default:
			continue
		}
		if needsFuncScope(st) {
			continue // already wrapped
		}
		for _, c := range r.copies {
			if c.lbrace >= st.Pos() && c.lbrace < st.End() {
				u.edit(u.offset(st.Pos()), u.offset(st.Pos()), "func() { ")
				u.edit(u.offset(st.End()), u.offset(st.End()), " }()")
				break
			}
		}
	}
}

// loopFuncArgs passes a function literal that is an argument of a method
// or package function call inside a loop body (wg.Go(func() {...}),
// time.AfterFunc(d, func() {...})) through a function literal called in
// place. When the callee is compiled, yaegi v0.16.1 builds one closure
// for every iteration, so all of them saw the last iteration's
// variables; a closure made by a call has its own.
func (r *rewriter) loopFuncArgs(u *unit) {
	var visit func(n ast.Node, inLoop bool)
	visit = func(n ast.Node, inLoop bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == nil || m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.ForStmt:
				visit(m.Body, true)
				return false
			case *ast.RangeStmt:
				visit(m.Body, true)
				return false
			case *ast.CallExpr:
				if _, ok := m.Fun.(*ast.SelectorExpr); !ok || !inLoop {
					return true
				}
				for _, a := range m.Args {
					lit, ok := a.(*ast.FuncLit)
					if !ok {
						continue
					}
					typ := u.src[u.offset(lit.Type.Pos()):u.offset(lit.Type.End())]
					u.edit(u.offset(lit.Pos()), u.offset(lit.Pos()), "func() "+typ+" { return ")
					u.edit(u.offset(lit.End()), u.offset(lit.End()), " }()")
				}
			}
			return true
		})
	}
	visit(u.file, false)
}
