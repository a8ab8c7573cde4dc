package complete_test

import (
	"fmt"
	"reflect"

	"github.com/spinlab/spinlab/interp/cell"
	"github.com/spinlab/spinlab/interp/complete"
)

// Completion and inspection from a session's definitions alone: b is a
// strings.Builder variable of the session, and point a type it declared.
func Example() {
	defs := []cell.Definition{
		{Kind: cell.KindImport, Name: "strings", Source: `import "strings"`},
		{Kind: cell.KindVar, Name: "b", Source: "var b strings.Builder"},
		{Kind: cell.KindType, Name: "point", Source: "type point struct{ X, Y int }"},
	}
	code := "b.WriteS"
	c := complete.Complete(defs, code, len(code))
	for _, m := range c.Matches {
		fmt.Println(m.Text, m.Signature)
	}
	// The doc comment of a session's declaration is the live session's.
	_, ok := complete.Inspect(defs, "point", 3, 0)
	fmt.Println(ok)
	if b, ok := complete.InspectLive(live{}, defs, "point", 3, 0); ok {
		fmt.Println(b.Data["text/plain"])
	}
	fmt.Printf("%q\n", fmt.Sprint(complete.IsComplete("func f() {")))
	// Output:
	// WriteString func (b *Builder) WriteString(s string) (int, error)
	// false
	// // point is a point of the plane.
	// type point struct{ X, Y int }
	// "incomplete    "
}

// live stands for a running session.
type live struct{}

func (live) Doc(name string) string {
	if name == "point" {
		return "point is a point of the plane."
	}
	return ""
}
func (live) Globals() map[string]reflect.Value { return nil }
func (live) ValueText(v reflect.Value) string  { return fmt.Sprint(v) }
