package interp

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/scanner"
	"runtime"
	"strings"

	yaegi "github.com/traefik/yaegi/interp"
)

// userError converts an interpreter error into an *Error.
func (s *Session) userError(ctx context.Context, err error, cell int) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return &Error{Name: "interrupted", Message: "the cell was interrupted",
			Traceback: []string{"interrupted while running " + cellName(cell)}}
	}
	var p yaegi.Panic
	if errors.As(err, &p) {
		return panicError(p.Value, topLevelFrame(s.stderr.traceback(), s.statementAt(), cell))
	}
	current := cell
	if current == 0 {
		current = s.cellNumber()
	}
	msg := mapPositions(err.Error(), current)
	switch {
	case strings.Contains(msg, "undefined type for"):
		msg += " (the interpreter could not infer this type argument: give it explicitly, as in Sum[int](xs...) or slices.Collect[string](seq))"
	case strings.Contains(msg, "undefined selector: slices.") || strings.Contains(msg, "undefined selector: maps."):
		msg += " (spinlab's slices and maps lack this function: write the loop, or convert with sort/strings)"
	}
	return &Error{Name: "CompileError", Message: msg, Traceback: firstPositions(msg)}
}

// panicError builds the error for a recovered panic value.
func panicError(v any, tb []string) *Error {
	if e, ok := v.(exitCode); ok {
		return &Error{Name: "exit", Message: fmt.Sprintf("exit status %d", int(e)), Traceback: tb}
	}
	if e, ok := v.(fatalExit); ok {
		return &Error{Name: "exit", Message: fmt.Sprintf("log.Fatal: %s (exit status 1)", strings.TrimSpace(string(e))), Traceback: tb}
	}
	name := "panic"
	if _, ok := v.(runtime.Error); ok {
		name = "runtime error"
	}
	msg := fmt.Sprint(v)
	if e, ok := v.(error); ok {
		msg = e.Error()
		msg = strings.TrimPrefix(msg, "runtime error: ")
	}
	if _, ok := v.(string); ok || strings.HasPrefix(msg, "reflect") {
		s := msg
		// yaegi evaluates with reflect: its panics stand for Go's runtime errors.
		for _, m := range reflectPanics {
			if strings.Contains(s, m.reflect) {
				return &Error{Name: "runtime error", Message: m.runtime, Traceback: tb}
			}
		}
		if s == "nil type" {
			return &Error{Name: "CompileError", Message: untypable, Traceback: tb}
		}
	}
	return &Error{Name: name, Message: msg, Traceback: tb}
}

// untypable is yaegi's "nil type" failure, said for a user.
const untypable = "a construct yaegi v0.16.1 cannot type: range over a function iterator, range over an integer whose type the session cannot tell, or a generic type constraint with ~ or |"

// diagnoseUntypable names the construct of a cell that yaegi could not
// type: the first range loop over something the session does not know to
// be a collection, if any.
func (s *Session) diagnoseUntypable(code string, cell int, units []*unit) string {
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

// reflectPanics maps the reflect panics of interpreted code to the runtime
// errors Go would report.
var reflectPanics = []struct{ reflect, runtime string }{
	{"index out of range", "index out of range"},
	{"slice bounds out of range", "slice bounds out of range"},
	{"on zero Value", "invalid memory address or nil pointer dereference"},
	{"nil pointer", "invalid memory address or nil pointer dereference"},
	{"assignment to entry in nil map", "assignment to entry in nil map"},
}

func isCompileError(err error) bool {
	var p yaegi.Panic
	if errors.As(err, &p) {
		return false
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

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
