package supervisor_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/interp/supervisor"
	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// startKernel serves a supervisor (with the built evaluator) from a
// kernel in the test process and connects a real client to it.
func startKernel(t *testing.T) *kerneltest.Client {
	t.Helper()
	c := kerneltest.NewServer(t, start(t, supervisor.Options{}))
	c.Timeout = 60 * time.Second // the machine may be loaded
	return c
}

// matchTypes returns the _jupyter_types_experimental entries of a reply
// by their text.
func matchTypes(t *testing.T, r kernel.CompleteReply) map[string]kernel.CompletionItem {
	t.Helper()
	items := r.Metadata.Types
	if len(items) != len(r.Matches) {
		t.Fatalf("%d _jupyter_types_experimental entries for %d matches", len(items), len(r.Matches))
	}
	out := map[string]kernel.CompletionItem{}
	for _, it := range items {
		if it.Signature == nil {
			t.Errorf("entry %+v has no signature (ipykernel sends \"\" when there is none)", it)
		}
		if it.Start != r.CursorStart || it.End != r.CursorEnd {
			t.Errorf("entry %+v: start and end differ from the reply's %d..%d", it, r.CursorStart, r.CursorEnd)
		}
		out[it.Text] = it
	}
	return out
}

// TestCompleteThroughProtocol asks for each completion the issue names
// (issue 19) through complete_request, and checks that every match says
// its kind and, where it has one, its type.
func TestCompleteThroughProtocol(t *testing.T) {
	c := startKernel(t)
	setup := `type shard struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *shard) Len() int { return len(s.m) }

var sm sync.Map
shards := make([]shard, 4)
res := runtimes.Experiment{Snippet: "worker", Workers: []int{1}, Modes: []runtimes.Mode{runtimes.Goroutine}}.Run()
run := runtimes.Go(1, func(int) {})`
	if r := c.Execute(setup); r.Status != kernel.StatusOK {
		t.Fatalf("setup: %+v %s", r.Error, r.Stderr)
	}
	tests := []struct {
		code      string
		want      string // a match
		kind, sig string // its type entry
		start     int    // cursor_start; the cursor is at the end
	}{
		{"sm.", "LoadOrStore", "method", "func (m *Map) LoadOrStore(key, value any) (actual any, loaded bool)", 3},
		{"shards[0].", "Len", "method", "func() int", 10},
		{"run.Workers[0].", "Spawn", "field", "time.Duration", 15},
		{"res.Runs[0].Workers[0].", "Spawn", "field", "time.Duration", 23},
		{`display.Show("x").`, "Update", "method", "func (h *Handle) Update(v any)", 18},
		{"runtimes.Goroutine.", "String", "method", "func (m Mode) String() string", 19},
		{"runtimes.Experiment{Wor", "Workers", "field", "[]int", 20},
		{"m := sync.Map{}\nm.", "Range", "method", "func (m *Map) Range(f func(key, value any) bool)", 18},
		{"%%spin mo", "modes=", "option", "modes=goroutine,thread,process", 7},
		{"%%spin modes=go", "goroutine", "option", "modes=goroutine,thread,process", 13},
		{`import "net/ht`, "net/http", "module", "package http", 8},
		{"fmt.Pri", "Println", "function", "func Println(a ...any) (n int, err error)", 4},
	}
	for _, tt := range tests {
		r := c.Complete(tt.code, len([]rune(tt.code)))
		if r.Status != "ok" || !slices.Contains(r.Matches, tt.want) {
			t.Errorf("complete %q: status %s, matches %v; want %q among them", tt.code, r.Status, r.Matches, tt.want)
			continue
		}
		if r.CursorStart != tt.start || r.CursorEnd != len([]rune(tt.code)) {
			t.Errorf("complete %q: cursor %d..%d, want %d..%d", tt.code, r.CursorStart, r.CursorEnd, tt.start, len([]rune(tt.code)))
		}
		entry := matchTypes(t, r)[tt.want]
		if sig := entry.Signature; entry.Type != tt.kind || sig == nil || *sig != tt.sig {
			t.Errorf("complete %q: %q has type %v, signature %v; want %q, %q", tt.code, tt.want, entry.Type, sig, tt.kind, tt.sig)
		}
	}
}

// TestCompleteWhileCellRuns: completion, is_complete and inspect of a
// package member come from the kernel process, so they answer while a
// cell keeps the evaluator busy (jupyter console gives up on an
// is_complete that takes a second, and wants Esc-Enter from then on).
func TestCompleteWhileCellRuns(t *testing.T) {
	c := startKernel(t)
	if r := c.Execute("var sm sync.Map"); r.Status != kernel.StatusOK {
		t.Fatalf("setup: %+v", r.Error)
	}
	exec := c.SendExecute("for {\n}")
	time.Sleep(time.Second)
	for _, code := range []string{"sm.", "for {", "runtimes.Processes("} {
		msgType, content := "complete_request", map[string]any{"code": code, "cursor_pos": len(code)}
		switch code {
		case "for {":
			msgType, content = "is_complete_request", map[string]any{"code": code}
		case "runtimes.Processes(":
			msgType, content = "inspect_request", map[string]any{"code": code, "cursor_pos": len(code), "detail_level": 0}
		}
		sent := time.Now()
		req := c.Send(kernel.Shell, msgType, content)
		reply, ok := c.Next(kernel.Shell, func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }, 10*time.Second)
		if !ok {
			t.Fatalf("no reply to %s while the cell runs", msgType)
		}
		if d := time.Since(sent); d > time.Second {
			t.Errorf("%s answered after %s while the cell ran; jupyter console gives up after 1s", msgType, d)
		}
		var body struct {
			Status  string         `json:"status"`
			Matches []string       `json:"matches"`
			Data    map[string]any `json:"data"`
		}
		if err := reply.DecodeContent(&body); err != nil {
			t.Fatal(err)
		}
		if code == "sm." && !slices.Contains(body.Matches, "Load") {
			t.Errorf("sm. while the cell runs: %v", body.Matches)
		}
		if text, _ := body.Data["text/plain"].(string); msgType == "inspect_request" && !strings.Contains(text, "snippet string") {
			t.Errorf("inspect while the cell runs: %q", text)
		}
		if code == "for {" && body.Status != "incomplete" {
			t.Errorf("is_complete while the cell runs: %s", body.Status)
		}
	}
	c.Interrupt()
	c.WaitExecute(exec)
	if r := c.IsComplete("func f() {"); r.Status != "incomplete" {
		t.Errorf("after the interrupt: %+v", r)
	}
}

// TestExitAndQuit: exit and quit alone end the session as in IPython,
// with an ask_exit payload that jupyter console honours; a session's own
// exit is just a name.
func TestExitAndQuit(t *testing.T) {
	c := startKernel(t)
	payload := func(r *kerneltest.Result) []map[string]any {
		var body struct {
			Payload []map[string]any `json:"payload"`
		}
		if err := r.Reply.DecodeContent(&body); err != nil {
			t.Fatal(err)
		}
		return body.Payload
	}
	for _, code := range []string{"exit", "quit", "  exit\n", "exit()"} {
		r := c.Execute(code)
		p := payload(r)
		if r.Status != kernel.StatusOK || len(p) != 1 || p[0]["source"] != "ask_exit" || p[0]["keepkernel"] != false {
			t.Errorf("%q: status %s, error %+v, payload %v; want ok with ask_exit", code, r.Status, r.Error, p)
		}
	}
	r := c.Execute("exit := 3\nexit")
	if r.Status != kernel.StatusOK || len(payload(r)) != 0 || r.ExecuteResult == nil || r.ExecuteResult.Data["text/plain"] != "3" {
		t.Errorf("a variable named exit: status %s, payload %v, result %+v", r.Status, payload(r), r.ExecuteResult)
	}
}

// TestResetSaysWhatItDid: %reset prints a line that says the interpreter
// was reset and how many child processes it killed.
func TestResetSaysWhatItDid(t *testing.T) {
	c := startKernel(t)
	r := c.Execute(`go runtimes.Processes(2, "time.Sleep(time.Minute)")
for len(runtimes.LiveChildren()) < 2 {
	time.Sleep(10 * time.Millisecond)
}`)
	if r.Status != kernel.StatusOK {
		t.Fatalf("starting children: %+v", r.Error)
	}
	r = c.Execute("%reset")
	if want := "The interpreter was reset: every definition and variable is gone; 2 child processes were killed."; r.Status != kernel.StatusOK || strings.TrimSpace(r.Stdout) != want {
		t.Errorf("%%reset: status %s, stdout %q; want %q", r.Status, r.Stdout, want)
	}
	r = c.Execute("%reset")
	if !strings.Contains(r.Stdout, "no child processes were running") {
		t.Errorf("second %%reset: stdout %q", r.Stdout)
	}
}

// TestInspectThroughProtocol asks inspect_request (Shift-Tab) for
// spinlab's own API, gonum, the standard library, a method of a
// variable's type and a session function with a doc comment (issue 19):
// each shows parameter names and the doc comment, a struct its fields
// and methods.
func TestInspectThroughProtocol(t *testing.T) {
	c := startKernel(t)
	setup := "// twice doubles n.\nfunc twice(n int) int { return 2 * n }\n\nvar sm sync.Map"
	if r := c.Execute(setup); r.Status != kernel.StatusOK {
		t.Fatalf("setup: %+v", r.Error)
	}
	tests := []struct {
		code   string
		cursor int
		detail int
		want   []string
	}{
		{"runtimes.Processes(2, `x`)", 12, 0, []string{"func Processes(n int, snippet string) *Run", "child processes"}},
		{"runtimes.Experiment{}", 12, 0, []string{"type Experiment struct {", "Workers []int", "func (e Experiment) Run() *Results"}},
		{"plotter.NewLine(pts)", 10, 0, []string{"func NewLine(xys XYer) (*Line, error)", "NewLine returns a Line"}},
		{"display.Show", 9, 0, []string{"func Show(v any) *Handle"}},
		{"stat.Mean", 6, 0, []string{"func Mean(x, weights []float64) float64"}},
		{"strings.Builder", 10, 1, []string{"func (b *Builder) WriteString(s string) (int, error)", "WriteString appends the contents of s"}},
		{"sm.Load", 4, 0, []string{"func (m *Map) Load(key any) (value any, ok bool)", "Load returns the value stored in the map"}},
		{"twice(3)", 2, 0, []string{"// twice doubles n.\nfunc twice(n int) int { return 2 * n }"}},
	}
	for _, tt := range tests {
		r := c.Inspect(tt.code, tt.cursor, tt.detail)
		text, _ := r.Data["text/plain"].(string)
		if r.Status != "ok" || !r.Found {
			t.Errorf("inspect %q: status %s, found %v", tt.code, r.Status, r.Found)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("inspect %q (detail %d) = %q, want it to contain %q", tt.code, tt.detail, text, w)
			}
		}
	}
}
