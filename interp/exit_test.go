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
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no Go toolchain for the differential test")
	}
	dir := t.TempDir()
	src := "package main\n\nimport (\n\t\"fmt\"\n\t\"io\"\n\t\"os\"\n\t\"sync\"\n)\n\n" + exitDecls + "\n\nfunc main() {\n" + exitBody + "\n}\n"
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
	mustExec(t, s, "import \"sync\"\n"+exitDecls)
	_, err = s.Execute(context.Background(), exitBody)
	var e *Error
	if !errors.As(err, &e) || e.Name != "exit" || e.Message != "exit status 3" {
		t.Fatalf("error %v, want exit status 3", err)
	}
	if out.String() != string(want) {
		t.Errorf("session printed:\n%s\ngo run printed:\n%s", out.String(), want)
	}
}
