// Package yaegix is everything spinlab assumes about the internals of
// yaegi v0.16.1, the interpreter behind a session: an unexported method
// reached with go:linkname (Stop, FixStdlib), a struct layout read with unsafe
// (Unwrap), and the formats of the messages yaegi writes, which the
// session parses (PositionRE, IsPanicLine, IsVagueUndefined).
//
// None of this is yaegi's API. Each assumption has a test in this package
// that exercises it against the real interpreter, so that an upgrade of
// yaegi that changes one fails one named test here, instead of breaking
// the build somewhere in interp or, worse, silently ending the
// unwrapping, the stopping or the mapping of positions.
package yaegix

import (
	"reflect"
	"regexp"
	"unsafe"

	yaegi "github.com/traefik/yaegi/interp"
)

// Stop stops every running interpreted goroutine of an interpreter: loops
// end at their next iteration and channel operations return. yaegi does
// this only when the context of an EvalWithContext is done, and then
// abandons the evaluation while it still unwinds; the session needs to
// stop it and then wait for it, so it reaches the method itself
// (TestStopEndsALoop). Stop closes a channel that EvalWithContext makes:
// the interpreter must have run an EvalWithContext since its last Stop
// (the session's prelude, and its settling after a stop, do).
//
//go:linkname Stop github.com/traefik/yaegi/interp.(*Interpreter).stop
func Stop(*yaegi.Interpreter)

// FixStdlib gives an interpreter's fmt, flag, log, os and math/bits, as
// far as their tables are loaded, the interpreter's own streams and
// arguments, as Interpreter.Use does when the exports it loads hold the
// key "fmt/fmt" (the standard library's). Use then also compiles yaegi's
// own sources of cmp, maps and slices; an interpreter that loads its
// tables one at a time, under keys that Use does not recognise, calls
// FixStdlib after it loaded any of those five
// (TestFixStdlibRedirectsStreams).
//
//go:linkname FixStdlib github.com/traefik/yaegi/interp.fixStdlib
func FixStdlib(*yaegi.Interpreter)

// Unwrap returns the value inside yaegi's wrapper of an interpreted value:
// yaegi keeps a value of an interpreted type that has methods, held in an
// interface, as an unexported struct valueInterface{node *node; value
// reflect.Value}, and such values reach compiled code unconverted when
// they pass through []any (TestUnwrapValueInterface). Any other value is
// returned as it is.
func Unwrap(v reflect.Value) reflect.Value {
	for i := 0; i < 8 && v.IsValid(); i++ {
		if v.Kind() == reflect.Interface {
			if v.IsNil() {
				return v
			}
			v = v.Elem()
		}
		t := v.Type()
		if !IsValueInterface(t) {
			return v
		}
		c := reflect.New(t).Elem()
		c.Set(v)
		f := c.Field(1)
		v = *(*reflect.Value)(unsafe.Pointer(f.UnsafeAddr()))
	}
	return v
}

// IsValueInterface reports yaegi's valueInterface type, its form of a
// value of an interpreted interface type (an element of a []Shape), which
// Unwrap opens.
func IsValueInterface(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.Name() == "valueInterface" && t.PkgPath() == "github.com/traefik/yaegi/interp" &&
		t.NumField() == 2 && t.Field(1).Type == reflect.TypeOf(reflect.Value{})
}

// PositionRE matches a position in yaegi's messages, "_.go:LINE:COL" or
// "LINE:COL" (the source of an Eval is the file "_.go"); its groups are
// the line and the column (TestPositionsInCompileErrors).
var PositionRE = regexp.MustCompile(`(?:_\.go:)?(\d+):(\d+)`)

// panicLineRE is the line yaegi writes to its stderr for each interpreted
// frame a panic unwinds: "_.go:4:2: panic: main.f(...)".
var panicLineRE = regexp.MustCompile(`^(?:_\.go:)?\d+:\d+: panic: .*\(\.\.\.\)\n$`)

// IsPanicLine reports whether p, one write to an interpreter's stderr, is
// a line of the trace yaegi prints while a panic unwinds interpreted
// frames (TestPanicLines).
func IsPanicLine(p []byte) bool { return panicLineRE.Match(p) }

// vagueUndefinedRE matches the messages yaegi gives for a name that is not
// defined, in places where Go says "undefined: x": "constant definition
// loop" (a short variable declaration), "CFG post-order panic:
// incomplete type x" and the like.
var vagueUndefinedRE = regexp.MustCompile(`(constant|variable) definition loop|incomplete type|CFG post-order panic`)

// IsVagueUndefined reports whether a compile error's message is one of
// the ways yaegi reports an undefined name without saying so
// (TestVagueUndefined); the session then finds the name itself.
func IsVagueUndefined(msg string) bool { return vagueUndefinedRE.MatchString(msg) }

// nilTypeLogRE is the line yaegi writes through the standard library's
// default logger (log.Panic("nil type")) when it cannot work out a type;
// it then panics, and Eval returns the panic.
var nilTypeLogRE = regexp.MustCompile(`^(?:\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)? )?nil type\n$`)

// IsNilTypeLog reports whether p, one write of the default logger, is
// yaegi's "nil type" line (TestNilTypeLog).
func IsNilTypeLog(p []byte) bool { return nilTypeLogRE.Match(p) }
