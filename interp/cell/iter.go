package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Range over a function (Go 1.23 iterators) is rewritten into a call of
// the function with the loop body as its yield function:
//
//	for k, v := range seq { body }   →   seq(func(k K, v V) bool { body'; return true })
//
// where body' returns true for continue and false for break. The session
// must know the iterator's signature: a function declared in the cell or
// the session, func(yield func(K[, V]) bool), or a call of one that returns
// such a function. Loops whose body returns, uses labels or goto are left
// alone (yaegi then fails and the error names the loop).

// funcType is a function signature with the source it was parsed from.
type funcType struct {
	ft  *ast.FuncType
	src string // text the positions of ft index (from base)
	off int    // offset of the source's first byte in token positions
}

func (f funcType) text(n ast.Node) string {
	return f.src[int(n.Pos())-f.off : int(n.End())-f.off]
}

// yieldParams returns the source of the parameter types of a yield
// function type func(A[, B]) bool, or nil.
func yieldParams(f funcType, t ast.Expr) []string {
	yt, ok := t.(*ast.FuncType)
	if !ok || yt.Results == nil || len(yt.Results.List) != 1 || len(yt.Results.List[0].Names) > 1 {
		return nil
	}
	if id, ok := yt.Results.List[0].Type.(*ast.Ident); !ok || id.Name != "bool" {
		return nil
	}
	var ps []string
	for _, p := range yt.Params.List {
		n := max(1, len(p.Names))
		for range n {
			ps = append(ps, f.text(p.Type))
		}
	}
	if len(ps) > 2 {
		return nil
	}
	return ps
}

// seqParams returns the yield parameters of an iterator type func(yield
// func(A[, B]) bool), or nil.
func seqParams(f funcType, t ast.Expr) []string {
	st, ok := t.(*ast.FuncType)
	if !ok || st.Results != nil && len(st.Results.List) > 0 || len(st.Params.List) != 1 || len(st.Params.List[0].Names) > 1 {
		return nil
	}
	return yieldParams(f, st.Params.List[0].Type)
}

// funcSignature finds the signature of a function the cell or the session declares.
func (r *rewriter) funcSignature(name string) (funcType, bool) {
	if f, ok := r.funcs[name]; ok {
		return f, true
	}
	d, ok := r.s.definition(name)
	if !ok || d.Kind != kindFunc {
		return funcType{}, false
	}
	fset := token.NewFileSet()
	src := "package p\n" + d.Source
	file, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil || len(file.Decls) != 1 {
		return funcType{}, false
	}
	fd, ok := file.Decls[0].(*ast.FuncDecl)
	if !ok || fd.Recv != nil {
		return funcType{}, false
	}
	return funcType{fd.Type, src, int(file.FileStart)}, true
}

// iterParams returns the yield parameter types of a range expression that
// is a known iterator, or nil.
func (r *rewriter) iterParams(x ast.Expr) []string {
	switch x := x.(type) {
	case *ast.Ident:
		if r.shadowedByVar(x.Name) {
			return nil
		}
		if f, ok := r.funcSignature(x.Name); ok {
			if f.ft.Results == nil || len(f.ft.Results.List) == 0 {
				return seqParams(f, f.ft)
			}
		}
	case *ast.CallExpr:
		id, ok := x.Fun.(*ast.Ident)
		if !ok {
			return nil
		}
		if f, ok := r.funcSignature(id.Name); ok && f.ft.Results != nil && len(f.ft.Results.List) == 1 && len(f.ft.Results.List[0].Names) <= 1 {
			return seqParams(f, f.ft.Results.List[0].Type)
		}
	}
	return nil
}

// shadowedByVar reports a name that a session variable holds.
func (r *rewriter) shadowedByVar(name string) bool {
	_, ok := r.globals[name]
	return ok
}

// rangeFunc rewrites a range over a known iterator; it reports whether it did.
func (r *rewriter) rangeFunc(u *unit, n *ast.RangeStmt) bool {
	params := r.iterParams(n.X)
	if params == nil {
		params = r.iterParamsByType(u, n.X) // iter_values.go
	}
	if params == nil || n.Tok == token.ASSIGN {
		return false
	}
	vars := []ast.Expr{n.Key, n.Value}
	var decl []string
	for i, p := range params {
		name := "_"
		if id, ok := vars[i].(*ast.Ident); ok {
			name = r.name(id)
		}
		decl = append(decl, name+" "+p)
	}
	if n.Value != nil && len(params) < 2 || n.Key != nil && len(params) < 1 {
		return false
	}
	// The body's own break and continue become returns; anything that
	// leaves the loop otherwise is not supported.
	type edit struct {
		off, end int
		text     string
	}
	var edits []edit
	ok := true
	var walk func(n ast.Node, inLoop, inSwitch bool)
	walk = func(node ast.Node, inLoop, inSwitch bool) {
		ast.Inspect(node, func(m ast.Node) bool {
			if !ok || m == nil || m == node {
				return ok
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				ok = false
			case *ast.LabeledStmt:
				ok = false
			case *ast.BranchStmt:
				if m.Label != nil || m.Tok == token.GOTO {
					ok = false
					return false
				}
				switch {
				case m.Tok == token.CONTINUE && !inLoop:
					edits = append(edits, edit{u.offset(m.Pos()), u.offset(m.End()), "return true"})
				case m.Tok == token.BREAK && !inLoop && !inSwitch:
					edits = append(edits, edit{u.offset(m.Pos()), u.offset(m.End()), "return false"})
				}
			case *ast.ForStmt, *ast.RangeStmt:
				walk(m, true, inSwitch)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				walk(m, inLoop, true)
				return false
			}
			return true
		})
	}
	walk(n.Body, false, false)
	if !ok {
		return false
	}
	for _, e := range edits {
		u.edit(e.off, e.end, e.text)
	}
	from, lbrace := u.offset(n.For), u.offset(n.Body.Lbrace)+1
	x := u.outText(n.X) // with its own edits, before they are dropped
	u.dropEdits(from, lbrace)
	u.edit(from, lbrace, x+"(func("+strings.Join(decl, ", ")+") bool {")
	rb := u.offset(n.Body.Rbrace)
	u.edit(rb, rb, "; return true; ") // the body may end on the brace's line
	u.edit(rb+1, rb+1, ")")
	return true
}
