package interp

import (
	"go/ast"
	"strings"

	"github.com/spinlab/spinlab/interp/complete"
)

// yaegi reports an undefined name vaguely (yaegix.IsVagueUndefined);
// when it does, the session finds the undefined name itself and reports
// it the way the Go compiler would.

// untypedDefine explains yaegi's "definition loop" for a cell-level
// variable whose value's type it cannot work out in advance, as with an
// element of a slice field of a value a compiled function returned
// (w := run.Workers[0]). Inside a function, or with the type declared
// first, the same code works.
const untypedDefine = "the interpreter cannot work out this variable's value at the top level of a cell; " +
	"compute it in a function (w := func() runtimes.WorkerStats { return run.Workers[0] }()), " +
	"or declare it with its type first and assign it (var w runtimes.WorkerStats; w = run.Workers[0])"

// undefinedName returns the position and name of the first identifier of
// the cell that nothing defines, or "".
func (s *Session) undefinedName(code string, cell int, units []*unit) (pos, name string) {
	declared := map[string]bool{}
	for _, u := range units {
		for n := range localNames(u.File()) {
			declared[n] = true
		}
		for _, n := range u.Defines() {
			declared[n] = true
		}
		ast.Inspect(u.File(), func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				declared[n.Name.Name] = true
			case *ast.LabeledStmt:
				declared[n.Label.Name] = true
			}
			return true
		})
	}
	globals := s.globals()
	known := func(n string) bool {
		if declared[n] || s.names[n] || n == "_" || n == "main" {
			return true
		}
		if _, ok := complete.Builtin(n); ok {
			return true
		}
		if n == "display" || n == "runtimes" || strings.HasPrefix(n, "_spinlab") {
			return true
		}
		_, ok := globals[n]
		return ok
	}
	for _, u := range units {
		if u.Synthetic() {
			continue
		}
		skip := map[*ast.Ident]bool{}
		ast.Inspect(u.File(), func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				skip[n.Sel] = true
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok {
					skip[id] = true
				}
			case *ast.BranchStmt:
				if n.Label != nil {
					skip[n.Label] = true
				}
			case *ast.File:
				skip[n.Name] = true
			}
			return true
		})
		ast.Inspect(u.File(), func(n ast.Node) bool {
			if name != "" {
				return false
			}
			id, ok := n.(*ast.Ident)
			if !ok || skip[id] || known(id.Name) {
				return true
			}
			// the wrapper function of statements
			if id.Name == "_" || u.Fset().Position(id.Pos()).Offset < u.Prefix() {
				return true
			}
			name = id.Name
			pos = cellPosition(code, cell, u.Off()+u.Offset(id.Pos()))
			return false
		})
		if name != "" {
			return pos, name
		}
	}
	return "", ""
}
