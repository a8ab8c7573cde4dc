package notebook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spinlab/spinlab/kernel"
)

// RunOptions are the knobs of [Run].
type RunOptions struct {
	// Timeout bounds each cell; a cell still running after it is
	// interrupted (its context is cancelled) and fails. 0 means no limit.
	Timeout time.Duration
	// AllowErrors keeps running after a cell fails, as
	// `jupyter nbconvert --execute --allow-errors` does. The errors stay in
	// the cells' outputs. A cell tagged "raises-exception" may always fail.
	AllowErrors bool
	// Stdin answers the cells' input requests, a line each. With nil they
	// fail with kernel.ErrStdinNotAllowed.
	Stdin io.Reader
	// Progress, if set, is called when a cell starts and when it ends.
	Progress func(Progress)
}

// Progress reports a cell starting or finishing.
type Progress struct {
	Cell    int           // index of the cell in Notebook.Cells
	N       int           // the cell is the Nth to run (from 1) ...
	Total   int           // ... of Total
	Done    bool          // false when the cell starts
	Elapsed time.Duration // how long the cell ran, when Done
	Err     *CellError    // the cell's failure, when Done
}

// CellError is a cell's failure. Its message names the cell by its
// position in the notebook counting from 1, as a person counts them.
type CellError struct {
	Cell           int // index of the cell in Notebook.Cells
	ExecutionCount int
	Name           string // the error's ename, "Timeout" for a timeout
	Value          string // its evalue
	Traceback      []string
	// Timeout is set when the cell ran longer than RunOptions.Timeout.
	Timeout bool
}

func (e *CellError) Error() string {
	return fmt.Sprintf("cell %d failed: %s: %s", e.Cell+1, e.Name, e.Value)
}

// Run executes the code cells of nb in order through eng and records their
// outputs and execution counts in nb, as running them in Jupyter would.
// Empty cells and cells tagged "skip-execution" do not run; every other
// code cell loses its old outputs before the first cell runs, so that a run
// that stops early leaves no stale output behind it.
//
// A failing cell stops the run, and Run returns its *CellError, unless
// opts.AllowErrors. When ctx is cancelled the running cell is interrupted
// and Run returns an error that wraps ctx's.
//
// Run does not restart eng: cells run in whatever session it holds. It
// relies on eng to return from Execute once the cell's context is
// cancelled, as kernel.Engine requires; an engine that does not would
// hold the run past its timeout.
func Run(ctx context.Context, nb *Notebook, eng kernel.Engine, opts RunOptions) error {
	var cells []int
	for i, c := range nb.Cells {
		if c.Type == Code && strings.TrimSpace(c.Source) != "" && !c.HasTag("skip-execution") {
			cells = append(cells, i)
		}
	}
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	nb.Metadata["language_info"] = LanguageInfo(eng.Info().Language)

	rec := newRecorder(nb, opts.Stdin)
	defer rec.close()
	rec.mu.Lock()
	for _, i := range cells {
		nb.Cells[i].Outputs = nil
		nb.Cells[i].ExecutionCount = 0
	}
	rec.mu.Unlock()

	for n, i := range cells {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("run stopped before cell %d: %w", i+1, err)
		}
		p := Progress{Cell: i, N: n + 1, Total: len(cells)}
		if opts.Progress != nil {
			opts.Progress(p)
		}
		start := time.Now()
		cerr := runCell(ctx, rec, i, n+1, eng, opts)
		p.Done, p.Elapsed, p.Err = true, time.Since(start), cerr
		if opts.Progress != nil {
			opts.Progress(p)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("run interrupted in cell %d: %w", i+1, ctx.Err())
		}
		if cerr != nil && !opts.AllowErrors && !nb.Cells[i].HasTag("raises-exception") {
			return cerr
		}
	}
	return nil
}

// runCell runs cell i as the count'th execution and records its outputs.
func runCell(ctx context.Context, rec *recorder, i, count int, eng kernel.Engine, opts RunOptions) *CellError {
	rec.mu.Lock()
	cell := rec.nb.Cells[i]
	cell.ExecutionCount = count
	code := cell.Source
	rec.mu.Unlock()

	cctx, cancel := ctx, context.CancelFunc(func() {})
	if opts.Timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, opts.Timeout)
	}
	defer cancel()

	out := rec.output(i)
	reply := eng.Execute(cctx, kernel.ExecuteRequest{
		Code:           code,
		StoreHistory:   true,
		AllowStdin:     opts.Stdin != nil,
		ExecutionCount: count,
	}, out)

	timedOut := errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	switch {
	case timedOut:
		if reply.Error == nil {
			reply.Error = &kernel.Error{Name: "Timeout", Value: timeoutMessage(opts.Timeout)}
		}
	case reply.Status == kernel.StatusError && reply.Error == nil:
		reply.Error = &kernel.Error{Name: "Error", Value: "the cell failed without saying why"}
	case reply.Status == kernel.StatusAborted && reply.Error == nil:
		reply.Error = &kernel.Error{Name: "Aborted", Value: "the kernel aborted the cell"}
	}
	out.result(count, reply)

	if timedOut {
		return &CellError{Cell: i, ExecutionCount: count, Name: "Timeout",
			Value: timeoutMessage(opts.Timeout), Timeout: true}
	}
	if e := reply.Error; e != nil {
		return &CellError{Cell: i, ExecutionCount: count, Name: e.Name, Value: e.Value, Traceback: e.Traceback}
	}
	return nil
}

func timeoutMessage(d time.Duration) string {
	return fmt.Sprintf("the cell ran longer than the %v timeout and was interrupted", d)
}
