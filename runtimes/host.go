package runtimes

import (
	"context"
	"errors"
	"sync"
)

// Host is what the runtimes need from the interpreter session that runs
// them. The session (package interp) implements it and the evaluator
// process installs it with SetHost; the runtimes package itself never
// imports an interpreter.
type Host interface {
	// Compile turns a snippet into a function that goroutine and thread
	// workers call. The snippet sees the session's definitions and the
	// variables worker (0..workers-1) and workers. The function returns
	// the value of the snippet's last expression, or nil if it has none.
	// Compile is called once per run, not once per worker.
	Compile(snippet string) (func(ctx context.Context, worker, workers int) (any, error), error)

	// Export prepares what a child process needs to run the snippet: the
	// session's imports, types, functions and constants as source, and a
	// copy of each session variable that the snippet names. A variable
	// that cannot be copied (a channel, a mutex, a func value, unexported
	// state) is an error that names it.
	Export(snippet string) (Program, error)
}

// Program is everything a child process needs to run a snippet, as it
// crosses the process boundary.
type Program struct {
	// Source holds the session's imports, types, functions and constants.
	Source string `json:"source"`
	// Vars are copies of the session variables the snippet names.
	Vars []Var `json:"vars,omitempty"`
	// Snippet is the code each worker runs.
	Snippet string `json:"snippet"`
}

// Var is one copied session variable.
type Var struct {
	Name string `json:"name"`
	Type string `json:"type"` // Go source of its type, as the session declares it
	// Value is its value in the binary value encoding (EncodeValue; an
	// Evaluator decodes it with DecodeValueInto into its own declaration
	// of the variable). In a GoProgram it is JSON.
	Value []byte `json:"value"`
}

// Evaluator runs a Program's snippet in a fresh interpreter inside a
// worker process, and returns the value of its last expression (nil if
// none). The spinlab worker command supplies one built on package interp.
type Evaluator func(ctx context.Context, p Program, worker, workers int) (any, error)

// The installed host is the package's one piece of mutable global state, a
// deliberate exception like slog.SetDefault: the evaluator process installs
// its session once, and snippets written in cells reach it without passing
// it around.
var host struct {
	mu sync.RWMutex
	h  Host
}

// SetHost installs the interpreter session that Experiment, Processes and
// Bench use to compile and export snippets. The evaluator process (`spinlab
// eval`) calls it once with its session; a plain Go program never does, and
// then only the func-taking forms (Go, Threads, Experiment.Func, BenchFunc)
// work. SetHost(nil) uninstalls it.
func SetHost(h Host) {
	host.mu.Lock()
	host.h = h
	host.mu.Unlock()
}

// ErrNoHost is returned when an operation needs an interpreter session and
// none is installed, as in a plain Go program.
var ErrNoHost = errors.New("no spinlab session is installed (runtimes.SetHost): snippets run only in the spinlab kernel; a plain Go program can use Go, Threads, Experiment.Func and BenchFunc")

func currentHost() (Host, error) {
	host.mu.RLock()
	defer host.mu.RUnlock()
	if host.h == nil {
		return nil, ErrNoHost
	}
	return host.h, nil
}

// CellContexter is implemented by a Host that knows the context of the
// cell running now, which is cancelled when the cell is interrupted. The
// forms without a context (Go, Threads, Processes, Experiment.Run, Bench)
// run under it, so that an interrupt stops them: children are killed and
// reaped, and the run reports what finished.
type CellContexter interface {
	CellContext() context.Context
}

// cellContext returns the running cell's context when the installed Host
// knows it, else context.Background().
func cellContext() context.Context {
	host.mu.RLock()
	h := host.h
	host.mu.RUnlock()
	if c, ok := h.(CellContexter); ok {
		if ctx := c.CellContext(); ctx != nil {
			return ctx
		}
	}
	return context.Background()
}
