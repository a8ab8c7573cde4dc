package kerneltest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spinlab/spinlab/kernel"
)

func jsonMarshal(v any) (json.RawMessage, error) { return json.Marshal(v) }

// ExecuteOption changes a field of an execute_request.
type ExecuteOption func(*executeRequest)

type executeRequest struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    bool              `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      bool              `json:"allow_stdin"`
	StopOnError     bool              `json:"stop_on_error"`
}

// Silent sets silent: true (which also means store_history: false).
func Silent() ExecuteOption {
	return func(r *executeRequest) { r.Silent, r.StoreHistory = true, false }
}

// StoreHistory sets store_history (default true).
func StoreHistory(store bool) ExecuteOption {
	return func(r *executeRequest) { r.StoreHistory = store }
}

// UserExpressions sets user_expressions.
func UserExpressions(exprs map[string]string) ExecuteOption {
	return func(r *executeRequest) { r.UserExpressions = exprs }
}

// AllowStdin sets allow_stdin (default true).
func AllowStdin(allow bool) ExecuteOption {
	return func(r *executeRequest) { r.AllowStdin = allow }
}

// StopOnError sets stop_on_error (default true).
func StopOnError(stop bool) ExecuteOption {
	return func(r *executeRequest) { r.StopOnError = stop }
}

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
	Input *ExecuteInput
	// ExecuteResult is the execute_result, if any.
	ExecuteResult *kernel.DisplayData
	// Displays are the display_data and update_display_data messages,
	// with DisplayID and Update set.
	Displays []kernel.DisplayData
	// Clears holds the wait flag of each clear_output.
	Clears []bool
	// IOPubError is the error message published on iopub, if any.
	IOPubError *kernel.Error
}

// ExecuteInput is an execute_input's content.
type ExecuteInput struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
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
	r := executeRequest{Code: code, StoreHistory: true, AllowStdin: true, StopOnError: true, UserExpressions: map[string]string{}}
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
	var content struct {
		Status          kernel.Status                      `json:"status"`
		ExecutionCount  int                                `json:"execution_count"`
		UserExpressions map[string]kernel.ExpressionResult `json:"user_expressions"`
		kernel.Error
	}
	c.decode(reply, &content)
	res.Status, res.ExecutionCount, res.UserExpressions = content.Status, content.ExecutionCount, content.UserExpressions
	if content.Status == kernel.StatusError {
		e := content.Error
		res.Error = &e
	}
	var stdout, stderr strings.Builder
	for _, m := range res.IOPub {
		switch m.Header.MsgType {
		case "stream":
			var s struct{ Name, Text string }
			c.decode(m, &s)
			switch s.Name {
			case "stdout":
				stdout.WriteString(s.Text)
			case "stderr":
				stderr.WriteString(s.Text)
			}
		case "execute_input":
			var in ExecuteInput
			c.decode(m, &in)
			res.Input = &in
		case "execute_result":
			var d kernel.DisplayData
			c.decode(m, &d)
			res.ExecuteResult = &d
		case "display_data", "update_display_data":
			var d struct {
				kernel.DisplayData
				Transient struct {
					DisplayID string `json:"display_id"`
				} `json:"transient"`
			}
			c.decode(m, &d)
			d.DisplayData.DisplayID = d.Transient.DisplayID
			d.DisplayData.Update = m.Header.MsgType == "update_display_data"
			res.Displays = append(res.Displays, d.DisplayData)
		case "clear_output":
			var cl struct {
				Wait bool `json:"wait"`
			}
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

// KernelInfoReply is a kernel_info_reply's content.
type KernelInfoReply struct {
	Status                string              `json:"status"`
	ProtocolVersion       string              `json:"protocol_version"`
	Implementation        string              `json:"implementation"`
	ImplementationVersion string              `json:"implementation_version"`
	LanguageInfo          kernel.LanguageInfo `json:"language_info"`
	Banner                string              `json:"banner"`
	HelpLinks             []kernel.HelpLink   `json:"help_links"`
}

// KernelInfo asks for kernel_info on shell.
func (c *Client) KernelInfo() KernelInfoReply {
	c.t.Helper()
	var r KernelInfoReply
	c.request(kernel.Shell, "kernel_info_request", nil, &r)
	return r
}

// CompleteReply is a complete_reply's content.
type CompleteReply struct {
	Status      string         `json:"status"`
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"`
	CursorEnd   int            `json:"cursor_end"`
	Metadata    map[string]any `json:"metadata"`
}

// Complete asks for completions at a cursor (in code points).
func (c *Client) Complete(code string, cursor int) CompleteReply {
	c.t.Helper()
	var r CompleteReply
	c.request(kernel.Shell, "complete_request", map[string]any{"code": code, "cursor_pos": cursor}, &r)
	return r
}

// InspectReply is an inspect_reply's content.
type InspectReply struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

// Inspect asks for help at a cursor (in code points).
func (c *Client) Inspect(code string, cursor, detail int) InspectReply {
	c.t.Helper()
	var r InspectReply
	c.request(kernel.Shell, "inspect_request", map[string]any{"code": code, "cursor_pos": cursor, "detail_level": detail}, &r)
	return r
}

// IsCompleteReply is an is_complete_reply's content.
type IsCompleteReply struct {
	Status string `json:"status"`
	Indent string `json:"indent"`
}

// IsComplete asks whether code is ready to run.
func (c *Client) IsComplete(code string) IsCompleteReply {
	c.t.Helper()
	var r IsCompleteReply
	c.request(kernel.Shell, "is_complete_request", map[string]any{"code": code}, &r)
	return r
}

// HistoryRequest is a history_request's content.
type HistoryRequest struct {
	Output     bool   `json:"output"`
	Raw        bool   `json:"raw"`
	AccessType string `json:"hist_access_type"` // "tail", "range" or "search"
	Session    int    `json:"session"`
	Start      int    `json:"start"`
	Stop       int    `json:"stop"`
	N          int    `json:"n"`
	Pattern    string `json:"pattern"`
	Unique     bool   `json:"unique"`
}

// HistoryEntry is one entry of a history_reply.
type HistoryEntry struct {
	Session, Line int
	Input         string
	Output        *string // with HistoryRequest.Output: the text output, if any
}

// UnmarshalJSON reads [session, line, input] or
// [session, line, [input, output]].
func (e *HistoryEntry) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 3 {
		return fmt.Errorf("history entry with %d fields, want 3", len(raw))
	}
	if err := json.Unmarshal(raw[0], &e.Session); err != nil {
		return err
	}
	if err := json.Unmarshal(raw[1], &e.Line); err != nil {
		return err
	}
	if err := json.Unmarshal(raw[2], &e.Input); err == nil {
		return nil
	}
	var pair []*string
	if err := json.Unmarshal(raw[2], &pair); err != nil || len(pair) != 2 || pair[0] == nil {
		return fmt.Errorf("history entry input %s is neither a string nor [input, output]", raw[2])
	}
	e.Input, e.Output = *pair[0], pair[1]
	return nil
}

// History asks for history and returns its entries.
func (c *Client) History(r HistoryRequest) []HistoryEntry {
	c.t.Helper()
	var reply struct {
		Status  string         `json:"status"`
		History []HistoryEntry `json:"history"`
	}
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

// ShutdownReply is a shutdown_reply's content.
type ShutdownReply struct {
	Status  string `json:"status"`
	Restart bool   `json:"restart"`
}

// Shutdown sends shutdown_request on control and waits for the reply.
func (c *Client) Shutdown(restart bool) ShutdownReply {
	c.t.Helper()
	req := c.Send(kernel.Control, "shutdown_request", map[string]any{"restart": restart})
	var r ShutdownReply
	c.decode(c.WaitReply(req), &r)
	return r
}
