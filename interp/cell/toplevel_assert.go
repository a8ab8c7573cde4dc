package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// topLevelAsserts works around yaegi v0.16.1 failing to type a type
// assertion assigned at the top level of a cell: "n, ok := a.(int)", "p,
// ok := err.(*MyErr)" and "p := err.(*MyErr)" failed with "nil type"
// (reported as a construct the interpreter cannot type), while the same
// assignment inside a function runs. So the assertion is made inside a
// function literal whose results are assigned:
//
//	n, ok := a.(int)  →  n, ok := func() (int, bool) { _spinlabV, _spinlabOK := a.(int); return _spinlabV, _spinlabOK }()
//	p := err.(*E)     →  p := func() *E { return err.(*E) }()
//
// A failed assertion without ok panics inside the literal, with Go's
// message, at the cell's line and column. An assertion to an interface
// type is left to interfaceAsserts, which makes it a call.
func (r *rewriter) topLevelAsserts(u *unit) {
	// Each assignment of one value to one or two names: the value and the
	// number of names.
	type assign struct {
		value ast.Expr
		names int
	}
	var list []assign
	vars := func(gd *ast.GenDecl) {
		if gd.Tok != token.VAR {
			return
		}
		for _, sp := range gd.Specs {
			// (var v, ok = x.(T) stays: a var of a call's two results is
			// refused at the top level with its own message.)
			if vs := sp.(*ast.ValueSpec); len(vs.Values) == 1 && len(vs.Names) == 1 {
				list = append(list, assign{vs.Values[0], len(vs.Names)})
			}
		}
	}
	for _, d := range u.file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && u.isDecl() {
			vars(gd)
		}
	}
	for _, st := range u.stmts {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if (st.Tok == token.DEFINE || st.Tok == token.ASSIGN) && len(st.Rhs) == 1 && len(st.Lhs) <= 2 {
				list = append(list, assign{st.Rhs[0], len(st.Lhs)})
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok {
				vars(gd)
			}
		}
	}
	for _, a := range list {
		ta, ok := a.value.(*ast.TypeAssertExpr)
		if !ok || ta.Type == nil {
			continue
		}
		t := u.src[u.offset(ta.Type.Pos()):u.offset(ta.Type.End())]
		if r.isInterface(t) {
			continue // interfaceAsserts makes such an assertion a call
		}
		from, to := u.offset(ta.Pos()), u.offset(ta.End())
		// The assertion keeps its column in positions and panics.
		at := r.inlineDirective(u, from)
		if a.names == 2 {
			u.edit(from, from, "func() ("+t+", bool) { _spinlabV, _spinlabOK := "+at)
			u.edit(to, to, "; return _spinlabV, _spinlabOK }()")
			continue
		}
		u.edit(from, from, "func() "+t+" { return "+at)
		u.edit(to, to, " }()")
	}
}

// inlineDirective returns a /*line*/ comment that gives the source after
// it the cell position of offset off of the unit's source, so that text
// inserted before it on the line does not move its column.
func (r *rewriter) inlineDirective(u *unit, off int) string {
	if u.synthetic {
		return ""
	}
	before := u.src[:off]
	line, col := u.line, u.col+off
	if n := strings.Count(before, "\n"); n > 0 {
		line += n
		col = off - strings.LastIndexByte(before, '\n')
	}
	return fmt.Sprintf("/*line _.go:%d:%d*/", lineOf(r.cell, line), col)
}
