package kerneltest

import (
	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/frontend"
)

// ExecuteOption changes a field of an execute_request.
type ExecuteOption = frontend.ExecuteOption

// Silent sets silent: true (which also means store_history: false).
func Silent() ExecuteOption { return frontend.Silent() }

// StoreHistory sets store_history (default true).
func StoreHistory(store bool) ExecuteOption { return frontend.StoreHistory(store) }

// UserExpressions sets user_expressions.
func UserExpressions(exprs map[string]string) ExecuteOption {
	return frontend.UserExpressions(exprs)
}

// AllowStdin sets allow_stdin (default true).
func AllowStdin(allow bool) ExecuteOption { return frontend.AllowStdin(allow) }

// StopOnError sets stop_on_error (default true).
func StopOnError(stop bool) ExecuteOption { return frontend.StopOnError(stop) }

// Result is what a front end sees of one execute request: the reply and
// the iopub messages with the request as parent, up to status idle (its
// Exchange), and their contents decoded.
type Result = frontend.Result

// Execute runs code and returns the reply and the cell's iopub messages.
func (c *Client) Execute(code string, opts ...ExecuteOption) *Result {
	c.t.Helper()
	return c.WaitExecute(c.SendExecute(code, opts...))
}

// SendExecute sends an execute_request without waiting.
func (c *Client) SendExecute(code string, opts ...ExecuteOption) *kernel.Message {
	c.t.Helper()
	req, err := c.fc.SendExecute(code, opts...)
	if err != nil && !c.isClosed() {
		c.t.Errorf("kerneltest: %v", err)
	}
	return req
}

// WaitExecute waits for the reply to an execute_request sent with
// SendExecute, and for its status idle.
func (c *Client) WaitExecute(req *kernel.Message) *Result {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	r, err := c.fc.WaitExecute(ctx, req)
	if err != nil {
		c.t.Fatalf("kerneltest: %v", err)
	}
	return r
}

// KernelInfo asks for kernel_info on shell.
func (c *Client) KernelInfo() kernel.KernelInfoReply {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	r, err := c.fc.KernelInfo(ctx)
	c.check(err)
	return r
}

// Complete asks for completions at a cursor (in code points).
func (c *Client) Complete(code string, cursor int) kernel.CompleteReply {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	r, _, err := c.fc.Complete(ctx, code, cursor)
	c.check(err)
	return r
}

// Inspect asks for help at a cursor (in code points).
func (c *Client) Inspect(code string, cursor, detail int) kernel.InspectReply {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	r, err := c.fc.Inspect(ctx, code, cursor, detail)
	c.check(err)
	return r
}

// IsComplete asks whether code is ready to run.
func (c *Client) IsComplete(code string) kernel.Completeness {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	r, err := c.fc.IsComplete(ctx, code)
	c.check(err)
	return r
}

// History asks for history and returns its entries.
func (c *Client) History(r kernel.HistoryRequest) []kernel.HistoryEntry {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	entries, err := c.fc.History(ctx, r)
	c.check(err)
	return entries
}

// Interrupt sends interrupt_request on control and waits for the reply.
func (c *Client) Interrupt() {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	c.check(c.fc.Interrupt(ctx))
}

// Shutdown sends shutdown_request on control and waits for the reply.
func (c *Client) Shutdown(restart bool) kernel.ShutdownReply {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	r, err := c.fc.Shutdown(ctx, restart)
	c.check(err)
	return r
}

// check fails the test on err.
func (c *Client) check(err error) {
	c.t.Helper()
	if err != nil {
		c.t.Fatalf("kerneltest: %v", err)
	}
}
