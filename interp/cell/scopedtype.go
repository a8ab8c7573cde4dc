package cell

import (
	"go/ast"
	"go/token"
)

// scopedType is the type of a local variable at its use id, from its
// declaration in the blocks that enclose the use (id := expr, var id T,
// var id = expr, a parameter), where the cell-wide typing by name
// (inferVarTypes) gives up because the name has different types in
// different functions. "" when the declaration does not show the type.
func (r *rewriter) scopedType(id *ast.Ident, text func(ast.Node) string) string {
	if r.unitFile == nil {
		return ""
	}
	var decl ast.Node // the innermost enclosing declaration of id before it
	var visit func(n ast.Node, encloses bool)
	visit = func(n ast.Node, encloses bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == nil || m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.BlockStmt, *ast.FuncType, *ast.CaseClause, *ast.CommClause, *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt:
				// A scope: its declarations count only if it holds the use.
				if m.Pos() <= id.Pos() && id.End() <= m.End() {
					visit(m, true)
				}
				return false
			case *ast.FuncDecl:
				if m.Pos() <= id.Pos() && id.End() <= m.End() {
					visit(m.Type, true)
					visit(m.Body, true)
				}
				return false
			case *ast.FuncLit:
				if m.Pos() <= id.Pos() && id.End() <= m.End() {
					visit(m.Type, true)
					visit(m.Body, true)
				}
				return false
			case *ast.AssignStmt:
				if encloses && m.Tok == token.DEFINE && m.End() <= id.Pos() {
					for _, l := range m.Lhs {
						if l, ok := l.(*ast.Ident); ok && l.Name == id.Name {
							decl = m
						}
					}
				}
			case *ast.ValueSpec:
				if encloses && m.End() <= id.Pos() {
					for _, l := range m.Names {
						if l.Name == id.Name {
							decl = m
						}
					}
				}
			case *ast.Field:
				if encloses {
					for _, l := range m.Names {
						if l.Name == id.Name {
							decl = m
						}
					}
				}
			}
			return true
		})
	}
	visit(r.unitFile, true)
	switch d := decl.(type) {
	case *ast.AssignStmt:
		if len(d.Lhs) != len(d.Rhs) {
			return ""
		}
		for i, l := range d.Lhs {
			if l.(*ast.Ident).Name == id.Name {
				t, untyped := r.exprType(d.Rhs[i], text)
				if untyped {
					return ""
				}
				return t
			}
		}
	case *ast.ValueSpec:
		if d.Type != nil {
			return text(d.Type)
		}
		if len(d.Names) == len(d.Values) {
			for i, l := range d.Names {
				if l.Name == id.Name {
					t, untyped := r.exprType(d.Values[i], text)
					if untyped {
						return ""
					}
					return t
				}
			}
		}
	case *ast.Field:
		if _, variadic := d.Type.(*ast.Ellipsis); !variadic {
			return text(d.Type)
		}
	}
	return ""
}
