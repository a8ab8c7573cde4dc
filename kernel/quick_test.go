package kernel_test

import (
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// TestIsCompleteBesideLongCell: while a cell runs long (here: until it
// is interrupted), is_complete, complete and inspect are still answered within
// the second that jupyter console waits before it stops asking the
// kernel for good (and wants Esc-Enter for every cell after).
func TestIsCompleteBesideLongCell(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	exec := c.SendExecute("block")
	time.Sleep(700 * time.Millisecond) // past longCell
	for _, req := range []*kernel.Message{
		c.Send(kernel.Shell, "is_complete_request", map[string]any{"code": "for {"}),
		c.Send(kernel.Shell, "complete_request", map[string]any{"code": "Pri", "cursor_pos": 3}),
		c.Send(kernel.Shell, "inspect_request", map[string]any{"code": "fmt.Println", "cursor_pos": 11, "detail_level": 0}),
	} {
		sent := time.Now()
		reply, ok := c.Next(kernel.Shell, func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }, 5*time.Second)
		if !ok {
			t.Fatalf("no %s reply while the cell runs", req.Header.MsgType)
		}
		if d := time.Since(sent); d > time.Second {
			t.Errorf("%s answered after %s, want under 1s", req.Header.MsgType, d)
		}
		if want := "is_complete_reply"; req.Header.MsgType == "is_complete_request" && reply.Header.MsgType != want {
			t.Errorf("reply %s, want %s", reply.Header.MsgType, want)
		}
	}
	c.Interrupt()
	if r := c.WaitExecute(exec); r.Status != kernel.StatusError {
		t.Errorf("interrupted cell: status %s", r.Status)
	}
	// After the cell, requests are in order again and still answered.
	if got := c.IsComplete("x := 1"); got.Status != "complete" {
		t.Errorf("after the cell: %+v", got)
	}
}
