package frontend

import (
	"context"
	"fmt"
	"strings"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
)

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

// Result is what a front end sees of one execute request: the exchange
// (request, reply, iopub messages up to status idle, their times) and
// its contents, decoded.
type Result struct {
	Exchange

	// From the execute_reply.
	Status          kernel.Status
	ExecutionCount  int
	Error           *kernel.Error // for status "error"
	UserExpressions map[string]kernel.ExpressionResult

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

// Execute runs code and returns the reply and the cell's iopub messages.
// An execute_request has every field explicit, as jupyter_client sends
// it (store_history, allow_stdin and stop_on_error true unless opts say
// otherwise).
func (c *Client) Execute(ctx context.Context, code string, opts ...ExecuteOption) (*Result, error) {
	req, err := c.SendExecute(code, opts...)
	if err != nil {
		return nil, err
	}
	r, err := c.WaitExecute(ctx, req)
	if err != nil {
		c.Discard(req)
	}
	return r, err
}

// SendExecute sends an execute_request without waiting.
func (c *Client) SendExecute(code string, opts ...ExecuteOption) (*kernel.Message, error) {
	r := kernel.ExecuteRequestContent{Code: code, StoreHistory: ptr(true), AllowStdin: ptr(true), StopOnError: ptr(true), UserExpressions: map[string]string{}}
	for _, o := range opts {
		o(&r)
	}
	return c.Send(kernel.Shell, "execute_request", r)
}

// WaitExecute waits for the reply to an execute_request sent with
// SendExecute and for its status idle, and decodes them.
func (c *Client) WaitExecute(ctx context.Context, req *kernel.Message) (*Result, error) {
	e, err := c.Collect(ctx, req)
	if err != nil {
		return nil, err
	}
	return DecodeExecute(e)
}

// DecodeExecute decodes the exchange of an execute_request into its Result.
func DecodeExecute(e *Exchange) (*Result, error) {
	if err := decodeReply(e.Reply, "execute_request", nil); err != nil {
		return nil, err
	}
	res := &Result{Exchange: *e}
	var content kernel.ExecuteReplyContent
	if err := decodeContent(e.Reply, &content); err != nil {
		return nil, err
	}
	res.Status, res.ExecutionCount, res.UserExpressions = content.Status, content.ExecutionCount, content.UserExpressions
	if content.Status == kernel.StatusError {
		res.Error = content.Error
		if res.Error == nil {
			res.Error = &kernel.Error{}
		}
	}
	var stdout, stderr strings.Builder
	for _, m := range e.IOPub {
		var err error
		switch m.Header.MsgType {
		case "stream":
			var s kernel.StreamContent
			err = decodeContent(m, &s)
			switch s.Name {
			case "stdout":
				stdout.WriteString(s.Text)
			case "stderr":
				stderr.WriteString(s.Text)
			}
		case "execute_input":
			var in kernel.ExecuteInput
			err = decodeContent(m, &in)
			res.Input = &in
		case "execute_result":
			var r display.Bundle // the content's data and metadata
			err = decodeContent(m, &r)
			res.ExecuteResult = &r
		case "display_data", "update_display_data":
			var d kernel.DisplayContent
			err = decodeContent(m, &d)
			res.Displays = append(res.Displays, kernel.DisplayData{Bundle: display.Bundle{Data: d.Data, Metadata: d.Metadata},
				DisplayID: d.Transient.DisplayID, Update: m.Header.MsgType == "update_display_data"})
		case "clear_output":
			var cl kernel.ClearOutput
			err = decodeContent(m, &cl)
			res.Clears = append(res.Clears, cl.Wait)
		case "error":
			var er kernel.Error
			err = decodeContent(m, &er)
			res.IOPubError = &er
		}
		if err != nil {
			return nil, err
		}
	}
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	return res, nil
}

func decodeContent(m *kernel.Message, v any) error {
	if err := m.DecodeContent(v); err != nil {
		return fmt.Errorf("%s content %.200s: %w", m.Header.MsgType, m.Content, err)
	}
	return nil
}
