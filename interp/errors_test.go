package interp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestSyntaxErrorsLimit checks that a cell with more syntax errors than
// the go command reports shows the first ten and "too many errors", as
// go build does.
func TestSyntaxErrorsLimit(t *testing.T) {
	var b strings.Builder
	for i := range 12 {
		fmt.Fprintf(&b, "func f%d() {\n\tx := )\n}\n\n", i)
	}
	s, _, _ := newTestSession(t)
	_, err := s.Execute(context.Background(), b.String())
	var e *Error
	if !errors.As(err, &e) || e.Name != "CompileError" {
		t.Fatalf("error %v, want a CompileError", err)
	}
	lines := strings.Split(e.Message, "\n")
	if len(lines) != 11 || lines[10] != "too many errors" {
		t.Fatalf("message:\n%s\nwant 10 errors and \"too many errors\"", e.Message)
	}
	// go/parser reports a second error at each function's closing brace;
	// the fifth function's own error is the ninth.
	if want := "cell[1]:18:7: expected operand, found ')'"; lines[8] != want {
		t.Errorf("ninth error %q, want %q", lines[8], want)
	}
}
