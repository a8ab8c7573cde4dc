package interp

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

// afterDefineType registers a type a cell declared, and the String, Error
// and GoString methods of such types, with the interpreter's typeRegistry
// (format.go), so that its values print as compiled Go prints them.
// Callers hold s.cellMu.
func (s *Session) afterDefineType(d Definition) {
	var src string
	switch d.Kind {
	case kindType:
		if structOfDecl(d.Source) == nil && !plainTypeDecl(d.Source) {
			return
		}
		src = fmt.Sprintf("%s.DefType(%q, %s, (*%s)(nil))", rtName, d.Name, strconv.Quote(d.Source), d.Name)
	case kindFunc:
		typ, method, ptr, ok := stringMethod(d.Source)
		if !ok {
			return
		}
		recv := typ
		if ptr {
			recv = "*" + typ
		}
		src = fmt.Sprintf("%s.DefMethod(%q, %q, %t, func(x any) string { return x.(%s).%s() })", rtName, typ, method, ptr, recv, method)
	default:
		return
	}
	if _, err := s.run(context.Background(), src); err != nil {
		fmt.Fprintf(s.stderr.w, "note: %s will print as yaegi shows it: %v\n", d.Name, err)
	}
}

// stringMethod recognises "func (r T) String() string" (or Error,
// GoString), with a value or pointer receiver of a non-generic type.
func stringMethod(src string) (typ, method string, ptr, ok bool) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return "", "", false, false
	}
	fd, isFunc := f.Decls[0].(*ast.FuncDecl)
	if !isFunc || fd.Recv == nil || len(fd.Recv.List) != 1 {
		return "", "", false, false
	}
	switch fd.Name.Name {
	case "String", "Error", "GoString":
	default:
		return "", "", false, false
	}
	ft := fd.Type
	if ft.Params.NumFields() != 0 || ft.Results.NumFields() != 1 {
		return "", "", false, false
	}
	if id, isIdent := ft.Results.List[0].Type.(*ast.Ident); !isIdent || id.Name != "string" {
		return "", "", false, false
	}
	rt := fd.Recv.List[0].Type
	if star, isStar := rt.(*ast.StarExpr); isStar {
		ptr, rt = true, star.X
	}
	id, isIdent := rt.(*ast.Ident)
	if !isIdent {
		return "", "", false, false
	}
	return id.Name, fd.Name.Name, ptr, true
}

// types returns the type registry of the session's interpreter.
func (s *Session) types() *typeRegistry {
	if reg, ok := s.regs.Load(s.interpreter()); ok {
		return reg.(*typeRegistry)
	}
	return nil
}
