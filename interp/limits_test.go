package interp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/interp"
)

// TestLimitsWorkarounds runs the way around each gap that the README's
// Limits section names, so that a workaround it offers cannot stop working
// unnoticed.
func TestLimitsWorkarounds(t *testing.T) {
	cases := []struct {
		name  string
		cells []string
		want  string
	}{
		{"method value in a closure", []string{"type Acc struct{ n int }\nfunc (a *Acc) Add(x int) { a.n += x }", "a := &Acc{}\nf := func(x int) { a.Add(x) }\nf(3)\na.n"}, "3"},
		{"%d of a Stringer converted", []string{"type Color int\nfunc (c Color) String() string { return \"red\" }", "c := Color(1)\nfmt.Sprintf(\"%d %v\", int(c), c)"}, `"1 red"`},
		{"json:\"-\" on an unexported field", []string{"import \"encoding/json\"\ntype T struct { A int; skip int `json:\"-\"` }", "b, _ := json.Marshal(T{A: 1, skip: 2})\nstring(b)"}, `"{\"A\":1}"`},
		{"type assertion to error", []string{"import \"errors\"", "var e any = errors.New(\"x\")\nvar got string\nif err, ok := e.(error); ok { got = err.Error() }\ngot"}, `"x"`},
		{"named generic slice result", []string{"type Pair[K comparable, V any] struct { K K; V V }\ntype Pairs[K comparable, V any] []Pair[K, V]\nfunc Sorted[K comparable, V any](m map[K]V) Pairs[K, V] { var out Pairs[K, V]; for k, v := range m { out = append(out, Pair[K, V]{k, v}) }; return out }", "len(Sorted(map[string]int{\"a\": 1}))"}, "1"},
		{"type arguments written out", []string{"import \"strconv\"\nfunc Map[T, U any](xs []T, f func(T) U) []U { var out []U; for _, x := range xs { out = append(out, f(x)) }; return out }", "fmt.Sprintf(\"%#v\", Map[int, string]([]int{1, 2}, strconv.Itoa))"}, `"[]string{\"1\", \"2\"}"`},
		{"a named non-struct value asserted where an any parameter prints it", []string{"type level int\nfunc (l level) String() string { return [...]string{\"low\", \"mid\", \"high\"}[l] }\nvar out strings.Builder\nfunc show(prefix string, v any) { if l, ok := v.(level); ok { fmt.Fprint(&out, prefix, l, \" \"); return }; fmt.Fprint(&out, prefix, v, \" \") }", "ls := []level{0, 1, 2}\nfunc() { var b level = 1; show(\"b:\", b); for _, l := range ls { show(\"r:\", l) } }()\nshow(\"i:\", ls[2])\nout.String()"}, `"b:mid r:low r:mid r:high i:high "`},
		// Once a limit (the slice arrived as one argument): the deferred
		// call spreads the slice it had at the defer statement.
		{"a deferred spread call", []string{"type P struct{ x int }\nvar out strings.Builder\nfunc f() { xs := []any{\"a\", P{1}}; defer fmt.Fprintln(&out, xs...); xs[0] = \"b\"; xs = nil }", "f()\nout.String()"}, `"b {1}\n"`},
		// Once a limit (yaegi failed at the top level of a cell).
		{"min/max of session constants in a larger expression", []string{"n := 4\nconst scale = 3", "z := max(n, 2) * scale\nvar m int = max(n, scale)\nz + m"}, "16"},
		{"channel from a variadic function in a variable", []string{"func gen() <-chan int { c := make(chan int); go func() { c <- 1; close(c) }(); return c }\nfunc merge(cs ...<-chan int) <-chan int { return cs[0] }", "var ch <-chan int = merge(gen())\nn := 0\nfor v := range ch { n += v }\nn"}, "1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := interp.New(interp.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for _, cell := range c.cells {
				res, err := s.Execute(context.Background(), cell)
				if err != nil {
					t.Fatalf("%q: %v", cell, err)
				}
				got = ""
				if res != nil && res.Value != nil {
					got, _ = res.Value.Data["text/plain"].(string)
				}
			}
			if got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

// TestUntypedDefineSaysTheWayAround: a cell-level variable whose value
// yaegi cannot work out ("definition loop": a var declaration reading a
// session variable through a method, whose result type the session does
// not tell: a method of a generic type) gets an error that offers two
// ways around, and both work. A method of a session type that is not
// generic has its declared result's type, and such a declaration runs.
func TestUntypedDefineSaysTheWayAround(t *testing.T) {
	s, err := interp.New(interp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Execute(ctx, "type C struct{ v int }\nfunc (c C) Get() int { return c.v }\nc := C{4}"); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Execute(ctx, "var g0 = c.Get()\ng0"); err != nil {
		t.Fatal(err)
	} else if got, _ := res.Value.Data["text/plain"].(string); got != "4" {
		t.Errorf("g0 = %q, want 4", got)
	}
	if _, err := s.Execute(ctx, "type B[T any] struct{ v T }\nfunc (b B[T]) Get() T { return b.v }\nb := B[int]{4}"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Execute(ctx, "var g = b.Get()")
	var e *interp.Error
	if !errors.As(err, &e) || e.Name != "CompileError" || !strings.Contains(e.Message, "compute it in a function") || !strings.Contains(e.Message, "declare it with its type first and assign it") {
		t.Fatalf("error %v, want one that gives both ways around", err)
	}
	for _, cell := range []string{"g1 := func() int { return b.Get() }()\ng1", "var g2 int\ng2 = b.Get()\ng2"} {
		res, err := s.Execute(ctx, cell)
		if err != nil {
			t.Fatalf("%q: %v", cell, err)
		}
		if got, _ := res.Value.Data["text/plain"].(string); got != "4" {
			t.Errorf("%q = %q, want 4", cell, got)
		}
	}
}
