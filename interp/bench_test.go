package interp

import (
	"context"
	"testing"
)

// BenchmarkExecuteTrivial measures the overhead of a trivial cell: split,
// parse, rewrite, evaluate, render its value.
func BenchmarkExecuteTrivial(b *testing.B) {
	s, _, _ := newTestSession(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Execute(ctx, "1 + 2"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExecuteDefinitions measures a cell that defines and calls.
func BenchmarkExecuteDefinitions(b *testing.B) {
	s, _, _ := newTestSession(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Execute(ctx, "func f(n int) int { return n * 2 }\nx := f(21)\nx"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComplete measures completion of a package member.
func BenchmarkComplete(b *testing.B) {
	s, _, _ := newTestSession(b)
	for b.Loop() {
		s.Complete("strings.Has", 11)
	}
}

// BenchmarkCompleteIdent measures completion of a bare identifier.
func BenchmarkCompleteIdent(b *testing.B) {
	s, _, _ := newTestSession(b)
	for b.Loop() {
		s.Complete("x := 1\npr", 9)
	}
}

// BenchmarkCompleteFromDefinitions measures what the kernel process
// does to complete a package member without the evaluator.
func BenchmarkCompleteFromDefinitions(b *testing.B) {
	defs := []Definition{{Kind: kindImport, Name: "str", Source: `import str "strings"`}, {Kind: kindVar, Name: "x", Source: "var x int"}}
	for b.Loop() {
		if c := Complete(defs, "fmt.Pri", 7); len(c.Matches) == 0 {
			b.Fatal("no completion")
		}
	}
}

// BenchmarkCompleteExpression completes after an expression's type:
// a field of an element of a field of a session variable.
func BenchmarkCompleteExpression(b *testing.B) {
	s, _, _ := newTestSession(b)
	mustExec(b, s, "res := runtimes.Go(1, func(int) {})")
	defs := s.Definitions()
	for b.Loop() {
		if c := Complete(defs, "res.Workers[0].", 15); len(c.Matches) == 0 {
			b.Fatal("no completion")
		}
	}
}

// BenchmarkCompleteCellLocal completes a name the cell declares before
// the cursor, inside a loop.
func BenchmarkCompleteCellLocal(b *testing.B) {
	const code = "b := new(strings.Builder)\nfor i := range 3 {\n\tb."
	for b.Loop() {
		if c := Complete(nil, code, len(code)); len(c.Matches) == 0 {
			b.Fatal("no completion")
		}
	}
}

// BenchmarkInspectDoc inspects a documented function (the table is
// decoded on first use, before the loop).
func BenchmarkInspectDoc(b *testing.B) {
	s, _, _ := newTestSession(b)
	for b.Loop() {
		if _, ok := s.Inspect("runtimes.Processes(", 19, 0); !ok {
			b.Fatal("nothing found")
		}
	}
}

// BenchmarkInspectMethod inspects a method of a variable's type.
func BenchmarkInspectMethod(b *testing.B) {
	s, _, _ := newTestSession(b)
	mustExec(b, s, "var sm sync.Map")
	for b.Loop() {
		if _, ok := s.Inspect("sm.Load", 4, 0); !ok {
			b.Fatal("nothing found")
		}
	}
}
