package kernelbench

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/spinlab/spinlab/kernel"
)

// Client is a minimal Jupyter front end for measuring a kernel: it sends
// requests on shell and control and collects, per request, the reply and
// the iopub messages up to status idle. Unlike kerneltest.Client it
// reports failures as errors instead of failing a test, so that the
// bench-kernel command can use it.
//
// Each socket has one goroutine that receives on it (read); sends on a
// socket are serialised by its mutex. It connects through the kernel
// package's buffered transport (ConnectionInfo.BufferedEndpoint) and
// sends with one writev per message, so that zmq4's syscalls per frame
// do not add the client's overhead to the kernel's figures; on the wire
// it is plain ZMTP, as libzmq's front ends speak it.
type Client struct {
	info    kernel.ConnectionInfo
	signer  *kernel.Signer
	session string

	shell, control, iopub zmq4.Socket
	shellMu, controlMu    sync.Mutex
	readers               sync.WaitGroup

	mu      sync.Mutex
	waiting map[string]*Exchange // by request msg_id
	closed  bool
}

// Exchange is one request with what came back for it.
type Exchange struct {
	Request *kernel.Message
	Reply   *kernel.Message
	// Sent is when the request was handed to the socket; Replied when
	// its reply arrived, Idle when its status idle arrived.
	Sent, Replied, Idle time.Time
	// Stdout and Stderr concatenate the stream messages of each name;
	// StreamMessages counts them.
	Stdout, Stderr strings.Builder
	StreamMessages int
	// Displays holds the MIME types of each display_data and
	// execute_result, in order.
	Displays [][]string
	// Errors holds the ename of each iopub error message.
	Errors []string
	// Status is the reply's content status.
	Status string

	replied chan struct{} // closed when the reply arrived
	done    chan struct{} // closed once both the reply and status idle arrived
}

// complete reports whether both the reply and status idle have arrived.
func (e *Exchange) complete() bool { return !e.Replied.IsZero() && !e.Idle.IsZero() }

// Latency is the time from the request to its reply and status idle,
// whichever came last.
func (e *Exchange) Latency() time.Duration {
	end := e.Idle
	if e.Replied.After(end) {
		end = e.Replied
	}
	return end.Sub(e.Sent)
}

// DialOptions configures Dial.
type DialOptions struct {
	// Retry is the pause between attempts to connect to a kernel that is
	// not listening yet (default 1ms: a cold start is measured with it).
	Retry time.Duration
}

// Dial connects to the kernel of info. It returns once the shell socket
// is connected; iopub may still be subscribing (see WaitReady). ctx bounds
// the connection attempts and, once cancelled, closes the client.
func Dial(ctx context.Context, info kernel.ConnectionInfo, opts DialOptions) (*Client, error) {
	signer, err := kernel.NewSigner(info.SignatureScheme, info.Key)
	if err != nil {
		return nil, err
	}
	retry := opts.Retry
	if retry <= 0 {
		retry = time.Millisecond
	}
	c := &Client{info: info, signer: signer, session: kernel.NewSession(), waiting: map[string]*Exchange{}}
	quiet := log.New(io.Discard, "", 0)
	zopts := []zmq4.Option{
		zmq4.WithLogger(quiet), zmq4.WithDialerRetry(retry), zmq4.WithDialerMaxRetries(-1),
		zmq4.WithTimeout(5 * time.Second),
	}
	id := zmq4.WithID(zmq4.SocketIdentity(c.session))
	c.shell = zmq4.NewDealer(ctx, append(zopts, id)...)
	c.control = zmq4.NewDealer(ctx, append(zopts, id)...)
	c.iopub = zmq4.NewSub(ctx, zopts...)
	// Shell first: a cold start is measured to the first reply on it.
	if err := c.shell.Dial(info.BufferedEndpoint(kernel.Shell)); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect to shell: %w", err)
	}
	c.readers.Go(func() { c.read(c.shell) })
	if err := c.iopub.Dial(info.BufferedEndpoint(kernel.IOPub)); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect to iopub: %w", err)
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		c.Close()
		return nil, fmt.Errorf("subscribe to iopub: %w", err)
	}
	c.readers.Go(func() { c.read(c.iopub) })
	if err := c.control.Dial(info.BufferedEndpoint(kernel.Control)); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect to control: %w", err)
	}
	c.readers.Go(func() { c.read(c.control) })
	return c, nil
}

// Close disconnects the client.
func (c *Client) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	for _, s := range []zmq4.Socket{c.shell, c.control, c.iopub} {
		s.Close()
	}
	c.readers.Wait()
}

// read receives on one socket until it is closed and hands each message
// to the exchange it belongs to; others are dropped.
func (c *Client) read(z zmq4.Socket) {
	for {
		zm, err := z.Recv()
		if err != nil {
			c.mu.Lock()
			closed := c.closed
			c.mu.Unlock()
			if closed || errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
				return
			}
			continue
		}
		now := time.Now()
		m, ok := c.decode(zm.Frames)
		if !ok {
			continue
		}
		c.mu.Lock()
		e := c.waiting[m.Parent.MsgID]
		if e != nil {
			c.record(e, m, now, z == c.iopub)
			if e.complete() {
				delete(c.waiting, m.Parent.MsgID)
				close(e.done)
			}
		}
		c.mu.Unlock()
	}
}

// record adds a message to its exchange; c.mu is held.
func (c *Client) record(e *Exchange, m *kernel.Message, at time.Time, iopub bool) {
	if !iopub {
		if e.Reply == nil {
			e.Reply, e.Replied = m, at
			close(e.replied)
			var s struct { // every reply's content has a status
				Status string `json:"status"`
			}
			m.DecodeContent(&s)
			e.Status = s.Status
		}
		return
	}
	switch m.Header.MsgType {
	case "status":
		var s kernel.StatusContent
		m.DecodeContent(&s)
		if s.ExecutionState == "idle" && e.Idle.IsZero() {
			e.Idle = at
		}
	case "stream":
		var s kernel.StreamContent
		m.DecodeContent(&s)
		e.StreamMessages++
		if s.Name == "stderr" {
			e.Stderr.WriteString(s.Text)
		} else {
			e.Stdout.WriteString(s.Text)
		}
	case "display_data", "execute_result", "update_display_data":
		var d kernel.DisplayContent // execute_result's data too
		m.DecodeContent(&d)
		var types []string
		for t := range d.Data {
			types = append(types, t)
		}
		e.Displays = append(e.Displays, types)
	case "error":
		var er kernel.Error
		m.DecodeContent(&er)
		e.Errors = append(e.Errors, er.Name)
	}
}

// Request sends a request on shell or control and waits until its reply
// and its status idle have arrived, or ctx is done.
func (c *Client) Request(ctx context.Context, ch kernel.Channel, msgType string, content any) (*Exchange, error) {
	e, err := c.Send(ch, msgType, content)
	if err != nil {
		return nil, err
	}
	return c.Wait(ctx, e)
}

// Send sends a request without waiting; Wait waits for it.
func (c *Client) Send(ch kernel.Channel, msgType string, content any) (*Exchange, error) {
	m := &kernel.Message{Header: kernel.NewHeader(c.session, "kernelbench", msgType)}
	if content == nil {
		content = map[string]any{}
	}
	b, err := marshal(content)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", msgType, err)
	}
	m.Content = b
	frames, err := c.signer.Encode(m)
	if err != nil {
		return nil, err
	}
	e := &Exchange{Request: m, replied: make(chan struct{}), done: make(chan struct{})}
	c.mu.Lock()
	c.waiting[m.Header.MsgID] = e
	c.mu.Unlock()
	sock, mu := c.shell, &c.shellMu
	if ch == kernel.Control {
		sock, mu = c.control, &c.controlMu
	}
	mu.Lock()
	e.Sent = time.Now()
	err = sock.SendMulti(zmq4.NewMsgFrom(frames...)) // one writev for all frames
	mu.Unlock()
	if err != nil {
		c.forget(e)
		return nil, fmt.Errorf("send %s: %w", msgType, err)
	}
	return e, nil
}

// Wait waits for the reply and status idle of a request sent with Send.
func (c *Client) Wait(ctx context.Context, e *Exchange) (*Exchange, error) {
	select {
	case <-e.done:
		return e, nil
	case <-ctx.Done():
		c.forget(e)
		c.mu.Lock()
		got := e.Reply != nil
		c.mu.Unlock()
		what := "no reply"
		if got {
			what = "a reply but no status idle"
		}
		return nil, fmt.Errorf("%s: %s: %w", e.Request.Header.MsgType, what, ctx.Err())
	}
}

func (c *Client) forget(e *Exchange) {
	c.mu.Lock()
	delete(c.waiting, e.Request.Header.MsgID)
	c.mu.Unlock()
}

// FirstReply sends a request on shell and waits for its reply only (not
// for iopub, which a kernel that is starting may not serve yet).
func (c *Client) FirstReply(ctx context.Context, msgType string) (*kernel.Message, error) {
	return c.replyOnly(ctx, kernel.Shell, msgType, nil)
}

func (c *Client) replyOnly(ctx context.Context, ch kernel.Channel, msgType string, content any) (*kernel.Message, error) {
	e, err := c.Send(ch, msgType, content)
	if err != nil {
		return nil, err
	}
	defer c.forget(e)
	select {
	case <-e.replied:
		c.mu.Lock()
		defer c.mu.Unlock()
		return e.Reply, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("no reply to %s: %w", msgType, ctx.Err())
	}
}

// WaitReady asks for kernel_info until the reply and its status idle on
// iopub arrive: iopub delivers nothing until the kernel has seen the
// subscription, and only then may measurements start.
func (c *Client) WaitReady(ctx context.Context) error {
	for {
		attempt, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		_, err := c.Request(attempt, kernel.Shell, "kernel_info_request", nil)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("the kernel is not ready: %w", err)
		}
	}
}

// Execute runs code (store_history false, as a benchmark's cells are not
// the user's history) and waits for its reply and status idle.
func (c *Client) Execute(ctx context.Context, code string) (*Exchange, error) {
	no := false
	return c.Request(ctx, kernel.Shell, "execute_request", kernel.ExecuteRequestContent{
		Code: code, StoreHistory: &no, UserExpressions: map[string]string{}, AllowStdin: &no, StopOnError: &no,
	})
}

// Complete asks for completions at the end of code.
func (c *Client) Complete(ctx context.Context, code string) (*Exchange, error) {
	cursor := len([]rune(code))
	return c.Request(ctx, kernel.Shell, "complete_request", kernel.CompleteRequest{Code: code, CursorPos: &cursor})
}

// Shutdown asks the kernel to shut down (on control, as jupyter_client
// does) and waits for the reply.
func (c *Client) Shutdown(ctx context.Context) error {
	_, err := c.replyOnly(ctx, kernel.Control, "shutdown_request", kernel.ShutdownRequest{Restart: false})
	return err
}

func marshal(v any) ([]byte, error) { return json.Marshal(v) }

// decode checks a message's signature and decodes what the client needs
// of it: the msg_type and the parent's msg_id. Content stays raw until an
// exchange looks at it. (kernel.Signer.Decode also checks that content
// and metadata are objects and copies every frame: the kernel must, a
// measuring client need not spend its time on it.)
func (c *Client) decode(frames [][]byte) (*kernel.Message, bool) {
	d := slices.IndexFunc(frames, func(f []byte) bool { return string(f) == "<IDS|MSG>" })
	if d < 0 || len(frames) < d+6 {
		return nil, false
	}
	sig, header, parent, metadata, content := frames[d+1], frames[d+2], frames[d+3], frames[d+4], frames[d+5]
	if c.signer.Signs() && !hmac.Equal(sig, c.signer.Sign(header, parent, metadata, content)) {
		return nil, false
	}
	var h struct {
		MsgType string `json:"msg_type"`
	}
	var p struct {
		MsgID string `json:"msg_id"`
	}
	if json.Unmarshal(header, &h) != nil || json.Unmarshal(parent, &p) != nil {
		return nil, false
	}
	m := &kernel.Message{Content: content}
	m.Header.MsgType, m.Parent.MsgID = h.MsgType, p.MsgID
	return m, true
}
