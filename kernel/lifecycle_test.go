package kernel_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// waitStarted waits until the fake engine starts running code.
func waitStarted(t *testing.T, eng *fakeEngine, code string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case got := <-eng.started:
			if got == code {
				return
			}
		case <-timeout:
			t.Fatalf("the engine never started %q", code)
		}
	}
}

func TestInterrupt(t *testing.T) {
	for _, how := range []string{"interrupt_request", "Kernel.Interrupt"} {
		t.Run(how, func(t *testing.T) {
			eng := newFakeEngine()
			c := kerneltest.NewServer(t, eng)
			req := c.SendExecute("print start\nblock")
			waitStarted(t, eng, "print start\nblock")
			if how == "interrupt_request" {
				c.Interrupt()
			} else {
				c.Kernel().Interrupt()
			}
			r := c.WaitExecute(req)
			if r.Status != kernel.StatusError || r.Error.Name != "KeyboardInterrupt" || r.Stdout != "start\n" {
				t.Errorf("interrupted cell: %s %+v stdout %q", r.Status, r.Error, r.Stdout)
			}
			// The next cell gets a fresh, uncancelled context.
			if r := c.Execute("sleep 10\nprint next"); r.Status != kernel.StatusOK || r.Stdout != "next\n" {
				t.Errorf("after interrupt: %s %q", r.Status, r.Stdout)
			}
		})
	}
}

func TestServedWhileBusy(t *testing.T) {
	for _, cell := range []string{"block", "spin"} {
		t.Run(cell, func(t *testing.T) { testServedWhileBusy(t, cell) })
	}
}

func testServedWhileBusy(t *testing.T, cell string) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	req := c.SendExecute(cell)
	waitStarted(t, eng, cell)
	for i := range 3 {
		if err := c.Heartbeat(2 * time.Second); err != nil {
			t.Fatalf("heartbeat %d while a cell blocks: %v", i, err)
		}
	}
	info := c.Send(kernel.Control, "kernel_info_request", nil)
	if reply := c.WaitReply(info); reply.Header.MsgType != "kernel_info_reply" {
		t.Errorf("control reply %s", reply.Header.MsgType)
	}
	checkWrapped(t, info, c.WaitIdle(info))
	c.Interrupt()
	if r := c.WaitExecute(req); r.Status != kernel.StatusError {
		t.Errorf("blocked cell: %s", r.Status)
	}
}

func TestShutdown(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	if r := c.Shutdown(false); r.Status != "ok" || r.Restart {
		t.Errorf("shutdown_reply %+v", r)
	}
	if got := eng.Shutdowns(); !slices.Equal(got, []bool{false}) {
		t.Errorf("engine shutdowns %v, want [false]", got)
	}
	// Serve returns and closes the sockets: the heartbeat stops.
	deadline := time.Now().Add(10 * time.Second)
	for c.Heartbeat(200*time.Millisecond) == nil {
		if time.Now().After(deadline) {
			t.Fatal("heartbeat still answers after shutdown")
		}
	}
}

func TestShutdownInterruptsCell(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	req := c.SendExecute("block")
	waitStarted(t, eng, "block")
	if r := c.Shutdown(false); r.Status != "ok" {
		t.Errorf("shutdown_reply %+v", r)
	}
	if reply := c.WaitReply(req); !strings.Contains(string(reply.Content), `"KeyboardInterrupt"`) {
		t.Errorf("blocked cell's reply %s", reply.Content)
	}
}

func TestRestart(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	c.Execute("print one")
	c.Execute("print two")
	if r := c.Shutdown(true); r.Status != "ok" || !r.Restart {
		t.Errorf("shutdown_reply %+v", r)
	}
	if got := eng.Shutdowns(); !slices.Equal(got, []bool{true}) {
		t.Errorf("engine shutdowns %v, want [true]", got)
	}
	r := c.Execute("print three")
	if r.Status != kernel.StatusOK || r.ExecutionCount != 1 || r.Stdout != "three\n" {
		t.Errorf("after restart: %s count %d stdout %q, want ok 1", r.Status, r.ExecutionCount, r.Stdout)
	}
	// History keeps the old session; the new one is numbered 2.
	hist := c.History(kernel.HistoryRequest{AccessType: "tail", N: 3})
	want := []kernel.HistoryEntry{{Session: 1, Line: 1, Input: "print one"}, {Session: 1, Line: 2, Input: "print two"}, {Session: 2, Line: 1, Input: "print three"}}
	if fmtHistory(hist) != fmtHistory(want) {
		t.Errorf("history %s, want %s", fmtHistory(hist), fmtHistory(want))
	}
	if err := c.Heartbeat(2 * time.Second); err != nil {
		t.Error(err)
	}
}

func TestShutdownOnShell(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	req := c.Send(kernel.Shell, "shutdown_request", map[string]any{"restart": true})
	if reply := c.WaitReply(req); reply.Header.MsgType != "shutdown_reply" {
		t.Errorf("reply %s", reply.Header.MsgType)
	}
	checkWrapped(t, req, c.WaitIdle(req))
}

func TestStdin(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	c.OnInput(func(prompt string) string { return "answer to " + prompt })
	r := c.Execute("print before\ninput name?\ninput age?")
	if r.Status != kernel.StatusOK || r.Stdout != "before\ngot: answer to name?\ngot: answer to age?\n" {
		t.Errorf("input round trip: %s %q", r.Status, r.Stdout)
	}
	if got := c.Prompts(); !slices.Equal(got, []string{"name?", "age?"}) {
		t.Errorf("prompts %v", got)
	}
	r = c.Execute("input denied?", kerneltest.AllowStdin(false))
	if r.Status != kernel.StatusError || r.Error.Name != "StdinNotAllowed" {
		t.Errorf("allow_stdin false: %s %+v", r.Status, r.Error)
	}
	if got := c.Prompts(); len(got) != 2 {
		t.Errorf("an input_request was sent with allow_stdin false: %v", got)
	}
}

func TestInputInterrupted(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	started := make(chan struct{})
	release := make(chan struct{})
	c.OnInput(func(string) string { close(started); <-release; return "late" })
	req := c.SendExecute("input wait?")
	<-started
	c.Interrupt()
	r := c.WaitExecute(req)
	close(release)
	if r.Status != kernel.StatusError || r.Error.Name != "InputError" {
		t.Errorf("interrupted input: %s %+v", r.Status, r.Error)
	}
	// The late input_reply has no waiter: logged and dropped.
	if r := c.Execute("print fine"); r.Stdout != "fine\n" {
		t.Errorf("after a late input_reply: %q", r.Stdout)
	}
}

func TestStreamCoalescing(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	const n = 10000
	r := c.Execute(fmt.Sprint("lines ", n))
	var want strings.Builder
	for i := range n {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	if r.Stdout != want.String() {
		t.Fatalf("stdout lost or reordered bytes: got %d bytes, want %d", len(r.Stdout), want.Len())
	}
	var streams int
	for _, m := range r.IOPub {
		if m.Header.MsgType == "stream" {
			streams++
		}
	}
	if streams > n/10 {
		t.Errorf("%d stream messages for %d writes: not coalesced", streams, n)
	}

	// Interleaved stdout and stderr keep their order.
	r = c.Execute("print 1\neprint 2\nprint 3\nprint 4\ndisplay - d\nprint 5")
	var got []string
	for _, m := range r.IOPub {
		switch m.Header.MsgType {
		case "stream":
			var s struct{ Name, Text string }
			m.DecodeContent(&s)
			got = append(got, s.Name+":"+s.Text)
		case "display_data":
			got = append(got, "display")
		}
	}
	wantOrder := []string{"stdout:1\n", "stderr:2\n", "stdout:3\n4\n", "display", "stdout:5\n"}
	if !slices.Equal(got, wantOrder) {
		t.Errorf("order %q, want %q", got, wantOrder)
	}
}

func TestLateOutputKeepsParent(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	r := c.Execute("late afterwards")
	if r.Stdout != "" {
		t.Fatalf("late output came early: %q", r.Stdout)
	}
	next := c.Execute("print other")
	close(eng.release)
	m, ok := c.Next(kernel.IOPub, func(m *kernel.Message) bool { return m.Header.MsgType == "stream" }, 5*time.Second)
	if !ok {
		t.Fatal("late stream never arrived")
	}
	if m.Parent.MsgID != r.Request.Header.MsgID {
		t.Errorf("late stream has parent %s (the later cell is %s), want %s", m.Parent.MsgID, next.Request.Header.MsgID, r.Request.Header.MsgID)
	}
	d, ok := c.Next(kernel.IOPub, func(m *kernel.Message) bool { return m.Header.MsgType == "display_data" }, 5*time.Second)
	if !ok || d.Parent.MsgID != r.Request.Header.MsgID {
		t.Errorf("late display: %v, parent ok %v", ok, ok && d.Parent.MsgID == r.Request.Header.MsgID)
	}
}

func TestTransports(t *testing.T) {
	for _, opts := range []kerneltest.ServerOptions{
		{Transport: "ipc"},
		{Unsigned: true},
		{Transport: "ipc", Unsigned: true},
	} {
		t.Run(fmt.Sprintf("%s unsigned=%v", opts.Transport, opts.Unsigned), func(t *testing.T) {
			eng := newFakeEngine()
			c := kerneltest.NewServerWith(t, eng, opts)
			if opts.Transport == "ipc" && !strings.HasPrefix(c.ConnectionInfo().Endpoint(kernel.Shell), "ipc://") {
				t.Fatalf("endpoint %s", c.ConnectionInfo().Endpoint(kernel.Shell))
			}
			if r := c.Execute("print hi\nvalue 1"); r.Stdout != "hi\n" || r.ExecuteResult == nil {
				t.Errorf("execute over %+v: %q %+v", opts, r.Stdout, r.ExecuteResult)
			}
			if err := c.Heartbeat(2 * time.Second); err != nil {
				t.Error(err)
			}
			c.OnInput(func(string) string { return "x" })
			if r := c.Execute("input ?"); r.Stdout != "got: x\n" {
				t.Errorf("stdin over %+v: %q", opts, r.Stdout)
			}
			c.Interrupt()
		})
	}
}

// TestStreamWhileRunning checks that output reaches the front end while
// the cell still runs, not only when it ends.
func TestStreamWhileRunning(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	req := c.SendExecute("print early\nblock")
	m, ok := c.Next(kernel.IOPub, func(m *kernel.Message) bool {
		return m.Header.MsgType == "stream" && m.Parent.MsgID == req.Header.MsgID
	}, 5*time.Second)
	if !ok {
		t.Fatal("no stream while the cell runs")
	}
	if !strings.Contains(string(m.Content), "early") {
		t.Errorf("stream %s", m.Content)
	}
	c.Interrupt()
	if r := c.WaitExecute(req); r.Status != kernel.StatusError {
		t.Errorf("status %s", r.Status)
	}
}

func TestExitOnRestart(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServerWith(t, eng, kerneltest.ServerOptions{Kernel: kernel.Options{ExitOnRestart: true}})
	if r := c.Shutdown(true); r.Status != "ok" || !r.Restart {
		t.Errorf("shutdown_reply %+v", r)
	}
	if got := eng.Shutdowns(); !slices.Equal(got, []bool{false}) {
		t.Errorf("engine shutdowns %v, want [false]: the process is about to exit", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for c.Heartbeat(200*time.Millisecond) == nil {
		if time.Now().After(deadline) {
			t.Fatal("Serve still runs after a restart with ExitOnRestart")
		}
	}
}

// TestConcurrentOutput streams from many goroutines at once: every line
// arrives, each goroutine's lines in order.
func TestConcurrentOutput(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	const g, n = 8, 2000
	r := c.Execute(fmt.Sprintf("par %d %d", g, n))
	next := make([]int, g)
	for _, line := range strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n") {
		var i, j int
		if _, err := fmt.Sscanf(line, "g%d %d", &i, &j); err != nil || i < 0 || i >= g {
			t.Fatalf("garbled line %q", line)
		}
		if j != next[i] {
			t.Fatalf("goroutine %d: line %d after %d", i, j, next[i]-1)
		}
		next[i]++
	}
	for i, got := range next {
		if got != n {
			t.Errorf("goroutine %d: %d lines arrived, want %d", i, got, n)
		}
	}
}

// TestLargeStream sends more than one stream message holds: the text is
// split, and no byte is lost.
func TestLargeStream(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	const n = 150000 // about 1.7 MB
	r := c.Execute(fmt.Sprint("lines ", n))
	var want strings.Builder
	for i := range n {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	if r.Stdout != want.String() {
		t.Fatalf("got %d bytes, want %d", len(r.Stdout), want.Len())
	}
	var streams int
	for _, m := range r.IOPub {
		if m.Header.MsgType == "stream" {
			streams++
		}
	}
	if streams < 2 {
		t.Errorf("%d bytes in %d stream message: want them split", want.Len(), streams)
	}
}

// TestServeCancelled cancels Serve's context while a cell runs: the cell
// is interrupted and Serve returns without waiting for anything else.
func TestServeCancelled(t *testing.T) {
	path, info := kerneltest.NewConnectionFile(t)
	eng := newFakeEngine()
	k, err := kernel.New(info, eng, kernel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- k.Serve(ctx) }()
	c := kerneltest.Connect(t, path)
	req := c.SendExecute("block")
	waitStarted(t, eng, "block")
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	if reply, ok := c.Next(kernel.Shell, func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }, time.Second); !ok ||
		!strings.Contains(string(reply.Content), "KeyboardInterrupt") {
		t.Errorf("the running cell was not answered as interrupted: %v", reply)
	}
}
