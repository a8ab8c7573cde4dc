package cell

import (
	"go/ast"
	"reflect"
)

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
		wrap := false
		for _, c := range r.copies {
			if c.lbrace >= st.Pos() && c.lbrace < st.End() {
				wrap = true
			}
		}
		// A go statement in a loop declares the goroutine's function.
		for g := range r.loopGos {
			if g.Pos() >= st.Pos() && g.Pos() < st.End() {
				wrap = true
			}
		}
		if wrap {
			u.edit(u.offset(st.Pos()), u.offset(st.Pos()), "func() { ")
			u.edit(u.offset(st.End()), u.offset(st.End()), " }()")
		}
	}
}

// Function literals made in a loop: yaegi v0.16.1 keeps the value of a
// function literal in a slot of the frame that evaluates it, and every
// closure it makes, when it returns, stores back into that slot the value
// the slot held when the closure was made. When closures of a literal made
// in a loop run on other goroutines, one that returns while the loop makes
// the next one can overwrite the new closure before the loop reads it: the
// loop then starts an earlier iteration's closure again (mutex_counter
// printed "50 26", a goroutine saw another iteration's i) or, at the first
// iteration, the slot's zero value, a nil function, whose call panics in a
// goroutine of yaegi's that no recover reaches ("reflect: call of nil
// function"), killing the process. A literal made through a function value
// called in place, "[]func() T{func() T { return LIT }}[0]()", is made in
// the frame of that call, which no other closure ever writes to; the
// function value (not a literal called in place, whose frame would read
// the loop's variables live) sees the variables of its iteration.

// loopClosures finds the go statements and the function literals that are
// made repeatedly by a loop of the same function and may run on another
// goroutine: literals neither called in place nor deferred (a literal
// inside another one is made once per call of the outer one, in the
// frame of that call).
func (r *rewriter) loopClosures(root ast.Node) {
	r.loopGos = map[*ast.GoStmt]bool{}
	r.ownFrameLits = nil
	var walk func(n ast.Node, inLoop bool)
	walkAll := func(inLoop bool, ns ...ast.Node) {
		for _, n := range ns {
			if n != nil && !reflect.ValueOf(n).IsNil() {
				walk(n, inLoop)
			}
		}
	}
	// called walks a call whose function is not made to escape.
	called := func(c *ast.CallExpr, inLoop bool) {
		if lit, ok := c.Fun.(*ast.FuncLit); ok {
			walk(lit.Body, false)
		} else {
			walk(c.Fun, inLoop)
		}
		for _, a := range c.Args {
			walk(a, inLoop)
		}
	}
	walk = func(n ast.Node, inLoop bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.ForStmt:
				walkAll(inLoop, m.Init)
				walkAll(true, m.Cond, m.Post, m.Body)
				return false
			case *ast.RangeStmt:
				walkAll(inLoop, m.X)
				walk(m.Body, true)
				return false
			case *ast.GoStmt:
				if inLoop {
					r.loopGos[m] = true
				}
				called(m.Call, inLoop)
				return false
			case *ast.DeferStmt:
				called(m.Call, inLoop)
				return false
			case *ast.CallExpr:
				called(m, inLoop)
				return false
			case *ast.FuncLit:
				if inLoop {
					r.ownFrameLits = append(r.ownFrameLits, m)
				}
				walk(m.Body, false)
				return false
			}
			return true
		})
	}
	walk(root, false)
}

// ownFrameFuncLits makes each function literal of r.ownFrameLits (found by
// loopClosures and deferredClosures) through a function value called in
// place. It runs last, when the literal's type has its final text.
func (r *rewriter) ownFrameFuncLits(u *unit) {
	for _, lit := range r.ownFrameLits {
		typ := u.outText(lit.Type)
		u.edit(u.offset(lit.Pos()), u.offset(lit.Pos()), "[]func() "+typ+"{func() "+typ+" { return ")
		u.edit(u.offset(lit.End()), u.offset(lit.End()), " }}[0]()")
	}
}
