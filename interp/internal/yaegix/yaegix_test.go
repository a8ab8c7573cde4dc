package yaegix_test

import (
	"bytes"
	"context"
	"log"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/interp/internal/yaegix"
	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// Each test pins one assumption of package yaegix against yaegi itself.

func TestStopEndsALoop(t *testing.T) {
	i := yaegi.New(yaegi.Options{})
	// EvalWithContext makes the channel that stop closes.
	if _, err := i.EvalWithContext(context.Background(), "0"); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { recover() }()
		i.Eval("for {}")
	}()
	time.Sleep(50 * time.Millisecond)
	yaegix.Stop(i)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("an interpreted endless loop still runs after Stop: (*Interpreter).stop changed")
	}
}

func TestUnwrapValueInterface(t *testing.T) {
	i := yaegi.New(yaegi.Options{})
	if _, err := i.Eval("type T struct{ X int }\nfunc (T) M() {}\nvar vs = []any{T{X: 7}}"); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval("vs")
	if err != nil {
		t.Fatal(err)
	}
	elem := v.Index(0).Elem()
	if elem.Type().Name() != "valueInterface" {
		t.Fatalf("an interpreted value with methods in []any is a %v, no longer yaegi's valueInterface: Unwrap has nothing to do, check how it prints", elem.Type())
	}
	u := yaegix.Unwrap(v.Index(0))
	if u.Kind() != reflect.Struct || u.NumField() != 1 || u.Field(0).Int() != 7 {
		t.Fatalf("Unwrap gave %v (%v): valueInterface's layout changed", u, u.Type())
	}
	// Other values pass through.
	if w := yaegix.Unwrap(reflect.ValueOf(3)); w.Interface() != 3 {
		t.Fatalf("Unwrap(3) = %v", w)
	}
}

func TestPositionsInCompileErrors(t *testing.T) {
	i := yaegi.New(yaegi.Options{})
	_, err := i.Eval("x := 1\nvar y string = x")
	if err == nil {
		t.Fatal("an int assigned to a string compiled")
	}
	m := yaegix.PositionRE.FindStringSubmatch(err.Error())
	if m == nil || m[1] != "2" || m[2] != "16" {
		t.Fatalf("compile error %q has no position 2:16 PositionRE can read", err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func TestPanicLines(t *testing.T) {
	var stderr syncBuffer
	var lines [][]byte
	i := yaegi.New(yaegi.Options{Stderr: writerFunc(func(p []byte) (int, error) {
		lines = append(lines, append([]byte(nil), p...))
		return stderr.Write(p)
	})})
	if _, err := i.Eval("func f() { panic(\"boom\") }\nfunc g() { f() }"); err != nil {
		t.Fatal(err)
	}
	_, err := i.Eval("g()")
	if err == nil {
		t.Fatal("the panic did not reach Eval")
	}
	n := 0
	for _, l := range lines {
		if yaegix.IsPanicLine(l) {
			n++
		}
	}
	if n < 2 {
		t.Fatalf("%d of yaegi's stderr writes are panic lines, want one per frame (f, g):\n%s", n, strings.Join(strings.Fields(stderr.b.String()), " "))
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestVagueUndefined(t *testing.T) {
	i := yaegi.New(yaegi.Options{})
	_, err := i.Eval("a := b")
	if err == nil {
		t.Fatal("an undefined name compiled")
	}
	if strings.Contains(err.Error(), "undefined: b") {
		t.Fatalf("yaegi now says %q itself: the session's own search for the name (undefined.go) can go", err)
	}
	if !yaegix.IsVagueUndefined(err.Error()) {
		t.Fatalf("yaegi reports an undefined name as %q, which IsVagueUndefined does not know", err)
	}
}

// A table loaded under a key other than "fmt/fmt" is loaded as it is:
// fmt prints to the process's stdout, and yaegi's generic sources (cmp)
// are not compiled, until FixStdlib redirects fmt to the interpreter's.
func TestFixStdlibRedirectsStreams(t *testing.T) {
	var out bytes.Buffer
	i := yaegi.New(yaegi.Options{Stdout: &out, Args: []string{"cell"}})
	if err := i.Use(yaegi.Exports{"fmt/./fmt": stdlib.Symbols["fmt/fmt"], "os/os": stdlib.Symbols["os/os"]}); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`import "cmp"`); err == nil {
		t.Fatal(`Use compiled yaegi's generic sources for a fmt table under "fmt/./fmt": the key no longer hides it`)
	}
	yaegix.FixStdlib(i)
	for _, src := range []string{`import ("fmt"; "os")`, `fmt.Print("hi ", os.Args[0])`} {
		if _, err := i.Eval(src); err != nil {
			t.Fatal(err)
		}
	}
	if out.String() != "hi cell" {
		t.Fatalf("after FixStdlib, fmt.Print and os.Args gave %q to the interpreter's stdout, want %q", out.String(), "hi cell")
	}
}

func TestNilTypeLog(t *testing.T) {
	var lines [][]byte
	old, flags := log.Writer(), log.Flags()
	log.SetOutput(writerFunc(func(p []byte) (int, error) {
		lines = append(lines, append([]byte(nil), p...))
		return len(p), nil
	}))
	defer func() {
		log.SetOutput(old)
		log.SetFlags(flags)
	}()
	i := yaegi.New(yaegi.Options{})
	if _, err := i.Eval("var a interface{} = 5"); err != nil {
		t.Fatal(err)
	}
	// yaegi's first pass does not recover it: the caller does.
	p := func() (p any) {
		defer func() { p = recover() }()
		_, _ = i.Eval("n, ok := a.(int)")
		return nil
	}()
	if p != "nil type" {
		t.Fatalf("Eval panicked with %v, want yaegi's nil type panic", p)
	}
	if len(lines) != 1 || !yaegix.IsNilTypeLog(lines[0]) {
		t.Fatalf("the default logger got %q, want one nil type line", lines)
	}
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	if !yaegix.IsNilTypeLog([]byte("2026/12/03 20:53:43.123456 nil type\n")) || yaegix.IsNilTypeLog([]byte("2026/12/03 20:53:43 the nil type\n")) {
		t.Fatal("IsNilTypeLog does not tell the line apart")
	}
}
