package notebook

import (
	"bufio"
	"context"
	"io"
	"strings"
	"sync"

	"github.com/spinlab/spinlab/kernel"
)

// recorder collects the outputs of a run into its notebook, as nbclient
// does. It owns the notebook's cells and outputs while the run lasts: every
// change to them, from Run or from a cell's output (which may arrive from
// the cell's goroutines after the cell returned), happens under mu.
type recorder struct {
	mu       sync.Mutex
	nb       *Notebook
	displays map[string][]outputRef // display_id -> outputs that show it
	pending  map[int]bool           // cells with a clear_output(wait=True) pending
	closed   bool                   // the run is over: drop late output

	stdin *lineReader // nil: input requests are refused
}

// outputRef locates one output of the notebook.
type outputRef struct{ cell, index int }

func newRecorder(nb *Notebook, stdin io.Reader) *recorder {
	r := &recorder{nb: nb, displays: map[string][]outputRef{}, pending: map[int]bool{}}
	if stdin != nil {
		r.stdin = &lineReader{r: bufio.NewReader(stdin), turn: make(chan struct{}, 1)}
	}
	return r
}

// close stops recording: output that arrives later is dropped.
func (r *recorder) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
}

// output returns the kernel.Output of cell i.
func (r *recorder) output(i int) *cellOutput { return &cellOutput{r: r, cell: i} }

// add appends o to cell i, after a pending clear, and returns its index.
// Called with mu held.
func (r *recorder) add(i int, o Output) int {
	if r.pending[i] {
		r.clear(i)
	}
	c := r.nb.Cells[i]
	c.Outputs = append(c.Outputs, o)
	return len(c.Outputs) - 1
}

// clear removes cell i's outputs. Called with mu held.
func (r *recorder) clear(i int) {
	delete(r.pending, i)
	r.nb.Cells[i].Outputs = nil
	for id, refs := range r.displays {
		kept := refs[:0]
		for _, ref := range refs {
			if ref.cell != i {
				kept = append(kept, ref)
			}
		}
		if len(kept) == 0 {
			delete(r.displays, id)
		} else {
			r.displays[id] = kept
		}
	}
}

// update replaces the data of every output showing display id. Called
// with mu held.
func (r *recorder) update(id string, d kernel.DisplayData) {
	for _, ref := range r.displays[id] {
		r.nb.Cells[ref.cell].Outputs[ref.index].Bundle = withMetadata(d.Bundle)
	}
}

// cellOutput is the kernel.Output of one cell.
type cellOutput struct {
	r    *recorder
	cell int
}

var _ kernel.Output = (*cellOutput)(nil)

// Stream appends text, merged into the cell's last output when that is a
// stream of the same name.
func (o *cellOutput) Stream(name, text string) {
	r := o.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if r.pending[o.cell] {
		r.clear(o.cell)
	}
	c := r.nb.Cells[o.cell]
	if n := len(c.Outputs); n > 0 && c.Outputs[n-1].Type == Stream && c.Outputs[n-1].Name == name {
		c.Outputs[n-1].Text += text
		return
	}
	r.add(o.cell, Output{Type: Stream, Name: name, Text: text})
}

// Display appends display_data, or with d.Update replaces the outputs that
// show d.DisplayID wherever they are. As in nbclient, new display_data
// with a known display_id also updates the earlier outputs with that id.
func (o *cellOutput) Display(d kernel.DisplayData) {
	r := o.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if d.DisplayID != "" {
		r.update(d.DisplayID, d)
	}
	if d.Update {
		return
	}
	i := r.add(o.cell, Output{Type: DisplayData, Bundle: withMetadata(d.Bundle)})
	if d.DisplayID != "" {
		r.displays[d.DisplayID] = append(r.displays[d.DisplayID], outputRef{o.cell, i})
	}
}

// Clear clears the cell's outputs now, or with wait when the next output
// arrives.
func (o *cellOutput) Clear(wait bool) {
	r := o.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if wait {
		r.pending[o.cell] = true
		return
	}
	r.clear(o.cell)
}

// Input reads a line from the run's input, or fails with
// kernel.ErrStdinNotAllowed when the run has none.
func (o *cellOutput) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if o.r.stdin == nil {
		return "", kernel.ErrStdinNotAllowed
	}
	return o.r.stdin.readLine(ctx)
}

// result records the end of a cell: its execute_result and error.
func (o *cellOutput) result(count int, reply kernel.ExecuteReply) {
	r := o.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if d := reply.Result; d != nil {
		r.add(o.cell, Output{Type: ExecuteResult, Bundle: withMetadata(*d), ExecutionCount: count})
	}
	if e := reply.Error; e != nil {
		r.add(o.cell, Output{Type: ErrorOutput, EName: e.Name, EValue: e.Value, Traceback: e.Traceback})
	}
}

// lineReader reads lines for input requests. One goroutine at a time reads
// the underlying reader; a request that is cancelled leaves that read
// running, and the next request gets its line.
type lineReader struct {
	turn    chan struct{} // one request at a time waits for a line
	mu      sync.Mutex
	r       *bufio.Reader
	pending chan lineResult // a read in flight, or nil
}

type lineResult struct {
	line string
	err  error
}

func (l *lineReader) readLine(ctx context.Context) (string, error) {
	select {
	case l.turn <- struct{}{}:
		defer func() { <-l.turn }()
	case <-ctx.Done():
		return "", ctx.Err()
	}
	l.mu.Lock()
	ch := l.pending
	if ch == nil {
		ch = make(chan lineResult, 1)
		l.pending = ch
		go func() {
			s, err := l.r.ReadString('\n')
			if err == io.EOF && s != "" {
				err = nil
			}
			ch <- lineResult{strings.TrimRight(s, "\r\n"), err}
		}()
	}
	l.mu.Unlock()
	select {
	case res := <-ch:
		l.mu.Lock()
		l.pending = nil
		l.mu.Unlock()
		return res.line, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
