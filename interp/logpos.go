package interp

import (
	"fmt"
	"go/ast"
	"log"
)

// log positions. With log.Lshortfile or log.Llongfile, Go's log prints
// the file and line of its caller, found with runtime.Caller: for
// interpreted code that is a file of yaegi's ("value.go:586"). The
// rewriter turns each call of a printing function of package log into a
// call through a position logger that knows its cell and line:
//
//	log.Printf(f, x)  →  _spinlabrt.LogAt(line).Printf(f, x)
//
// and the position logger writes "cell[3]:2: " where Go writes
// "file.go:2: ", with the flags, prefix and output that log.SetFlags,
// log.SetPrefix and log.SetOutput set (the session's logger, see
// overrides). Calls through a *log.Logger of the cell's own, or through
// log.Default(), keep the compiled caller's position.

// logFuncs are the functions of package log that print.
var logFuncs = map[string]bool{
	"Print": true, "Printf": true, "Println": true,
	"Fatal": true, "Fatalf": true, "Fatalln": true,
	"Panic": true, "Panicf": true, "Panicln": true,
}

// logCall rewrites a call of a printing function of package log.
func (r *rewriter) logCall(u *unit, call *ast.CallExpr, sel *ast.SelectorExpr) {
	x, ok := sel.X.(*ast.Ident)
	if !ok || x.Name != "log" || !logFuncs[sel.Sel.Name] || u.synthetic || r.cell <= 0 {
		return
	}
	if d, ok := r.s.definition("log"); ok && (d.Kind != kindImport || importPath(d) != "log") {
		return
	}
	if r.shadowed("log") && !r.s.isImport("log") {
		return // the cell defines its own log
	}
	line, _ := u.cellLineCol(call.Pos())
	u.edit(u.offset(x.Pos()), u.offset(x.End()), fmt.Sprintf("%s.LogAt(%d)", rtName, lineOf(r.cell, line)))
}

// isImport reports whether name is an import of the session or is free
// of any definition.
func (s *Session) isImport(name string) bool {
	d, ok := s.definition(name)
	return !ok || d.Kind == kindImport
}

// posLogger prints through the session's logger as from a cell's line.
type posLogger struct {
	s    *stderrFilter
	l    *log.Logger
	line int // interpreter line
	exit func(msg string)
}

// output writes msg as log.Output would, with the cell position for the
// file flags.
func (p posLogger) output(msg string) {
	flags := p.l.Flags()
	if flags&(log.Lshortfile|log.Llongfile) == 0 {
		_ = p.l.Output(3, msg)
		return
	}
	p.s.mu.Lock()
	c, l := cellOf(p.line, p.s.cell)
	p.s.mu.Unlock()
	pos := fmt.Sprintf("%s:%d: ", cellName(c), l)
	flags &^= log.Lshortfile | log.Llongfile
	prefix := p.l.Prefix()
	if flags&log.Lmsgprefix != 0 {
		msg, prefix = pos+prefix+msg, ""
		flags &^= log.Lmsgprefix
	} else {
		msg = pos + msg
	}
	_ = log.New(p.l.Writer(), prefix, flags).Output(3, msg)
}

func (p posLogger) Print(v ...any)            { p.output(fmt.Sprint(v...)) }
func (p posLogger) Printf(f string, v ...any) { p.output(fmt.Sprintf(f, v...)) }
func (p posLogger) Println(v ...any)          { p.output(fmt.Sprintln(v...)) }

func (p posLogger) Fatal(v ...any) { p.fatal(fmt.Sprint(v...)) }
func (p posLogger) Fatalf(f string, v ...any) {
	p.fatal(fmt.Sprintf(f, v...))
}
func (p posLogger) Fatalln(v ...any) { p.fatal(fmt.Sprintln(v...)) }

func (p posLogger) fatal(msg string) {
	p.output(msg)
	p.exit(msg)
}

func (p posLogger) Panic(v ...any) { p.panic(fmt.Sprint(v...)) }
func (p posLogger) Panicf(f string, v ...any) {
	p.panic(fmt.Sprintf(f, v...))
}
func (p posLogger) Panicln(v ...any) { p.panic(fmt.Sprintln(v...)) }

func (p posLogger) panic(msg string) {
	p.output(msg)
	panic(msg)
}
