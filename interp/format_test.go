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

// TestPrintDeclaredTypes prints values of named types that are not
// structs, which reflection sees as their underlying types, where the cell
// shows their types: %T and %#v name them, and fmt calls their methods
// inside slices, maps and fields as Go does.
func TestPrintDeclaredTypes(t *testing.T) {
	cases := []goCase{
		{name: "float", decls: "type celsius float64", body: `c := celsius(21.5)
fmt.Printf("%T %#v %v\n", c, c, c)
fmt.Printf("%6.2f|%5v|%-6v|\n", c, c, c)
fmt.Printf("%v %T %#v\n", []celsius{1, 2}, []celsius{1}, []celsius{1})
m := map[celsius][]celsius{1: {2}}
fmt.Printf("%v %#v %T\n", m, m, m)
a := [2]celsius{3, 4}
fmt.Printf("%v %#v %T %T\n", a, a, a, &a)`},
		{name: "stringer", decls: `type colorS int
func (c colorS) String() string { return "C" }
type holder struct {
	C  colorS
	Cs []colorS
	M  map[string]colorS
	P  *colorS
}
func firstColor() colorS { return 0 }`, body: `c := colorS(1)
fmt.Printf("%T %#v %v %d %x %q %5s|\n", c, c, c, c, c, c, c)
fmt.Println([]colorS{1, 2}, map[string]colorS{"a": 1}, firstColor(), 3)
h := holder{1, []colorS{1}, map[string]colorS{"x": 2}, nil}
fmt.Println(h)
fmt.Printf("%+v\n%#v\n", h, h)
fmt.Printf("%T %T %v %v\n", h.Cs, h.M, h.Cs, h.M)
fmt.Println(fmt.Sprint(h.Cs) + fmt.Sprintf("%v", c))`},
		{name: "composites", decls: "type names []string\ntype lookup map[string]int\ntype grid [][]int", body: `n := names{"a"}
l := lookup{"x": 1}
fmt.Printf("%T %#v %v\n", n, n, n)
fmt.Printf("%T %#v %v\n", l, l, l)
fmt.Printf("%T %v\n", &n, &n)
g := grid{{1}}
fmt.Printf("%T %#v %v\n", g, g, g)
var nn names
fmt.Printf("%#v %v\n", nn, nn)`},
		{name: "errors", decls: `type myErr string
func (e myErr) Error() string { return "E:" + string(e) }`, body: `e := myErr("x")
fmt.Println(fmt.Errorf("w: %w", e))
fmt.Printf("%v %T %#v\n", e, e, e)
fmt.Println([]myErr{"a"})
fmt.Printf("%*d|\n", 4, 7)`},
		{name: "shadowed session name", decls: `type lvl int
func (l lvl) String() string { return [...]string{"low", "mid", "high"}[l] }
var lv lvl = 2`, body: `for lv := range 2 {
	fmt.Println(lv)
}
for _, lv := range []int{5} {
	fmt.Printf("%v %T\n", lv, lv)
}
func(lv float64) { fmt.Println(lv) }(1.5)
{
	lv := "s"
	fmt.Println(lv)
}
for _, l := range []lvl{0, 1} {
	fmt.Printf("%v %T\n", l, l)
}
fmt.Println(lv)`},
		{name: "held in interfaces", decls: `type hlvl int
func (l hlvl) String() string { return "hlvl" }
type hpt struct{ x int }
func (p hpt) String() string { return "pt" }
type failure struct{ code, n int }
func (f failure) Error() string { return "failed" }
func showIface(v any) { fmt.Printf("%v %T|", v, v) }`, body: `showIface(hlvl(1))
showIface(hpt{1})
showIface(&hpt{2})
var err error = failure{3, 4}
showIface(err)
var s fmt.Stringer = hpt{5}
fmt.Printf("%v %T\n", s, s)
xs := []any{hpt{1}, &hpt{2}, 3, nil, failure{}}
fmt.Println(xs, map[string]any{"p": hpt{}})
fmt.Printf("%+v\n", xs)`},
		{name: "pointer receiver", decls: `type counter int
func (c *counter) String() string { return "ptr" }
type box struct{ n int }
func (b *box) String() string { return "box!" }`, body: `k := counter(2)
fmt.Println(k, &k)
fmt.Printf("%v %T %T\n", k, k, &k)
fmt.Println([]counter{1})
b := box{3}
fmt.Println(b, &b, box{4})
fmt.Printf("%v %+v %s\n", b, b, &b)`},
		{name: "same fields", decls: "type pa struct{ X int }\ntype pb struct{ X int }", body: `a := pa{1}
b := pb{2}
fmt.Printf("%T %#v %T %#v\n", a, a, b, b)
fmt.Printf("%T\n", []pa{a})`},
		{name: "type parameter", decls: "type gT struct{ A int }\nfunc showT[T any](x T) { fmt.Printf(\"%T %v\\n\", x, x) }", body: `showT(3)
showT(gT{1})`},
	}
	diffGo(t, cases)
}
