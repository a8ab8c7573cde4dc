package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/spinlab/spinlab/interp/supervisor"
	"github.com/spinlab/spinlab/kernel"
)

// newEngine returns the engine that runs cells in an evaluator process
// (`spinlab eval`), and the func that stops it and everything it started.
func newEngine() (kernel.Engine, func()) {
	return newEngineWith(nil)
}

func newEngineWith(logger *slog.Logger) (kernel.Engine, func()) {
	// This process exists for the session: it becomes a subreaper and
	// ends every process the session started, at any depth, with it.
	s, err := supervisor.New(supervisor.Options{Logger: logger, Version: spinlabVersion(), OwnProcessTree: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab:", err)
		os.Exit(1)
	}
	return s, func() { s.Shutdown(context.Background(), false) }
}
