package interp

import "testing"

// TestNewerBuiltinsDifferential: new(expr) (Go 1.26), errors.AsType (Go
// 1.26), errors.As into an interpreted type, sync.WaitGroup.Go (Go 1.25)
// with per-iteration loop variables, and min/max of mixed constants, in
// a session and with go run.
func TestNewerBuiltinsDifferential(t *testing.T) {
	cases := []goCase{
		{name: "new expr", body: `p := new(42)
f := new(1.5)
s := new("s")
fmt.Println(*p, *f, *s)
x := 3
q := new(x * 2)
*q++
fmt.Println(*q, x)
r := new(struct{ a int }{1})
fmt.Println(r.a)`},
		{name: "errors", imports: "errors io/fs os", decls: `
type codeError struct{ code int }
func (e *codeError) Error() string { return fmt.Sprint("code ", e.code) }
`, body: `err := fmt.Errorf("op: %w", &codeError{7})
var ce *codeError
fmt.Println(errors.As(err, &ce), ce.code, err)
_, err = os.Open("/nonexistent/file")
var pe *fs.PathError
fmt.Println(errors.As(err, &pe), pe.Op)`},
		{name: "errors.AsType", body: `err := fmt.Errorf("op: %w", &codeError{8})
e2, ok := errors.AsType[*codeError](err)
fmt.Println(e2.code, ok)
_, ok = errors.AsType[*codeError](io.EOF)
fmt.Println(ok)`, imports: "io"},
		{name: "wg.Go", imports: "sync sort", body: `var wg sync.WaitGroup
var mu sync.Mutex
var got []int
for i := 0; i < 4; i++ {
	wg.Go(func() {
		mu.Lock()
		got = append(got, i)
		mu.Unlock()
	})
}
wg.Wait()
sort.Ints(got)
fmt.Println(got)`},
		{name: "min max", body: `fmt.Println(min(2, 1.5), max(1, 2.5, 2), min(3, 2), max('a', 1))
m := min(2, 1.5)
fmt.Println(m)
y := 4.0
fmt.Println(max(y, 7), min(1, y))`},
	}
	diffGo(t, cases)
}

// TestMinMaxSessionConstants: min and max of a session variable and a
// constant an earlier cell declared get the type Go gives them (yaegi
// failed with "nil reflect type": the constant's reflected type hid that
// it is untyped).
func TestMinMaxSessionConstants(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, "n := 4\nconst scale = 3\nconst fl = 2.5\nconst typed int64 = 9")
	mustExec(t, s, "m := max(n, scale)\nfmt.Printf(\"%v %T\\n\", m, m)")
	mustExec(t, s, "x := max(scale, fl)\nfmt.Printf(\"%v %T\\n\", x, x)")
	mustExec(t, s, "var i64 int64 = 3\ny := min(i64, typed)\nfmt.Printf(\"%v %T\\n\", y, y)")
	if got, want := out.String(), "4 int\n3 float64\n3 int64\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestMinMaxInTopLevelExpressions: at the top level of a cell, min and max
// inside a larger expression, and in a var declaration with or without a
// type, as Go computes them (yaegi failed: "constant definition loop", a
// nil pointer, "variable definition loop").
func TestMinMaxInTopLevelExpressions(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, "n := 4\nconst scale = 3\nconst fl = 2.5")
	for _, c := range []struct{ cell, want string }{
		{"z := max(n, 2) * scale\nfmt.Printf(\"%v %T\\n\", z, z)", "12 int\n"},
		{"var m int = max(n, scale)\nfmt.Printf(\"%v %T\\n\", m, m)", "4 int\n"},
		{"var m2 = min(n, scale) + 1\nfmt.Printf(\"%v %T\\n\", m2, m2)", "4 int\n"},
		{"y := 2*min(n, scale, 7) + max(n, 1)\nfmt.Println(y)", "10\n"},
		{"x := max(scale, fl) * 2\nfmt.Printf(\"%v %T\\n\", x, x)", "6 float64\n"},
		{"w := max(2, 3) * 1.5\nfmt.Printf(\"%v %T\\n\", w, w)", "4.5 float64\n"},
		{"q := max(7, 2) / 2\nfmt.Printf(\"%v %T\\n\", q, q)", "3 int\n"},
	} {
		out.Reset()
		mustExec(t, s, c.cell)
		if got := out.String(); got != c.want {
			t.Errorf("%q printed %q, want %q", c.cell, got, c.want)
		}
	}
}

// TestTopLevelVarReadsVariables: a var declaration at the top level of a
// cell whose value reads a session variable, or a variable the cell
// defined before it, gets its value (yaegi: "variable definition loop"),
// and later declarations of the cell see it.
func TestTopLevelVarReadsVariables(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, "n := 4\ntype P struct{ X int }")
	mustExec(t, s, `var q = n
k := n * 2
var (
	a    = k + 1
	b, c = a * 2, 3
)
var p = P{n}
var f = func() int { return n + q }
var s []int = []int{n, a}
fmt.Println(q, k, a, b, c, p, f(), s)`)
	if got, want := out.String(), "4 8 9 18 3 {4} 8 [4 9]\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if v := text(mustExec(t, s, "b + q").Value); v != "22" {
		t.Errorf("b + q = %s, want 22", v)
	}
}
