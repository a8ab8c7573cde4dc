package cell

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// indexTupleAssign works around yaegi v0.16.1 dropping a map element
// assigned from a call's several results or a comma-ok expression:
//
//	stores[k], err = New(k)
//
// left stores without k (and m["a"], _ = two() stored nothing). Assigned
// one at a time, the element is stored; so such an assignment whose left
// side has an index expression becomes, on its line,
//
//	{ _spinlabA0, _spinlabA1 := New(k); stores[k] = _spinlabA0; err = _spinlabA1 }
//
// where it stands in a list of statements (not in an if, for or switch
// header); at a cell's top level, in a function literal called in place.
// It runs after the other rewrites and leaves alone a left side that one
// of them edits (a loop variable renamed in a closure): the edit that
// replaces the left side would drop theirs. The index operands are then evaluated after the call, which
// differs from Go only when the call changes them.
func (r *rewriter) indexTupleAssign(u *unit) {
	top := map[ast.Stmt]bool{}
	if !u.isDecl() {
		for _, st := range u.stmts {
			top[st] = true
		}
	}
	visit := func(list []ast.Stmt) {
		for _, st := range list {
			as, ok := st.(*ast.AssignStmt)
			if !ok || as.Tok != token.ASSIGN || len(as.Lhs) < 2 || len(as.Rhs) != 1 {
				continue
			}
			hasIndex := false
			for _, l := range as.Lhs {
				if _, ok := ast.Unparen(l).(*ast.IndexExpr); ok {
					hasIndex = true
				}
			}
			from, to := u.offset(as.Pos()), u.offset(as.TokPos)+len(token.ASSIGN.String())
			if !hasIndex || editedWithin(u, from, to) {
				continue
			}
			var temps, assigns []string
			for i, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == "_" {
					temps = append(temps, "_")
					continue
				}
				t := "_spinlabA" + strconv.Itoa(i)
				temps = append(temps, t)
				assigns = append(assigns, u.outText(l)+" = "+t)
			}
			open, close := "{ ", " }"
			if top[st] {
				// At a cell's top level, a block's definitions are not
				// the session's: a function literal holds them.
				open, close = "func() { ", " }()"
			}
			u.edit(from, to, open+strings.Join(temps, ", ")+" :=")
			u.edit(u.offset(as.End()), u.offset(as.End()), "; "+strings.Join(assigns, "; ")+close)
		}
	}
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			visit(n.List)
		case *ast.CaseClause:
			visit(n.Body)
		case *ast.CommClause:
			visit(n.Body)
		}
		return true
	})
}

// editedWithin reports whether an edit of the unit changes text in
// [from, to), other than an insertion at from.
func editedWithin(u *unit, from, to int) bool {
	for _, e := range u.edits {
		if e.off < to && e.end > from || e.off > from && e.off < to {
			return true
		}
	}
	return false
}
