// Package runtimes runs a piece of work as n concurrent workers in one of
// three modes and measures what each mode costs:
//
//   - Goroutine: plain goroutines sharing the session's memory;
//   - Thread: goroutines that each lock an OS thread of their own for life
//     (runtime.LockOSThread without unlock, so the thread exits with them);
//   - Process: `spinlab worker` child processes, each with its own
//     interpreter and a copy of the variables the snippet names.
//
// Go, Threads and Processes run one batch of workers and return a Run:
// per worker, spawn latency (asked to start → first instruction), run
// time, user and system CPU time (per thread in thread mode, per child in
// process mode; goroutines migrate between threads, so goroutine mode
// reports only the process total), memory (heap bytes allocated in
// process; a child's peak RSS), and for the run its wall time and the
// peak OS thread count. An Experiment sweeps modes × worker counts ×
// trials and returns Results, which draw four charts (wall time with
// min–max bars, speedup against the ideal, memory per worker, spawn
// latency), a table of medians, and export CSV and JSON. Bench is the Go
// benchmark loop behind the %%bench magic. Every result type displays
// itself in a notebook (a Bundle method, see package display).
//
// # Labs, snippets and the session
//
// A Lab runs all of this for one interpreter session, with methods that
// take a context first (Lab.Go, Lab.Threads, Lab.Processes, Lab.Bench,
// Lab.Experiment) and a Close that ends its children. The package-level
// Go, Threads, Processes, Bench and Experiment.Run are those methods of
// the Default lab under the running cell's context (CellContexter), as
// http.Get is DefaultClient.Get; the %%spin and %%bench magics call the
// same methods of the same lab.
//
// Snippets are Go source evaluated by the notebook's interpreter. This
// package does not import one: the session is a Host, which compiles
// snippets for the in-process modes (once per experiment, not per worker)
// and exports them as a Program for child processes, and the evaluator
// process installs the session's lab with SetDefault. A plain Go program
// has no session; it can use Go, Threads, Experiment.Func and BenchFunc,
// and process mode says it needs a session.
//
// # Process mode and the worker protocol
//
// Each child is the running binary with the argument "worker" (the
// `spinlab worker` command, whose body is WorkerMain), unless
// ProcessOptions.Command or $SPINLAB_WORKER_BIN says otherwise. A child
// is started by internal/child: it runs in its own process group, gets
// SIGKILL when this process dies, reads its Program on a private channel
// (which what the snippet starts does not inherit) and answers on it; its
// stdout and stderr carry only the user's
// output, forwarded line by line and tagged "[wN] " when a run has more
// than one worker. An interrupt (a cancelled context) or Lab.KillAll kills
// children with their process groups and reaps them. A worker that
// panics, exits non-zero or dies of a signal is reported on that worker
// with the start and end of its stderr, and the others' results stand.
//
// Values cross the channel in a binary encoding (EncodeValue; the format
// is at the top of value.go): a []byte or string as its raw bytes, a
// []float64 as its 8-byte values, and with its Go type, so that a
// child's result reads back as the int, []byte, time.Duration or
// map[string]int the snippet returned, not as JSON's float64 and maps.
// WorkerStats.CopyIn and CopyOut time the whole trip of the copy each
// way: encoding, the pipe and decoding.
//
// # Runners: interpreted and compiled
//
// Every figure above is, by default, a figure about the interpreter
// (Interpreted): yaegi runs a loop 10–1000× slower than Go and allocates
// where Go does not, which can invert a comparison. The Compiled runner
// (Experiment.Runners, BenchOptions.Runner, %%spin runner=compiled)
// builds the snippet into a Go program with the machine's go command and
// runs that instead, so the numbers are Go's own:
//
//   - the session (a GoExporter) exports the snippet with the imports,
//     types, functions, methods and constants it uses, transitively, as
//     the cells wrote them, and copies of the variables they name (JSON
//     values with their types' source; sync types start at zero), each
//     piece after a //line directive naming its cell, so that compile
//     errors, panics and race reports point at the cells' lines;
//   - the generated cell.go and the fixed harness (runtimes/harness, std
//     only: it speaks the worker protocol and measures what the
//     interpreted runner measures, with the same meaning per field) are
//     built by internal/gobuild in a module that requires spinlab's own
//     build list, from the local module cache, into a cache keyed by
//     content (os.UserCacheDir()/spinlab/build): an unchanged experiment
//     runs again without a build;
//   - goroutine and thread modes run inside one child of the built
//     program, started once per experiment (so workers see copies of the
//     session's variables, not the session's memory); process mode starts
//     one child of it per worker over process mode's protocol;
//   - Experiment.Race builds with -race; each DATA RACE report reaches the
//     cell as stderr and is kept on its Run (Races), and the results mark
//     the run racy with the cell lines of the racing accesses.
//
// Without a go command the Compiled runner fails with ErrNoToolchain,
// which says what is missing and how to get it; the interpreter needs
// none. Runs, Summaries, CSV, JSON, tables and charts carry the runner;
// where only the interpreter ran the footer says "interpreted by yaegi".
//
// The package's one piece of mutable state is the Default lab; the
// session, the registry of live children and the toolchain found for
// compiled runs are the lab's.
package runtimes
