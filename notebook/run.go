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
	// StopGrace is how long Run waits for the engine to return from a
	// cell after interrupting it (a timeout or a cancelled context),
	// default DefaultStopGrace. An engine that has not returned by then is
	// stuck: Run stops waiting, marks the cell and ends the run.
	StopGrace time.Duration
	// Abandon, when closed, makes Run stop waiting for the running cell
	// at once, as if its StopGrace had passed: the second Ctrl-C of a
	// person who will not wait for a stuck session.
	Abandon <-chan struct{}
}

// DefaultStopGrace is the default RunOptions.StopGrace. spinlab's
// supervisor answers an interrupted cell within its own grace (1.5s), a
// kill and a restart: 1.6 to 1.7s measured for a cell stuck on a mutex
// on a loaded 2-core machine. Three times that leaves room for load and
// still ends a stuck run soon after its timeout.
const DefaultStopGrace = 5 * time.Second

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
	// Stuck is set when the engine did not return from the cell after
	// it was interrupted (see RunOptions.StopGrace): the engine is still
	// busy with it and of no further use; shut it down.
	Stuck bool
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
// Run does not restart eng: cells run in whatever session it holds.
// kernel.Engine requires Execute to return once the cell's context is
// cancelled, but a wedged session may never answer; so Run waits at most
// opts.StopGrace after an interrupt or a timeout (or until opts.Abandon
// closes), then gives the cell an error output saying so and returns a
// *CellError with Stuck set, whatever opts.AllowErrors says. The cells
// that ran keep their outputs and the cells after it have none, so the
// notebook can be saved as it stands.
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
		if abandoned(opts.Abandon) {
			return fmt.Errorf("run stopped before cell %d: %w", i+1, errAbandoned)
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
		if cerr != nil && cerr.Stuck {
			return cerr
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
	replies := make(chan kernel.ExecuteReply, 1) // a stuck Execute's late reply must not block it
	go func() {
		replies <- eng.Execute(cctx, kernel.ExecuteRequest{
			Code:           code,
			StoreHistory:   true,
			AllowStdin:     opts.Stdin != nil,
			ExecutionCount: count,
		}, out)
	}()
	reply, w, ok := awaitReply(cctx, cancel, replies, opts)

	timedOut := errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	if !ok {
		// Whatever the stuck cell prints from now on is not recorded:
		// the notebook is about to be saved as it stands.
		rec.close()
		e := stuckError(timedOut, opts.Timeout, w)
		out.result(count, kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{
			Name: e.Name, Value: e.Value, Traceback: []string{e.Name + ": " + e.Value},
		}})
		e.Cell, e.ExecutionCount, e.Traceback = i, count, []string{e.Name + ": " + e.Value}
		return e
	}
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

// errAbandoned is the cause of a run that RunOptions.Abandon stopped
// between cells.
var errAbandoned = errors.New("abandoned")

func abandoned(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// wait is how the wait for a cell that did not answer ended.
type wait struct {
	waited    time.Duration // from the interrupt to the end of the wait
	abandoned bool          // RunOptions.Abandon ended it, not StopGrace
}

// awaitReply waits for the engine's reply to a cell. Once the cell's
// context is done it waits opts.StopGrace more; when Abandon closes it
// interrupts the cell and stops waiting at once. ok is false when no reply
// came.
func awaitReply(cctx context.Context, cancel context.CancelFunc, replies <-chan kernel.ExecuteReply, opts RunOptions) (reply kernel.ExecuteReply, w wait, ok bool) {
	select {
	case r := <-replies:
		return r, w, true
	case <-cctx.Done():
	case <-opts.Abandon:
		cancel()
		return reply, wait{abandoned: true}, false
	}
	grace := opts.StopGrace
	if grace <= 0 {
		grace = DefaultStopGrace
	}
	start := time.Now()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case r := <-replies:
		return r, w, true
	case <-t.C:
		return reply, wait{waited: grace}, false
	case <-opts.Abandon:
		return reply, wait{waited: time.Since(start), abandoned: true}, false
	}
}

// stuckError describes a cell whose engine never answered.
func stuckError(timedOut bool, timeout time.Duration, w wait) *CellError {
	e := &CellError{Name: "Interrupted", Timeout: timedOut, Stuck: true}
	why := "the run was interrupted while the cell ran"
	if timedOut {
		e.Name, why = "Timeout", fmt.Sprintf("the cell ran longer than the %v timeout", timeout)
	}
	switch {
	case !w.abandoned:
		e.Value = fmt.Sprintf("%s, and the session did not answer within %v of the interrupt; the run stopped here", why, w.waited)
	case w.waited >= 10*time.Millisecond:
		e.Value = fmt.Sprintf("%s, and the session had not answered %v after the interrupt when the run was stopped", why, w.waited.Round(10*time.Millisecond))
	default:
		e.Value = "the run was stopped while the cell ran, without waiting for the session to answer"
	}
	return e
}

func timeoutMessage(d time.Duration) string {
	return fmt.Sprintf("the cell ran longer than the %v timeout and was interrupted", d)
}
