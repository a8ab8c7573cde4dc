package interp

import (
	"context"
	"fmt"
	"go/ast"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/spinlab/spinlab/interp/symbols"

	"github.com/spinlab/spinlab/runtimes"
)

// The session is the runtimes.Host of its evaluator process: experiments
// compile snippets in it and export it to child processes.
var _ runtimes.Host = (*Session)(nil)

// Compile compiles a snippet once into an interpreted function that
// goroutine and thread workers call concurrently. The snippet sees the
// session's definitions and worker and workers; the function returns the
// value of its last expression (nil if none; several results as []any).
//
// Compile does not wait for the running cell (a cell that runs an
// experiment calls it), so it may run while the cell does. Cancelling the
// context of a call stops all interpreted code of the session (yaegi can
// only stop an interpreter as a whole), which is what an interrupt wants.
func (s *Session) Compile(snippet string) (func(ctx context.Context, worker, workers int) (any, error), error) {
	yi := s.interpreter()
	src, plain, imports, err := s.snippetSource(snippet)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	for _, u := range imports {
		if _, err := s.run(ctx, u.Src()); err != nil {
			return nil, s.userError(ctx, err, 0)
		}
		// The import is in the interpreter now: record it, so that later
		// cells and snippets do not import it again (yaegi refuses that).
		for _, d := range s.unitDefinitions(u) {
			s.record(d)
		}
	}
	v, err := s.run(ctx, src)
	if err != nil && plain != "" {
		// A final call with no results cannot be collected: run it bare.
		v, err = s.run(ctx, plain)
	}
	if err != nil {
		return nil, s.userError(ctx, err, 0)
	}
	fn, ok := v.Interface().(func(int, int) []any)
	if !ok {
		return nil, fmt.Errorf("compile snippet: unexpected %s", v.Type())
	}
	return func(ctx context.Context, worker, workers int) (res any, err error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		stop := context.AfterFunc(ctx, func() { s.stop(yi) })
		defer stop()
		defer func() {
			if r := recover(); r != nil {
				err = panicError(r, nil)
			}
		}()
		vals := fn(worker, workers)
		if err := ctx.Err(); err != nil {
			return nil, &Error{Name: "interrupted", Message: "the snippet was interrupted"}
		}
		switch len(vals) {
		case 0:
			return nil, nil
		case 1:
			return plainValue(vals[0]), nil
		}
		for i := range vals {
			vals[i] = plainValue(vals[i])
		}
		return vals, nil
	}, nil
}

// plainValue strips what the value collector added to a value.
func plainValue(v any) any {
	switch x := v.(type) {
	case richValue:
		return x.V
	case textValue:
		return x.V
	}
	return v
}

// snippetSource turns a snippet into the source of a function literal
// func(worker, workers int) []any, and the imports it needs. When the
// snippet ends with an expression, plain is the variant that discards it.
func (s *Session) snippetSource(snippet string) (src, plain string, imports []*unit, err error) {
	items, err := splitCell(snippet)
	if err != nil {
		return "", "", nil, &Error{Name: "CompileError", Message: "snippet:" + err.Error()}
	}
	var units []*unit
	for _, it := range items {
		if it.IsDecl() && it.Kind() != kindVar && it.Kind() != kindConst && it.Kind() != kindType {
			return "", "", nil, &Error{Name: "CompileError", Message: fmt.Sprintf("snippet:%d:%d: a snippet holds statements; define %ss in a cell", it.Line(), it.Col(), it.Kind())}
		}
		// Declarations inside a function body are statements.
		it = it.AsStmt()
		u, err := parseUnit(it)
		if err != nil {
			return "", "", nil, &Error{Name: "CompileError", Message: parseError(it, snippet, 0, err)}
		}
		units = append(units, u)
	}
	names := map[string]bool{"worker": true, "workers": true}
	for _, u := range units {
		for _, n := range definedNames(u) {
			names[n] = true
		}
	}
	imps := autoImports(s, units, names)
	rewriteUnits(s, units, s.cellNumber(), names)
	var b strings.Builder
	// Parenthesised, so that yaegi evaluates an expression, not a declaration.
	b.WriteString("(func(worker, workers int) []any {")
	for i, u := range units {
		if i == len(units)-1 && finalExpr(u) != nil {
			head := b.String()
			b.WriteString("\nreturn " + valuesFunc + "(")
			b.WriteString(directive(u, 0))
			b.WriteString(u.Out())
			b.WriteString(",\n)\n})")
			plain = head + directive(u, 0) + u.Out() + "\nreturn nil\n})"
			return b.String(), plain, imps, nil
		}
		b.WriteString(directive(u, 0))
		b.WriteString(u.Out())
		b.WriteString("\n")
	}
	b.WriteString("\nreturn nil\n})")
	return b.String(), "", imps, nil
}

// Export prepares a Program for a child process: the session's imports,
// types, functions and constants as source, and copies of the session
// variables the snippet names in runtimes' value encoding.
func (s *Session) Export(snippet string) (runtimes.Program, error) {
	p := runtimes.Program{Snippet: snippet}
	s.defsMu.Lock()
	defs := append([]Definition(nil), s.defs...)
	// The child's session rewrites what it is sent, as this one did: send
	// each definition as it was written where it is known, not its
	// rewritten form (rewriting that again declared a loop variable's
	// per-iteration copy twice: "no new variables on left side of :=").
	written := make(map[string]string, len(defs))
	for _, d := range defs {
		if g, ok := s.goSrc[d.Source]; ok {
			written[d.Source] = g.text
		}
	}
	s.defsMu.Unlock()
	asWritten := func(d Definition) string {
		if w, ok := written[d.Source]; ok {
			return w
		}
		return d.Source
	}
	used, err := snippetNames(snippet)
	if err != nil {
		return p, err
	}
	// Only the definitions the snippet uses, transitively: the child
	// interprets p.Source before each run, so shipping the whole session
	// made spawn grow with the notebook (1.3 ms → 19 ms at 80 functions).
	// Imports too: a child loads the packages its program imports
	// (tables.go), so one the snippet does not reach stays home. The names
	// are followed in both forms of a definition: the rewritten one may
	// no longer name a package it uses (errors.As becomes _spinlabAs).
	deps, _ := dependencies(defs, used, func(d Definition) string {
		if w := asWritten(d); w != d.Source {
			return d.Source + "\n" + w
		}
		return d.Source
	})
	reached := map[string]bool{}
	for _, d := range deps {
		reached[d.Source] = true
		if d.Kind == kindVar {
			used[d.Name] = true // a function's global travels like the snippet's
		}
	}
	var b strings.Builder
	for _, d := range defs {
		// A dot import's names are used unqualified, a blank import for
		// its side effects: both go.
		if d.Kind == kindImport && d.Name != "display" && d.Name != "runtimes" && (reached[d.Source] || d.Name == "." || d.Name == "_") {
			b.WriteString(d.Source + "\n")
		}
	}
	for _, d := range defs {
		switch d.Kind {
		case kindType, kindFunc, kindConst:
			if reached[d.Source] {
				b.WriteString(asWritten(d) + "\n")
			}
		}
	}
	p.Source = b.String()

	globals := s.globals()
	varType := map[string]string{}
	for _, d := range defs {
		if d.Kind == kindVar {
			varType[d.Name] = strings.TrimSpace(strings.TrimPrefix(d.Source, "var "+d.Name))
		}
	}
	notVars := map[string]bool{"worker": true, "workers": true}
	for _, d := range defs {
		if d.Kind != kindVar {
			notVars[d.Name] = true
		}
	}
	var names []string
	for n := range used {
		if notVars[n] || n == "_" || strings.HasPrefix(n, "_spinlab") {
			continue
		}
		// A variable that the running cell defined is a global already
		// but has no definition yet: it is recorded when its statements
		// have run.
		if v, ok := globals[n]; ok && v.IsValid() || varType[n] != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var bad []string
	for _, n := range names {
		v, ok := globals[n]
		if !ok || !v.IsValid() {
			continue
		}
		if why := uncopyable(v.Type(), map[reflect.Type]bool{}); why != "" {
			bad = append(bad, fmt.Sprintf("%s (%s)", n, why))
			continue
		}
		if varType[n] == "" {
			varType[n] = v.Type().String()
		}
		data, err := runtimes.EncodeValue(v.Interface())
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s (%v)", n, err))
			continue
		}
		p.Vars = append(p.Vars, runtimes.Var{Name: n, Type: varType[n], Value: data})
	}
	if len(bad) > 0 {
		return p, fmt.Errorf("cannot copy to a child process: %s; pass the values the snippet needs in copyable variables", strings.Join(bad, ", "))
	}
	return p, nil
}

// LookupType names a type of a package the session can import, so that
// a process-mode result of that type comes back as itself
// (runtimes.TypeLookup).
func (s *Session) LookupType(pkgPath, name string) reflect.Type {
	if v, ok := symbols.Table(symbolKey(pkgPath))[name]; ok && v.Kind() == reflect.Pointer && v.IsNil() && v.Type().Elem().Name() == name {
		return v.Type().Elem()
	}
	return nil
}

// snippetNames lists the identifiers a snippet uses.
func snippetNames(snippet string) (map[string]bool, error) {
	items, err := splitCell(snippet)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, it := range items {
		it = it.AsStmt()
		u, err := parseUnit(it)
		if err != nil {
			return nil, err
		}
		ast.Inspect(u.File(), func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				names[id.Name] = true
			}
			return true
		})
	}
	return names, nil
}

// uncopyable says why values of t cannot be copied to another process, or "".
func uncopyable(t reflect.Type, seen map[reflect.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	if p := t.PkgPath(); p == "sync" || p == "sync/atomic" {
		return "a " + t.String() + " holds synchronisation state"
	}
	switch t.Kind() {
	case reflect.Chan:
		return "a channel"
	case reflect.Func:
		return "a func value"
	case reflect.UnsafePointer, reflect.Uintptr:
		return "an unsafe pointer"
	case reflect.Interface:
		return ""
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return uncopyable(t.Elem(), seen)
	case reflect.Map:
		if why := uncopyable(t.Key(), seen); why != "" {
			return why
		}
		return uncopyable(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				return "a " + t.String() + " with unexported field " + f.Name
			}
			if why := uncopyable(f.Type, seen); why != "" {
				return why
			}
		}
	}
	return ""
}

// EvalProgram runs a Program in a fresh interpreter, as a spinlab worker
// child does: the program's source, then each variable decoded from its
// encoded copy, then the snippet with worker and workers defined. It returns
// the value of the snippet's last expression. It matches
// runtimes.Evaluator.
func EvalProgram(ctx context.Context, p runtimes.Program, worker, workers int) (any, error) {
	s, err := New(Options{})
	if err != nil {
		return nil, err
	}
	return s.evalProgram(ctx, p, worker, workers)
}

// PrepareEvaluator starts the fresh session of a worker before its program
// arrives, so that a warm-pool worker (runtimes.WorkerMain) has
// loaded the interpreter and its symbol tables when the clock starts. The
// evaluator it returns runs one program.
//
// A cold worker's start-up is its spawn time: its session is lazy
// (tables.go), with the prelude's packages only, and loads those the
// program imports when it arrives; nor does it warm up the compiler,
// which the program's own compile does.
func PrepareEvaluator(ctx context.Context) (runtimes.Evaluator, error) {
	s, err := prepareWorker(ctx)
	if err != nil {
		return nil, err
	}
	return s.evalProgram, nil
}

// prepareWorker is PrepareEvaluator's session.
func prepareWorker(ctx context.Context) (*Session, error) {
	if !runtimes.WorkerPooled(ctx) {
		return newSession(Options{}, true)
	}
	s, err := New(Options{})
	if err != nil {
		return nil, err
	}
	// Compile a snippet once, so that the compiler's code and data are
	// paged in before the worker says it is ready: the first compile of a
	// process faults in hundreds of pages of yaegi, which a pool child
	// would otherwise pay within its spawn time. The snippet defines
	// nothing the program could collide with.
	if _, err := s.Compile("0"); err != nil {
		return nil, fmt.Errorf("warm up the interpreter: %w", err)
	}
	return s, nil
}

func (s *Session) evalProgram(ctx context.Context, p runtimes.Program, worker, workers int) (any, error) {
	if strings.TrimSpace(p.Source) != "" {
		if _, err := s.execute(ctx, p.Source, 1); err != nil {
			return nil, fmt.Errorf("program source: %w", err)
		}
	}
	t0 := time.Now()
	for _, v := range p.Vars {
		if err := s.setVar(ctx, v); err != nil {
			return nil, err
		}
	}
	runtimes.CountDecode(ctx, time.Since(t0))
	fn, err := s.Compile(p.Snippet)
	if err != nil {
		return nil, err
	}
	runtimes.MarkStart(ctx) // spawn latency ends here: the snippet's first instruction
	v, err := fn(ctx, worker, workers)
	return portable(v), err
}

// portable returns the value itself where the session holds it in its
// printing wrapper (an interpreted struct type, which prints as compiled
// Go prints it in this process): the wrapper cannot cross to another
// process, the value can.
func portable(v any) any {
	switch x := v.(type) {
	case formatted:
		if x.v.IsValid() && x.v.CanInterface() {
			return x.v.Interface()
		}
	case []any:
		for i := range x {
			x[i] = portable(x[i])
		}
	}
	return v
}

var _ runtimes.Evaluator = EvalProgram

// setVar declares a variable and sets it from its encoded copy.
func (s *Session) setVar(ctx context.Context, v runtimes.Var) error {
	if _, err := s.run(ctx, "var "+v.Name+" "+v.Type); err != nil {
		return fmt.Errorf("declare variable %s %s: %w", v.Name, v.Type, err)
	}
	g, ok := s.globals()[v.Name]
	if !ok || !g.CanSet() {
		return fmt.Errorf("variable %s cannot be set", v.Name)
	}
	ptr := reflect.New(g.Type())
	if err := runtimes.DecodeValueInto(v.Value, ptr.Interface()); err != nil {
		return fmt.Errorf("decode variable %s: %w", v.Name, err)
	}
	g.Set(ptr.Elem())
	return nil
}
