package frontend

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spinlab/spinlab/kernel"
)

// Exchange is one request with what came back for it: the reply and the
// iopub messages with the request as parent, up to status idle.
type Exchange struct {
	Request *kernel.Message
	Reply   *kernel.Message
	// IOPub holds the messages from status busy to status idle, in order.
	IOPub []*kernel.Message
	// Sent is when the request was handed to its socket; Replied when its
	// reply arrived, Idle when its status idle arrived (both taken by the
	// socket's reader as the message came in, before any wait woke).
	Sent, Replied, Idle time.Time
}

// Latency is the time from the request to its reply and status idle,
// whichever came last.
func (e *Exchange) Latency() time.Duration {
	end := e.Idle
	if e.Replied.After(end) {
		end = e.Replied
	}
	return end.Sub(e.Sent)
}

// Status is the status of the reply's content ("ok", "error",
// "aborted"), or "" when it has none.
func (e *Exchange) Status() kernel.Status {
	var s struct {
		Status kernel.Status `json:"status"`
	}
	e.Reply.DecodeContent(&s)
	return s.Status
}

// Types returns the msg_type of each iopub message, in order.
func (e *Exchange) Types() []string {
	var ts []string
	for _, m := range e.IOPub {
		ts = append(ts, m.Header.MsgType)
	}
	return ts
}

// Collect waits for the reply to req and its status idle and returns
// them with the iopub messages in between. req must have been sent by
// this client; Collect forgets it afterwards.
func (c *Client) Collect(ctx context.Context, req *kernel.Message) (*Exchange, error) {
	r, s, err := c.waitReply(ctx, req)
	if err != nil {
		return nil, err
	}
	iopub, idle, err := c.waitIdle(ctx, req)
	if err != nil {
		return nil, err
	}
	c.forget(req)
	return &Exchange{Request: req, Reply: r.m, IOPub: iopub, Sent: s.at, Replied: r.at, Idle: idle}, nil
}

// Request sends a request on shell or control, waits for its reply and
// status idle, checks that the reply is the request's (an
// execute_request's is an execute_reply) and, unless reply is nil,
// decodes the reply's content into it.
func (c *Client) Request(ctx context.Context, ch kernel.Channel, msgType string, content, reply any) (*Exchange, error) {
	req, err := c.Send(ch, msgType, content)
	if err != nil {
		return nil, err
	}
	e, err := c.Collect(ctx, req)
	if err != nil {
		c.Discard(req)
		return nil, err
	}
	return e, decodeReply(e.Reply, msgType, reply)
}

// decodeReply checks that reply answers a request of msgType and decodes
// its content into v, unless v is nil.
func decodeReply(reply *kernel.Message, msgType string, v any) error {
	if want := strings.TrimSuffix(msgType, "_request") + "_reply"; reply.Header.MsgType != want {
		return fmt.Errorf("reply to %s is %s, want %s", msgType, reply.Header.MsgType, want)
	}
	if v == nil {
		return nil
	}
	if err := reply.DecodeContent(v); err != nil {
		return fmt.Errorf("%s content %.200s: %w", reply.Header.MsgType, reply.Content, err)
	}
	return nil
}

// WaitReady asks for kernel_info until the reply and its status idle on
// iopub arrive: iopub delivers nothing until the kernel has seen the
// subscription, so this is the moment a front end may start. What the
// attempts leave behind is discarded.
func (c *Client) WaitReady(ctx context.Context) error {
	for {
		req, err := c.Send(kernel.Shell, "kernel_info_request", nil)
		if err != nil {
			return fmt.Errorf("the kernel is not ready: %w", err)
		}
		if _, err := c.WaitReply(ctx, req); err != nil {
			c.Discard(req)
			return fmt.Errorf("the kernel at %s is not ready: %w", c.info.Endpoint(kernel.Shell), err)
		}
		attempt, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
		_, err = c.WaitIdle(attempt, req)
		cancel()
		c.Discard(req)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("the kernel at %s is not ready: no iopub messages: %w", c.info.Endpoint(kernel.Shell), ctx.Err())
		}
	}
}

// KernelInfo asks for kernel_info on shell.
func (c *Client) KernelInfo(ctx context.Context) (kernel.KernelInfoReply, error) {
	var r kernel.KernelInfoReply
	_, err := c.Request(ctx, kernel.Shell, "kernel_info_request", nil, &r)
	return r, err
}

// Complete asks for completions at a cursor (in code points).
func (c *Client) Complete(ctx context.Context, code string, cursor int) (kernel.CompleteReply, *Exchange, error) {
	var r kernel.CompleteReply
	e, err := c.Request(ctx, kernel.Shell, "complete_request", kernel.CompleteRequest{Code: code, CursorPos: &cursor}, &r)
	return r, e, err
}

// Inspect asks for help at a cursor (in code points).
func (c *Client) Inspect(ctx context.Context, code string, cursor, detail int) (kernel.InspectReply, error) {
	var r kernel.InspectReply
	_, err := c.Request(ctx, kernel.Shell, "inspect_request", kernel.InspectRequest{Code: code, CursorPos: &cursor, DetailLevel: detail}, &r)
	return r, err
}

// IsComplete asks whether code is ready to run.
func (c *Client) IsComplete(ctx context.Context, code string) (kernel.Completeness, error) {
	var r kernel.Completeness
	_, err := c.Request(ctx, kernel.Shell, "is_complete_request", kernel.IsCompleteRequest{Code: code}, &r)
	return r, err
}

// History asks for history and returns its entries; a reply whose
// status is not ok is an error.
func (c *Client) History(ctx context.Context, r kernel.HistoryRequest) ([]kernel.HistoryEntry, error) {
	var reply kernel.HistoryReply
	if _, err := c.Request(ctx, kernel.Shell, "history_request", r, &reply); err != nil {
		return nil, err
	}
	if reply.Status != kernel.StatusOK {
		return nil, fmt.Errorf("history_reply status %q", reply.Status)
	}
	return reply.History, nil
}

// Interrupt sends interrupt_request on control and waits for the reply
// and its status idle.
func (c *Client) Interrupt(ctx context.Context) error {
	_, err := c.Request(ctx, kernel.Control, "interrupt_request", nil, nil)
	return err
}

// Shutdown sends shutdown_request on control, as jupyter_client does,
// and waits for the reply only (a kernel that exits may never publish
// its status idle).
func (c *Client) Shutdown(ctx context.Context, restart bool) (kernel.ShutdownReply, error) {
	var r kernel.ShutdownReply
	req, err := c.Send(kernel.Control, "shutdown_request", kernel.ShutdownRequest{Restart: restart})
	if err != nil {
		return r, err
	}
	reply, err := c.WaitReply(ctx, req)
	c.forget(req) // its iopub messages stay in the inbox for Next
	if err != nil {
		return r, err
	}
	if err := reply.DecodeContent(&r); err != nil {
		return r, fmt.Errorf("%s content %.200s: %w", reply.Header.MsgType, reply.Content, err)
	}
	return r, nil
}
