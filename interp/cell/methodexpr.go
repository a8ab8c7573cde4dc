package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// method is the signature of a method of an interpreted type.
type method struct {
	ptr bool // the receiver is a pointer
	sig funcType
}

// methodsOf collects the methods the cell's units and the session's
// definitions declare, by "Type.Method" (the cell's own win).
func methodsOf(units []*unit, defs []Definition) map[string]method {
	ms := map[string]method{}
	add := func(f *ast.File, src string) {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 || fd.Type.TypeParams != nil {
				continue
			}
			rt := fd.Recv.List[0].Type
			if _, generic := rt.(*ast.IndexExpr); generic {
				continue
			}
			_, ptr := rt.(*ast.StarExpr)
			ms[recvTypeName(rt)+"."+fd.Name.Name] = method{ptr, funcType{fd.Type, src, int(f.FileStart)}}
		}
	}
	for _, d := range defs {
		if d.Kind != kindFunc || !strings.Contains(d.Name, ".") {
			continue
		}
		src := declPrefix + d.Source + "\n"
		if f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution); err == nil {
			add(f, src)
		}
	}
	for _, u := range units {
		if u.isDecl() {
			add(u.file, stmtOrDeclSource(u))
		}
	}
	return ms
}

// methodExprs turns a method expression of an interpreted type that is
// not called in place (get := T.Get, f := (*T).Add) into the function
// literal it stands for, "func(r T, a int) int { return r.Get(a) }":
// yaegi v0.16.1 gives such a value the method's own type, without the
// receiver, and storing it panics ("reflect.Set: value of type func() int
// is not assignable to type func(T) int"). A call T.Get(t) runs as is.
func (r *rewriter) methodExprs(u *unit) {
	called := map[ast.Expr]bool{}
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			called[ast.Unparen(n.Fun)] = true
		case *ast.SelectorExpr:
			if called[n] {
				return true
			}
			typ, ptr := methodExprType(n.X)
			if typ == "" {
				return true
			}
			m, ok := r.methods[typ+"."+n.Sel.Name]
			if !ok || m.ptr && !ptr {
				return true
			}
			recv := typ
			if ptr {
				recv = "*" + typ
			}
			u.edit(u.offset(n.Pos()), u.offset(n.End()), methodExprFunc(recv, n.Sel.Name, m.sig))
		}
		return true
	})
}

// methodExprType returns T for a method expression's operand T or (*T).
func methodExprType(x ast.Expr) (string, bool) {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name, false
	case *ast.ParenExpr:
		if st, ok := x.X.(*ast.StarExpr); ok {
			if id, ok := st.X.(*ast.Ident); ok {
				return id.Name, true
			}
		}
	}
	return "", false
}

// methodExprFunc is the function literal of method name of receiver type recv.
func methodExprFunc(recv, name string, sig funcType) string {
	params := []string{"_spinlabRecv " + recv}
	var args []string
	for _, f := range sig.ft.Params.List {
		n := max(1, len(f.Names))
		for range n {
			a := fmt.Sprintf("_spinlabP%d", len(args))
			t := sig.text(f.Type)
			if _, ok := f.Type.(*ast.Ellipsis); ok {
				args = append(args, a+"...")
			} else {
				args = append(args, a)
			}
			params = append(params, a+" "+t)
		}
	}
	call := "_spinlabRecv." + name + "(" + strings.Join(args, ", ") + ")"
	results := ""
	if sig.ft.Results != nil {
		results = " " + sig.text(sig.ft.Results)
		call = "return " + call
	}
	return "func(" + strings.Join(params, ", ") + ")" + results + " { " + call + " }"
}

// methodValues works around yaegi v0.16.1 binding a method value of a
// value receiver to the variable rather than to a copy of it: Go copies
// the receiver when it evaluates t.M, so
//
//	f := t.Fahrenheit
//	t = 0
//	f()  // the old t's
//
// and, for p := &c, snapshot := c.Value keeps c's value then; yaegi read
// the variable when f was called, and method values taken in a loop
// (fs = append(fs, p.Full)) all called the last element's. A method value
// x.M that is not called in place, of a method with a value receiver of a
// session type that x's evident type names, becomes a function literal
// called with the receiver, which returns a function calling the method
// on its copy (yaegi's method value of the copy was the variable's too):
//
//	func(_spinlabRecv Temp) func() float64 { return func() float64 { return _spinlabRecv.Fahrenheit() } }(t)
func (r *rewriter) methodValues(u *unit) {
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	names := map[string]bool{} // of the methods with value receivers
	for k, m := range r.methods {
		if !m.ptr {
			names[k[strings.LastIndex(k, ".")+1:]] = true
		}
	}
	called := map[ast.Expr]bool{}
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			called[ast.Unparen(n.Fun)] = true
		case *ast.SelectorExpr:
			if called[n] || !names[n.Sel.Name] {
				return true
			}
			if _, ok := n.X.(*ast.ParenExpr); ok {
				return true // (*T).M, a method expression
			}
			saved := r.varTypes
			r.varTypes = r.scopedVarTypes(u.file, n, text)
			t := ""
			if id, ok := n.X.(*ast.Ident); !ok || !r.isPackage(id.Name) && !r.declaredType(id.Name) && !r.sessionType(id.Name) {
				t, _ = r.exprType(n.X, text)
			}
			r.varTypes = saved
			typ, ptr := strings.CutPrefix(t, "*")
			if typ == "" || strings.ContainsAny(typ, "[]*.(){} ") {
				return true
			}
			m, ok := r.methods[typ+"."+n.Sel.Name]
			if !ok || m.ptr {
				return true
			}
			recv := u.outText(n.X)
			if ptr {
				recv = "*" + recv
			}
			// methodExprFunc's literal without its receiver parameter,
			// closed over the copy.
			lit := methodExprFunc(typ, n.Sel.Name, m.sig)
			lit = "func(" + strings.TrimPrefix(strings.TrimPrefix(lit, "func(_spinlabRecv "+typ), ", ")
			results := ""
			if m.sig.ft.Results != nil {
				results = " " + m.sig.text(m.sig.ft.Results)
			}
			ft := "func" + m.sig.text(m.sig.ft.Params) + results
			u.edit(u.offset(n.Pos()), u.offset(n.End()),
				"func(_spinlabRecv "+typ+") "+ft+" { return "+lit+" }("+recv+")")
		}
		return true
	})
}
