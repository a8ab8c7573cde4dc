package runtimes

import "context"

// Host is what the runtimes need from the interpreter session that runs
// them. The session (package interp) implements it and runs snippets in
// its Lab (NewLab); the runtimes package itself never imports an
// interpreter.
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
