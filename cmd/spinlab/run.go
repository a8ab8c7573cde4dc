package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/notebook"
)

// runFlags are the settings of `spinlab run`.
type runFlags struct {
	in          string
	out         string // "" means in, updated in place
	html        string
	timeout     time.Duration
	allowErrors bool
	stdin       bool
	params      []notebook.Param
	quiet       bool
}

const runAbout = `
Run executes every code cell of NOTEBOOK in order, in a fresh session, and
saves the notebook with the cells' outputs and execution counts, as
'jupyter nbconvert --execute --inplace' does. By default it updates NOTEBOOK
in place; -o writes the result elsewhere and leaves NOTEBOOK alone. The
notebook is saved even when a cell fails, with the error in that cell's
outputs. If NOTEBOOK or OUT is a symbolic link, the file it points to is
updated and the link stays. The output paths are checked before any cell
runs: a missing directory is an error (status 2), not a lost run.

A failing cell stops the run and the command exits with status 1 and
"cell N failed: NAME: MESSAGE", counting cells from 1 as the notebook shows
them. With --allow-errors every cell runs and errors only stay in the
outputs. A cell tagged "raises-exception" may fail; one tagged
"skip-execution" does not run.

SIGINT interrupts the running cell and ends the run; the notebook is still
saved. A session that does not answer an interrupt or a --timeout within
5s is given up: the cell gets an error output saying so, the run ends,
what ran is saved, and the session is killed. A second SIGINT (or
SIGTERM) gives it up at once; a third ends the command at once,
even while it saves.

Parameters work as in papermill: each -p name=value is assigned in a cell
injected after the cell tagged "parameters". A value that is a Go number,
true, false or a quoted Go string is used as written; anything else is a
string (-p mode=thread is mode = "thread").

Progress goes to standard error, one line per cell:
  [3/12] cell 5 … 1.2s`

func runCommand(args []string) int {
	f, code := parseRunFlags(args, os.Stderr)
	if f == nil {
		return code
	}
	nb, err := notebook.ReadFile(f.in)
	if err != nil {
		fmt.Fprintf(os.Stderr, "spinlab run: %s\n", oneLine(err))
		return 1
	}
	// A run may take an hour: a path it cannot write must fail now, not
	// after the last cell, with every output lost.
	if err := checkOutputs(f); err != nil {
		fmt.Fprintf(os.Stderr, "spinlab run: %s\n", err)
		return 2
	}

	ctx, abandon, stopSignals := runSignals()
	defer stopSignals()

	// newEngine (engine.go) starts the evaluator process, as the kernel does.
	eng, closeEngine := newEngine()
	defer closeWithin(closeEngine, engineCloseLimit, os.Stderr)
	return executeNotebook(ctx, nb, eng, f, abandon, os.Stdin, os.Stderr)
}

// runSignals turns SIGINT and SIGTERM into the stops of a run. The first
// SIGINT cancels ctx: the running cell is interrupted and the run ends.
// A second one, or SIGTERM, also closes abandon: the run stops waiting for
// a cell that does not stop, and what ran is saved. One more exits at
// once, for when even saving hangs (a dead network mount). stop ends the
// handling.
func runSignals() (ctx context.Context, abandon <-chan struct{}, stop func()) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	ab := make(chan struct{})
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case s := <-sigs:
				n++
				if s == syscall.SIGTERM {
					n = max(n, 2)
				}
				switch n {
				case 1:
					cancel()
				case 2:
					cancel()
					close(ab)
				default:
					os.Exit(130)
				}
			case <-done:
				return
			}
		}
	}()
	return ctx, ab, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

// engineCloseLimit bounds the shutdown of the session after a run. The
// supervisor's shutdown takes a few seconds at most (0.5s for the
// evaluator to exit, then a kill); a wedged one must not hold the command.
const engineCloseLimit = 10 * time.Second

// closeWithin runs closeEngine and returns after at most limit. Past it
// the command exits anyway: the evaluator has a parent-death signal, so
// it dies with this process.
func closeWithin(closeEngine func(), limit time.Duration, stderr io.Writer) {
	done := make(chan struct{})
	go func() {
		closeEngine()
		close(done)
	}()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		fmt.Fprintf(stderr, "spinlab run: the session did not shut down within %v; exiting without it\n", limit)
	}
}

// parseRunFlags parses the arguments of `spinlab run`. Flags may come
// before or after the notebook's name. It returns nil and an exit code
// when there is nothing to run.
func parseRunFlags(args []string, stderr io.Writer) (*runFlags, int) {
	f := &runFlags{}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.out, "o", "", "write the executed notebook to `OUT.ipynb` instead of updating NOTEBOOK in place")
	fs.StringVar(&f.html, "html", "", "also export the executed notebook as a self-contained `OUT.html` page")
	fs.DurationVar(&f.timeout, "timeout", 0, "interrupt and fail a cell that runs longer than `D` (e.g. 30s, 5m; 0: no limit)")
	fs.BoolVar(&f.allowErrors, "allow-errors", false, "run every cell even after one fails; exit 0")
	fs.BoolVar(&f.stdin, "stdin", false, "answer the cells' input requests with lines from standard input (default: they fail)")
	fs.BoolVar(&f.quiet, "q", false, "do not report progress")
	fs.Func("p", "set a parameter: `name=value` (repeatable)", func(s string) error {
		p, err := notebook.ParseParam(s)
		if err != nil {
			return err
		}
		f.params = append(f.params, p)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: spinlab run NOTEBOOK.ipynb [-o OUT.ipynb] [--html OUT.html] [--timeout D] [--allow-errors] [--stdin] [-p name=value ...]\n\n%s\n\nFlags:\n",
			strings.TrimSpace(runAbout))
		fs.PrintDefaults()
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, helpOrUsage(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	switch len(positional) {
	case 1:
		f.in = positional[0]
	case 0:
		fmt.Fprintln(stderr, "spinlab run: which notebook? (spinlab run NOTEBOOK.ipynb; see spinlab run --help)")
		return nil, 2
	default:
		fmt.Fprintf(stderr, "spinlab run: one notebook at a time, got %q\n", positional)
		return nil, 2
	}
	if f.timeout < 0 {
		fmt.Fprintln(stderr, "spinlab run: --timeout must not be negative")
		return nil, 2
	}
	if f.out == "" {
		f.out = f.in
	}
	return f, 0
}

// executeNotebook runs nb through eng as f says, saves it, and returns the
// exit code.
// Closing abandon stops the wait for a cell that does not stop.
func executeNotebook(ctx context.Context, nb *notebook.Notebook, eng kernel.Engine, f *runFlags, abandon <-chan struct{}, stdin io.Reader, stderr io.Writer) int {
	if nb.Metadata["kernelspec"] == nil {
		nb.Metadata["kernelspec"] = notebook.KernelSpec()
	}
	for _, name := range nb.Parameterize(f.params) {
		fmt.Fprintf(stderr, "spinlab run: warning: parameter %s is not declared in a cell tagged \"parameters\"; it becomes a new variable\n", name)
	}
	opts := notebook.RunOptions{Timeout: f.timeout, AllowErrors: f.allowErrors, Abandon: abandon}
	if f.stdin {
		opts.Stdin = stdin
	}
	if !f.quiet {
		opts.Progress = progressReporter(stderr)
	}
	start := time.Now()
	runErr := notebook.Run(ctx, nb, eng, opts)

	code := 0
	if err := nb.WriteFile(f.out); err != nil {
		fmt.Fprintf(stderr, "spinlab run: saving the notebook: %s\n", oneLine(err))
		code = 1
	}
	if f.html != "" {
		if err := nb.WriteHTMLFile(f.html, ""); err != nil {
			fmt.Fprintf(stderr, "spinlab run: exporting HTML: %s\n", oneLine(err))
			code = 1
		}
	}
	var cellErr *notebook.CellError
	switch {
	case errors.As(runErr, &cellErr):
		fmt.Fprintf(stderr, "spinlab run: %s\n", cellErr)
		head := cellErr.Name + ": " + cellErr.Value
		tb := strings.TrimSpace(notebook.StripANSI(strings.Join(cellErr.Traceback, "\n")))
		if tb = strings.TrimSpace(strings.TrimPrefix(tb, head)); tb != "" {
			fmt.Fprintf(stderr, "  %s\n", strings.ReplaceAll(tb, "\n", "\n  "))
		}
		fmt.Fprintf(stderr, "spinlab run: outputs so far saved to %s\n", f.out)
		return 1
	case runErr != nil:
		fmt.Fprintf(stderr, "spinlab run: %s; outputs so far saved to %s\n", oneLine(runErr), f.out)
		return 1
	}
	if code == 0 && !f.quiet {
		fmt.Fprintf(stderr, "spinlab run: done in %s; saved %s\n", roundDuration(time.Since(start)), f.out)
	}
	return code
}

// progressReporter prints "[3/12] cell 5 … " when a cell starts and its
// time when it ends.
func progressReporter(w io.Writer) func(notebook.Progress) {
	return func(p notebook.Progress) {
		if !p.Done {
			fmt.Fprintf(w, "[%d/%d] cell %d … ", p.N, p.Total, p.Cell+1)
			return
		}
		status := ""
		if p.Err != nil {
			status = " failed"
			switch {
			case p.Err.Timeout:
				status = " timed out"
			case p.Err.Stuck:
				status = " interrupted"
			}
		}
		fmt.Fprintf(w, "%s%s\n", roundDuration(p.Elapsed), status)
	}
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(time.Millisecond)
	default:
		return d.Round(100 * time.Millisecond)
	}
}

// checkOutputs reports an output file that the run could not write.
func checkOutputs(f *runFlags) error {
	if err := notebook.CheckWritable(f.out); err != nil {
		if f.out == f.in {
			return fmt.Errorf("cannot save the notebook in place: %w", err)
		}
		return fmt.Errorf("-o %w", err)
	}
	if f.html != "" {
		if err := notebook.CheckWritable(f.html); err != nil {
			return fmt.Errorf("--html %w", err)
		}
	}
	return nil
}
