package runtimes_test

// A small Host and Evaluator built directly on yaegi, for this package's
// tests only; the real ones live in package interp.

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/unrestricted"
)

const (
	envTestWorker = "SPINLAB_RUNTIMES_TEST_WORKER"
	envTestParent = "SPINLAB_RUNTIMES_TEST_PARENT"
)

func TestMain(m *testing.M) {
	if os.Getenv(envTestWorker) == "1" && len(os.Args) > 1 && os.Args[1] == "worker" {
		os.Exit(runtimes.WorkerMain(context.Background(), prepareEvaluator))
	}
	if os.Getenv(envTestEcho) == "1" {
		os.Exit(echoMain())
	}
	if os.Getenv(envTestParent) == "1" {
		os.Exit(parentMain())
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv(runtimes.EnvWorkerBin, exe)
	os.Setenv(envTestWorker, "1")
	os.Exit(m.Run())
}

// testHost is a yaegi session: definitions (imports, types, funcs) are
// kept as source for Export; variables are tracked by name.
type testHost struct {
	mu   sync.Mutex
	i    *interp.Interpreter
	defs []string
	vars map[string]bool
	seq  atomic.Int64
}

func newTestHost(t testing.TB) *testHost {
	t.Helper()
	h := &testHost{i: newInterp(), vars: map[string]bool{}}
	return h
}

func newInterp() *interp.Interpreter {
	i := interp.New(interp.Options{Stdout: os.Stdout, Stderr: os.Stderr, Unrestricted: true})
	if err := i.Use(stdlib.Symbols); err != nil {
		panic(err)
	}
	if err := i.Use(unrestricted.Symbols); err != nil { // the real os.Exit
		panic(err)
	}
	return i
}

// install makes a lab of h the Default lab for the test, as the
// evaluator process does with its session's.
func (h *testHost) install(t testing.TB) *testHost {
	t.Helper()
	l := runtimes.NewLab(h)
	runtimes.SetDefault(l)
	t.Cleanup(func() {
		runtimes.SetDefault(nil)
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	return h
}

// def evaluates declarations that children get as source.
func (h *testHost) def(t testing.TB, src string) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.i.Eval(src); err != nil {
		t.Fatalf("def %q: %v", src, err)
	}
	h.defs = append(h.defs, src)
}

// declare evaluates a variable declaration `var name = init`.
func (h *testHost) declare(t testing.TB, name, init string) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.i.Eval("var " + name + " = " + init); err != nil {
		t.Fatalf("declare %s: %v", name, err)
	}
	h.vars[name] = true
}

// value returns a session variable's current value.
func (h *testHost) value(t testing.TB, name string) any {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	v, err := h.i.Eval(name)
	if err != nil {
		t.Fatalf("value %s: %v", name, err)
	}
	return v.Interface()
}

func (h *testHost) Compile(snippet string) (func(ctx context.Context, worker, workers int) (any, error), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return compileSnippet(h.i, snippet, fmt.Sprintf("spinSnippet%d", h.seq.Add(1)))
}

func (h *testHost) Export(snippet string) (runtimes.Program, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p := runtimes.Program{Source: strings.Join(h.defs, "\n"), Snippet: snippet}
	for _, name := range identifiers(snippet) {
		if !h.vars[name] {
			continue
		}
		v, err := h.i.Eval(name)
		if err != nil {
			return p, err
		}
		switch v.Kind() {
		case reflect.Chan, reflect.Func, reflect.UnsafePointer:
			return p, fmt.Errorf("variable %s cannot be copied to a child process: it is a %s", name, v.Kind())
		}
		b, err := runtimes.EncodeValue(v.Interface())
		if err != nil {
			return p, fmt.Errorf("variable %s cannot be copied to a child process: %w", name, err)
		}
		p.Vars = append(p.Vars, runtimes.Var{Name: name, Type: v.Type().String(), Value: b})
	}
	return p, nil
}

func identifiers(src string) []string {
	var s scanner.Scanner
	fs := token.NewFileSet()
	s.Init(fs.AddFile("", -1, len(src)), []byte(src), nil, 0)
	seen := map[string]bool{}
	var out []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.IDENT && !seen[lit] {
			seen[lit] = true
			out = append(out, lit)
		}
	}
}

// compileSnippet wraps snippet in a func of worker and workers that
// returns the value of its last expression statement.
func compileSnippet(i *interp.Interpreter, snippet, name string) (func(ctx context.Context, worker, workers int) (any, error), error) {
	body := snippet
	fs := token.NewFileSet()
	const head = "package p\nfunc _() {\n"
	f, err := parser.ParseFile(fs, "", head+snippet+"\n}", 0)
	if err != nil {
		return nil, err
	}
	stmts := f.Decls[0].(*ast.FuncDecl).Body.List
	ret := "return nil"
	if n := len(stmts); n > 0 {
		if es, ok := stmts[n-1].(*ast.ExprStmt); ok {
			if _, call := es.X.(*ast.CallExpr); !call {
				off := fs.Position(es.Pos()).Offset - len(head)
				end := fs.Position(es.End()).Offset - len(head)
				ret = "return " + snippet[off:end]
				body = snippet[:off] + snippet[end:]
			}
		}
	}
	src := fmt.Sprintf("func %s(worker, workers int) any {\n_, _ = worker, workers\n%s\n%s\n}", name, body, ret)
	if _, err := i.Eval(src); err != nil {
		return nil, err
	}
	v, err := i.Eval(name)
	if err != nil {
		return nil, err
	}
	fn, ok := v.Interface().(func(int, int) any)
	if !ok {
		return nil, fmt.Errorf("compiled snippet is a %T", v.Interface())
	}
	return func(ctx context.Context, worker, workers int) (any, error) {
		return fn(worker, workers), nil
	}, nil
}

// prepareEvaluator loads yaegi and its standard library before the
// program arrives, and returns the test Evaluator using that interpreter.
func prepareEvaluator(context.Context) (runtimes.Evaluator, error) {
	i := newInterp()
	return func(ctx context.Context, p runtimes.Program, worker, workers int) (any, error) {
		return evalIn(ctx, i, p, worker, workers)
	}, nil
}

// evalIn is the test Evaluator: the program's source and variables in a
// fresh yaegi interpreter.
func evalIn(ctx context.Context, i *interp.Interpreter, p runtimes.Program, worker, workers int) (any, error) {
	if p.Source != "" {
		if _, err := i.Eval(p.Source); err != nil {
			return nil, err
		}
	}
	t0 := time.Now()
	for _, v := range p.Vars {
		if _, err := i.Eval("var " + v.Name + " " + v.Type); err != nil {
			return nil, err
		}
		ptr, err := i.Eval("&" + v.Name)
		if err != nil {
			return nil, err
		}
		if err := runtimes.DecodeValueInto(v.Value, ptr.Interface()); err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.Name, err)
		}
	}
	runtimes.CountDecode(ctx, time.Since(t0))
	fn, err := compileSnippet(i, p.Snippet, "spinSnippet")
	if err != nil {
		return nil, err
	}
	runtimes.MarkStart(ctx)
	return fn(ctx, worker, workers)
}
