package kerneltest

import (
	"encoding/json"
	"strings"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
)

func jsonMarshal(v any) (json.RawMessage, error) { return json.Marshal(v) }

// ExecuteOption changes a field of an execute_request.
type ExecuteOption func(*kernel.ExecuteRequestContent)

// Silent sets silent: true (which also means store_history: false).
func Silent() ExecuteOption {
	return func(r *kernel.ExecuteRequestContent) { r.Silent, r.StoreHistory = true, ptr(false) }
}

// StoreHistory sets store_history (default true).
func StoreHistory(store bool) ExecuteOption {
	return func(r *kernel.ExecuteRequestContent) { r.StoreHistory = ptr(store) }
}

// UserExpressions sets user_expressions.
func UserExpressions(exprs map[string]string) ExecuteOption {
	return func(r *kernel.ExecuteRequestContent) { r.UserExpressions = exprs }
}

// AllowStdin sets allow_stdin (default true).
func AllowStdin(allow bool) ExecuteOption {
	return func(r *kernel.ExecuteRequestContent) { r.AllowStdin = ptr(allow) }
}

// StopOnError sets stop_on_error (default true).
func StopOnError(stop bool) ExecuteOption {
	return func(r *kernel.ExecuteRequestContent) { r.StopOnError = ptr(stop) }
}

func ptr[T any](v T) *T { return &v }

// Result is what a front end sees of one execute request: the reply and
// the iopub messages with the request as parent, up to status idle.
type Result struct {
	Request *kernel.Message
	Reply   *kernel.Message

	// From the execute_reply.
	Status          kernel.Status
	ExecutionCount  int
	Error           *kernel.Error // for status "error"
	UserExpressions map[string]kernel.ExpressionResult

	// IOPub holds the messages from status busy to status idle, in order.
	IOPub []*kernel.Message
	// Stdout and Stderr concatenate the stream messages of each name.
	Stdout, Stderr string
	// Input is the execute_input, if any.
	Input *kernel.ExecuteInput
	// ExecuteResult is the execute_result, if any.
	ExecuteResult *display.Bundle
	// Displays are the display_data and update_display_data messages,
	// with DisplayID and Update set.
	Displays []kernel.DisplayData
	// Clears holds the wait flag of each clear_output.
	Clears []bool
	// IOPubError is the error message published on iopub, if any.
	IOPubError *kernel.Error
}

// Types returns the msg_type of each iopub message, in order.
func (r *Result) Types() []string {
	var ts []string
	for _, m := range r.IOPub {
		ts = append(ts, m.Header.MsgType)
	}
	return ts
}

// Execute runs code and returns the reply and the cell's iopub messages.
func (c *Client) Execute(code string, opts ...ExecuteOption) *Result {
	c.t.Helper()
	return c.WaitExecute(c.SendExecute(code, opts...))
}

// SendExecute sends an execute_request without waiting.
func (c *Client) SendExecute(code string, opts ...ExecuteOption) *kernel.Message {
	// Every field explicit, as jupyter_client sends them.
	r := kernel.ExecuteRequestContent{Code: code, StoreHistory: ptr(true), AllowStdin: ptr(true), StopOnError: ptr(true), UserExpressions: map[string]string{}}
	for _, o := range opts {
		o(&r)
	}
	return c.Send(kernel.Shell, "execute_request", r)
}

// WaitExecute waits for the reply to an execute_request sent with
// SendExecute, and for its status idle.
func (c *Client) WaitExecute(req *kernel.Message) *Result {
	c.t.Helper()
	reply := c.WaitReply(req)
	res := &Result{Request: req, Reply: reply, IOPub: c.WaitIdle(req)}
	var content kernel.ExecuteReplyContent
	c.decode(reply, &content)
	res.Status, res.ExecutionCount, res.UserExpressions = content.Status, content.ExecutionCount, content.UserExpressions
	if content.Status == kernel.StatusError {
		res.Error = content.Error
		if res.Error == nil {
			res.Error = &kernel.Error{}
		}
	}
	var stdout, stderr strings.Builder
	for _, m := range res.IOPub {
		switch m.Header.MsgType {
		case "stream":
			var s kernel.StreamContent
			c.decode(m, &s)
			switch s.Name {
			case "stdout":
				stdout.WriteString(s.Text)
			case "stderr":
				stderr.WriteString(s.Text)
			}
		case "execute_input":
			var in kernel.ExecuteInput
			c.decode(m, &in)
			res.Input = &in
		case "execute_result":
			var r display.Bundle // the content's data and metadata
			c.decode(m, &r)
			res.ExecuteResult = &r
		case "display_data", "update_display_data":
			var d struct {
				display.Bundle
				Transient kernel.Transient `json:"transient"`
			}
			c.decode(m, &d)
			res.Displays = append(res.Displays, kernel.DisplayData{Bundle: d.Bundle,
				DisplayID: d.Transient.DisplayID, Update: m.Header.MsgType == "update_display_data"})
		case "clear_output":
			var cl kernel.ClearOutput
			c.decode(m, &cl)
			res.Clears = append(res.Clears, cl.Wait)
		case "error":
			var e kernel.Error
			c.decode(m, &e)
			res.IOPubError = &e
		}
	}
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	return res
}

func (c *Client) decode(m *kernel.Message, v any) {
	c.t.Helper()
	if err := m.DecodeContent(v); err != nil {
		c.t.Fatalf("kerneltest: %s content %s: %v", m.Header.MsgType, m.Content, err)
	}
}

// request sends a request, waits for its reply and its status idle, and
// decodes the reply's content into v.
func (c *Client) request(ch kernel.Channel, msgType string, content, v any) *kernel.Message {
	c.t.Helper()
	req := c.Send(ch, msgType, content)
	reply := c.WaitReply(req)
	c.WaitIdle(req)
	if want := strings.TrimSuffix(msgType, "_request") + "_reply"; reply.Header.MsgType != want {
		c.t.Fatalf("kerneltest: reply to %s is %s, want %s", msgType, reply.Header.MsgType, want)
	}
	if v != nil {
		c.decode(reply, v)
	}
	return reply
}

// KernelInfo asks for kernel_info on shell.
func (c *Client) KernelInfo() kernel.KernelInfoReply {
	c.t.Helper()
	var r kernel.KernelInfoReply
	c.request(kernel.Shell, "kernel_info_request", nil, &r)
	return r
}

// Complete asks for completions at a cursor (in code points).
func (c *Client) Complete(code string, cursor int) kernel.CompleteReply {
	c.t.Helper()
	var r kernel.CompleteReply
	c.request(kernel.Shell, "complete_request", kernel.CompleteRequest{Code: code, CursorPos: &cursor}, &r)
	return r
}

// Inspect asks for help at a cursor (in code points).
func (c *Client) Inspect(code string, cursor, detail int) kernel.InspectReply {
	c.t.Helper()
	var r kernel.InspectReply
	c.request(kernel.Shell, "inspect_request", kernel.InspectRequest{Code: code, CursorPos: &cursor, DetailLevel: detail}, &r)
	return r
}

// IsComplete asks whether code is ready to run.
func (c *Client) IsComplete(code string) kernel.Completeness {
	c.t.Helper()
	var r kernel.Completeness
	c.request(kernel.Shell, "is_complete_request", kernel.IsCompleteRequest{Code: code}, &r)
	return r
}

// History asks for history and returns its entries.
func (c *Client) History(r kernel.HistoryRequest) []kernel.HistoryEntry {
	c.t.Helper()
	var reply kernel.HistoryReply
	c.request(kernel.Shell, "history_request", r, &reply)
	if reply.Status != "ok" {
		c.t.Fatalf("kerneltest: history_reply status %q", reply.Status)
	}
	return reply.History
}

// Interrupt sends interrupt_request on control and waits for the reply.
func (c *Client) Interrupt() {
	c.t.Helper()
	c.request(kernel.Control, "interrupt_request", nil, nil)
}

// Shutdown sends shutdown_request on control and waits for the reply.
func (c *Client) Shutdown(restart bool) kernel.ShutdownReply {
	c.t.Helper()
	req := c.Send(kernel.Control, "shutdown_request", kernel.ShutdownRequest{Restart: restart})
	var r kernel.ShutdownReply
	c.decode(c.WaitReply(req), &r)
	return r
}
