// Package cell is the front end of a spinlab session: it turns the text of
// a notebook cell into the source that the session's yaegi (v0.16.1)
// interpreter evaluates, reading the session only through Scope, a
// read-only view of its definitions and variables. It never imports
// yaegi: a cell can be prepared and its rewrites tested against a
// DeclScope, Go declarations that stand for a session.
//
// Prepare cuts a cell into top-level items (split.go: tokens only, so any
// input is accepted), parses each (prepare.go), imports the standard
// library and bundled packages it names without importing them
// (imports.go), rewrites current Go that yaegi lacks (rewrite.go and the
// passes below) and marks the declarations that may be evaluated before
// the cell's statements. Plan orders the units into evaluation groups and
// GroupSource writes a group's source: each unit under a //line directive
// that places it in its cell, so that the interpreter's positions name
// the cell and its own lines (positions.go, stmtpos.go: "cell[3]:2:5").
// Edits never add or remove lines. A cell that is a whole program
// (package main … func main) keeps its declarations and runs main once
// (program.go).
//
// # Rewrites
//
// for i := range n (n an integer, as far as the front end can tell from
// declarations) becomes a three-clause loop; a range over an iterator
// function that a cell declares (func(yield func(K[, V]) bool), or a call
// returning one) becomes a call with the body as yield function, break and
// continue turned into returns; min and max call generic
// polyfills and clear a reflective one (unless the cell or session defines
// those names); a for loop whose body builds a closure or starts a
// goroutine gives each iteration its own copy of its variables (Go 1.22);
// every go statement recovers a panic and reports it as the error of the
// cell that was running when the goroutine started (or on stderr if that
// cell has ended); display.Show and Update pass interpreted values that
// have a Bundle method as rendered bundles; a top-level if, for, switch or
// block that declares several names at once in a nested block
// ("z, err := f()") runs inside a function literal called in place,
// since yaegi loses such names at package level. An assertion to an
// interface (v.(Shape), v.(error), a type switch case) tries the session's
// struct types that implement it, read from their declared methods
// (assert.go, typeswitch.go); unexported fields of declared struct types
// are tagged json:"-" xml:"-" (fieldtags.go); print arguments of type
// []T, T a session type with a String or Error method, reach fmt as
// []fmt.Stringer (stringslice.go); a range over a slice of channels goes
// by index (chanrange.go); os.Exit and log.Fatal skip the deferred calls
// of interpreted code (exit.go) and log's printing functions know their
// cell and line (logpos.go); a composite literal of a session type
// assigned to a variable of a compiled interface type (var err error =
// myErr{…}) is parenthesized, so that yaegi stores it as an error and not
// as the bare value, which a copy of the variable could not take
// (ifacelit.go); a type declared in a function that shadows a type of the
// session or the cell is renamed in its scope, since yaegi resolves the
// local name to the package's type (localtypes.go).
//
// Newer Go that yaegi cannot run is closed in spinlab's own code (no change
// to yaegi): slices, maps, cmp and iter.Pull are spinlab's interpreted
// implementations (generics/*.go.txt, library.go), which the session
// loads into every interpreter under names of their own; the rewriter adds
// the type arguments yaegi cannot infer (generics_calls.go, typeinfer.go),
// checks type arguments against unions with ~ (constraints.go), spells out
// iter.Seq and ranges over iterator values whose type it can tell
// (iter_values.go), and rewrites new(expr), errors.As/AsType and
// closures passed to compiled calls in loops (builtins_new.go,
// loopscope.go), and makes a closure that a deferred call of the same
// function calls in a frame of its own, since yaegi runs deferred calls
// holding the frame lock such a closure takes (deferclosure.go). What it
// cannot tell stays yaegi's, with an error that names the way around.
//
// Rewritten code calls the session's support package (RuntimePath,
// imported as RuntimeName) and its prelude (ValueFunc, ValuesFunc,
// RichFunc, AtVar): the session declares them in every interpreter.
//
// # Tests
//
// testdata/rewrite holds golden rewrites: a scope, a cell and the source
// the session evaluates for it (go test -run TestRewriteGolden -update
// writes them). interp's TestRewrittenBuilds builds each of them with go
// build, against the session's prelude and a stub of its support package,
// so that a rewrite that is no longer Go fails there.
package cell
