package cell

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"strings"
)

// A cell may be a whole program: a package clause, imports, declarations
// and func main, as a user pastes it from a file. The session drops the
// clause (blanking it, so that positions stay the cell's own), keeps the
// declarations, and for package main runs main once, as go run does.
//
// main itself is an ordinary function in a session: yaegi v0.16.1 runs a
// package main's main after every evaluation that finds it defined, which
// made every later cell run it again. The rewriter renames the identifier
// main to mainName wherever it names something (not a selected name, a
// field or a key), so the interpreter never sees a main; a cell that calls
// main() calls it by its new name, and definitions keep the user's name.

// mainName is what the session calls main inside the interpreter.
const mainName = "_spinlabMain"

// packageClause finds a package clause at the start of a cell (after
// comments). It returns the cell with the clause replaced by spaces, the
// package name, and whether there was one.
func packageClause(code string) (string, string, bool) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var s scanner.Scanner
	s.Init(file, []byte(code), nil, 0)
	pos, tok, _ := s.Scan()
	if tok != token.PACKAGE {
		return code, "", false
	}
	start := file.Offset(pos)
	pos, tok, lit := s.Scan()
	if tok != token.IDENT {
		return code, "", false
	}
	end := file.Offset(pos) + len(lit)
	blank := strings.Repeat(" ", end-start)
	return code[:start] + blank + code[end:], lit, true
}

// declaresMain reports whether the units declare a func main.
func declaresMain(units []*unit) bool {
	for _, u := range units {
		if u.kind != kindFunc || u.file == nil {
			continue
		}
		for _, d := range u.file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
				return true
			}
		}
	}
	return false
}

// mainCall is the statement that runs a whole program's main.
func mainCall() (*unit, error) {
	u, err := parseUnit(item{kind: kindStmt, src: mainName + "()", synthetic: true, off: -1})
	if err != nil {
		return nil, err
	}
	u.out = u.src
	return u, nil
}

// renameMain renames the identifier main where it names a function or a
// variable (see mainName). Renaming every such use consistently keeps
// the meaning of code that declares a local main too.
func renameMain(u *unit) {
	if u.file == nil || !strings.Contains(u.src, "main") {
		return
	}
	skip := nonVariableIdents(u.file)
	skip[u.file.Name] = true // the wrapping package clause
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ImportSpec:
			return false
		case *ast.Ident:
			if n.Name == "main" && !skip[n] {
				u.edit(u.offset(n.Pos()), u.offset(n.End()), mainName)
			}
		}
		return true
	})
}
