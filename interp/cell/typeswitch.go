package cell

import (
	"fmt"
	"go/ast"
	"strings"
)

// typeSwitches rewrites a type switch with a case of an interface (error,
// fmt.Stringer, io.Reader, one the session declares) or of a type the
// session declares into an expression switch over comma-ok type
// assertions, which yaegi v0.16.1 gets right where its type switch does
// not: "case error" did not match a compiled error (*errors.errorString),
// nor "case fmt.Stringer" a value of an interpreted type with a String
// method, and a switch that binds its variable missed interpreted types
// depending on how the value was made. An interface case is asserted by
// trying the session's types that implement it (assert.go).
//
//	switch x := v.(type) { case int: A; case error, nil: B; default: C }
//
// becomes
//
//	switch t := v; { case func() bool { _, ok := t.(int); return ok }(): x := t.(int); _ = x; A
//	case func() bool { _, ok := func(any) (error, bool) {...}(t); return ok }() || t == nil: x := t; _ = x; B
//	default: x := t; _ = x; C }
//
// Cases are tried in order, default last, as in a type switch; a case of
// one type binds x with that type, others with v's. Switches whose case
// lists span lines (the rewrite keeps lines), that have an init statement
// or a case of an interface the session cannot read (a type set) are left
// as they are.
func (r *rewriter) typeSwitches(u *unit) {
	ast.Inspect(u.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSwitchStmt); ok {
			r.typeSwitch(u, ts)
		}
		return true
	})
}

func (r *rewriter) typeSwitch(u *unit, ts *ast.TypeSwitchStmt) {
	if ts.Init != nil {
		return
	}
	var name string
	var guard *ast.TypeAssertExpr
	switch a := ts.Assign.(type) {
	case *ast.AssignStmt:
		if len(a.Lhs) != 1 || len(a.Rhs) != 1 {
			return
		}
		id, ok := a.Lhs[0].(*ast.Ident)
		if !ok {
			return
		}
		name = id.Name
		guard, _ = a.Rhs[0].(*ast.TypeAssertExpr)
	case *ast.ExprStmt:
		guard, _ = a.X.(*ast.TypeAssertExpr)
	}
	if guard == nil {
		return
	}
	need := false
	kinds := map[ast.Expr]caseKind{}
	impls := map[ast.Expr]implementers{}
	for _, s := range ts.Body.List {
		cc := s.(*ast.CaseClause)
		if u.fset.Position(cc.Case).Line != u.fset.Position(cc.Colon).Line {
			return
		}
		for _, t := range cc.List {
			k := r.interfaceCase(t)
			if impl, ok := r.implementersOf(t); ok && (k == sessionInterface || len(impl.types)+len(impl.others) > 0) {
				if strings.Contains(u.outText(t), "\n") {
					return
				}
				impls[t] = impl
				k = sessionInterface
			} else if k == sessionInterface {
				// An interface the session cannot read (a type set):
				// left to yaegi.
				return
			}
			kinds[t] = k
			if k != concreteCase || r.mentionsSessionType(t) {
				need = true
			}
		}
	}
	if !need {
		return
	}
	r.loops++
	v := fmt.Sprintf("_spinlabT%d", r.loops)
	// Edits around the guard's operand and the case types, not over
	// them: edits inside them (renamed loop variables, named parameters)
	// must stay.
	u.edit(u.offset(ts.Assign.Pos()), u.offset(guard.X.Pos()), v+" := ")
	u.edit(u.offset(guard.X.End()), u.offset(ts.Assign.End()), ";")
	for _, s := range ts.Body.List {
		cc := s.(*ast.CaseClause)
		bind := v
		if len(cc.List) == 1 {
			t := cc.List[0]
			if impl, ok := impls[t]; ok {
				bind = assertFunc(u.outText(t), impl, false) + "(" + v + ")"
			} else if id, ok := t.(*ast.Ident); !ok || id.Name != "nil" {
				bind = v + ".(" + u.outText(t) + ")"
			}
		}
		if len(cc.List) > 0 {
			for i, t := range cc.List {
				if i > 0 {
					u.edit(u.offset(cc.List[i-1].End()), u.offset(t.Pos()), " || ")
				}
				if id, ok := t.(*ast.Ident); ok && id.Name == "nil" {
					u.edit(u.offset(t.Pos()), u.offset(t.End()), v+" == nil")
					continue
				}
				if impl, ok := impls[t]; ok {
					u.edit(u.offset(t.Pos()), u.offset(t.End()), "func() bool { _, ok := "+assertFunc(u.outText(t), impl, true)+"("+v+"); return ok }()")
					continue
				}
				u.edit(u.offset(t.Pos()), u.offset(t.Pos()), "func() bool { _, ok := "+v+".(")
				u.edit(u.offset(t.End()), u.offset(t.End()), "); return ok }()")
			}
		}
		if name != "" {
			// Over the colon, so that a copy of the variable for the case's
			// closures (loopVars), inserted after it, comes after.
			at := u.offset(cc.Colon)
			u.edit(at, at+1, ": "+name+" := "+bind+"; _ = "+name+";")
		}
	}
}

// caseKind tells the cases of a type switch apart.
type caseKind int

const (
	concreteCase      caseKind = iota
	compiledInterface          // error, a type of another package, an interface literal
	sessionInterface           // an interface the cell or the session declares
)

// mentionsSessionType reports a case type that names a type of the
// session: yaegi v0.16.1's type switch misses such types when it binds
// its variable, depending on how the value was made (a composite literal
// passed as an argument, a variable), where x.(T) does not.
func (r *rewriter) mentionsSessionType(t ast.Expr) bool {
	found := false
	ast.Inspect(t, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && r.sessionType(id.Name) {
			found = true
		}
		return !found
	})
	return found
}

// interfaceCase tells whether a type switch case may be an interface, and
// whose.
func (r *rewriter) interfaceCase(t ast.Expr) caseKind {
	switch t := t.(type) {
	case *ast.InterfaceType, *ast.SelectorExpr:
		return compiledInterface
	case *ast.Ident:
		if t.Name == "error" || t.Name == "any" {
			return compiledInterface
		}
		src, ok := r.cellTypes[t.Name]
		if !ok {
			for _, d := range r.defs {
				if d.Kind == kindType && d.Name == t.Name {
					src = d.Source
				}
			}
		}
		if isInterfaceSource(src) {
			return sessionInterface
		}
	}
	return concreteCase
}

// isInterfaceSource reports a declaration "type I interface {...}".
func isInterfaceSource(src string) bool {
	f := strings.Fields(src)
	return len(f) >= 3 && strings.HasPrefix(f[2], "interface")
}
