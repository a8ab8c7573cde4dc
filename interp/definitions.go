package interp

import (
	"go/ast"
	"go/token"
	"reflect"
	"sort"
	"strings"
)

func (s *Session) unitDefinitions(u *unit) (defs []Definition) {
	var written []goSource
	text := func(n ast.Node) string {
		// Definitions carry the rewritten source so that a replay in a
		// fresh interpreter needs no further rewriting; the compiled
		// runner wants the text as written (see recordGoSources).
		written = append(written, s.writtenSource(u, n))
		return u.OutText(n)
	}
	defer func() { s.recordGoSources(defs, written) }()
	if u.IsDecl() {
		for _, d := range u.File().Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				name := d.Name.Name
				if d.Recv != nil && len(d.Recv.List) == 1 {
					name = recvTypeName(d.Recv.List[0].Type) + "." + name
				}
				defs = append(defs, Definition{Kind: kindFunc, Name: name, Source: text(d)})
			case *ast.GenDecl:
				switch d.Tok {
				case token.IMPORT:
					for _, sp := range d.Specs {
						sp := sp.(*ast.ImportSpec)
						defs = append(defs, Definition{Kind: kindImport, Name: importName(sp), Source: "import " + text(sp)})
					}
				case token.TYPE:
					for _, sp := range d.Specs {
						sp := sp.(*ast.TypeSpec)
						defs = append(defs, Definition{Kind: kindType, Name: sp.Name.Name, Source: "type " + text(sp)})
					}
				case token.CONST:
					if len(d.Specs) == 1 && !d.Lparen.IsValid() {
						sp := d.Specs[0].(*ast.ValueSpec)
						for _, n := range sp.Names {
							defs = append(defs, Definition{Kind: kindConst, Name: n.Name, Source: text(d)})
						}
						if len(sp.Names) > 1 {
							// one source for all names
							defs = defs[:len(defs)-len(sp.Names)+1]
							defs[len(defs)-1].Name = joinNames(sp.Names)
						}
					} else {
						var names []*ast.Ident
						for _, sp := range d.Specs {
							names = append(names, sp.(*ast.ValueSpec).Names...)
						}
						defs = append(defs, Definition{Kind: kindConst, Name: joinNames(names), Source: text(d)})
					}
				case token.VAR:
					for _, sp := range d.Specs {
						defs = append(defs, s.varDefinitions(u, sp.(*ast.ValueSpec))...)
					}
				}
			}
		}
		return defs
	}
	for _, st := range u.Stmts() {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				continue
			}
			for i, l := range st.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				var rhs ast.Expr
				if len(st.Rhs) == len(st.Lhs) {
					rhs = st.Rhs[i]
				}
				typ, guessed := s.varType(id.Name, "", rhs, u)
				d := Definition{Kind: kindVar, Name: id.Name, Source: "var " + id.Name + " " + typ}
				s.noteVarCheck(d, guessed, u, st.Lhs, i, st.Rhs)
				defs = append(defs, d)
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, sp := range gd.Specs {
					defs = append(defs, s.varDefinitions(u, sp.(*ast.ValueSpec))...)
				}
			}
		}
	}
	return defs
}

func (s *Session) varDefinitions(u *unit, sp *ast.ValueSpec) []Definition {
	var defs []Definition
	typ := ""
	if sp.Type != nil {
		typ = u.OutText(sp.Type)
	}
	for i, n := range sp.Names {
		if n.Name == "_" {
			continue
		}
		var rhs ast.Expr
		if len(sp.Values) == len(sp.Names) {
			rhs = sp.Values[i]
		}
		t, guessed := s.varType(n.Name, typ, rhs, u)
		d := Definition{Kind: kindVar, Name: n.Name, Source: "var " + n.Name + " " + t}
		lhs := make([]ast.Expr, len(sp.Names))
		for j, id := range sp.Names {
			lhs[j] = id
		}
		s.noteVarCheck(d, guessed, u, lhs, i, sp.Values)
		defs = append(defs, d)
	}
	return defs
}

// varType finds the Go source of a variable's type: its declared type, the
// type of a composite literal that initialises it, or the type the
// interpreter gave it (guessed: an interpreted named type reads as its
// underlying type, an interpreted struct type as a struct literal type).
func (s *Session) varType(name, declared string, rhs ast.Expr, u *unit) (typ string, guessed bool) {
	if declared != "" {
		return declared, false
	}
	switch e := rhs.(type) {
	case *ast.CompositeLit:
		if e.Type != nil {
			return u.OutText(e.Type), false
		}
	case *ast.UnaryExpr:
		if cl, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND && cl.Type != nil {
			return "*" + u.OutText(cl.Type), false
		}
	case *ast.CallExpr:
		// new(T), make(T, ...), and conversions T(x) to a named session type
		if id, ok := e.Fun.(*ast.Ident); ok && len(e.Args) > 0 {
			switch id.Name {
			case "new":
				return "*" + u.OutText(e.Args[0]), false
			case "make":
				return u.OutText(e.Args[0]), false
			}
			if d, ok := s.definition(id.Name); ok && d.Kind == kindType {
				return id.Name, false
			}
		}
		if id, ok := e.Fun.(*ast.Ident); ok {
			if t := s.resultType(id.Name); t != "" {
				return t, false
			}
		}
	}
	if v, ok := s.globals()[name]; ok && v.IsValid() {
		return typeSource(v.Type()), true
	}
	return "any", true
}

// resultType is the source of the single result type of a session
// function, or "".
func (s *Session) resultType(name string) string {
	d, ok := s.definition(name)
	if !ok {
		return ""
	}
	return funcResultType(d)
}

// typeSource renders a reflect type as Go source. Interpreted named types
// lose their names in reflection; their structure is still valid Go.
func typeSource(t reflect.Type) string {
	if t == nil {
		return "any"
	}
	s := t.String()
	s = strings.ReplaceAll(s, "interface {}", "any")
	return s
}

func joinNames(ids []*ast.Ident) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.Name
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}
