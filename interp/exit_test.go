package interp

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// exitDecls defer calls of the forms os.Exit skips: a function literal,
// a method value without arguments, functions of the session and of
// compiled packages with arguments that change after the defer, in a
// loop, variadic (spread or not), untyped constants and nil for typed parameters, close, and
// handlers (a function, a method) that recover. order runs them all
// without exiting, with a method value with arguments and a function
// value computed at the defer too.
const exitDecls = `type T struct{ name string }

func (t *T) Log(xs ...any) { fmt.Println(append([]any{t.name}, xs...)...) }

func catch(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("caught %v", r)
	}
}

type guard struct{ name string }

func (g *guard) catch(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s caught %v", g.name, r)
	}
}

func trace(s string) func() {
	fmt.Println("enter", s)
	return func() { fmt.Println("leave", s) }
}

func scale(f float64, p *T) { fmt.Println("scale", f, p == nil) }

func report(s string, n int) { fmt.Println(s, n) }

func total(label string, xs ...int) {
	sum := 0
	for _, x := range xs {
		sum += x
	}
	fmt.Println(label, xs, sum)
}

func order() {
	for i := 0; i < 3; i++ {
		defer fmt.Println("loop", i)
	}
	x := 1
	defer fmt.Println("x", x)
	x = 2
	ys := []int{7}
	defer total("spread", ys...)
	ys[0] = 8
	defer total("ints", x, 3)
	t := &T{"t"}
	defer t.Log("log", x)
	ch := make(chan int, 1)
	defer close(ch)
	defer scale(2, nil)
	defer trace("order")()
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
}

func safe() (err error) {
	defer catch(&err)
	panic("boom")
}

func safeMethod() (err error) {
	g := &guard{"guard"}
	defer g.catch(&err)
	panic("bang")
}

func deep(n int) {
	var wg sync.WaitGroup
	wg.Add(1)
	defer wg.Done()
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	defer report("deep", n)
	defer total("deep total", n, 1)
	msg := fmt.Sprintln("written", n)
	defer io.WriteString(os.Stdout, msg)
	msg = "changed"
	defer catch(new(error))
	g := &guard{"deep"}
	defer g.catch(new(error))
	defer func() { fmt.Println("literal") }()
	for i := range 2 {
		defer report("deep loop", i)
	}
	ch := make(chan int)
	defer close(ch)
	defer scale(float64(n), nil)
	if n == 0 {
		os.Exit(3)
	}
	deep(n - 1)
}`

const exitBody = `order()
fmt.Println(safe())
fmt.Println(safeMethod())
deep(2)`

// TestExitSkipsDefers checks that os.Exit runs no deferred call, of any
// form, as a Go program does, and that deferred calls that do run see
// the values of their defer statements, against go run.
func TestExitSkipsDefers(t *testing.T) {
	exitDiff(t, "import \"sync\"\n"+exitDecls, exitBody, "fmt", "io", "os", "sync")
}

// exitValueDecls defer calls whose callee's parameters do not type their
// arguments, or whose callee is a value: a print function (any), with a
// spread slice, a method value (pointer and value receiver), a local
// closure, a generic function, a builtin, in a loop. Each sees the values
// of its defer statement when shapes returns, and none runs on os.Exit.
const exitValueDecls = `type rec struct{ name string }

func (r *rec) Log(xs ...any) { fmt.Println(append([]any{r.name}, xs...)...) }

func (r rec) Say(s string, n int) { fmt.Println(r.name, s, n) }

func show[T any](label string, x T) { fmt.Println(label, x) }

func spread(label string, xs ...any) { fmt.Println(label, len(xs), xs) }

type celsius float64

func (c celsius) String() string { return fmt.Sprintf("%.1f°C", float64(c)) }

func shapes(n int, m map[string]int) {
	x := n * 10
	c := celsius(x)
	defer fmt.Println("println", x, c)
	defer fmt.Printf("printf %d %v %T\n", x, c, c)
	r := &rec{"r"}
	defer r.Log("log", x)
	v := rec{"v"}
	defer v.Say("say", x)
	f := func(s string, k int) { fmt.Println("closure", s, k) }
	defer f("f", x)
	defer show("generic", x)
	defer delete(m, "a")
	xs := []any{"a", x}
	defer fmt.Println(xs...)
	defer spread("spread", xs...)
	for i := range 2 {
		defer fmt.Println("loop", i, c)
		x := i * 2
		defer show("loop generic", x)
	}
	x = -1
	v.name = "changed"
	r = &rec{"other"}
	f = nil
	xs[0] = "b"
	xs = nil
	if n == 0 {
		os.Exit(3)
	}
}`

const exitValueBody = `m := map[string]int{"a": 1}
shapes(1, m)
fmt.Println(m)
shapes(0, m)`

// TestExitSkipsValueDefers: exitValueDecls against go run.
func TestExitSkipsValueDefers(t *testing.T) {
	exitDiff(t, exitValueDecls, exitValueBody, "fmt", "os")
}

// exitDiff runs decls and a main function of body as a program with go
// run, which must end with exit status 3, and as two cells in a session,
// the second of which must end with an "exit status 3" error; both must
// print the same.
func exitDiff(t *testing.T, decls, body string, imports ...string) {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no Go toolchain for the differential test")
	}
	dir := t.TempDir()
	src := "package main\n\nimport (\n"
	for _, p := range imports {
		src += "\t\"" + p + "\"\n"
	}
	src += ")\n\n" + strings.TrimPrefix(decls, "import \"sync\"\n") + "\n\nfunc main() {\n" + body + "\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gobin, "run", "main.go")
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	want, err := cmd.Output()
	if err == nil || !strings.Contains(stderr.String(), "exit status 3") {
		t.Fatalf("go run: %v, want exit status 3\n%s%s", err, want, stderr.String())
	}

	s, out, _ := newTestSession(t)
	mustExec(t, s, decls)
	_, err = s.Execute(context.Background(), body)
	var e *Error
	if !errors.As(err, &e) || e.Name != "exit" || e.Message != "exit status 3" {
		t.Errorf("error %v, want exit status 3", err)
	}
	if out.String() != string(want) {
		t.Errorf("session printed:\n%s\ngo run printed:\n%s", out.String(), want)
	}
}
