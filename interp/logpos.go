package interp

import (
	"fmt"
	"go/ast"
	"io"
	"log"

	yaegi "github.com/traefik/yaegi/interp"
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
// flags, prefix and output of the interpreter's log package (which
// log.SetFlags, log.SetPrefix and log.SetOutput set). Calls through a
// *log.Logger of the cell's own, or through log.Default(), keep the
// compiled caller's position.

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

// stdLog is the interpreter's package log (yaegi's, writing to the
// session's stderr).
type stdLog struct {
	flags  func() int
	prefix func() string
	writer func() io.Writer
	output func(int, string) error
}

// stdLogOf finds the interpreter's package log.
func stdLogOf(yi *yaegi.Interpreter) stdLog {
	syms := yi.Symbols("log")["log"]
	l := stdLog{flags: log.Flags, prefix: log.Prefix, writer: log.Writer, output: log.Output}
	if f, ok := syms["Flags"].Interface().(func() int); ok {
		l.flags = f
	}
	if f, ok := syms["Prefix"].Interface().(func() string); ok {
		l.prefix = f
	}
	if f, ok := syms["Writer"].Interface().(func() io.Writer); ok {
		l.writer = f
	}
	if f, ok := syms["Output"].Interface().(func(int, string) error); ok {
		l.output = f
	}
	return l
}

// posLogger prints through the interpreter's log as from a cell's line.
type posLogger struct {
	s    *stderrFilter
	std  stdLog
	line int // interpreter line
	exit func(msg string)
}

// log prints msg as the log function kind would.
func (p posLogger) log(kind, msg string) {
	p.output(msg)
	switch kind {
	case "Fatal", "Fatalf", "Fatalln":
		p.exit(msg)
	case "Panic", "Panicf", "Panicln":
		panic(msg)
	}
}

// output writes msg as log.Output would, with the cell position for the
// file flags.
func (p posLogger) output(msg string) {
	flags := p.std.flags()
	if flags&(log.Lshortfile|log.Llongfile) == 0 {
		_ = p.std.output(4, msg)
		return
	}
	p.s.mu.Lock()
	c, l := cellOf(p.line, p.s.cell)
	p.s.mu.Unlock()
	pos := fmt.Sprintf("%s:%d: ", cellName(c), l)
	flags &^= log.Lshortfile | log.Llongfile
	prefix := p.std.prefix()
	if flags&log.Lmsgprefix != 0 {
		msg, prefix = pos+prefix+msg, ""
		flags &^= log.Lmsgprefix
	} else {
		msg = pos + msg
	}
	_ = log.New(p.std.writer(), prefix, flags).Output(4, msg)
}
