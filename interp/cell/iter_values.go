package cell

import (
	"go/ast"
	"strings"
)

// Iterators as values (Go 1.23). iter.go rewrites a range over an
// iterator function that a cell declares; this file extends it to any
// iterator whose type the rewriter can tell (typeinfer.go): a variable
// or parameter of type iter.Seq[V], iter.Seq2[K, V] or func(yield
// func(...) bool), a session variable holding one, a function literal,
// and the iterators of slices and maps (slices.Values(xs), maps.Keys(m)).
//
// yaegi v0.16.1 cannot instantiate generic func types, so iter.Seq[V]
// and iter.Seq2[K, V] are written out as the func types they stand for.

// iterTypes spells out iter.Seq[V] as func(func(V) bool) and iter.Seq2[K,
// V] as func(func(K, V) bool). It runs before the other edits of a unit.
func (r *rewriter) iterTypes(u *unit) {
	ast.Inspect(u.file, func(n ast.Node) bool {
		var x ast.Expr
		var args []ast.Expr
		switch n := n.(type) {
		case *ast.IndexExpr:
			x, args = n.X, []ast.Expr{n.Index}
		case *ast.IndexListExpr:
			x, args = n.X, n.Indices
		default:
			return true
		}
		sel, ok := x.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || pkg.Name != "iter" || !r.isPackage("iter") {
			return true
		}
		if sel.Sel.Name == "Seq" && len(args) == 1 || sel.Sel.Name == "Seq2" && len(args) == 2 {
			var ts []string
			for _, a := range args {
				ts = append(ts, u.outText(a))
			}
			from, to := u.offset(n.Pos()), u.offset(n.End())
			u.dropEdits(from, to)
			u.edit(from, to, "func(func("+strings.Join(ts, ", ")+") bool)")
			return false
		}
		return true
	})
}

// iterParamsByType returns the yield parameter types of a range
// expression whose type the rewriter can tell, or nil.
func (r *rewriter) iterParamsByType(u *unit, x ast.Expr) []string {
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	t, _ := r.exprType(x, text)
	return yieldTypes(t)
}
