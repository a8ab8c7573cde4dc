package interp

import (
	"testing"
)

// TestPrintDifferential prints values of interpreted types with fmt's
// verbs in a session and with go run: both must print the same.
func TestPrintDifferential(t *testing.T) {
	decls := `
type point struct{ x, y int }
type namedS int
func (namedS) String() string { return "named" }
func getS() namedS { return 1 }
type inner struct{ A int; b string }
type outer struct {
	Name string
	In   inner
	P    *inner
	L    []inner
	M    map[string]int
}
type codeErr struct{ code int }
func (e *codeErr) Error() string { return fmt.Sprint("E", e.code) }
type temp struct{ deg float64 }
func (t temp) String() string { return fmt.Sprintf("%.1f°", t.deg) }
type reading struct {
	At   int
	Temp temp
	raw  temp
}
type gopher struct{ n int }
func (g gopher) GoString() string { return "gopher!" }
func newPoint(x, y int) *point { return &point{x, y} }
`
	cases := []goCase{
		{name: "issue", decls: decls, body: `p := point{1, 2}
fmt.Printf("%+v %#v %T\n", p, p, p)
fmt.Println(getS())`},
		{name: "nested", body: `o := outer{"n", inner{1, "b"}, nil, []inner{{3, "d"}}, map[string]int{"z": 1, "a": 2}}
fmt.Printf("%v\n%+v\n%#v\n%T\n", o, o, o, o)`},
		{name: "pointer", body: `p := &point{1, 2}
fmt.Printf("%v %+v %#v %T\n", p, p, p, p)
var np *point
fmt.Printf("%v %#v %+v\n", np, np, []*point{nil})
fmt.Println(newPoint(3, 4))`},
		{name: "slices and maps", body: `fmt.Printf("%v %#v %T\n", []point{{1, 2}}, []point{{1, 2}}, []point{})
fmt.Printf("%v %#v %T\n", map[string]point{"b": {1, 2}, "a": {3, 4}}, map[string]point{"a": {1, 2}}, map[point]int{})
fmt.Printf("%v\n", map[point]string{{2, 1}: "b", {1, 2}: "a"})`},
		{name: "error", body: `var e error = &codeErr{3}
fmt.Printf("%v %s %T\n", e, e, e)
fmt.Println(e, fmt.Errorf("wrapped: %w", e))`},
		{name: "widths", body: `p := point{1, 2}
fmt.Printf("[%10v] [%-4v] %d %x %05d\n", p, p, p, p, p)`},
		{name: "stringer fields", body: `r := reading{1, temp{20.5}, temp{3}}
fmt.Printf("%v|%+v|%s\n", r, r, r)
fmt.Println(temp{1}, []temp{{2}}, map[string]temp{"a": {3}})
fmt.Printf("%#v %v\n", gopher{1}, gopher{1})`},
		{name: "sprint", body: `s := fmt.Sprint(point{1, 2}, "x", point{3, 4})
fmt.Println(s, fmt.Sprintf("%+v", point{5, 6}), len(fmt.Sprintln(point{})))`},
	}
	diffGo(t, cases)
}
