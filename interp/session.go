package interp

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spinlab/spinlab/interp/cell"
	yaegi "github.com/traefik/yaegi/interp"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/runtimes"
)

// Options configure a Session.
type Options struct {
	// Stdout and Stderr receive what interpreted code prints with fmt.Print*
	// and log, and yaegi's own reports. They default to os.Stdout and
	// os.Stderr. Code that writes to os.Stdout or file descriptors directly
	// bypasses them (the evaluator process makes fds 1 and 2 pipes).
	Stdout, Stderr io.Writer
}

// Result is what a cell produced besides its output streams.
type Result struct {
	// Value is the execute_result bundle of the cell's final expression,
	// or nil if the cell has no value.
	Value *display.Bundle
	// Definitions are what the cell defined, in order, for replay after a
	// crash of the evaluator process.
	Definitions []Definition
	// Reset reports that the cell was %reset: earlier definitions are gone.
	Reset bool
}

// Definition is one package-level definition made by a cell.
type Definition = cell.Definition

// MergeDefinitions appends add to defs: a definition replaces an earlier
// one of the same name (an import without a name, one of the same path),
// and moves to the end, since it may use what was defined in between.
// The result is what a new session must replay, in order.
func MergeDefinitions(defs, add []Definition) []Definition {
	for _, d := range add {
		k := definitionKey(d)
		defs = slices.DeleteFunc(defs, func(o Definition) bool { return definitionKey(o) == k })
		defs = append(defs, d)
	}
	return defs
}

// definitionKey is what makes two definitions the same one.
func definitionKey(d Definition) string {
	if d.Kind == "import" && (d.Name == "" || d.Name == "_" || d.Name == ".") {
		return "import " + d.Source
	}
	return d.Name
}

// Error is a user-facing error: a compile error, a panic, a runtime error,
// an exit, an interrupt.
type Error struct {
	// Name is "CompileError", "panic", "runtime error", "exit",
	// "interrupted" or "MagicError".
	Name string
	// Message says what happened.
	Message string
	// Traceback lists the positions involved, innermost first, with the
	// cell's own line numbers ("cell[3]:2:5: main.f").
	Traceback []string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Name
	}
	return e.Name + ": " + e.Message
}

// Session is one interpreter session: the definitions and variables of a
// notebook. Methods are safe for concurrent use; cells run one at a time.
//
// Locks, in the order they may be taken: cellMu, then any one of defsMu,
// frameMu, stopMu and docs' lock. Those four are leaves: none is held while
// another lock is taken, so Inspect, Complete, Interrupt and an
// experiment's Export, which run while a cell holds cellMu, never wait for
// the cell.
type Session struct {
	stdout io.Writer
	stderr *stderrFilter

	// cellMu serialises cells, magics, Expression and Restore, and guards
	// refs and origin.
	cellMu sync.Mutex

	// refs and origin serve late binding (latebind.go).
	refs   map[string]defRefs // by "kind name": the names a definition uses
	origin map[string]string  // by "kind name": the //line directive of its cell

	// defsMu guards the interpreter and what was defined in it, the fields
	// below, for readers that run while a cell holds cellMu (Inspect,
	// Complete; Export and Compile, called by an experiment the cell
	// runs). Writers hold cellMu too.
	defsMu sync.Mutex
	yi     *yaegi.Interpreter
	tables *tableLoader // yi's loader if yi is lazy (tables.go), or nil
	cells  int          // number of cells executed (the next cell is cells+1)
	defs   []Definition // current definitions, oldest first; a redefinition replaces
	names  map[string]bool
	// goSrc maps a definition's Source (rewritten for the interpreter)
	// to its text as written and its place in its cell, for the compiled
	// runner (see ExportGo).
	goSrc map[string]goSource
	// varChecks are the session variables' declarations for type checks
	// of failed cells (typecheck.go), by name.
	varChecks map[string]varCheck

	// frameMu orders the interpreter's frame set-up by an evaluation
	// before the session's reads of global variables: every statement
	// group starts with a call to syncFrame (see groupSource), so that an
	// evaluation that was interrupted and never unwound (blocked in
	// compiled code) has published its frame. It guards no field.
	frameMu sync.Mutex

	// stopMu guards the three fields below, the state of interrupts
	// (stop.go).
	stopMu    sync.Mutex
	stopped   map[*yaegi.Interpreter]bool // stopped since their last evaluation
	abandoned <-chan struct{}             // closed when an interrupted evaluation has unwound
	wake      chan struct{}               // closed by stop: wakes interpreted time.Sleep calls

	// cellCtx is the context of the cell running now (nil between
	// cells), for runtimes.CellContexter.
	cellCtx atomic.Pointer[context.Context]

	// lab runs the session's snippets: the magics call its methods, and
	// the evaluator process makes it runtimes' Default lab, so that cells
	// calling runtimes.Processes reach the same children.
	lab *runtimes.Lab

	// exiting is set by os.Exit and log.Fatal until the next cell: deferred
	// calls of interpreted code are skipped (see exit.go).
	exiting atomic.Bool

	// signals are the running cell's registrations for os.Interrupt (signal.go).
	signals sigSet

	regs sync.Map    // *yaegi.Interpreter → its *typeRegistry (format.go)
	docs docComments // doc comments of definitions, for Inspect

	// lazy makes the session's interpreters load symbol tables as code
	// imports them (tables.go); set when the session is made.
	lazy bool

	tc     *typeChecker  // made on first use by a failed cell; guarded by cellMu (typecheck.go)
	tcWait time.Duration // how long a failed cell waits for its type check (0: the default)
	tcKeep time.Duration // how long a type checker keeps its packages (0: typeCheckKeep)
}

// New starts a session with display and runtimes imported.
func New(opts Options) (*Session, error) { return newSession(opts, false) }

// newSession starts a session; a lazy one loads the symbol tables of the
// packages its code imports, when it imports them (tables.go).
func newSession(opts Options, lazy bool) (*Session, error) {
	dropNilTypeLines()
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	s := &Session{stdout: opts.Stdout, stderr: newStderrFilter(opts.Stderr), lazy: lazy}
	s.lab = runtimes.NewLab(s)
	if err := s.reset(); err != nil {
		return nil, err
	}
	return s, nil
}

// reset replaces the interpreter with a fresh one. Callers hold s.cellMu (or
// own s exclusively).
func (s *Session) reset() error {
	yi, tables, err := newInterpreter(s.stdout, s.stderr, s, s.lazy)
	if err != nil {
		return err
	}
	s.defsMu.Lock()
	s.yi, s.tables = yi, tables
	s.defs = nil
	s.names = map[string]bool{}
	s.defsMu.Unlock()
	return nil
}

// snapshot returns copies of the definitions and defined names.
func (s *Session) snapshot() ([]Definition, map[string]bool) {
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	names := make(map[string]bool, len(s.names))
	for k, v := range s.names {
		names[k] = v
	}
	return append([]Definition(nil), s.defs...), names
}

// cellNumber returns the number of the running (or last) cell.
func (s *Session) cellNumber() int {
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	return s.cells
}

// interpreter returns the current interpreter.
func (s *Session) interpreter() *yaegi.Interpreter {
	yi, _ := s.current()
	return yi
}

// current returns the current interpreter and its loader (nil unless
// the session is lazy).
func (s *Session) current() (*yaegi.Interpreter, *tableLoader) {
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	return s.yi, s.tables
}

// Execute runs a cell. User-facing failures are returned as *Error; the
// session keeps its state.
func (s *Session) Execute(ctx context.Context, code string) (*Result, error) {
	return s.ExecuteCell(ctx, code, 0)
}

// ExecuteCell runs a cell as number n, the execution count the front end
// shows for it (In [n]), which positions name: "cell[n]:2:5". With n <= 0
// the cell gets the number after the last one, as with Execute.
func (s *Session) ExecuteCell(ctx context.Context, code string, n int) (*Result, error) {
	s.cellMu.Lock()
	defer s.cellMu.Unlock()
	// Runs the cell starts follow an interrupt of the cell, but not the
	// end of ctx after the cell returned: a run that a goroutine of the
	// cell started in the background goes on (until %reset or shutdown).
	runCtx, cancelRuns := context.WithCancel(context.Background())
	detach := context.AfterFunc(ctx, cancelRuns)
	defer detach()
	s.cellCtx.Store(&runCtx)
	defer s.cellCtx.Store(nil)
	s.exiting.Store(false)
	s.signals.clear()
	defer s.signals.clear()
	s.defsMu.Lock()
	if n > 0 {
		s.cells = n
	} else {
		s.cells++
	}
	s.defsMu.Unlock()
	if m, ok, err := parseMagic(code); err != nil {
		return &Result{}, &Error{Name: "MagicError", Message: err.Error()}
	} else if ok {
		return s.runMagic(ctx, m)
	}
	res, err := s.execute(ctx, code, s.cells)
	s.noteDocs(code, res)
	return res, err
}

// CellContext returns the context for runs that the cell running now
// starts, which is cancelled when the cell is interrupted (not when it
// ends), or nil between cells. It makes
// runtimes' forms without a context (runtimes.Processes, Go, ...)
// interruptible (runtimes.CellContexter).
func (s *Session) CellContext() context.Context {
	if p := s.cellCtx.Load(); p != nil {
		return *p
	}
	return nil
}

var _ runtimes.CellContexter = (*Session)(nil)

// Lab returns the runtimes lab of the session, whose Host it is: the one
// the %%spin and %%bench magics run in and %reset kills the children of.
// The evaluator process installs it with runtimes.SetDefault.
func (s *Session) Lab() *runtimes.Lab { return s.lab }

// Expression evaluates expr for user_expressions and returns its bundle.
// The expression runs like a cell but its definitions are not reported.
func (s *Session) Expression(ctx context.Context, expr string) (display.Bundle, error) {
	s.cellMu.Lock()
	defer s.cellMu.Unlock()
	res, err := s.execute(ctx, expr, 0)
	if err != nil {
		return display.Bundle{}, err
	}
	if res.Value == nil {
		return textBundle(""), nil
	}
	return *res.Value, nil
}

// Restore replays definitions into the session, as after a crash of the
// evaluator process: the Definitions of the results of every cell, in
// order (a later definition of a name replaces an earlier one).
// Definitions that no longer compile are skipped and named in the error.
func (s *Session) Restore(defs []Definition) error {
	s.cellMu.Lock()
	defer s.cellMu.Unlock()
	if failed := s.restore(defs); len(failed) > 0 {
		return fmt.Errorf("restore: could not redefine %s", strings.Join(failed, ", "))
	}
	return nil
}

// Definitions returns the session's current definitions, oldest first:
// the last definition of each name, as Restore needs them.
func (s *Session) Definitions() []Definition {
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	return append([]Definition(nil), s.defs...)
}

// latest keeps the last definition of each name (imports apart), in the
// order of those last definitions.
func latest(defs []Definition) []Definition {
	last := map[string]int{}
	key := func(d Definition) string {
		if d.Kind == kindImport {
			return "import " + d.Name
		}
		return d.Name
	}
	for i, d := range defs {
		last[key(d)] = i
	}
	var out []Definition
	for i, d := range defs {
		if last[key(d)] == i {
			out = append(out, d)
		}
	}
	return out
}

// restore replays definitions and returns the names of those that failed.
func (s *Session) restore(defs []Definition) []string {
	defs = latest(defs)
	var failed []string
	for _, d := range defs {
		if d.Kind == kindImport {
			if _, err := s.evalSource(context.Background(), d.Source); err != nil {
				failed = append(failed, d.Name)
				continue
			}
			s.record(d)
		}
	}
	defer func() {
		for _, d := range defs {
			s.afterDefine(d)
		}
	}()
	var rest []Definition
	for _, d := range defs {
		if d.Kind != kindImport {
			rest = append(rest, d)
		}
	}
	if len(rest) > 0 {
		var b strings.Builder
		for _, d := range rest {
			if d.Kind == kindVar {
				continue // declared after the types and functions they need
			}
			b.WriteString(s.origin[d.Kind+" "+d.Name])
			b.WriteString(d.Source)
			b.WriteString("\n")
		}
		for _, d := range rest {
			if d.Kind == kindVar {
				b.WriteString(d.Source)
				b.WriteString("\n")
			}
		}
		if _, err := s.evalSource(context.Background(), b.String()); err != nil {
			// One bad definition must not lose the others: evaluate them
			// one by one, in passes, until no more succeed (a definition
			// may need one that comes later).
			pending := rest
			for len(pending) > 0 {
				var next []Definition
				for _, d := range pending {
					if _, err := s.evalSource(context.Background(), d.Source); err != nil {
						next = append(next, d)
						continue
					}
					s.record(d)
				}
				if len(next) == len(pending) {
					break
				}
				pending = next
			}
			for _, d := range pending {
				failed = append(failed, d.Name)
			}
		} else {
			for _, d := range rest {
				s.record(d)
			}
		}
	}
	return failed
}

// evalSource evaluates source in the interpreter, converting panics.
func (s *Session) evalSource(ctx context.Context, src string) (reflect.Value, error) {
	return s.run(ctx, src)
}

// record remembers a definition, replacing an earlier one of the same name.
func (s *Session) record(d Definition) {
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	key := d.Name
	for i, old := range s.defs {
		if old.Name == key && (old.Kind == kindImport) == (d.Kind == kindImport) {
			s.defs = append(s.defs[:i], s.defs[i+1:]...)
			break
		}
	}
	s.defs = append(s.defs, d)
	s.names[d.Name] = true
}

// afterDefine registers a Bundle method of an interpreted type with the
// prelude's _spinlabBundlers (see prelude). Callers hold s.cellMu.
func (s *Session) afterDefine(d Definition) {
	s.afterDefineType(d)
	if d.Kind != kindFunc || !strings.HasSuffix(d.Name, ".Bundle") {
		return
	}
	typ := strings.TrimSuffix(d.Name, ".Bundle")
	recv, _, _ := strings.Cut(strings.TrimPrefix(d.Source, "func"), ")")
	sig := d.Source[strings.Index(d.Source, "Bundle")+len("Bundle"):]
	if !strings.HasPrefix(strings.TrimSpace(sig), "() display.Bundle") {
		return
	}
	asserts := fmt.Sprintf("if v, ok := x.(*%s); ok && v != nil { return v.Bundle(), true }", typ)
	if !strings.Contains(recv, "*") {
		asserts = fmt.Sprintf("if v, ok := x.(%s); ok { return v.Bundle(), true }\n", typ) + asserts
	}
	src := fmt.Sprintf("_spinlabBundlers = append(_spinlabBundlers, func(x any) (display.Bundle, bool) {\n%s\nreturn display.Bundle{}, false\n})", asserts)
	if _, err := s.run(context.Background(), src); err != nil {
		fmt.Fprintf(s.stderr.w, "note: %s will not display itself: %v\n", typ, err)
	}
}

// definition returns the current definition of name, if any.
func (s *Session) definition(name string) (Definition, bool) {
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	for i := len(s.defs) - 1; i >= 0; i-- {
		if s.defs[i].Name == name {
			return s.defs[i], true
		}
	}
	return Definition{}, false
}

func textBundle(s string) display.Bundle {
	return display.Bundle{Data: map[string]any{"text/plain": s}, Metadata: map[string]any{}}
}

// syncFrame is called by interpreted code at the start of each statement
// group.
func (s *Session) syncFrame() {
	s.frameMu.Lock()
	//lint:ignore SA2001 an empty critical section is the point: it waits for a frame set-up in progress (see frameMu)
	s.frameMu.Unlock()
}

// globals returns the interpreter's global variables. yaegi's Globals
// panics after a failed compile left symbols without frame slots; running
// a trivial program resizes the frame.
func (s *Session) globals() (g map[string]reflect.Value) {
	yi := s.interpreter()
	s.frameMu.Lock()
	defer s.frameMu.Unlock()
	defer func() {
		if recover() != nil {
			_, _ = yi.Eval("0")
			func() {
				defer func() {
					if recover() != nil {
						g = map[string]reflect.Value{}
					}
				}()
				g = yi.Globals()
			}()
		}
	}()
	return yi.Globals()
}
