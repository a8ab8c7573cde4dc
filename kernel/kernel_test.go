package kernel_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// checkWrapped checks that the iopub messages of a request run from status
// busy to status idle, all with the request as parent.
func checkWrapped(t *testing.T, req *kernel.Message, msgs []*kernel.Message) {
	t.Helper()
	if len(msgs) < 2 {
		t.Fatalf("%s: %d iopub messages, want at least busy and idle", req.Header.MsgType, len(msgs))
	}
	state := func(m *kernel.Message) string {
		var s struct {
			State string `json:"execution_state"`
		}
		m.DecodeContent(&s)
		return m.Header.MsgType + ":" + s.State
	}
	if got := state(msgs[0]); got != "status:busy" {
		t.Errorf("%s: first iopub message %s, want status:busy", req.Header.MsgType, got)
	}
	if got := state(msgs[len(msgs)-1]); got != "status:idle" {
		t.Errorf("%s: last iopub message %s, want status:idle", req.Header.MsgType, got)
	}
	for _, m := range msgs {
		if m.Parent.MsgID != req.Header.MsgID {
			t.Errorf("%s: iopub %s has parent %q, want %q", req.Header.MsgType, m.Header.MsgType, m.Parent.MsgID, req.Header.MsgID)
		}
	}
}

func TestKernelInfo(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	for _, ch := range []kernel.Channel{kernel.Shell, kernel.Control} {
		req := c.Send(ch, "kernel_info_request", nil)
		reply := c.WaitReply(req)
		checkWrapped(t, req, c.WaitIdle(req))
		var info kernel.KernelInfoReply
		if err := reply.DecodeContent(&info); err != nil {
			t.Fatal(err)
		}
		if info.Status != "ok" || info.ProtocolVersion != "5.3" || info.Implementation != "fake" ||
			info.ImplementationVersion != "0.1" || info.Banner != "fake engine" || info.LanguageInfo.Name != "go" ||
			info.LanguageInfo.FileExtension != ".go" || len(info.HelpLinks) != 1 {
			t.Errorf("%s: kernel_info_reply %+v", ch, info)
		}
		h := reply.Header
		if h.Version != "5.3" || h.MsgType != "kernel_info_reply" || h.Username != "kerneltest" || h.Session == "" || h.MsgID == "" {
			t.Errorf("%s: reply header %+v", ch, h)
		}
		if _, err := time.Parse(time.RFC3339Nano, h.Date); err != nil {
			t.Errorf("%s: header date %q is not ISO 8601 with a timezone: %v", ch, h.Date, err)
		}
	}
}

func TestExecuteOK(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	r := c.Execute("print hello\neprint oops\nvalue 42")
	if r.Status != kernel.StatusOK || r.ExecutionCount != 1 {
		t.Fatalf("status %q count %d, want ok 1", r.Status, r.ExecutionCount)
	}
	if r.Stdout != "hello\n" || r.Stderr != "oops\n" {
		t.Errorf("stdout %q stderr %q", r.Stdout, r.Stderr)
	}
	want := []string{"status", "execute_input", "stream", "stream", "execute_result", "status"}
	if got := r.Types(); !slices.Equal(got, want) {
		t.Errorf("iopub %v, want %v", got, want)
	}
	checkWrapped(t, r.Request, r.IOPub)
	if r.Input == nil || r.Input.Code != "print hello\neprint oops\nvalue 42" || r.Input.ExecutionCount != 1 {
		t.Errorf("execute_input %+v", r.Input)
	}
	if r.ExecuteResult == nil || r.ExecuteResult.Data["text/plain"] != "42" {
		t.Errorf("execute_result %+v", r.ExecuteResult)
	}
	var er struct {
		ExecutionCount int `json:"execution_count"`
	}
	for _, m := range r.IOPub {
		if m.Header.MsgType == "execute_result" {
			m.DecodeContent(&er)
		}
	}
	if er.ExecutionCount != 1 {
		t.Errorf("execute_result execution_count %d, want 1", er.ExecutionCount)
	}
	if r := c.Execute("print again"); r.ExecutionCount != 2 || r.ExecuteResult != nil {
		t.Errorf("second cell: count %d result %+v, want 2 and no result", r.ExecutionCount, r.ExecuteResult)
	}
}

func TestExecutionCount(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	steps := []struct {
		name      string
		opts      []kerneltest.ExecuteOption
		wantCount int
		wantInput bool
	}{
		{"first", nil, 1, true},
		{"silent", []kerneltest.ExecuteOption{kerneltest.Silent()}, 1, false},
		{"no history", []kerneltest.ExecuteOption{kerneltest.StoreHistory(false)}, 1, true},
		{"second", nil, 2, true},
	}
	for _, s := range steps {
		r := c.Execute("print x\nvalue v", s.opts...)
		if r.Status != kernel.StatusOK || r.ExecutionCount != s.wantCount {
			t.Errorf("%s: status %s count %d, want ok %d", s.name, r.Status, r.ExecutionCount, s.wantCount)
		}
		if (r.Input != nil) != s.wantInput {
			t.Errorf("%s: execute_input %v, want %v", s.name, r.Input != nil, s.wantInput)
		}
		if (r.ExecuteResult != nil) != s.wantInput {
			t.Errorf("%s: execute_result %v, want %v", s.name, r.ExecuteResult != nil, s.wantInput)
		}
	}
	reqs := eng.Requests()
	if len(reqs) != 4 || !reqs[1].Silent || reqs[1].StoreHistory || reqs[2].StoreHistory || !reqs[3].StoreHistory || reqs[3].ExecutionCount != 2 {
		t.Errorf("engine saw %+v", reqs)
	}
	hist := c.History(kernel.HistoryRequest{AccessType: "tail", N: 10})
	if len(hist) != 2 || hist[0].Line != 1 || hist[1].Line != 2 {
		t.Errorf("history %+v, want the two stored cells", hist)
	}
}

func TestExecuteError(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	r := c.Execute("print before\nerror ValueError bad value")
	if r.Status != kernel.StatusError || r.Error == nil || r.Error.Name != "ValueError" || r.Error.Value != "bad value" ||
		!slices.Equal(r.Error.Traceback, []string{"ValueError: bad value"}) {
		t.Fatalf("reply %s %+v", r.Status, r.Error)
	}
	if r.IOPubError == nil || !reflect.DeepEqual(*r.IOPubError, *r.Error) {
		t.Errorf("iopub error %+v, want %+v", r.IOPubError, r.Error)
	}
	want := []string{"status", "execute_input", "stream", "error", "status"}
	if got := r.Types(); !slices.Equal(got, want) {
		t.Errorf("iopub %v, want %v", got, want)
	}
	if r.ExecutionCount != 1 {
		t.Errorf("count %d, want 1", r.ExecutionCount)
	}
	// A silent failing cell publishes no error.
	r = c.Execute("error E quiet", kerneltest.Silent())
	if r.Status != kernel.StatusError || r.IOPubError != nil {
		t.Errorf("silent error: status %s iopub error %+v", r.Status, r.IOPubError)
	}
}

func TestEnginePanic(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	r := c.Execute("panic")
	if r.Status != kernel.StatusError || r.Error.Name != "EngineError" || !strings.Contains(r.Error.Value, "fake engine panic") {
		t.Errorf("reply %s %+v", r.Status, r.Error)
	}
	if r := c.Execute("print alive"); r.Stdout != "alive\n" {
		t.Errorf("after panic: stdout %q", r.Stdout)
	}
}

func TestUserExpressions(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	r := c.Execute("print x", kerneltest.UserExpressions(map[string]string{"a": "1+1", "b": "bad"}))
	a, b := r.UserExpressions["a"], r.UserExpressions["b"]
	if a.Status != kernel.StatusOK || a.Data["text/plain"] != "=1+1" {
		t.Errorf("a: %+v", a)
	}
	if b.Status != kernel.StatusError || b.Error == nil || b.Error.Name != "NameError" {
		t.Errorf("b: %+v", b)
	}
	if r := c.Execute("print x"); r.UserExpressions == nil || len(r.UserExpressions) != 0 {
		t.Errorf("without expressions: user_expressions %v, want {}", r.UserExpressions)
	}
}

func TestDisplays(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	r := c.Execute("print a\ndisplay d1 first\nupdate d1 second\nclear\ndisplay - plain")
	want := []kernel.DisplayData{
		{Bundle: display.Bundle{Data: map[string]any{"text/plain": "first"}, Metadata: map[string]any{}}, DisplayID: "d1"},
		{Bundle: display.Bundle{Data: map[string]any{"text/plain": "second"}, Metadata: map[string]any{}}, DisplayID: "d1", Update: true},
		{Bundle: display.Bundle{Data: map[string]any{"text/plain": "plain"}, Metadata: map[string]any{}}, DisplayID: "-"},
	}
	if !reflect.DeepEqual(r.Displays, want) {
		t.Errorf("displays\n%+v\nwant\n%+v", r.Displays, want)
	}
	if !slices.Equal(r.Clears, []bool{true}) {
		t.Errorf("clears %v", r.Clears)
	}
	wantTypes := []string{"status", "execute_input", "stream", "display_data", "update_display_data", "clear_output", "display_data", "status"}
	if got := r.Types(); !slices.Equal(got, wantTypes) {
		t.Errorf("iopub %v, want %v", got, wantTypes)
	}
}

func TestStopOnError(t *testing.T) {
	for _, stop := range []bool{true, false} {
		t.Run(fmt.Sprint("stop_on_error=", stop), func(t *testing.T) {
			eng := newFakeEngine()
			c := kerneltest.NewServer(t, eng)
			// The failing cell sleeps so that the next two are queued on
			// shell when it fails.
			a := c.SendExecute("sleep 500\nerror E boom", kerneltest.StopOnError(stop))
			b := c.SendExecute("side b")
			info := c.Send(kernel.Shell, "kernel_info_request", nil)
			d := c.SendExecute("side d")
			ra, rb, rd := c.WaitExecute(a), c.WaitExecute(b), c.WaitExecute(d)
			c.WaitReply(info)
			checkWrapped(t, info, c.WaitIdle(info))
			if ra.Status != kernel.StatusError {
				t.Fatalf("first cell: %s", ra.Status)
			}
			want, wantEffects := kernel.StatusAborted, []string(nil)
			if !stop {
				want, wantEffects = kernel.StatusOK, []string{"b", "d"}
			}
			for _, r := range []*kerneltest.Result{rb, rd} {
				if r.Status != want {
					t.Errorf("queued cell %q: status %s, want %s", r.Request.Content, r.Status, want)
				}
				checkWrapped(t, r.Request, r.IOPub)
			}
			if got := eng.Effects(); !slices.Equal(got, wantEffects) {
				t.Errorf("effects %v, want %v", got, wantEffects)
			}
			// The kernel runs cells again after the abort.
			if r := c.Execute("side e"); r.Status != kernel.StatusOK {
				t.Errorf("after abort: %s", r.Status)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	// Cursor positions count code points: "é" is one, though two bytes.
	code := "x := \"é\"; Pri"
	cursor := len([]rune(code))
	r := c.Complete(code, cursor)
	if r.Status != "ok" || !slices.Equal(r.Matches, []string{"Println", "Printf"}) || r.CursorStart != cursor-3 || r.CursorEnd != cursor {
		t.Errorf("complete_reply %+v", r)
	}
	types := r.Metadata.Types
	if len(types) != 2 {
		t.Fatalf("_jupyter_types_experimental %+v", r.Metadata)
	}
	if first := types[0]; first.Text != "Println" || first.Type != "function" || first.Start != cursor-3 || first.End != cursor {
		t.Errorf("type entry %+v", first)
	}
	r = c.Complete("héllo", 2)
	if !slices.Equal(r.Matches, []string{"héllo"}) || r.CursorStart != 0 || r.CursorEnd != 2 {
		t.Errorf("complete_reply at a code point offset %+v", r)
	}
	r = c.Complete("zzz", 3)
	if r.Status != "ok" || r.Matches == nil || len(r.Matches) != 0 {
		t.Errorf("no matches: %+v, want ok with []", r)
	}
	if r = c.Complete("fail", 1); r.Status != "error" {
		t.Errorf("failing completion: status %q", r.Status)
	}
}

func TestInspect(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	r := c.Inspect("fmt.Println", 11, 1)
	if r.Status != "ok" || !r.Found || r.Data["text/plain"] != "Println (detail 1)" || r.Metadata == nil {
		t.Errorf("inspect_reply %+v", r)
	}
	r = c.Inspect("nothing", 3, 0)
	if r.Status != "ok" || r.Found || r.Data == nil || len(r.Data) != 0 {
		t.Errorf("not found: %+v", r)
	}
}

func TestIsComplete(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	for _, tc := range []struct {
		code string
		want kernel.Completeness
	}{
		{"x := 1", kernel.Completeness{Status: "complete"}},
		{"for {", kernel.Completeness{Status: "incomplete", Indent: "\t"}},
		{"}}", kernel.Completeness{Status: "invalid"}},
	} {
		if got := c.IsComplete(tc.code); got != tc.want {
			t.Errorf("IsComplete(%q) = %+v, want %+v", tc.code, got, tc.want)
		}
	}
}

func TestHistory(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	for _, code := range []string{"print a", "value one", "print b", "value one", "side s"} {
		c.Execute(code)
	}
	c.Execute("print hidden", kerneltest.StoreHistory(false))
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		req  kernel.HistoryRequest
		want []kernel.HistoryEntry
	}{
		{"tail", kernel.HistoryRequest{AccessType: "tail", N: 2},
			[]kernel.HistoryEntry{{Session: 1, Line: 4, Input: "value one"}, {Session: 1, Line: 5, Input: "side s"}}},
		{"tail output", kernel.HistoryRequest{AccessType: "tail", N: 2, Output: true},
			[]kernel.HistoryEntry{{Session: 1, Line: 4, Input: "value one", Output: str("one")}, {Session: 1, Line: 5, Input: "side s"}}},
		{"range", kernel.HistoryRequest{AccessType: "range", Session: 0, Start: 2, Stop: 4},
			[]kernel.HistoryEntry{{Session: 1, Line: 2, Input: "value one"}, {Session: 1, Line: 3, Input: "print b"}}},
		{"range to end", kernel.HistoryRequest{AccessType: "range", Session: 1, Start: 5},
			[]kernel.HistoryEntry{{Session: 1, Line: 5, Input: "side s"}}},
		{"search", kernel.HistoryRequest{AccessType: "search", Pattern: "print*"},
			[]kernel.HistoryEntry{{Session: 1, Line: 1, Input: "print a"}, {Session: 1, Line: 3, Input: "print b"}}},
		{"search n", kernel.HistoryRequest{AccessType: "search", Pattern: "print ?", N: 1},
			[]kernel.HistoryEntry{{Session: 1, Line: 3, Input: "print b"}}},
		{"search unique", kernel.HistoryRequest{AccessType: "search", Pattern: "*one", Unique: true},
			[]kernel.HistoryEntry{{Session: 1, Line: 4, Input: "value one"}}},
		{"search none", kernel.HistoryRequest{AccessType: "search", Pattern: "nothing*"}, []kernel.HistoryEntry{}},
	}
	for _, tc := range tests {
		got := c.History(tc.req)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if fmtHistory(got) != fmtHistory(tc.want) {
			t.Errorf("%s: history %s, want %s", tc.name, fmtHistory(got), fmtHistory(tc.want))
		}
	}
}

func fmtHistory(es []kernel.HistoryEntry) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "[%d %d %q", e.Session, e.Line, e.Input)
		if e.Output != nil {
			fmt.Fprintf(&b, " -> %q", *e.Output)
		}
		b.WriteString("] ")
	}
	return b.String()
}

func TestComms(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	req := c.Send(kernel.Shell, "comm_info_request", map[string]any{})
	var info struct {
		Status string         `json:"status"`
		Comms  map[string]any `json:"comms"`
	}
	c.WaitReply(req).DecodeContent(&info)
	if info.Status != "ok" || info.Comms == nil || len(info.Comms) != 0 {
		t.Errorf("comm_info_reply %+v", info)
	}
	c.WaitIdle(req)

	open := c.Send(kernel.Shell, "comm_open", map[string]any{"comm_id": "c1", "target_name": "jupyter.widget", "data": map[string]any{}})
	msgs := c.WaitIdle(open)
	checkWrapped(t, open, msgs)
	var closed bool
	for _, m := range msgs {
		if m.Header.MsgType == "comm_close" {
			var cc struct {
				CommID string `json:"comm_id"`
			}
			m.DecodeContent(&cc)
			closed = cc.CommID == "c1"
		}
	}
	if !closed {
		t.Errorf("no comm_close for c1 on iopub: %v", msgs)
	}
	// A comm_msg for the closed comm is dropped; the kernel keeps serving.
	c.Send(kernel.Shell, "comm_msg", map[string]any{"comm_id": "c1", "data": map[string]any{}})
	if r := c.Execute("print ok"); r.Stdout != "ok\n" {
		t.Errorf("after comm_msg: %q", r.Stdout)
	}
}

func TestConnectRequest(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	req := c.Send(kernel.Shell, "connect_request", nil)
	var ports map[string]int
	c.WaitReply(req).DecodeContent(&ports)
	info := c.ConnectionInfo()
	want := map[string]int{"shell_port": info.ShellPort, "iopub_port": info.IOPubPort, "stdin_port": info.StdinPort, "hb_port": info.HBPort, "control_port": info.ControlPort}
	if !reflect.DeepEqual(ports, want) {
		t.Errorf("connect_reply %v, want %v", ports, want)
	}
}

// An empty history goes out as "history": [], not null: jupyter console
// iterates it as soon as it starts, and crashed on null.
func TestEmptyHistoryIsAList(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	req := c.Send(kernel.Shell, "history_request", kernel.HistoryRequest{AccessType: "tail", N: 10})
	reply := c.WaitReply(req)
	if !strings.Contains(string(reply.Content), `"history":[]`) {
		t.Fatalf("history_reply of an empty history: %s", reply.Content)
	}
}

// TestStopOnErrorSparesLaterRequests: stop_on_error aborts only what was
// queued when the failing cell replied. A front end that sends its next
// cell as soon as it reads the error reply must see that cell run, not
// aborted, however late the kernel's shell worker gets to the abort (the
// hook stands for a loaded machine, where CI once saw it happen).
func TestStopOnErrorSparesLaterRequests(t *testing.T) {
	kernel.SetTestHookAfterHandle(t, func() { time.Sleep(30 * time.Millisecond) })
	c := kerneltest.NewServer(t, newFakeEngine())
	for i := range 5 {
		if r := c.Execute("error E boom"); r.Status != kernel.StatusError {
			t.Fatalf("round %d: failing cell: %s", i, r.Status)
		}
		if r := c.Execute("value next"); r.Status != kernel.StatusOK {
			t.Fatalf("round %d: the cell sent after the error reply: status %s, want ok (%+v)", i, r.Status, r.Error)
		}
	}
}
