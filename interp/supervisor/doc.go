// Package supervisor runs the Go session in an evaluator process and
// implements kernel.Engine by talking to it, so that the kernel process
// never runs user code and survives whatever a cell does to its process.
//
// The kernel (spinlab kernel) creates a Supervisor; the Supervisor starts
// `spinlab eval`, whose main is ServeEvaluator, with internal/child: in its
// own process group, with a parent-death signal. They talk over that
// package's private framed channel (requests one way, events and replies
// the other; 4-byte big-endian lengths, each followed by one JSON frame),
// which the evaluator moves off fds 3 and 4 to close-on-exec descriptors,
// so cells' children do not inherit it and a cell that closes fd 3 closes
// a placeholder; a cell that finds the channel and breaks it costs the
// evaluator, never a hang. The evaluator's fds 1 and 2 are pipes that the
// Supervisor turns into stream output, so everything a cell prints
// arrives however it prints it. On Linux the session's own stdout
// (fmt.Print* and the like) goes instead through a ring in memory shared
// by the two processes, into which the evaluator also moves what waits in
// its fd 1 pipe before each write, so that printing costs no system call
// to wake the kernel process and stdout keeps the order of its writes
// (ring.go states the rule). Sync markers in the ring and the stderr pipe
// keep stream text in order with the displays and results around it.
//
// When the evaluator dies (a fatal error such as concurrent map writes, a
// stack overflow, os.Exit, a SIGKILL), the running cell gets an error that
// quotes the runtime's message, a new evaluator starts, and the session's
// definitions (imports, types, functions, constants; variables at their
// zero values) are replayed into it; the error names the variables whose
// values were lost. A cell that ignores an interrupt for
// Options.InterruptGrace is handled the same way, after a kill. A runtime
// throw dumps every goroutine whatever GOTRACEBACK says; the Supervisor
// keeps the report's first lines, and once the dump has run for half a
// second and the evaluator does not answer a ping, kills it, so the reply
// comes within seconds even with a million goroutines.
//
// Nothing a session starts outlives it. The evaluator is a child
// subreaper and its parent-death signal is SIGTERM, which it catches to
// kill every descendant (found by the parent links in /proc) before dying
// of it: so kill -9 of the kernel, or jupyter_client's killpg, ends cells'
// children and workers' children too. With Options.OwnProcessTree (the
// kernel and spinlab run) the kernel process is a subreaper as well and
// kills its descendants whenever an evaluator has ended; %reset and
// shutdown kill the evaluator's. A process that double-forks after its
// subreaper died still escapes.
//
// Execute requests go to the evaluator. Completions, is_complete and most
// inspections do not: the Supervisor answers them itself by static
// reasoning over its record of the session's definitions, the symbol
// tables and the documentation table (complete.Complete, complete.IsComplete,
// complete.Inspect), so they stay fast and keep answering while a cell runs
// or the evaluator restarts. Inspecting what only the live session knows
// (a variable's value, a session declaration's doc comment) goes to the
// evaluator.
//
// The package sits between kernel (which it serves, through kernel.Engine)
// and interp (which the evaluator runs); kernel never imports it.
package supervisor
