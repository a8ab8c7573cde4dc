package cell

import (
	"errors"
	"fmt"
	"go/ast"
	"go/scanner"
	"strings"
)

// Error is a cell that cannot be prepared: it does not parse, or it has
// a statement that the session cannot run at its top level. Message
// says why at the cell's positions ("cell[3]:2:5: ..."), one error a
// line.
type Error struct {
	// Name is the kind of error, as the session reports it:
	// "CompileError".
	Name    string
	Message string
}

func (e *Error) Error() string { return e.Name + ": " + e.Message }

func parseErrorMessage(u *unit, code string, cell int, err error) string {
	return strings.Join(parseErrorLines(u, code, cell, err), "\n")
}

// maxErrors is how many errors the go command's compiler reports before
// it stops with "too many errors".
const maxErrors = 10

// parseErrorLines are the errors of a parse of an item, one a line, with
// cell positions.
func parseErrorLines(u *unit, code string, cell int, err error) []string {
	var list scanner.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		return []string{err.Error()}
	}
	var lines []string
	for _, e := range list {
		lines = append(lines, u.cellPos(code, cell, e.Pos)+": "+e.Msg)
	}
	return lines
}

// limitErrors keeps the first maxErrors lines and says "too many errors"
// after them, as the go command does.
func limitErrors(lines []string) []string {
	if len(lines) > maxErrors {
		return append(lines[:maxErrors:maxErrors], "too many errors")
	}
	return lines
}

// unsupportedTopLevel rejects statements that yaegi v0.16.1 mishandles at
// the top level of a cell: defer (its calls run again in later cells) and
// return (it crashes the compiler).
func unsupportedTopLevel(code string, cell int, units []*unit) error {
	for _, u := range units {
		if u.isDecl() {
			continue
		}
		var bad ast.Node
		var what string
		for _, st := range u.stmts {
			ast.Inspect(st, func(n ast.Node) bool {
				if bad != nil {
					return false
				}
				switch n := n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.DeferStmt:
					bad, what = n, "defer at the top level of a cell is not supported: put it inside a function"
				case *ast.ReturnStmt:
					bad, what = n, "return at the top level of a cell is not supported: put it inside a function"
				}
				return true
			})
		}
		if bad != nil {
			return &Error{Name: "CompileError", Message: cellPosition(code, cell, u.off+u.offset(bad.Pos())) + ": " + what}
		}
	}
	return nil
}

// untypable is yaegi's "nil type" failure, said for a user.
const untypable = "a construct yaegi v0.16.1 cannot type: range over a function iterator, range over an integer whose type the session cannot tell, a generic type constraint with ~ or |, or a var of two names set by one type assertion (write v, ok := x.(T))"

// diagnoseUntypable names the construct of a cell that yaegi could not
// type: the first range loop over something the session does not know to
// be a collection, if any.
func diagnoseUntypable(s Scope, code string, cell int, units []*unit) string {
	r := newRewriter(s, units, cell, map[string]bool{})
	for _, u := range units {
		var found *ast.RangeStmt
		ast.Inspect(u.file, func(n ast.Node) bool {
			if found != nil {
				return false
			}
			if rs, ok := n.(*ast.RangeStmt); ok {
				switch x := rs.X.(type) {
				case *ast.CompositeLit:
				case *ast.CallExpr:
					if id, ok := x.Fun.(*ast.Ident); !ok || (id.Name != "make" && !r.isInt(x)) {
						found = rs
					}
				default:
					if !r.isInt(x) {
						found = rs
					}
				}
			}
			return true
		})
		if found != nil {
			pos := cellPosition(code, cell, u.off+u.offset(found.Pos()))
			return fmt.Sprintf("%s: range over %s: the session cannot tell its type: a function value (an iterator) is ranged over when its type is evident (declare it with its type: var seq iter.Seq[int] = ...; a loop body with return, goto or labels is not supported: use a flag and break), an integer likewise (write for i := 0; i < n; i++, or declare n with its type)", pos, u.outText(found.X))
		}
	}
	return cellName(cell) + ": " + untypable
}
