package cell

import (
	"go/ast"
	"go/token"
)

// interfaceLits works around yaegi v0.16.1 storing a composite literal of
// an interpreted type that is assigned to a variable of a compiled
// interface type (error, fmt.Stringer) as the bare value:
//
//	var err error = myErr{"boom"}
//
// left err holding the struct itself, not an error, so that copying it
// (a := err; a deferred call's bound argument; a call of show(err))
// panicked with "reflect.Set: value of type struct {…} is not assignable
// to type error", and err.(myErr) with "call of reflect.Value.Elem on
// struct Value". yaegi assigns the literal in place; a parenthesized
// literal is converted to the interface as a call's result is
// (var err error = newErr()), which is what the rest of the session
// expects. So such literals are parenthesized, where the variable's type
// is an evident interface: a var declaration with an interface type, or
// an assignment to a variable whose declared type is one.
//
//	var err error = myErr{"boom"}  →  var err error = (myErr{"boom"})
//	err = myErr{"again"}           →  err = (myErr{"again"})
//
// The empty interface holds such values as Go does already; it is left
// alone.
func (r *rewriter) interfaceLits(u *unit) {
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	paren := func(e ast.Expr) {
		if namedLit(e) {
			u.edit(u.offset(e.Pos()), u.offset(e.Pos()), "(")
			u.edit(u.offset(e.End()), u.offset(e.End()), ")")
		}
	}
	ifaceType := func(t string) bool { return t != "" && !isAnyType(t) && r.isInterface(t) }
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			if n.Type != nil && ifaceType(text(n.Type)) {
				for _, v := range n.Values {
					paren(v)
				}
			}
		case *ast.AssignStmt:
			if n.Tok != token.ASSIGN || len(n.Lhs) != len(n.Rhs) {
				return true
			}
			candidate := false
			for _, v := range n.Rhs {
				candidate = candidate || namedLit(v)
			}
			if !candidate {
				return true
			}
			saved := r.varTypes
			r.varTypes = r.scopedVarTypes(u.file, n, text)
			for i, l := range n.Lhs {
				if t, _ := r.exprType(l, text); ifaceType(t) {
					paren(n.Rhs[i])
				}
			}
			r.varTypes = saved
		}
		return true
	})
}

// namedLit reports a composite literal of a named type of the cell or the
// session (T{…}, Pair[int]{…}), not parenthesized.
func namedLit(e ast.Expr) bool {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return false
	}
	t := lit.Type
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	_, ok = t.(*ast.Ident)
	return ok
}
