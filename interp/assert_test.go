package interp

import (
	"context"
	"strings"
	"testing"
)

// assertDecls declares an interface with implementations of value and
// pointer receivers, one through an embedded field, and types with Error
// and String methods (a plain string must not pass for an asLabel, which
// yaegi cannot tell apart in x.(asLabel)).
const assertDecls = `type asShape interface{ Area() float64 }
type asNamed interface {
	asShape
	Name() string
}
type asRect struct{ W, H float64 }
func (r asRect) Area() float64 { return r.W * r.H }
func (r asRect) Name() string  { return "rect" }
type asCircle struct{ R float64 }
func (c *asCircle) Area() float64  { return 3 * c.R * c.R }
func (c *asCircle) String() string { return "circle" }
type asSquare struct{ asRect }
type asErr struct{ msg string }
func (e *asErr) Error() string { return "asErr " + e.msg }
type asLabel string
func (l asLabel) String() string { return "label " + string(l) }
type asWrong struct{}
func (asWrong) Area() int { return 0 }
func asDescribe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case asNamed:
		return fmt.Sprint("named ", x.Name(), " ", x.Area())
	case asShape:
		return fmt.Sprint("shape ", x.Area())
	case error:
		return "error " + x.Error()
	case fmt.Stringer:
		return "stringer " + x.String()
	case asRect, int:
		return fmt.Sprint("rect or int ", x)
	default:
		return fmt.Sprintf("other %v", x)
	}
}
func asCheck(v any) {
	s, ok := v.(asShape)
	e, isErr := v.(error)
	st, isStr := v.(fmt.Stringer)
	fmt.Println(ok, s != nil, isErr, e != nil, isStr, st != nil)
	if ok {
		fmt.Println(s.Area())
	}
	if isErr {
		fmt.Println(e.Error())
	}
	if isStr {
		fmt.Println(st.String())
	}
}`

// TestInterfaceAssertions checks assertions and type switches to
// interfaces the session declares, and to error and fmt.Stringer, on
// values of interpreted types, against go run. yaegi v0.16.1 panicked on
// v.(asShape) (reflect.Set: ... interp.valueInterface), missed an
// interpreted *asErr in "case error" and v.(error), and its type switch
// missed interpreted types when it bound its variable.
func TestInterfaceAssertions(t *testing.T) {
	cases := []goCase{
		{name: "type switch", imports: "errors", decls: assertDecls, body: `for _, v := range []any{asRect{2, 3}, &asCircle{1}, asSquare{asRect{1, 1}}, &asErr{"bad"}, errors.New("plain"), 7, asWrong{}, asLabel("l"), nil, "s"} {
	fmt.Println(asDescribe(v))
}
fmt.Println(asDescribe(asRect{4, 5}), asDescribe(&asErr{"lit"}))`},
		{name: "comma ok", body: `asCheck(asRect{1, 2})
asCheck(&asCircle{2})
asCheck(&asErr{"x"})
asCheck(asWrong{})
asCheck(3)
var sh asShape = asSquare{asRect{2, 2}}
n, ok := sh.(asNamed)
fmt.Println(n.Name(), ok)`},
		{name: "must", body: `var v any = asRect{3, 3}
fmt.Println(v.(asShape).Area(), v.(asNamed).Name())
func() {
	defer func() { fmt.Println("recovered:", recover()) }()
	var w any = 5
	fmt.Println(w.(asShape))
}()
func() {
	defer func() { fmt.Println("recovered:", recover()) }()
	var w any
	fmt.Println(w.(asShape))
}()`},
		{name: "error values", body: `func() {
	var err error = &asErr{"wrapped"}
	if e, ok := err.(*asErr); ok {
		fmt.Println("concrete", e.msg)
	}
	var v any = err
	if e, ok := v.(error); ok {
		fmt.Println("error", e)
	}
}()`},
	}
	diffGo(t, cases)
}

// TestInterfaceAssertionCellLevel checks the assertions in statements of
// the cell itself (session variables): a cell-level "s, ok := v.(I)"
// did not compile.
func TestInterfaceAssertionCellLevel(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, assertDecls)
	mustExec(t, s, `var v any = &asCircle{1}
s, ok := v.(asShape)
st, ok2 := v.(fmt.Stringer)
fmt.Println(s.Area(), ok, st, ok2)`)
	if got, want := out.String(), "3 true circle true\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	_, err := s.Execute(context.Background(), `var w any = 1
w.(asShape).Area()`)
	if err == nil || !strings.Contains(err.Error(), "interface conversion: int is not main.asShape: missing method Area") {
		t.Errorf("error %v, want Go's interface conversion panic", err)
	}
}

// TestStringerSlices checks slices and arrays of a named non-struct type
// with a String or Error method against go run: yaegi v0.16.1 represents
// []Color as []int, so fmt printed the numbers.
func TestStringerSlices(t *testing.T) {
	decls := `type ssColor int
func (c ssColor) String() string { return [...]string{"red", "green", "blue"}[c] }
type ssCode int
func (c ssCode) Error() string { return fmt.Sprint("code ", int(c)) }
func ssShow(cs []ssColor) string { return fmt.Sprint(cs) }`
	cases := []goCase{
		{name: "print", decls: decls, body: `cs := []ssColor{2, 0}
fmt.Println(cs, len(cs))
fmt.Printf("%v %d %s %x|%6v|%q\n", cs, cs, cs, cs, cs, cs)
arr := [2]ssColor{1, 2}
fmt.Println(arr, ssShow(cs), []ssColor{1})
codes := []ssCode{4, 5}
fmt.Print(codes, "\n")
var none []ssColor
fmt.Println(none)
fmt.Println(fmt.Sprintln(cs), fmt.Errorf("got %v", cs))`},
	}
	diffGo(t, cases)
}

// TestStringerSliceSessionVariable checks a slice of a Stringer type
// declared in an earlier cell, printed and shown as a cell's value: its
// definition ("var cs []ssColor") gives its type; it printed [2 0].
func TestStringerSliceSessionVariable(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, `type ssColor int
func (c ssColor) String() string { return [...]string{"red", "green", "blue"}[c] }`)
	mustExec(t, s, "cs := []ssColor{2, 0}")
	mustExec(t, s, "fmt.Println(cs)")
	if got, want := out.String(), "[blue red]\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if got, want := text(mustExec(t, s, "cs").Value), "[blue red]"; got != want {
		t.Errorf("value %q, want %q", got, want)
	}
}

// TestUnexportedFieldsJSON checks encoding/json and encoding/xml on the
// unexported fields of an interpreted struct against go run: yaegi
// v0.16.1 names such a field Xskip, and json marshalled it.
func TestUnexportedFieldsJSON(t *testing.T) {
	decls := `type ujItem struct {
	Name  string ` + "`json:\"name\" db:\"n\"`" + `
	Price float64
	skip  int
	note  string ` + "`json:\"note\" db:\"note\"`" + `
	a, b  int
}`
	cases := []goCase{
		{name: "marshal", imports: "encoding/json reflect", decls: decls, body: `it := ujItem{Name: "pen", Price: 1.5, skip: 3, note: "x", a: 1, b: 2}
data, err := json.Marshal(it)
fmt.Println(string(data), err)
var back ujItem
err = json.Unmarshal([]byte(` + "`" + `{"name":"a","skip":4,"Xskip":5,"note":"n","Xnote":"m"}` + "`" + `), &back)
fmt.Println(err, back.skip, back.note == "", back.Name)
fmt.Printf("%+v\n", it)
f := reflect.TypeOf(it).Field(0)
fmt.Println(f.Tag.Get("json"), f.Tag.Get("db"), reflect.TypeOf(it).Field(3).Tag.Get("db"))`},
	}
	diffGo(t, cases)
}

// TestTopLevelAssertions assigns type assertions at the top level of
// cells, which yaegi v0.16.1 could not type there ("nil type"): with and
// without ok, to a basic type, a pointer to a session type and a session
// interface, and a failing one, whose panic has Go's message and the
// cell's position.
func TestTopLevelAssertions(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, "type taErr struct{ n int }\nfunc (e *taErr) Error() string { return \"taErr\" }\ntype taShape interface{ Area() int }\ntype taSq struct{ s int }\nfunc (q taSq) Area() int { return q.s * q.s }")
	mustExec(t, s, `var a any = 5
var err error = &taErr{7}
var sh taShape = taSq{3}
s, ok := a.(string)
n, ok2 := a.(int)
p := err.(*taErr)
q, ok3 := sh.(taSq)
fmt.Printf("%q %v %d %v %d %v %v\n", s, ok, n, ok2, p.n, q.Area(), ok3)`)
	mustExec(t, s, "var m = a.(int)\nfmt.Println(m)")
	if got, want := out.String(), "\"\" false 5 true 7 9 true\n5\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	_, err := s.Execute(context.Background(), "x := 1\nbad := a.(string)")
	e, ok := err.(*Error)
	if !ok || e.Message != "interface conversion: interface {} is int, not string" || !strings.Contains(strings.Join(e.Traceback, "\n"), "cell[4]:2:8") {
		t.Errorf("error %#v, want Go's interface conversion panic at the assertion's line 2, column 8", err)
	}
}
