package interp

import "testing"

// TestTypeSwitchInterfaceCases checks type switches with interface cases
// against go run: yaegi v0.16.1's type switch did not match "case error"
// with a compiled error nor "case fmt.Stringer" with a compiled Stringer.
// Interpreted types in interface cases are TestInterfaceAssertions'.
func TestTypeSwitchInterfaceCases(t *testing.T) {
	decls := `func tsDescribe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int, int64:
		return fmt.Sprintf("integer %v", x)
	case error:
		return "error " + x.Error()
	case fmt.Stringer:
		return "stringer " + x.String()
	default:
		return fmt.Sprintf("other %v", x)
	}
}`
	cases := []goCase{
		{name: "compiled values", imports: "errors time", decls: decls, body: `for _, v := range []any{nil, 1, int64(2), errors.New("bad"), fmt.Errorf("w: %w", errors.New("x")), time.Second, 2.5} {
	fmt.Println(tsDescribe(v))
}`},
		{name: "no binding, default first", body: `var e error = errors.New("e")
for _, v := range []any{e, "s"} {
	switch v.(type) {
	default:
		fmt.Println("default")
	case error:
		fmt.Println("error")
	}
}`},
		{name: "break in a case", body: `var v any = errors.New("b")
for i := 0; i < 2; i++ {
	switch v.(type) {
	case error:
		if i == 0 {
			break
		}
		fmt.Println("second", i)
	}
}`},
	}
	diffGo(t, cases)
}
