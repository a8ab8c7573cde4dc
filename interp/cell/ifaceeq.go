package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// interfaceEquality works around yaegi v0.16.1 comparing an interface
// value that holds a value of a session type with methods with a value of
// that type: it holds such a value in its own wrapper, and the comparison
// compares wrappers, so Go's most common error idioms were false where Go
// gives true:
//
//	var ErrMissing = &lookupErr{"missing"}       // or: var ErrLow = code(1)
//	if err == ErrMissing { ... }                 // never taken
//	errors.Is(fmt.Errorf("get: %w", ErrLow), ErrLow)  // false
//
// (as was v == level(1) for a v any holding level(1)). Where one operand
// of == or != has an interface type and the other's type is evident and
// is a session type with methods (or a pointer to one), and for
// errors.Is with such a target, the session's generic helpers compare
// through a type assertion, which yaegi gets right:
//
//	err == ErrMissing          →  _spinlabEq(err, ErrMissing)
//	errors.Is(err, ErrLow)     →  _spinlabIsT(err, ErrLow)
//
// Struct values (not pointers) are left alone: yaegi's assertion to a
// struct type of a value that went through an interface does not hold,
// so the helpers could not do better than the comparison. Two interface
// operands, or a target whose type the cell does not show, are left as
// they are too.
func (r *rewriter) interfaceEquality(u *unit) {
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	typeOf := func(e ast.Expr) string { return r.scopedExprType(u, e, text) }
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op != token.EQL && n.Op != token.NEQ {
				return true
			}
			x, y := n.X, n.Y
			tx, ty := typeOf(x), typeOf(y)
			switch {
			case tx != "" && r.isInterface(tx) && r.comparedSessionType(ty):
			case ty != "" && r.isInterface(ty) && r.comparedSessionType(tx):
				x, y = y, x
			default:
				return true
			}
			not := ""
			if n.Op == token.NEQ {
				not = "!"
			}
			if x == n.X {
				u.edit(u.offset(n.X.Pos()), u.offset(n.X.Pos()), not+EqFunc+"(")
				u.edit(u.offset(n.X.End()), u.offset(n.Y.Pos()), ", ")
				u.edit(u.offset(n.Y.End()), u.offset(n.Y.End()), ")")
				return true
			}
			// The concrete operand came first: the helper takes the
			// interface first, so the operands trade places.
			xs, ys := u.takeEdits(u.offset(n.X.Pos()), u.offset(n.X.End())), u.takeEdits(u.offset(n.Y.Pos()), u.offset(n.Y.End()))
			u.edit(u.offset(n.Pos()), u.offset(n.End()), not+EqFunc+"("+ys+", "+xs+")")
		case *ast.SwitchStmt:
			r.interfaceSwitch(u, n, typeOf)
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Is" || len(n.Args) != 2 || n.Ellipsis.IsValid() {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || !r.isPackage(pkg.Name) || packagePath(r.defs, pkg.Name) != "errors" {
				return true
			}
			if r.comparedSessionType(typeOf(n.Args[1])) {
				// instantiate renames errors.Is (to _spinlabIs, which
				// compares the values yaegi's wrappers hold and so cannot
				// tell code(1) from level(1)); this one gets IsFunc.
				if r.typedIs == nil {
					r.typedIs = map[*ast.CallExpr]bool{}
				}
				r.typedIs[n] = true
			}
		}
		return true
	})
}

// comparedSessionType reports a type that interfaceEquality compares
// through an assertion: a session type with methods that is not a
// struct, an interface, generic or an alias (and is comparable), or a
// pointer to a session type with methods.
func (r *rewriter) comparedSessionType(t string) bool {
	if t == "" {
		return false
	}
	name, ptr := strings.CutPrefix(t, "*")
	ts := r.sessionTypeSpecs()[name]
	if ts == nil || ts.TypeParams != nil || ts.Assign.IsValid() {
		return false
	}
	if !ptr {
		switch e := ts.Type.(type) {
		case *ast.StructType, *ast.InterfaceType, *ast.MapType, *ast.FuncType:
			return false
		case *ast.ArrayType:
			if e.Len == nil {
				return false
			}
		}
	}
	for key := range r.methods {
		if strings.HasPrefix(key, name+".") {
			return true
		}
	}
	return false
}

// interfaceSwitch rewrites an expression switch on a value of an
// interface type, which yaegi v0.16.1 cannot run ("switch v { case 2:
// ... }" with v any panicked with "reflect.Value.Convert: value of type
// interface {} cannot be converted to type int"), into the switch without
// a tag that Go defines it to be, the tag evaluated once:
//
//	switch v { case 1, 2: … case level(3): … }
//	→  switch _spinlabTag1 := v; { case _spinlabTag1 == 1 || _spinlabTag1 == 2: … case _spinlabEq(_spinlabTag1, level(3)): … }
//
// A switch with an init statement is left alone. (A switch without a tag
// gets its case lists joined, joinCaseLists.)
func (r *rewriter) interfaceSwitch(u *unit, n *ast.SwitchStmt, typeOf func(ast.Expr) string) {
	if n.Tag == nil {
		joinCaseLists(u, n)
		return
	}
	if n.Init != nil {
		return
	}
	if t := typeOf(n.Tag); t == "" || !r.isInterface(t) {
		return
	}
	r.loops++
	tag := fmt.Sprintf("_spinlabTag%d", r.loops)
	u.edit(u.offset(n.Tag.Pos()), u.offset(n.Tag.Pos()), tag+" := ")
	u.edit(u.offset(n.Tag.End()), u.offset(n.Tag.End()), "; ")
	for _, st := range n.Body.List {
		cc := st.(*ast.CaseClause)
		for i, e := range cc.List {
			if i > 0 {
				u.edit(u.offset(cc.List[i-1].End()), u.offset(e.Pos()), " || ")
			}
			if r.comparedSessionType(typeOf(e)) {
				u.edit(u.offset(e.Pos()), u.offset(e.Pos()), EqFunc+"("+tag+", ")
				u.edit(u.offset(e.End()), u.offset(e.End()), ")")
				continue
			}
			if _, binary := e.(*ast.BinaryExpr); binary {
				u.edit(u.offset(e.Pos()), u.offset(e.Pos()), tag+" == (")
				u.edit(u.offset(e.End()), u.offset(e.End()), ")")
				continue
			}
			u.edit(u.offset(e.Pos()), u.offset(e.Pos()), tag+" == ")
		}
	}
}

// joinCaseLists makes each case of a switch without a tag one condition:
// yaegi v0.16.1 tests only the first expression of such a case's list
// ("switch { case x > 5, x < 0: … }" missed x = -1). Go evaluates the list
// left to right up to the first true one, as || does:
//
//	case x > 5, x < 0:  →  case x > 5 || x < 0:
func joinCaseLists(u *unit, n *ast.SwitchStmt) {
	for _, st := range n.Body.List {
		cc := st.(*ast.CaseClause)
		for i := 1; i < len(cc.List); i++ {
			u.edit(u.offset(cc.List[i-1].End()), u.offset(cc.List[i].Pos()), " || ")
		}
	}
}
