package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// Go evaluates the function value and the arguments of a go or defer
// statement where the statement runs. yaegi v0.16.1 evaluates the
// arguments of a deferred call when it runs ("x := 1; defer
// fmt.Println(x); x = 2" prints 2), and the session's go statement guard
// (see goStmt) moves the call into a new goroutine, so that "go
// filter(ch, out); ch = out" passed the new ch. The rewriter binds such
// arguments to fresh variables right before the statement, in a block:
//
//	defer f(a, b)  →  { _spinlabA1, _spinlabA2 := a, b; defer f(_spinlabA1, _spinlabA2) }
//
// Only statements inside function bodies are rewritten: a block at the
// top level of a cell is package-level code to yaegi, and defer is
// refused there anyway. Literal arguments stay in place, so that an
// untyped constant still takes the parameter's type.

// bindArgs rewrites the go and defer statements of a unit that are inside
// function bodies. It runs after the other edits of the unit are made, so
// that the bound text carries them.
func (r *rewriter) bindArgs(u *unit) {
	var bodies []*ast.BlockStmt
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil && (u.isDecl() || n.Name.Name != "_") {
				bodies = append(bodies, n.Body)
			}
		case *ast.FuncLit:
			bodies = append(bodies, n.Body)
		}
		return true
	})
	inBody := func(n ast.Node) bool {
		for _, b := range bodies {
			if b.Lbrace < n.Pos() && n.End() <= b.Rbrace {
				return true
			}
		}
		return false
	}
	var stmts []ast.Stmt
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.DeferStmt:
			if inBody(n) && !r.bound[n] {
				stmts = append(stmts, n)
			}
		case *ast.GoStmt:
			if inBody(n) {
				stmts = append(stmts, n)
			}
		}
		return true
	})
	// Innermost first: an argument's text then carries the rewrite of the
	// statements inside it.
	for i := len(stmts) - 1; i >= 0; i-- {
		n := stmts[i]
		var call *ast.CallExpr
		switch n := n.(type) {
		case *ast.GoStmt:
			call = n.Call
		case *ast.DeferStmt:
			call = n.Call
		}
		var names, values []string
		for _, a := range call.Args {
			if isLiteral(a) {
				continue
			}
			r.loops++
			name := fmt.Sprintf("_spinlabA%d", r.loops)
			names = append(names, name)
			from, to := u.offset(a.Pos()), u.offset(a.End())
			values = append(values, u.takeEdits(from, to))
			u.edit(from, to, name)
		}
		if len(names) == 0 {
			continue
		}
		at, end := u.offset(n.Pos()), u.offset(n.End())
		u.edit(at, at, "{ "+strings.Join(names, ", ")+" := "+strings.Join(values, ", ")+"; ")
		u.edit(end, end, " }")
	}
}

// isLiteral reports an expression made of literals only ("x", 2*3, -1),
// whose value cannot change and whose untyped constant must stay in place.
func isLiteral(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return isLiteral(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.AND && e.Op != token.ARROW && isLiteral(e.X)
	case *ast.BinaryExpr:
		return isLiteral(e.X) && isLiteral(e.Y)
	case *ast.Ident:
		return e.Name == "nil" || e.Name == "true" || e.Name == "false"
	}
	return false
}

// takeEdits returns src[from:to] with the edits inside it applied, and
// removes those edits from the unit. Insertions at either edge stay: they
// belong to the text around (the cell argument the go statement guard
// inserts before the first argument, a wrapper call around the argument).
func (u *unit) takeEdits(from, to int) string {
	var inner, kept []edit
	for _, e := range u.edits {
		edge := e.off == e.end && (e.off == from || e.off == to)
		if e.off >= from && e.end <= to && !edge {
			inner = append(inner, e)
		} else {
			kept = append(kept, e)
		}
	}
	text := (&unit{item: item{src: u.src}, edits: inner}).apply(from, to)
	u.edits = kept
	return text
}
