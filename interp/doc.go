// Package interp is the Go session of a spinlab kernel: a yaegi (v0.16.1)
// interpreter wrapped with notebook semantics.
//
// # Cells
//
// A cell may mix imports, declarations and statements in any order. The
// session cuts it into top-level items (tokens only, so any input is
// accepted), parses each, imports the standard library packages it names
// without importing them (and the bundled gonum packages: plot, plotter,
// vg, stat, floats), rewrites current Go that yaegi lacks (all of this is
// package cell, the front end), and evaluates: imports first, then the type, func and const declarations that
// do not use names the cell's statements define (Go's package scope is
// order-independent, so a call may come before the function it calls), then
// the rest in the cell's order. Edits never change line numbers, and each
// item is evaluated under a //line directive, so errors and panic
// tracebacks name the cell and its own lines: "cell[3]:2:5". A cell that
// yaegi rejects is type-checked again with go/types, in a program made of
// the session's definitions and the cell as written, and every error Go
// finds in the cell is reported, in Go's words (typecheck.go).
//
// Declarations persist and may be redefined. yaegi keeps the first
// declaration of a type, so a cell that changes a type moves the session to
// a fresh interpreter: definitions are replayed with the new type, and
// variables whose types did not change are copied (the others are reset
// and named on stderr). Redefinitions bind late (latebind.go): the
// functions that use a redefined function, constant or variable are
// evaluated again, so that every caller, and every mode of runtimes,
// runs the new one; a redefined method moves the session to a fresh
// interpreter as a type does. Variables keep their values.
//
// main is an ordinary function that runs when called. A cell that is a
// whole program (package main, imports, declarations, func main) keeps
// its declarations and runs main once, as go run does (cell's program.go).
//
// # Values
//
// A cell whose last item is an expression statement has a value:
//   - one result prints as Go's %v would, with strings quoted (%q), using the
//     value's own String or Error method; a value that displays itself (a
//     Bundle() display.Bundle method, image.Image, *plot.Plot) also carries
//     its rich MIME types;
//   - several results print as a parenthesised list: "(1, <nil>)";
//   - a call without results, and calls to fmt.Print*, fmt.Fprint*,
//     log.Print*, log.Fatal*, log.Panic*, print and println, have no value.
//
// # Rewrites
//
// The front end of a cell, from its text to the source yaegi evaluates,
// is package cell: it splits and parses the cell, imports what it names,
// rewrites current Go that yaegi lacks (see its documentation for every
// rewrite) and plans the evaluation, reading the session only through
// cell.Scope, which Session implements. What the rewritten code calls at
// run time (spinlab.dev/rt: the polyfills, go statements' panics, exit
// checks, assertion errors, log positions) is the session's
// (runtime.go, cellsupport.go, polyfill.go), and spinlab's interpreted
// slices, maps, cmp and iter (cell.LibraryPackages) are loaded into every
// interpreter (generics.go).
//
// # Printing
//
// fmt's and log's printing functions are replaced in the symbol table by
// ones that print values of interpreted types as compiled Go does: field
// names as declared, main.T type names, String and Error methods of nested
// values (format.go, format_symbols.go; the session registers each struct
// type and method a cell declares, format_define.go).
//
// The importable packages are the standard library (as of the Go that
// generated interp/symbols), os/exec and syscall included, since a
// concurrency notebook starts and signals processes, and the bundled
// packages. Their symbol tables are built in the processes that interpret
// code, on first use, not in the kernel process.
//
// # Survival
//
// os.Exit and log.Fatal* panic inside the interpreter and are reported as
// an "exit" error; the deferred calls of interpreted code are skipped, as
// in a process that exits (exit.go), except deferred calls with
// non-literal arguments of functions with a parameter of type any (defer
// fmt.Println(x)), of method values, local closures, generic functions
// and builtins other than close.
// An interrupt (a cancelled context) stops interpreted
// loops, channel operations and time.Sleep (the session's own, which wakes
// on an interrupt); code blocked inside other compiled code (a locked
// sync.Mutex, a WaitGroup never done) cannot be stopped, the cell is
// reported "interrupted" all the same and its goroutine is left behind.
//
// # Boundaries
//
// Two packages hold what needs no interpreter: package cell, the front
// end (a cell's text to the source the interpreter runs, against a
// read-only cell.Scope, which Session implements), and package complete,
// completion and inspection from definitions and symbol tables, which the
// kernel process answers itself (Session.Complete and Session.Inspect
// add what only the live session knows). Neither imports yaegi.
//
// interp never imports the protocol (package kernel) nor zmq4. It imports
// display for bundles and runtimes for experiments, and implements
// runtimes.Host: each session has its runtimes.Lab (Session.Lab), which
// its magics run in and which the evaluator installs as runtimes' Default.
// The evaluator process (interp/supervisor) owns file
// descriptors, process exit and restarts; yaegi symbol tables of the
// bundled packages are generated into interp/symbols.
package interp
