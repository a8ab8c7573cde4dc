package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Constraints with ~ and unions. yaegi v0.16.1 runs a generic function
// whose constraint is a union (type Number interface{ ~int | ~float64 })
// once its type argument is known, but it never checks the union: a
// type argument outside it either ran (Sum("a", "b") concatenating
// strings) or crashed the compiler. The rewriter checks a type argument
// it can tell against the union and, when the union excludes it, makes
// the call panic with the error Go reports at compile time:
// "string does not satisfy Number (string missing in ~int | ~float64)".

// unionTerm is one term of a union: ~T or T.
type unionTerm struct {
	tilde bool
	typ   string
}

// constraintUnion returns the union of a constraint expression (a name
// of an interface the cell or session declares, or an inline union), its
// name for messages, and whether it is one.
func (r *rewriter) constraintUnion(e ast.Expr, text func(ast.Node) string) (terms []unionTerm, name string, ok bool) {
	switch c := e.(type) {
	case *ast.Ident:
		src := ""
		if s, found := r.cellTypes[c.Name]; found {
			src = s
		} else if d, found := r.s.definition(c.Name); found && d.Kind == kindType {
			src = d.Source
		} else {
			return nil, "", false
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
		if err != nil || len(f.Decls) != 1 {
			return nil, "", false
		}
		gd, isGen := f.Decls[0].(*ast.GenDecl)
		if !isGen || len(gd.Specs) != 1 {
			return nil, "", false
		}
		ts := gd.Specs[0].(*ast.TypeSpec)
		it, isIface := ts.Type.(*ast.InterfaceType)
		if !isIface || it.Methods == nil || len(it.Methods.List) != 1 || len(it.Methods.List[0].Names) != 0 {
			return nil, "", false // methods, or several embedded constraints: not checked
		}
		off := int(f.FileStart)
		full := "package p\n" + src
		terms, ok := unionTerms(it.Methods.List[0].Type, func(n ast.Node) string { return full[int(n.Pos())-off : int(n.End())-off] })
		return terms, c.Name, ok
	case *ast.BinaryExpr, *ast.UnaryExpr:
		terms, ok := unionTerms(c, text)
		return terms, text(c), ok
	}
	return nil, "", false
}

// unionTerms flattens T1 | ~T2 | ... into its terms.
func unionTerms(e ast.Expr, text func(ast.Node) string) ([]unionTerm, bool) {
	switch e := e.(type) {
	case *ast.BinaryExpr:
		if e.Op != token.OR {
			return nil, false
		}
		a, ok1 := unionTerms(e.X, text)
		b, ok2 := unionTerms(e.Y, text)
		return append(a, b...), ok1 && ok2
	case *ast.UnaryExpr:
		if e.Op != token.TILDE {
			return nil, false
		}
		return []unionTerm{{true, text(e.X)}}, true
	case *ast.Ident:
		return []unionTerm{{false, e.Name}}, true
	}
	return nil, false
}

// satisfies reports whether a type argument (source text) is in a union;
// known is false when the rewriter cannot tell the type's underlying type.
func (r *rewriter) satisfies(typ string, terms []unionTerm) (ok, known bool) {
	under := typ
	if !goBasicTypes[typ] {
		src := ""
		if s, found := r.cellTypes[typ]; found {
			src = s
		} else if d, found := r.s.definition(typ); found && d.Kind == kindType {
			src = d.Source
		} else {
			return false, false
		}
		f := strings.Fields(src)
		if len(f) != 3 || !goBasicTypes[f[2]] {
			return false, false
		}
		under = f[2]
	}
	for _, t := range terms {
		if t.typ == typ || t.tilde && t.typ == under {
			return true, true
		}
	}
	return false, true
}

var goBasicTypes = map[string]bool{
	"bool": true, "string": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true, "complex64": true, "complex128": true, "byte": true, "rune": true,
}

// checkConstraints returns the Go error for the first type argument of
// a call that its union excludes, or "".
func (r *rewriter) checkConstraints(sig funcType, bind map[string]typeBinding, text func(ast.Node) string) string {
	sigText := func(n ast.Node) string { return sig.text(n) }
	for _, f := range sig.ft.TypeParams.List {
		terms, name, ok := r.constraintUnion(f.Type, sigText)
		if !ok {
			continue
		}
		for _, p := range f.Names {
			b, bound := bind[p.Name]
			if !bound {
				continue
			}
			if in, known := r.satisfies(b.typ, terms); known && !in {
				var ts []string
				for _, t := range terms {
					if t.tilde {
						ts = append(ts, "~"+t.typ)
					} else {
						ts = append(ts, t.typ)
					}
				}
				return b.typ + " does not satisfy " + name + " (" + b.typ + " missing in " + strings.Join(ts, " | ") + ")"
			}
		}
	}
	return ""
}
