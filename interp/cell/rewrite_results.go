package cell

import (
	"go/ast"
	"strings"
)

// resultConversions makes the result of a call to a function of the cell
// or session keep its named type when it is passed straight to another
// call: f(get()) becomes f(S(get())) for func get() S (or *S). yaegi
// v0.16.1 passes the result of a call as an argument without the type's
// methods, so fmt.Println(get()) printed the underlying value instead of
// calling S's String method; the identity conversion restores them.
func (r *rewriter) resultConversions(u *unit, n *ast.CallExpr) {
	for _, a := range n.Args {
		call, ok := a.(*ast.CallExpr)
		if !ok {
			continue
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || r.shadowedByVar(id.Name) {
			continue
		}
		t := r.namedResult(id.Name)
		if t == "" {
			continue
		}
		u.edit(u.offset(call.Pos()), u.offset(call.Pos()), t+"(")
		u.edit(u.offset(call.End()), u.offset(call.End()), ")")
	}
}

// namedResult returns the single result type of a function, "T" or
// "(*T)", when T is a type the cell or the session declares.
func (r *rewriter) namedResult(fn string) string {
	var res string
	if f, ok := r.funcs[fn]; ok {
		if f.ft.TypeParams != nil || f.ft.Results == nil || len(f.ft.Results.List) != 1 || len(f.ft.Results.List[0].Names) > 1 {
			return ""
		}
		res = f.text(f.ft.Results.List[0].Type)
	} else if d, ok := r.s.definition(fn); ok && d.Kind == kindFunc && !strings.Contains(d.Source[:strings.Index(d.Source+"(", "(")], "[") {
		res = r.s.resultType(fn)
	}
	ptr := strings.HasPrefix(res, "*")
	name := strings.TrimPrefix(res, "*")
	if name == "" || !isIdentifier(name) || !r.declaredType(name) {
		return ""
	}
	if ptr {
		return "(*" + name + ")"
	}
	return name
}

// declaredType reports a non-generic type the cell or the session declares.
func (r *rewriter) declaredType(name string) bool {
	if src, ok := r.cellTypes[name]; ok {
		return plainTypeDecl(src)
	}
	d, ok := r.s.definition(name)
	return ok && d.Kind == kindType && plainTypeDecl(d.Source)
}

func isIdentifier(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') && c < 0x80 {
			return false
		}
	}
	return s != ""
}

// collectCellTypes returns the type declarations of a cell's units by name
// ("type T ...").
func collectCellTypes(units []*unit) map[string]string {
	types := map[string]string{}
	for _, u := range units {
		src := stmtOrDeclSource(u)
		for _, d := range u.file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, sp := range gd.Specs {
				if ts, ok := sp.(*ast.TypeSpec); ok {
					off := int(u.file.FileStart)
					types[ts.Name.Name] = "type " + src[int(ts.Pos())-off:int(ts.End())-off]
				}
			}
		}
	}
	return types
}
