package cell

import (
	"fmt"
	"go/ast"
)

// log positions. With log.Lshortfile or log.Llongfile, Go's log prints
// the file and line of its caller, found with runtime.Caller: for
// interpreted code that is a file of yaegi's ("value.go:586"). The
// rewriter turns each call of a printing function of package log into a
// call that knows its cell and line, the message formatted by fmt inside
// the interpreter (where interpreted String methods are seen):
//
//	log.Printf(f, x)  →  _spinlabrt.LogAt(line, "Printf", _spinlabfmt.Sprintf(f, x))
//
// and LogAt writes "cell[3]:2: " where Go writes "file.go:2: ", with the
// flags, prefix and output of the interpreter's log package: the one
// logger of printSymbols, which log.SetFlags, log.SetPrefix,
// log.SetOutput and log.Default() reach. Calls through a *log.Logger of
// the cell's own, or through log.Default(), keep the compiled caller's
// position.

// logFuncs maps the printing functions of package log to the fmt
// function that formats their message.
var logFuncs = map[string]string{
	"Print": "Sprint", "Printf": "Sprintf", "Println": "Sprintln",
	"Fatal": "Sprint", "Fatalf": "Sprintf", "Fatalln": "Sprintln",
	"Panic": "Sprint", "Panicf": "Sprintf", "Panicln": "Sprintln",
}

// logCall rewrites a call of a printing function of package log.
func (r *rewriter) logCall(u *unit, call *ast.CallExpr, sel *ast.SelectorExpr) {
	x, ok := sel.X.(*ast.Ident)
	format := logFuncs[sel.Sel.Name]
	if !ok || x.Name != "log" || format == "" || u.synthetic || r.cell <= 0 {
		return
	}
	if d, ok := r.s.definition("log"); ok && (d.Kind != kindImport || importPath(d) != "log") {
		return // the session's log is not package log
	}
	line, _ := u.cellLineCol(call.Pos())
	head := fmt.Sprintf("%s.LogAt(%d, %q, _spinlabfmt.%s", rtName, lineOf(r.cell, line), sel.Sel.Name, format)
	u.edit(u.offset(sel.Pos()), u.offset(sel.End()), head)
	end := u.offset(call.End())
	u.edit(end, end, ")")
}
