package cell

import (
	"go/ast"
	"slices"
)

// deferredClosures works around a deadlock of yaegi v0.16.1: a function
// runs its deferred calls holding its frame's lock, and a closure value
// (add := func(k int) { … }) takes the lock of the frame it was made in
// when it returns. So a deferred call of a closure the same function made,
// directly (defer add(2), defer cleanup()) or from a deferred function
// literal (defer func() { cleanup() }()), waits for ever. The closure is
// made in a frame of its own instead, as ownFrameFuncLits makes the closures
// of a loop: deferredClosures adds such literals to r.ownFrameLits. They
// capture the same variables, so nothing else changes.
func (r *rewriter) deferredClosures(u *unit) {
	ast.Inspect(u.file, func(n ast.Node) bool {
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			body = n.Body
		case *ast.FuncLit:
			body = n.Body
		}
		if body != nil {
			r.deferredClosuresIn(body)
		}
		return true
	})
}

// deferredClosuresIn finds the closures of one function body that its
// deferred calls call.
func (r *rewriter) deferredClosuresIn(body *ast.BlockStmt) {
	deferred := map[string]bool{} // names the deferred calls call
	closures := map[string][]*ast.FuncLit{}
	// inThisFunc walks body without entering nested function literals,
	// except what a defer statement runs.
	var inThisFunc func(n ast.Node) bool
	inThisFunc = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			if id, ok := n.Call.Fun.(*ast.Ident); ok {
				deferred[id.Name] = true
			}
			if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
				ast.Inspect(lit.Body, func(m ast.Node) bool {
					if c, ok := m.(*ast.CallExpr); ok {
						if id, ok := c.Fun.(*ast.Ident); ok {
							deferred[id.Name] = true
						}
					}
					return true
				})
			}
			for _, a := range n.Call.Args {
				ast.Inspect(a, inThisFunc)
			}
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					id, ok := l.(*ast.Ident)
					lit, isLit := n.Rhs[i].(*ast.FuncLit)
					if ok && isLit {
						closures[id.Name] = append(closures[id.Name], lit)
					}
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == len(n.Values) {
				for i, id := range n.Names {
					if lit, ok := n.Values[i].(*ast.FuncLit); ok {
						closures[id.Name] = append(closures[id.Name], lit)
					}
				}
			}
		}
		return true
	}
	for _, st := range body.List {
		ast.Inspect(st, inThisFunc)
	}
	for name, lits := range closures {
		if !deferred[name] {
			continue
		}
		for _, lit := range lits {
			if !slices.Contains(r.ownFrameLits, lit) {
				r.ownFrameLits = append(r.ownFrameLits, lit)
			}
		}
	}
}
