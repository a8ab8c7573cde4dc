package cell

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"

	"github.com/spinlab/spinlab/interp/symbols"
)

// Names and definitions: what a unit defines, and what a definition
// imports or declares.

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

// importPath is the path an import definition imports.
func importPath(d Definition) string {
	src := strings.TrimSpace(strings.TrimPrefix(d.Source, "import"))
	if i := strings.IndexAny(src, "\"`"); i >= 0 {
		src = src[i:]
	}
	p, err := strconv.Unquote(src)
	if err != nil {
		return src
	}
	return p
}

// packagePath returns the import path that name stands for after defs:
// the last import of that name, or else the importable package the
// session would import for it; "" if none.
func packagePath(defs []Definition, name string) string {
	path := ""
	for _, d := range defs {
		if d.Kind == kindImport && d.Name == name {
			path = strings.Trim(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(d.Source, "import"), " "+name)), `"`)
		}
	}
	if path == "" {
		byName, _ := importable()
		path = byName[name]
	}
	return path
}

// symbolKind classifies a yaegi symbol table entry.
func symbolKind(v reflect.Value) string {
	if !v.IsValid() {
		return "constant"
	}
	if _, ok := v.Interface().(constant.Value); ok {
		return "constant"
	}
	switch {
	case v.Kind() == reflect.Func:
		return "function"
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "type"
	case v.CanAddr():
		return "variable"
	}
	return "constant"
}

// plainTypeDecl reports a declaration "type T U" that is neither generic
// nor an alias.
func plainTypeDecl(src string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return false
	}
	gd, ok := f.Decls[0].(*ast.GenDecl)
	if !ok || len(gd.Specs) != 1 {
		return false
	}
	ts, ok := gd.Specs[0].(*ast.TypeSpec)
	if !ok || ts.TypeParams != nil || ts.Assign.IsValid() {
		return false
	}
	_, isIface := ts.Type.(*ast.InterfaceType)
	return !isIface
}

// symbolKey is the key of the package at path in the symbol tables:
// path/name, where name is the package's declared name.
func symbolKey(path string) string {
	key := path + "/" + packageName(path)
	if symbols.Table(key) != nil {
		return key
	}
	for _, k := range symbols.Keys() {
		if strings.HasPrefix(k, path+"/") && !strings.Contains(k[len(path)+1:], "/") {
			return k
		}
	}
	return key
}
