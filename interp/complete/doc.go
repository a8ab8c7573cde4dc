// Package complete answers a notebook's editor for Go cells: completion
// (Complete), inspection (Inspect, Shift-Tab) and whether a cell is ready
// to run (IsComplete). It reasons statically, from a session's
// definitions (cell.Definition), the symbol tables of the importable
// packages (interp/symbols) and the documentation captured at build time
// (interp/docs): nothing runs, and no interpreter is needed, so that the
// kernel process answers while a cell runs in the evaluator.
//
// What only a running session knows, the values of its variables and the
// doc comments of its declarations, comes through Live (InspectLive);
// interp.Session provides it.
package complete
