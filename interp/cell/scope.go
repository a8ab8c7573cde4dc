package cell

import (
	"reflect"
	"slices"
	"strings"
)

// A Definition is what a cell defined at package level, and what a
// session replays to define it again: an import, a type, a function or
// method, a constant or a variable.
type Definition struct {
	// Kind is "import", "type", "func", "const" or "var".
	Kind string `json:"kind"`
	// Name is the defined name (for a method, "Type.Method"; for an
	// import, the package's local name).
	Name string `json:"name"`
	// Source declares it. For a var, Source declares it at its zero value
	// with its type ("var n int"): values do not survive a crash.
	Source string `json:"source"`
}

// Scope is what the cell front end (splitting, parsing, auto-imports and
// the rewrites) reads of the session a cell runs in. It only reads: the
// front end never defines, evaluates or changes anything, so a cell can
// be prepared against a Scope that no interpreter stands behind (tests,
// tools) as well as against a session (interp.Session implements it).
type Scope interface {
	// Definitions returns the scope's definitions, oldest first; a later
	// definition of a name replaces an earlier one.
	Definitions() []Definition
	// Globals returns the scope's variables (and constants) by name: a
	// value whose type and contents the rewrites read (an int, a
	// *display.Handle, the fields of a struct). An invalid Value is a
	// name whose value cannot be read.
	Globals() map[string]reflect.Value
	// TypeName returns the name that the scope declared for t, a struct
	// type that reflection shows unnamed (as yaegi's types of interpreted
	// struct types are), or "" if it declared none.
	TypeName(t reflect.Type) string
}

// view is a Scope read once for the preparation of one cell: its
// definitions are a snapshot, looked up by name as the session's own.
type view struct {
	sc   Scope
	defs []Definition
}

func newView(sc Scope) *view {
	return &view{sc: sc, defs: sc.Definitions()}
}

// snapshot returns the definitions and the names they define.
func (v *view) snapshot() ([]Definition, map[string]bool) {
	names := make(map[string]bool, len(v.defs))
	for _, d := range v.defs {
		names[d.Name] = true
	}
	return append([]Definition(nil), v.defs...), names
}

// definition returns the current definition of name, if any.
func (v *view) definition(name string) (Definition, bool) {
	for i := len(v.defs) - 1; i >= 0; i-- {
		if v.defs[i].Name == name {
			return v.defs[i], true
		}
	}
	return Definition{}, false
}

// constDefinition returns the current definition of a constant name,
// which a grouped declaration defines under its names joined by commas
// ("Monday,Sunday" for const ( Sunday Weekday = iota; Monday )).
func (v *view) constDefinition(name string) (Definition, bool) {
	for i := len(v.defs) - 1; i >= 0; i-- {
		d := v.defs[i]
		if d.Name == name || strings.Contains(d.Name, ",") && slices.Contains(strings.Split(d.Name, ","), name) {
			return d, d.Kind == kindConst
		}
	}
	return Definition{}, false
}

// resultType is the source of the single result type of a function of
// the scope, or "".
func (v *view) resultType(name string) string {
	d, ok := v.definition(name)
	if !ok {
		return ""
	}
	return funcResultType(d)
}

func (v *view) globals() map[string]reflect.Value { return v.sc.Globals() }
