package interp

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"

	yaegi "github.com/traefik/yaegi/interp"
)

// userError converts an interpreter error into an *Error.
func (s *Session) userError(ctx context.Context, err error, cell int) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return &Error{Name: "interrupted", Message: "the cell was interrupted",
			Traceback: []string{"interrupted while running " + cellName(cell)}}
	}
	var p yaegi.Panic
	if errors.As(err, &p) {
		return panicError(p.Value, topLevelFrame(s.stderr.traceback(), s.statementAt(), cell))
	}
	current := cell
	if current == 0 {
		current = s.cellNumber()
	}
	msg := mapPositions(err.Error(), current)
	switch {
	case strings.Contains(msg, "undefined type for"):
		msg += " (the interpreter could not infer this type argument: give it explicitly, as in Sum[int](xs...) or slices.Collect[string](seq))"
	case strings.Contains(msg, "undefined selector: slices.") || strings.Contains(msg, "undefined selector: maps."):
		msg += " (spinlab's slices and maps lack this function: write the loop, or convert with sort/strings)"
	}
	return &Error{Name: "CompileError", Message: msg, Traceback: firstPositions(msg)}
}

// panicError builds the error for a recovered panic value.
func panicError(v any, tb []string) *Error {
	if e, ok := v.(exitCode); ok {
		return &Error{Name: "exit", Message: fmt.Sprintf("exit status %d", int(e)), Traceback: tb}
	}
	if e, ok := v.(fatalExit); ok {
		return &Error{Name: "exit", Message: fmt.Sprintf("log.Fatal: %s (exit status 1)", strings.TrimSpace(string(e))), Traceback: tb}
	}
	name := "panic"
	if _, ok := v.(runtime.Error); ok {
		name = "runtime error"
	}
	msg := fmt.Sprint(v)
	if e, ok := v.(error); ok {
		msg = e.Error()
		msg = strings.TrimPrefix(msg, "runtime error: ")
	}
	// yaegi puts the position of the failed operation in front of some
	// panics ("200002:7: interface conversion: ..."), in its own line
	// numbering; the traceback has the cell's position, Go's message none.
	if loc := panicPositionRE.FindStringIndex(msg); loc != nil {
		msg = msg[loc[1]:]
	}
	if _, ok := v.(string); ok || strings.HasPrefix(msg, "reflect") {
		s := msg
		// yaegi evaluates with reflect: its panics stand for Go's runtime errors.
		for _, m := range reflectPanics {
			if strings.Contains(s, m.reflect) {
				return &Error{Name: "runtime error", Message: m.runtime, Traceback: tb}
			}
		}
		if s == "nil type" {
			return &Error{Name: "CompileError", Message: untypable, Traceback: tb}
		}
	}
	return &Error{Name: name, Message: msg, Traceback: tb}
}

// panicPositionRE matches the position yaegi puts in front of a panic's
// message.
var panicPositionRE = regexp.MustCompile(`^(?:_\.go:)?\d+:\d+: `)

// reflectPanics maps the reflect panics of interpreted code to the runtime
// errors Go would report.
var reflectPanics = []struct{ reflect, runtime string }{
	{"index out of range", "index out of range"},
	{"slice bounds out of range", "slice bounds out of range"},
	{"on zero Value", "invalid memory address or nil pointer dereference"},
	{"nil pointer", "invalid memory address or nil pointer dereference"},
	{"assignment to entry in nil map", "assignment to entry in nil map"},
}

func isCompileError(err error) bool {
	var p yaegi.Panic
	if errors.As(err, &p) {
		return false
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
