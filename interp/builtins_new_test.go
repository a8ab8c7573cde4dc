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
