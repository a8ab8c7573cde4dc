package interp

import "testing"

// TestInterpretedStringers checks the symbol tables' MapTypes: a value of
// an interpreted type with a String method reaches fmt and log as a
// fmt.Stringer (yaegi wraps it only for the functions listed there), and
// fmt's scanning reaches interpreted pointers.
func TestInterpretedStringers(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, "type T struct{ n int }\nfunc (t T) String() string { return fmt.Sprintf(\"tee%d\", t.n) }")
	mustExec(t, s, `import "log"
var sb strings.Builder
log.SetFlags(0)
log.SetOutput(&sb)
log.Println(T{2})
fmt.Println(T{1})
fmt.Print(sb.String())
fmt.Print(string(fmt.Appendln(nil, T{3})))
fmt.Println(fmt.Sprint(T{4}), fmt.Errorf("e: %v", T{5}))
var x int
fmt.Sscan("42", &x)
fmt.Println(x)`)
	want := "tee1\ntee2\ntee3\ntee4 e: tee5\n42\n"
	if got := out.String(); got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

// TestStringerVerbs checks fmt's verbs on a plain interpreted type with a
// String method against what Go prints: fmt calls String for %v, %s, %q,
// %x and %X only, so %d prints the number (it printed yaegi's wrapper
// struct, "{1 5544960}").
func TestStringerVerbs(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, "type Hue int\nfunc (h Hue) String() string { return fmt.Sprintf(\"hue%d\", int(h)) }")
	mustExec(t, s, `h := Hue(10)
fmt.Printf("%v %s %q %x %d %5d %o %c|\n", h, h, h, h, h, h, h, Hue(65))
fmt.Println(fmt.Sprintf("%d", h), fmt.Errorf("%d %v", h, h))`)
	want := "hue10 hue10 \"hue10\" 6875653130 10    10 12 A|\n10 10 hue10\n"
	if got := out.String(); got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
