package interp

import (
	"fmt"
	"io"
	"log"
	"reflect"

	yaegi "github.com/traefik/yaegi/interp"
)

// printSymbols replaces fmt's and log's printing functions in an
// interpreter's symbol table with ones that hand interpreted values to the
// registry's formatter (see format.go). fmt.Print* write to the session's
// stdout, as yaegi's own versions do; log writes through one logger of the
// interpreter, l (the session's stderr by default), which SetOutput,
// SetFlags and SetPrefix configure and log.Default returns; the position
// logger of logpos.go writes through it too. log.Fatal* print and then
// call exit, which ends the cell with an "exit" error.
//
// Every function is also entered in yaegi's MapTypes with fmt's
// interfaces, so that yaegi still hands an interpreted value with a
// Format, Error or String method over in a wrapper that calls it.
func printSymbols(reg *typeRegistry, stdout io.Writer, l *log.Logger, exit func(msg string)) yaegi.Exports {
	output := func(s string) { _ = l.Output(3, s) }
	fatal := func(s string) {
		output(s)
		exit(s)
	}
	fmtSyms := map[string]any{
		"Print":   func(a ...any) (int, error) { return fmt.Fprint(stdout, reg.args(a)...) },
		"Println": func(a ...any) (int, error) { return fmt.Fprintln(stdout, reg.args(a)...) },
		"Printf": func(f string, a ...any) (int, error) {
			f, a = reg.formatArgs(f, a)
			return fmt.Fprintf(stdout, f, a...)
		},
		"Fprint":   func(w io.Writer, a ...any) (int, error) { return fmt.Fprint(w, reg.args(a)...) },
		"Fprintln": func(w io.Writer, a ...any) (int, error) { return fmt.Fprintln(w, reg.args(a)...) },
		"Fprintf": func(w io.Writer, f string, a ...any) (int, error) {
			f, a = reg.formatArgs(f, a)
			return fmt.Fprintf(w, f, a...)
		},
		"Sprint":   func(a ...any) string { return fmt.Sprint(reg.args(a)...) },
		"Sprintln": func(a ...any) string { return fmt.Sprintln(reg.args(a)...) },
		"Sprintf": func(f string, a ...any) string {
			f, a = reg.formatArgs(f, a)
			return fmt.Sprintf(f, a...)
		},
		"Errorf": func(f string, a ...any) error {
			f, a = reg.formatArgs(f, a)
			return fmt.Errorf(f, a...)
		},
		"Append":   func(b []byte, a ...any) []byte { return fmt.Append(b, reg.args(a)...) },
		"Appendln": func(b []byte, a ...any) []byte { return fmt.Appendln(b, reg.args(a)...) },
		"Appendf": func(b []byte, f string, a ...any) []byte {
			f, a = reg.formatArgs(f, a)
			return fmt.Appendf(b, f, a...)
		},
	}
	logSyms := map[string]any{
		"Print":   func(a ...any) { output(fmt.Sprint(reg.args(a)...)) },
		"Println": func(a ...any) { output(fmt.Sprintln(reg.args(a)...)) },
		"Printf": func(f string, a ...any) {
			f, a = reg.formatArgs(f, a)
			output(fmt.Sprintf(f, a...))
		},
		"Panic": func(a ...any) {
			s := fmt.Sprint(reg.args(a)...)
			output(s)
			panic(s)
		},
		"Panicln": func(a ...any) {
			s := fmt.Sprintln(reg.args(a)...)
			output(s)
			panic(s)
		},
		"Panicf": func(f string, a ...any) {
			f, a = reg.formatArgs(f, a)
			s := fmt.Sprintf(f, a...)
			output(s)
			panic(s)
		},
		"Fatal":   func(a ...any) { fatal(fmt.Sprint(reg.args(a)...)) },
		"Fatalln": func(a ...any) { fatal(fmt.Sprintln(reg.args(a)...)) },
		"Fatalf": func(f string, a ...any) {
			f, a = reg.formatArgs(f, a)
			fatal(fmt.Sprintf(f, a...))
		},
	}
	iface := func(p any) reflect.Type { return reflect.TypeOf(p).Elem() }
	// In fmt's order of precedence: Format, then Error, then String. With
	// error in the list, an interpreted error reaches fmt.Errorf's %w as
	// an error (it arrived as a bare struct, and %w wrapped nothing).
	printing := []reflect.Type{iface((*fmt.Formatter)(nil)), iface((*error)(nil)), iface((*fmt.Stringer)(nil))}
	mapTypes := map[reflect.Value][]reflect.Type{}
	fmtTable := map[string]reflect.Value{}
	for name, f := range fmtSyms {
		v := reflect.ValueOf(f)
		fmtTable[name] = v
		mapTypes[v] = printing
	}
	logTable := map[string]reflect.Value{
		"Default":   reflect.ValueOf(func() *log.Logger { return l }),
		"Flags":     reflect.ValueOf(l.Flags),
		"Output":    reflect.ValueOf(l.Output),
		"Prefix":    reflect.ValueOf(l.Prefix),
		"SetFlags":  reflect.ValueOf(l.SetFlags),
		"SetOutput": reflect.ValueOf(l.SetOutput),
		"SetPrefix": reflect.ValueOf(l.SetPrefix),
		"Writer":    reflect.ValueOf(l.Writer),
	}
	for name, f := range logSyms {
		v := reflect.ValueOf(f)
		logTable[name] = v
		mapTypes[v] = printing
	}
	// Not in MapTypes: Declared receives the bare value, whose methods
	// the formatter finds from its declared type (a String method with a
	// pointer receiver is not one of a value's, as in Go).
	declaredV := reflect.ValueOf(Declared)
	return yaegi.Exports{
		// Not "fmt/fmt": yaegi's Use treats a table under that key as the
		// standard library's and loads it all again. Use cleans the path
		// of the key, so this one names fmt too.
		"fmt/./fmt": fmtTable,
		"log/log":   logTable,
		".":         {"MapTypes": reflect.ValueOf(mapTypes)},
		rtPath + "/rt": {
			"DefType":   reflect.ValueOf(reg.defType),
			"DefMethod": reflect.ValueOf(func(typ, method string, ptr bool, f func(any) string) { reg.defMethod(typ, method, ptr, f) }),
			"Value":     reflect.ValueOf(reg.arg),
			"Declared":  declaredV,
		},
	}
}
