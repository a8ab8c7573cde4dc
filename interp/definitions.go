package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// definedNames lists the package-level names a unit defines.
func definedNames(u *unit) []string {
	var names []string
	if u.isDecl() {
		for _, d := range u.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names = append(names, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						names = append(names, sp.Name.Name)
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							names = append(names, n.Name)
						}
					case *ast.ImportSpec:
						names = append(names, importName(sp))
					}
				}
			}
		}
		return names
	}
	for _, st := range u.stmts {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						names = append(names, id.Name)
					}
				}
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok {
				for _, sp := range gd.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
	}
	return names
}

func importName(sp *ast.ImportSpec) string {
	if sp.Name != nil {
		return sp.Name.Name
	}
	p, _ := strconv.Unquote(sp.Path.Value)
	return packageName(p)
}

func (s *Session) unitDefinitions(u *unit) (defs []Definition) {
	var written []goSource
	text := func(n ast.Node) string {
		// Definitions carry the rewritten source so that a replay in a
		// fresh interpreter needs no further rewriting; the compiled
		// runner wants the text as written (see recordGoSources).
		written = append(written, s.writtenSource(u, n))
		return u.outText(n)
	}
	defer func() { s.recordGoSources(defs, written) }()
	if u.isDecl() {
		for _, d := range u.file.Decls {
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
	for _, st := range u.stmts {
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
		typ = u.outText(sp.Type)
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
			return u.outText(e.Type), false
		}
	case *ast.UnaryExpr:
		if cl, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND && cl.Type != nil {
			return "*" + u.outText(cl.Type), false
		}
	case *ast.CallExpr:
		// new(T), make(T, ...), and conversions T(x) to a named session type
		if id, ok := e.Fun.(*ast.Ident); ok && len(e.Args) > 0 {
			switch id.Name {
			case "new":
				return "*" + u.outText(e.Args[0]), false
			case "make":
				return u.outText(e.Args[0]), false
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

// funcResultType is the source of the single result type of a function
// definition, or "".
func funcResultType(d Definition) string {
	if d.Kind != kindFunc {
		return ""
	}
	src := "package p\n" + d.Source
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return ""
	}
	fd, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok || fd.Type.Results == nil || len(fd.Type.Results.List) != 1 || len(fd.Type.Results.List[0].Names) > 1 {
		return ""
	}
	t := fd.Type.Results.List[0].Type
	return src[t.Pos()-f.FileStart : t.End()-f.FileStart]
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

func recvTypeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvTypeName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvTypeName(t.X)
	case *ast.IndexListExpr:
		return recvTypeName(t.X)
	}
	return "?"
}

func joinNames(ids []*ast.Ident) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.Name
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}
