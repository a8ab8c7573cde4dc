package interp

import (
	"context"
	"fmt"
	"io"
	"log"
	"reflect"
	"strings"
	"sync"

	"github.com/spinlab/spinlab/interp/cell"
	"github.com/spinlab/spinlab/interp/internal/yaegix"
	yaegi "github.com/traefik/yaegi/interp"

	"github.com/spinlab/spinlab/display"
)

// Names the session adds to the interpreter. They start with _spinlab so
// that completion hides them. The rewritten cells of package cell call
// them.
const (
	rtPath     = cell.RuntimePath // binary support package, imported as rtName
	rtName     = cell.RuntimeName
	valuesFunc = cell.ValuesFunc
	valueFunc  = cell.ValueFunc
)

// prelude runs in every fresh interpreter.
const prelude = `
import (
	_spinlabfmt "fmt"
	_spinlabrt "spinlab.dev/rt"
	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/runtimes"
)

// _spinlabBundlers render values of interpreted types that have a Bundle
// method, newest first. yaegi v0.16.1 asserts an interpreted value to
// display.Bundler but then calls its method wrongly, so the session
// registers a function per type that asserts the concrete type instead.
var _spinlabBundlers []func(any) (display.Bundle, bool)

func _spinlabBundleOf(x any) (display.Bundle, bool) {
	for i := len(_spinlabBundlers) - 1; i >= 0; i-- {
		if b, ok := _spinlabBundlers[i](x); ok {
			return b, true
		}
	}
	return display.Bundle{}, false
}

// _spinlabValues collects the results of a cell's final expression,
// rendering inside the interpreter what compiled code cannot see: the
// Bundle, Error and String methods of interpreted types.
func _spinlabValues(v ...any) []any {
	for i, x := range v {
		if x == nil {
			continue
		}
		if b, ok := _spinlabBundleOf(x); ok {
			v[i] = _spinlabrt.Rich(b, x)
		} else if e, ok := x.(error); ok {
			v[i] = _spinlabrt.Text(e.Error(), x)
		} else if s, ok := x.(_spinlabfmt.Stringer); ok {
			v[i] = _spinlabrt.Text(s.String(), x)
		} else {
			v[i] = _spinlabrt.Value(x)
		}
	}
	return v
}

// _spinlabValue collects a final expression with exactly one result.
func _spinlabValue(v any) []any { return _spinlabValues(v) }

// _spinlabRich makes a value that displays itself visible as such to
// compiled code (display.Show, (*display.Handle).Update).
func _spinlabRich(x any) any {
	if x == nil {
		return x
	}
	if b, ok := _spinlabBundleOf(x); ok {
		return _spinlabrt.Bundled(b, x)
	}
	return x
}

// _spinlabAt is the position of the top-level statement running (stmtpos.go).
var _spinlabAt int

var _spinlabProgram runtimes.Program // keeps the runtimes import used; "_" would become a typed global in yaegi
`

// programName is os.Args[0] inside the session.
const programName = "cell"

// exitCode is the panic value of os.Exit inside the interpreter.
type exitCode int

// fatalExit is the panic value of log.Fatal* inside the interpreter.
type fatalExit string

// fatalExit ends the running cell as log.Fatal does, after it printed msg.
func (s *Session) fatalExit(msg string) {
	s.exiting.Store(true)
	panic(fatalExit(msg))
}

// richValue is a final value with the bundle it rendered inside the
// interpreter.
type richValue struct {
	B display.Bundle
	V any
}

// textValue is a final value with its text as its own String or Error
// method renders it inside the interpreter.
type textValue struct {
	S string
	V any
}

// withText completes a bundle rendered inside the interpreter with the
// text/plain form of its value when it lacks one; compiled display code
// takes a display.Bundle as it is.
func withText(b display.Bundle, v any) any {
	if b.Data == nil {
		b.Data = map[string]any{}
	}
	if _, ok := b.Data["text/plain"]; !ok {
		data := make(map[string]any, len(b.Data)+1)
		for k, x := range b.Data {
			data[k] = x
		}
		data["text/plain"] = plainText(reflect.ValueOf(v))
		b.Data = data
	}
	return b
}

// richBundle is the rich bundle of a compiled value that displays itself.
func richBundle(v any) (display.Bundle, bool) { return display.Rich(v) }

// newInterpreter builds a yaegi interpreter with the standard library, the
// bundled packages, the session's overrides, and the prelude. A lazy one
// (a cold worker's) starts with the prelude's packages only and loads
// the others as the code it is given imports them: the returned loader
// is then non-nil (tables.go).
func newInterpreter(stdout io.Writer, stderr *stderrFilter, s *Session, lazy bool) (*yaegi.Interpreter, *tableLoader, error) {
	// os.Args[0] names the program: a cell is not the evaluator binary.
	yi := yaegi.New(yaegi.Options{Stdout: stdout, Stderr: stderr, Unrestricted: true, Args: []string{programName}})
	// The interpreter's package log: one logger behind log's functions,
	// log.Default() and the position logger (LogAt), so that SetFlags,
	// SetPrefix and SetOutput reach every one of them.
	std := log.New(stderr, "", log.LstdFlags)
	reg := newTypeRegistry()
	s.regs.Store(yi, reg)
	// The session's replacements, in the order they go on top of the tables.
	session := []yaegi.Exports{
		s.signals.exports(),
		overrides(stderr, s, std),
		printSymbols(reg, stdout, std, s.fatalExit),
		{rtPath + "/rt": genericSymbols()},
	}
	var loader *tableLoader
	if lazy {
		loader = newTableLoader(yi, session...)
		if err := loader.start(prelude + polyfills); err != nil {
			return nil, nil, fmt.Errorf("load the prelude's packages: %w", err)
		}
	} else {
		if err := yi.Use(importableSymbols()); err != nil {
			return nil, nil, fmt.Errorf("load standard library and bundled symbols: %w", err)
		}
		for _, ex := range session {
			if err := yi.Use(ex); err != nil {
				return nil, nil, fmt.Errorf("load session symbols: %w", err)
			}
		}
		if err := loadGenerics(yi); err != nil {
			return nil, nil, fmt.Errorf("load slices, maps and cmp: %w", err)
		}
	}
	// EvalWithContext (rather than Eval) makes channel operations of
	// interpreted code cancellable, for good: the session stops code
	// itself (see Session.run).
	if _, err := yi.EvalWithContext(context.Background(), prelude+polyfills); err != nil {
		return nil, nil, fmt.Errorf("prelude: %w", err)
	}
	return yi, loader, nil
}

// overrides replaces the symbols that would end or escape the session:
// os.Exit panics with a sentinel that Execute reports as an "exit" error
// (log.Fatal* do so through Session.fatalExit, see printSymbols), and
// adds the support package.
func overrides(stderr *stderrFilter, s *Session, std *log.Logger) yaegi.Exports {
	exit := func(code int) {
		s.exiting.Store(true)
		panic(exitCode(code))
	}
	return yaegi.Exports{
		"os/os": {
			"Exit": reflect.ValueOf(exit),
		},
		"syscall/syscall": {
			"Exit": reflect.ValueOf(exit),
		},
		"time/time": {
			"Sleep": reflect.ValueOf(s.sleep),
		},
		rtPath + "/rt": {
			"Rich":    reflect.ValueOf(func(b display.Bundle, v any) any { return richValue{b, v} }),
			"Bundled": reflect.ValueOf(withText),
			"Text":    reflect.ValueOf(func(s string, v any) any { return textValue{s, v} }),
			"Value":   reflect.ValueOf(func(v any) any { return v }),
			"Clear":   reflect.ValueOf(clearValue),
			"Less":    reflect.ValueOf(less),
			"GoPanic": reflect.ValueOf(stderr.goPanic),
			"Cell":    reflect.ValueOf(stderr.runningCell),
			"Sync":    reflect.ValueOf(s.syncFrame),
			"LogAt": reflect.ValueOf(func(line int, kind, msg string) {
				posLogger{s: stderr, std: std, line: line, exit: s.fatalExit}.log(kind, msg)
			}),
			"Exiting":        reflect.ValueOf(s.exiting.Load),
			"AssertionError": reflect.ValueOf(newAssertionError),
			"Deferred":       reflect.ValueOf(s.deferred),
			"Close":          reflect.ValueOf(closeChan),
		},
	}
}

// stderrFilter is the interpreter's stderr. yaegi prints a line
// "pos: panic: func(...)" for every frame a panic unwinds; the filter keeps
// those lines as the traceback of the running cell instead of printing
// them, so that an error reaches the user exactly once, as the cell's
// error. Everything else passes through.
type stderrFilter struct {
	w io.Writer

	mu      sync.Mutex
	cell    int      // the running cell, 0 when none
	running bool     // a cell is running
	tb      []string // panic lines seen while the cell runs
	gp      *Error   // first panic of a goroutine the running cell started
}

func newStderrFilter(w io.Writer) *stderrFilter { return &stderrFilter{w: w} }

func (f *stderrFilter) Write(p []byte) (int, error) {
	if yaegix.IsPanicLine(p) {
		f.mu.Lock()
		if len(f.tb) < 100 {
			line := mapPositions(strings.TrimSuffix(string(p), "\n"), f.cell)
			line = strings.Replace(line, ": panic: ", ": ", 1)
			line = strings.TrimSuffix(line, "(...)")
			line = strings.Replace(line, "main."+mainName, "main.main", 1)
			f.tb = append(f.tb, line)
		}
		f.mu.Unlock()
		return len(p), nil
	}
	return f.w.Write(p)
}

func (f *stderrFilter) begin(cell int) {
	f.mu.Lock()
	f.cell, f.running, f.tb, f.gp = cell, true, nil, nil
	f.mu.Unlock()
}

func (f *stderrFilter) end() {
	f.mu.Lock()
	f.running = false // f.cell stays: it decodes positions of goroutines' panics
	f.mu.Unlock()
}

func (f *stderrFilter) traceback() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cellFrames(f.tb)
}

// cellFrames keeps the frames in cells, dropping the session's own
// (prelude) frames, unless there are no others.
func cellFrames(tb []string) []string {
	var out []string
	for _, l := range tb {
		if strings.HasPrefix(l, "cell[") {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = append(out, tb...)
	}
	return out
}

// runningCell returns the number of the running cell, or 0.
func (f *stderrFilter) runningCell() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.running {
		return 0
	}
	return f.cell
}

// goroutinePanic returns (once) the panic of a goroutine that the running
// cell started, if one happened.
func (f *stderrFilter) goroutinePanic() *Error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.gp
	f.gp = nil
	return e
}

// goPanic is called by the guard that the rewriter puts in every go
// statement. A panic is the error of the cell that started the goroutine
// if that cell still runs; otherwise it is printed on stderr.
func (f *stderrFilter) goPanic(cell int, v any, line, col int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := panicError(v, goFrames(f.tb, f.cell, line, col))
	e.Message = "in a goroutine: " + e.Message
	if f.running && f.cell == cell {
		if f.gp == nil {
			f.gp = e
		}
		return
	}
	by := "a goroutine started by " + cellName(cell)
	if cell == 0 {
		by = "a goroutine started after its cell ended"
	}
	fmt.Fprintf(f.w, "%s in %s: %s\n", e.Name, by, strings.TrimPrefix(e.Message, "in a goroutine: "))
}
