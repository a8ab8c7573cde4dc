package interp

import (
	"fmt"
	"log"
	"reflect"
	"strconv"
	"strings"

	"github.com/spinlab/spinlab/interp/internal/yaegix"
)

// The runtime side of the cell front end's rewrites (package cell): the
// functions that rewritten code calls through spinlab.dev/rt, and the
// decoding of the positions that the rewrites record.

// assertionError is the panic of a failed assertion to an interface the
// session declares, with the text of Go's runtime.TypeAssertionError.
type assertionError struct{ msg string }

func (e *assertionError) Error() string { return e.msg }

// RuntimeError makes it a runtime.Error, as Go's is.
func (e *assertionError) RuntimeError() {}

// newAssertionError says why x, of the type named typ, is not the
// interface iface with the given methods (sorted): Go names the first
// method missing; for a compiled x the session can tell which, for an
// interpreted one it names the first.
func newAssertionError(x any, typ, iface string, methods ...string) error {
	if x == nil {
		return &assertionError{"interface conversion: interface is nil, not " + iface}
	}
	missing := ""
	rt := reflect.TypeOf(x)
	for _, m := range methods {
		if _, ok := rt.MethodByName(m); !ok {
			missing = m
			break
		}
	}
	if missing == "" && len(methods) > 0 {
		missing = methods[0]
	}
	msg := "interface conversion: " + typ + " is not " + iface
	if missing != "" {
		msg += ": missing method " + missing
	}
	return &assertionError{msg}
}

// closeChan closes a channel: close as a value for deferred.
func closeChan(ch any) { reflect.ValueOf(ch).Close() }

// deferred calls f with args, unless the session is exiting: the
// deferred form of close (see skipDefersOnExit).
func (s *Session) deferred(f any, args ...any) {
	if !s.exiting.Load() {
		callDeferred(f, args)
	}
}

// callDeferred calls f with args as the interpreted call would: an
// argument goes to its parameter's type (an untyped constant argument
// arrives with its default type: 1 for a float64 parameter), nil to the
// parameter's zero value.
func callDeferred(f any, args []any) {
	fv := reflect.ValueOf(f)
	ft := fv.Type()
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		var pt reflect.Type
		switch {
		case ft.IsVariadic() && i >= ft.NumIn()-1:
			pt = ft.In(ft.NumIn() - 1).Elem()
		case i < ft.NumIn():
			pt = ft.In(i)
		}
		v := reflect.ValueOf(a)
		switch {
		case pt == nil:
		case !v.IsValid():
			v = reflect.Zero(pt)
		case v.Type().AssignableTo(pt):
		case v.Type().ConvertibleTo(pt):
			v = v.Convert(pt)
		}
		in[i] = v
	}
	fv.Call(in)
}

// statementAt reads atVar, and clears it for the next cell.
func (s *Session) statementAt() int {
	v, ok := s.globals()[atVar]
	if !ok || !v.IsValid() || !v.CanInt() {
		return 0
	}
	at := int(v.Int())
	if v.CanSet() {
		v.SetInt(0)
	}
	return at
}

// goFrames is the traceback of a goroutine's panic: the frames yaegi
// reported (none for a panic in the goroutine's own function, which the
// guard recovers before yaegi sees it unwind), then the go statement that
// started it, at interpreter line line (0: unknown).
func goFrames(tb []string, current, line, col int) []string {
	out := cellFrames(tb)
	if line > 0 {
		c, l := cellOf(line, current)
		out = append(out, fmt.Sprintf("%s:%d:%d: go statement", cellName(c), l, col))
	}
	return out
}

// mapPositions rewrites interpreter positions "line:col" into cell
// positions "cell[n]:line:col".
func mapPositions(msg string, current int) string {
	return yaegix.PositionRE.ReplaceAllStringFunc(msg, func(m string) string {
		sub := yaegix.PositionRE.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[1])
		if line < lineBase {
			return strings.TrimPrefix(m, "_.go:")
		}
		c, l := cellOf(line, current)
		return fmt.Sprintf("%s:%d:%s", cellName(c), l, sub[2])
	})
}

// posLogger prints through the interpreter's log as from a cell's line.
type posLogger struct {
	s    *stderrFilter
	std  *log.Logger // the interpreter's package log (printSymbols)
	line int         // interpreter line
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
	flags := p.std.Flags()
	if flags&(log.Lshortfile|log.Llongfile) == 0 {
		_ = p.std.Output(4, msg)
		return
	}
	p.s.mu.Lock()
	c, l := cellOf(p.line, p.s.cell)
	p.s.mu.Unlock()
	pos := fmt.Sprintf("%s:%d: ", cellName(c), l)
	flags &^= log.Lshortfile | log.Llongfile
	prefix := p.std.Prefix()
	if flags&log.Lmsgprefix != 0 {
		msg, prefix = pos+prefix+msg, ""
		flags &^= log.Lmsgprefix
	} else {
		msg = pos + msg
	}
	_ = log.New(p.std.Writer(), prefix, flags).Output(4, msg)
}
