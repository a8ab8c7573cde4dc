package cell

import (
	"go/ast"
	"strings"
)

// embeddedIfaceMethods works around yaegi v0.16.1 failing a method that a
// struct type of the session promotes from an embedded interface field:
//
//	type Logger struct{ Namer; lines []string }
//	func (l *Logger) Log(msg string) { fmt.Println(l.Name(), msg) }
//
// panicked with "invalid interface value" at l.Name(); l.Namer.Name() is
// right. So a selector x.M, where x's type is evident and is such a struct
// (or a pointer to one) that declares no method M and embeds an interface
// of the session that declares M, names the field: x.Namer.M.
func (r *rewriter) embeddedIfaceMethods(u *unit) {
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	specs := r.sessionTypeSpecs()
	// The names of the methods that some struct type promotes from an
	// embedded interface: only selectors of these names are typed.
	promoted := map[string]bool{}
	for _, ts := range specs {
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			continue
		}
		for _, f := range st.Fields.List {
			if id, ok := f.Type.(*ast.Ident); ok && len(f.Names) == 0 && specs[id.Name] != nil {
				if it, ok := specs[id.Name].Type.(*ast.InterfaceType); ok {
					for _, m := range it.Methods.List {
						for _, name := range m.Names {
							promoted[name.Name] = true
						}
					}
				}
			}
		}
	}
	if len(promoted) == 0 {
		return
	}
	ast.Inspect(u.file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok || !promoted[sel.Sel.Name] {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && r.isPackage(id.Name) && r.varTypes[id.Name] == "" {
			return true
		}
		saved := r.varTypes
		r.varTypes = r.scopedVarTypes(u.file, sel, text)
		t, _ := r.exprType(sel.X, text)
		r.varTypes = saved
		t = strings.TrimPrefix(t, "*")
		ts := specs[t]
		if ts == nil || ts.TypeParams != nil {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return true
		}
		if _, ok := r.methods[t+"."+sel.Sel.Name]; ok {
			return true
		}
		field := ""
		for _, f := range st.Fields.List {
			for _, name := range f.Names {
				if name.Name == sel.Sel.Name {
					return true // a field of that name
				}
			}
			id, ok := f.Type.(*ast.Ident)
			if len(f.Names) != 0 || !ok {
				continue
			}
			its := specs[id.Name]
			if its == nil {
				continue
			}
			it, ok := its.Type.(*ast.InterfaceType)
			if !ok {
				continue
			}
			for _, m := range it.Methods.List {
				for _, name := range m.Names {
					if name.Name == sel.Sel.Name {
						if field != "" {
							return true // ambiguous: Go rejects it
						}
						field = id.Name
					}
				}
			}
		}
		if field != "" {
			u.edit(u.offset(sel.Sel.Pos()), u.offset(sel.Sel.Pos()), field+".")
		}
		return true
	})
}
