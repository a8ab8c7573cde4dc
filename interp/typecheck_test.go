package interp

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// goBuildErrors builds cell as the first cell of a program (the cell's
// text under a //line directive naming it, after imports, before an
// empty func main) and returns the compile errors go build reports.
func goBuildErrors(t *testing.T, imports, cell string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no Go toolchain for the differential test")
	}
	dir := t.TempDir()
	src := "package main\n\n" + imports + "\n//line cell[1]:1:1\n" + cell + "\n\nfunc main() {}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gobin, "build", "-o", os.DevNull, "main.go")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go build accepted:\n%s", src)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// compileError runs cells in a new session, all but the last must
// succeed, and returns the last one's CompileError message.
func compileError(t *testing.T, cells ...string) string {
	t.Helper()
	s, _, _ := newTestSession(t)
	s.tcWait = time.Hour // loading standard packages from source is slow under -race
	for _, c := range cells[:len(cells)-1] {
		mustExec(t, s, c)
	}
	_, err := s.Execute(context.Background(), cells[len(cells)-1])
	var e *Error
	if !errors.As(err, &e) || e.Name != "CompileError" {
		t.Fatalf("error %v, want a CompileError", err)
	}
	return e.Message
}

// TestTypeErrorsAllReported checks that every type error of a cell is
// reported, in Go's words and at the positions go build gives, not only
// the first one yaegi finds.
func TestTypeErrorsAllReported(t *testing.T) {
	cell := `func half(n int) int {
	return "s"
}

func count(xs []string) {
	total := 0
	for range xs {
		n := 1
	}
	fmt.Println(total)
}

func label(x int) string {
	var s string
	s = x + 1
	return s
}`
	want := goBuildErrors(t, `import "fmt"`, cell)
	if strings.Count(want, "\n") != 2 {
		t.Fatalf("go build reports, want 3 errors:\n%s", want)
	}
	if got := compileError(t, cell); got != want {
		t.Errorf("session:\n%s\ngo build:\n%s", got, want)
	}
}

// TestTypeErrorOne checks that a cell with one type error reports exactly
// that one, as go build does.
func TestTypeErrorOne(t *testing.T) {
	cell := `func area(w, h float64) float64 {
	a := w * h
	return a
}

func describe(w float64) string {
	return area(w, 2)
}`
	want := goBuildErrors(t, "", cell)
	if got := compileError(t, cell); got != want {
		t.Errorf("session:\n%s\ngo build:\n%s", got, want)
	}
}

// TestTypeErrorSessionDeclarations checks that a cell that uses the
// session's earlier types, functions, constants and variables, mixes
// statements with declarations, and uses auto-imported packages,
// display, runtimes and the generic standard functions reports only its
// real error, at its own line.
func TestTypeErrorSessionDeclarations(t *testing.T) {
	got := compileError(t,
		"type Point struct{ X, Y int }\nfunc (p Point) Sum() int { return p.X + p.Y }\nconst scale = 3\nfunc origin() Point { return Point{} }",
		"p := Point{1, 2}\nq := origin()\nnames := []string{\"b\", \"a\"}\nvar total int\nn := 4",
		`xs := slices.Clone(names)
slices.Sort(xs)
m := max(n, 2)
for i := range n {
	total += i * m * scale
}
func norm(p Point) float64 {
	return math.Sqrt(float64(p.X*p.X + p.Y*p.Y + q.Sum() + total))
}
func shout(s string) string {
	return strings.ToUpper(s) + len(xs)
}
r := norm(p)
display.Show(r)
_ = runtimes.Goroutine
fmt.Sprint(r, xs)`)
	want := "cell[3]:11:9: invalid operation: strings.ToUpper(s) + len(xs) (mismatched types string and int)"
	if got != want {
		t.Errorf("message:\n%s\nwant:\n%s", got, want)
	}
}

// TestTypeErrorSessionVariables checks that session variables enter the
// check with the types their cells gave them, also where the interpreter
// reads an interpreted named type as its underlying type (temp is a
// Celsius, not a float64) or a struct type without its name (pt), and
// that names a cell defines twice at its top level are no errors.
func TestTypeErrorSessionVariables(t *testing.T) {
	got := compileError(t,
		"type Celsius float64\nfunc (c Celsius) F() float64 { return float64(c)*9/5 + 32 }\ntype Room struct{ Temp Celsius }\nfunc room() (Room, error) { return Room{20}, nil }\nr := Room{21}\ntemp := r.Temp\npt, _ := room()",
		`a, err := room()
b, err := room()
func report() string {
	return fmt.Sprint(temp.F(), pt.Temp.F(), a, b, err)
}
var label string = temp.F()`)
	want := "cell[2]:6:20: cannot use temp.F() (value of type float64) as string value in variable declaration"
	if got != want {
		t.Errorf("message:\n%s\nwant:\n%s", got, want)
	}
}

// TestTypeCheckerDropsItsPackages: the standard packages a type check
// loaded (20 MB and more of heap) are dropped once no check has run for
// typeCheckKeep, and the next failed cell loads them again and still
// gets Go's messages.
func TestTypeCheckerDropsItsPackages(t *testing.T) {
	s, _, _ := newTestSession(t)
	s.tcWait = time.Hour
	s.tcKeep = 100 * time.Millisecond
	loaded := func() bool {
		s.tc.busy.Lock()
		defer s.tc.busy.Unlock()
		return s.tc.imp != nil
	}
	fail := func() {
		t.Helper()
		_, err := s.Execute(context.Background(), "var q int = fmt.Sprint(1)")
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Message, "cannot use fmt.Sprint(1) (value of type string) as int value") {
			t.Fatalf("error %v, want go/types' message", err)
		}
	}
	fail()
	if !loaded() {
		t.Fatal("no packages loaded after a check")
	}
	deadline := time.Now().Add(10 * time.Second)
	for loaded() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if loaded() {
		t.Fatalf("the packages are still loaded %v after the last check", 10*time.Second)
	}
	fail()
}

// TestTypeErrorShadowingLocalType checks that a type error involving a
// local type that shadows a session type (which the front end renames for
// yaegi) names the type as the cell does, at the cell's position.
func TestTypeErrorShadowingLocalType(t *testing.T) {
	got := compileError(t, "type Item int",
		"func h() {\n\ttype Item float64\n\tvar y Item = \"bad\"\n\t_ = y\n}")
	want := `cell[2]:3:15: cannot use "bad" (untyped string constant) as Item value in variable declaration`
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
