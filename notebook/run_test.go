package notebook

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
)

// fakeEngine runs cells written in a tiny command language, one command a
// line:
//
//	print TEXT          stdout TEXT and a newline
//	eprint TEXT         the same on stderr
//	display ID TEXT     display_data (ID "-" for none)
//	update ID TEXT      update_display_data
//	html TEXT           display_data with text/html
//	clear | clearwait   clear_output
//	input PROMPT        an input request; prints the answer or the error
//	hang                wait until interrupted
//	fail NAME VALUE     fail the cell
//	result TEXT         the cell's value
//	late TEXT           print TEXT after Execute has returned
//	wedge               ignore the interrupt: wait until the test closes
//	                    stuck, then print "woke" (a session that never answers)
type fakeEngine struct {
	mu    sync.Mutex
	ran   []kernel.ExecuteRequest
	late  sync.WaitGroup
	onRun func(code string) // called as a cell starts, if set
	stuck chan struct{}     // closed by release: wedged cells go on
	woke  sync.WaitGroup    // wedged cells still running
	once  sync.Once
}

// release lets wedged cells go on and waits until they returned.
func (e *fakeEngine) release() {
	e.once.Do(func() { close(e.stuck) })
	// An empty critical section: a wedged cell's Add happened before it.
	e.mu.Lock()
	e.mu.Unlock() //lint:ignore SA2001 it orders the Add before Wait
	e.woke.Wait()
}

func (e *fakeEngine) Info() kernel.Info {
	return kernel.Info{Language: kernel.LanguageInfo{Name: "go", Version: "go1.26.8"}}
}

func (e *fakeEngine) Execute(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) kernel.ExecuteReply {
	e.mu.Lock()
	e.ran = append(e.ran, req)
	e.mu.Unlock()
	if e.onRun != nil {
		e.onRun(req.Code)
	}
	var reply kernel.ExecuteReply
	reply.Status = kernel.StatusOK
	for _, line := range strings.Split(req.Code, "\n") {
		cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		id, text, _ := strings.Cut(arg, " ")
		if id == "-" {
			id = ""
		}
		switch cmd {
		case "print":
			out.Stream("stdout", arg+"\n")
		case "eprint":
			out.Stream("stderr", arg+"\n")
		case "display", "update":
			out.Display(kernel.DisplayData{Bundle: display.Bundle{Data: map[string]any{"text/plain": text}}, DisplayID: id, Update: cmd == "update"})
		case "html":
			out.Display(kernel.DisplayData{Bundle: display.Bundle{Data: map[string]any{"text/html": arg, "text/plain": "html"}}})
		case "clear":
			out.Clear(false)
		case "clearwait":
			out.Clear(true)
		case "input":
			s, err := out.Input(ctx, arg, false)
			if err != nil {
				s = "error: " + err.Error()
			}
			out.Stream("stdout", s+"\n")
		case "hang":
			<-ctx.Done()
			return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{Name: "interrupted", Value: "the cell was interrupted"}}
		case "fail":
			return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{Name: id, Value: text, Traceback: []string{id + ": " + text}}}
		case "result":
			reply.Result = &display.Bundle{Data: map[string]any{"text/plain": arg}}
		case "wedge":
			e.mu.Lock() // orders the Add before release's Wait
			e.woke.Add(1)
			e.mu.Unlock()
			defer e.woke.Done()
			<-e.stuck
			out.Stream("stdout", "woke\n")
			return reply
		case "late":
			e.late.Add(1)
			go func() {
				defer e.late.Done()
				time.Sleep(10 * time.Millisecond)
				out.Stream("stdout", arg+"\n")
			}()
		}
	}
	return reply
}

func (e *fakeEngine) Complete(context.Context, string, int) (kernel.Completion, error) {
	return kernel.Completion{}, nil
}
func (e *fakeEngine) Inspect(context.Context, string, int, int) (kernel.Inspection, error) {
	return kernel.Inspection{}, nil
}
func (e *fakeEngine) IsComplete(context.Context, string) (kernel.Completeness, error) {
	return kernel.Completeness{Status: "complete"}, nil
}
func (e *fakeEngine) Shutdown(context.Context, bool) error { return nil }

func (e *fakeEngine) codes() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var codes []string
	for _, r := range e.ran {
		codes = append(codes, r.Code)
	}
	return codes
}

func notebookOf(sources ...string) *Notebook {
	nb := New()
	for _, s := range sources {
		if strings.HasPrefix(s, "md:") {
			nb.Cells = append(nb.Cells, NewMarkdown(strings.TrimPrefix(s, "md:")))
			continue
		}
		nb.Cells = append(nb.Cells, NewCode(s))
	}
	return nb
}

// summary is a compact view of a cell's outputs for comparisons.
func summary(c *Cell) []string {
	var s []string
	for _, o := range c.Outputs {
		switch o.Type {
		case Stream:
			s = append(s, o.Name+":"+o.Text)
		case DisplayData, ExecuteResult:
			v := o.Data["text/plain"]
			s = append(s, string(o.Type)+":"+v.(string))
		case ErrorOutput:
			s = append(s, "error:"+o.EName+": "+o.EValue)
		}
	}
	return s
}

func TestRunRecordsOutputs(t *testing.T) {
	nb := notebookOf(
		"print a\nprint b\neprint oops\nprint c\nresult 42",
		"md:# not run",
		"  \n",
		"display d1 0%\nprint working",
		"update d1 100%\ndisplay - other\ndisplay d2 first",
		"display d2 second",
		"print gone\nclear\nprint kept",
		"print old\nclearwait\ndisplay - new",
		"update nowhere x",
	)
	// Stale outputs are replaced.
	nb.Cells[0].Outputs = []Output{{Type: Stream, Name: "stdout", Text: "stale"}}
	eng := &fakeEngine{}
	if err := Run(context.Background(), nb, eng, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"stdout:a\nb\n", "stderr:oops\n", "stdout:c\n", "execute_result:42"},
		nil,
		nil,
		{"display_data:100%", "stdout:working\n"},
		{"display_data:other", "display_data:second"},
		{"display_data:second"},
		{"stdout:kept\n"},
		{"display_data:new"},
		nil,
	}
	for i, c := range nb.Cells {
		if got := summary(c); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("cell %d outputs = %q, want %q", i+1, got, want[i])
		}
	}
	counts := []int{1, 0, 0, 2, 3, 4, 5, 6, 7}
	for i, c := range nb.Cells {
		if c.ExecutionCount != counts[i] {
			t.Errorf("cell %d execution count = %d, want %d", i+1, c.ExecutionCount, counts[i])
		}
	}
	if got := nb.Cells[0].Outputs[3].ExecutionCount; got != 1 {
		t.Errorf("execute_result count = %d", got)
	}
	if n := len(eng.codes()); n != 7 {
		t.Errorf("engine ran %d cells, want 7 (markdown and blank cells skipped)", n)
	}
	li, _ := nb.Metadata["language_info"].(map[string]any)
	if li["version"] != "go1.26.8" {
		t.Errorf("language_info = %v", li)
	}
}

func TestRunOrderAndProgress(t *testing.T) {
	nb := notebookOf("print 1", "md:text", "print 2", "print 3")
	nb.Cells[2].Metadata["tags"] = []any{"skip-execution"}
	eng := &fakeEngine{}
	var events []Progress
	err := Run(context.Background(), nb, eng, RunOptions{Progress: func(p Progress) { events = append(events, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := eng.codes(), []string{"print 1", "print 3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ran %q, want %q", got, want)
	}
	if len(events) != 4 {
		t.Fatalf("progress events = %+v", events)
	}
	for k, want := range []Progress{{Cell: 0, N: 1, Total: 2}, {Cell: 0, N: 1, Total: 2, Done: true}, {Cell: 3, N: 2, Total: 2}, {Cell: 3, N: 2, Total: 2, Done: true}} {
		got := events[k]
		got.Elapsed = 0
		if got != want {
			t.Errorf("progress %d = %+v, want %+v", k, got, want)
		}
	}
	for _, r := range eng.ran {
		if r.AllowStdin || !r.StoreHistory || r.Silent {
			t.Errorf("request %+v", r)
		}
	}
}

func TestRunStopsOnFailure(t *testing.T) {
	nb := notebookOf("print before", "fail panic index out of range", "print after")
	eng := &fakeEngine{}
	err := Run(context.Background(), nb, eng, RunOptions{})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Cell != 1 || ce.Name != "panic" || ce.Timeout {
		t.Fatalf("Run error = %#v", err)
	}
	if got, want := err.Error(), "cell 2 failed: panic: index out of range"; got != want {
		t.Errorf("error message = %q, want %q", got, want)
	}
	if len(eng.codes()) != 2 {
		t.Errorf("ran %q after the failure", eng.codes())
	}
	if got := summary(nb.Cells[1]); !reflect.DeepEqual(got, []string{"error:panic: index out of range"}) {
		t.Errorf("failed cell outputs = %q", got)
	}
	if len(nb.Cells[1].Outputs[0].Traceback) != 1 {
		t.Error("traceback not recorded")
	}
}

func TestRunAllowErrors(t *testing.T) {
	nb := notebookOf("fail E1 one", "print after", "fail E2 two")
	eng := &fakeEngine{}
	var failed []int
	err := Run(context.Background(), nb, eng, RunOptions{AllowErrors: true, Progress: func(p Progress) {
		if p.Done && p.Err != nil {
			failed = append(failed, p.Cell)
		}
	}})
	if err != nil {
		t.Fatalf("Run with AllowErrors = %v", err)
	}
	if len(eng.codes()) != 3 || !reflect.DeepEqual(failed, []int{0, 2}) {
		t.Errorf("ran %q, failures reported for %v", eng.codes(), failed)
	}

	// A cell tagged raises-exception may fail without AllowErrors.
	nb = notebookOf("fail E1 expected", "print after")
	nb.Cells[0].Metadata["tags"] = []any{"raises-exception"}
	if err := Run(context.Background(), nb, &fakeEngine{}, RunOptions{}); err != nil {
		t.Errorf("raises-exception cell stopped the run: %v", err)
	}
}

func TestRunTimeout(t *testing.T) {
	nb := notebookOf("print start\nhang", "print after")
	eng := &fakeEngine{}
	start := time.Now()
	err := Run(context.Background(), nb, eng, RunOptions{Timeout: 50 * time.Millisecond})
	var ce *CellError
	if !errors.As(err, &ce) || !ce.Timeout || ce.Cell != 0 {
		t.Fatalf("Run error = %v, want a timeout of cell 1", err)
	}
	if !strings.Contains(err.Error(), "cell 1 failed: Timeout: the cell ran longer than the 50ms timeout and was interrupted") {
		t.Errorf("error = %q", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
	if len(eng.codes()) != 1 {
		t.Errorf("run went on after the timeout: %q", eng.codes())
	}
	if got := summary(nb.Cells[0]); !reflect.DeepEqual(got, []string{"stdout:start\n", "error:interrupted: the cell was interrupted"}) {
		t.Errorf("outputs = %q", got)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	nb := notebookOf("hang", "print after")
	eng := &fakeEngine{onRun: func(string) { cancel() }}
	err := Run(ctx, nb, eng, RunOptions{AllowErrors: true})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cell 1") {
		t.Errorf("Run error = %v, want context.Canceled in cell 1", err)
	}
	if len(eng.codes()) != 1 {
		t.Errorf("ran %q after the interrupt", eng.codes())
	}
}

func TestRunInput(t *testing.T) {
	nb := notebookOf("input name?\ninput again?")
	eng := &fakeEngine{}
	if err := Run(context.Background(), nb, eng, RunOptions{Stdin: strings.NewReader("gopher\r\nlast")}); err != nil {
		t.Fatal(err)
	}
	if got := summary(nb.Cells[0]); !reflect.DeepEqual(got, []string{"stdout:gopher\nlast\n"}) {
		t.Errorf("outputs = %q", got)
	}
	if !eng.ran[0].AllowStdin {
		t.Error("AllowStdin false with a Stdin")
	}

	nb = notebookOf("input name?")
	if err := Run(context.Background(), nb, &fakeEngine{}, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := summary(nb.Cells[0]); !reflect.DeepEqual(got, []string{"stdout:error: " + kernel.ErrStdinNotAllowed.Error() + "\n"}) {
		t.Errorf("outputs without stdin = %q", got)
	}
}

// Output that a cell's goroutines send after the cell returned lands in
// that cell while the run lasts, and is dropped after it.
func TestRunLateOutput(t *testing.T) {
	nb := notebookOf("print now\nlate later", "hang")
	eng := &fakeEngine{}
	if err := Run(context.Background(), nb, eng, RunOptions{Timeout: 100 * time.Millisecond, AllowErrors: true}); err != nil {
		t.Fatal(err)
	}
	eng.late.Wait()
	if got := summary(nb.Cells[0]); !reflect.DeepEqual(got, []string{"stdout:now\nlater\n"}) {
		t.Errorf("outputs = %q", got)
	}

	nb = notebookOf("late too-late")
	eng = &fakeEngine{}
	if err := Run(context.Background(), nb, eng, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	eng.late.Wait()
	if got := summary(nb.Cells[0]); got != nil {
		t.Errorf("output after the run was recorded: %q", got)
	}
}

// runBounded runs Run and fails the test if it has not returned within
// limit: a runner that waits for a stuck engine forever fails here rather
// than at the test binary's timeout.
func runBounded(t *testing.T, limit time.Duration, ctx context.Context, nb *Notebook, eng kernel.Engine, opts RunOptions) (time.Duration, error) {
	t.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- Run(ctx, nb, eng, opts) }()
	select {
	case err := <-done:
		return time.Since(start), err
	case <-time.After(limit):
		t.Fatalf("Run did not return within %v of a stuck cell", limit)
		return 0, nil
	}
}

// wedgedEngine returns a fake engine whose "wedge" cells never answer
// until the test ends.
func wedgedEngine(t *testing.T) *fakeEngine {
	eng := &fakeEngine{stuck: make(chan struct{})}
	t.Cleanup(eng.release)
	return eng
}

// An engine that ignores the interrupt does not hold the run past its
// timeout: the cell is marked, the run stops even with AllowErrors, the
// cells that ran keep their outputs and the rest have none, and what the
// stuck cell prints later is not recorded.
func TestRunTimeoutStuckEngine(t *testing.T) {
	nb := notebookOf("print before", "print start\nwedge", "print after")
	eng := wedgedEngine(t)
	took, err := runBounded(t, 10*time.Second, context.Background(), nb, eng,
		RunOptions{Timeout: 50 * time.Millisecond, StopGrace: 100 * time.Millisecond, AllowErrors: true})
	var ce *CellError
	if !errors.As(err, &ce) || !ce.Timeout || !ce.Stuck || ce.Cell != 1 {
		t.Fatalf("Run error = %#v, want a stuck timeout of cell 2", err)
	}
	if took > 3*time.Second {
		t.Errorf("Run took %v for a 50ms timeout and 100ms grace", took)
	}
	want := "error:Timeout: the cell ran longer than the 50ms timeout, and the session did not answer within 100ms of the interrupt; the run stopped here"
	if got := summary(nb.Cells[1]); len(got) != 2 || got[0] != "stdout:start\n" || got[1] != want {
		t.Errorf("stuck cell outputs = %q, want start and %q", got, want)
	}
	if got := summary(nb.Cells[0]); !reflect.DeepEqual(got, []string{"stdout:before\n"}) {
		t.Errorf("first cell outputs = %q", got)
	}
	if c := nb.Cells[2]; c.Outputs != nil || c.ExecutionCount != 0 {
		t.Errorf("the cell after the stuck one has outputs %q, count %d", summary(c), c.ExecutionCount)
	}
	eng.release()
	if got := summary(nb.Cells[1]); len(got) != 2 {
		t.Errorf("output of the stuck cell after the run was recorded: %q", got)
	}
}

// Abandon ends the wait for a stuck cell at once, without its grace.
func TestRunAbandon(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	abandon := make(chan struct{})
	nb := notebookOf("print before", "wedge", "print after")
	eng := wedgedEngine(t)
	eng.onRun = func(code string) {
		if code == "wedge" {
			cancel()                                                       // the first Ctrl-C ...
			time.AfterFunc(50*time.Millisecond, func() { close(abandon) }) // ... and the second
		}
	}
	took, err := runBounded(t, 10*time.Second, ctx, nb, eng, RunOptions{Abandon: abandon}) // default grace: 5s
	var ce *CellError
	if !errors.As(err, &ce) || !ce.Stuck || ce.Timeout || ce.Cell != 1 || ce.Name != "Interrupted" {
		t.Fatalf("Run error = %#v, want a stuck interrupted cell 2", err)
	}
	if took > DefaultStopGrace/2 {
		t.Errorf("Run took %v: Abandon did not cut the grace short", took)
	}
	if got := summary(nb.Cells[1]); len(got) != 1 || !strings.HasPrefix(got[0], "error:Interrupted: the run was interrupted while the cell ran, and the session had not answered ") {
		t.Errorf("stuck cell outputs = %q", got)
	}
	if got := summary(nb.Cells[0]); !reflect.DeepEqual(got, []string{"stdout:before\n"}) {
		t.Errorf("first cell outputs = %q", got)
	}
	if len(eng.codes()) != 2 {
		t.Errorf("ran %q after the stuck cell", eng.codes())
	}
}
