// Package interp is the Go session of a spinlab kernel: a yaegi interpreter
// wrapped with notebook semantics.
//
// A cell may mix imports, declarations and statements in any order. The
// session splits it (see split.go), imports standard library packages the
// cell names without importing them, rewrites current Go syntax that yaegi
// v0.16.1 lacks (range over int, min/max/clear, per-iteration loop
// variables), guards goroutines against panics, and evaluates the pieces in
// the interpreter, keeping line numbers so that errors point at the cell.
//
// Boundaries: interp never imports the protocol (package kernel) nor zmq4.
// It imports kernel/display for bundles and runtimes for experiments; the
// evaluator process (interp/supervisor) owns file descriptors, process exit
// and restarts.
package interp
