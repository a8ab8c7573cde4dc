package kerneltest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/frontend"
)

// DefaultTimeout bounds every wait of a new Client.
const DefaultTimeout = 10 * time.Second

// Client is a Jupyter front end talking to one kernel over ZeroMQ: a
// frontend.Client whose errors fail the test. Its methods read like a
// conversation with the kernel; a wait that times out fails the test
// (t.Fatalf), so tests fail instead of hanging. Methods that wait must be
// called from the test's goroutine.
type Client struct {
	// Timeout bounds every wait.
	Timeout time.Duration

	t      testing.TB
	fc     *frontend.Client
	server *server // nil for a kernel started elsewhere

	mu     sync.Mutex
	closed bool
}

// Connect connects a client to the kernel of a connection file, for
// example one started as a binary with the file of NewConnectionFile. It
// waits until the kernel answers kernel_info and its iopub messages
// arrive, and closes the client when the test ends.
func Connect(t testing.TB, connectionFile string) *Client {
	t.Helper()
	info, err := kernel.ReadConnectionFile(connectionFile)
	if err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	return dial(t, info, nil)
}

func dial(t testing.TB, info kernel.ConnectionInfo, srv *server) *Client {
	t.Helper()
	c := &Client{Timeout: DefaultTimeout, t: t, server: srv}
	ctx, cancel := c.wait()
	defer cancel()
	// Strict: a test wants to hear of every malformed message the
	// kernel sends (Close reports them). Unbuffered: the kernel's tests
	// were written against zmq4's own transport and its pace.
	fc, err := frontend.Dial(ctx, info, frontend.Options{Username: "kerneltest", Retry: 100 * time.Millisecond, Strict: true, Unbuffered: true})
	if err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	c.fc = fc
	t.Cleanup(c.Close)
	if err := fc.WaitReady(ctx); err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	return c
}

// wait returns the context of one wait, bounded by Timeout.
func (c *Client) wait() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.Timeout)
}

// Frontend returns the client underneath, whose methods return errors.
func (c *Client) Frontend() *frontend.Client { return c.fc }

// OnInput sets the function that answers the kernel's input requests.
// Without one, input requests are answered with "".
func (c *Client) OnInput(answer func(prompt string) string) { c.fc.OnInput(answer) }

// Prompts returns the prompts of the input requests received so far.
func (c *Client) Prompts() []string { return c.fc.Prompts() }

// Close disconnects the client and reports, as test errors, the
// messages from the kernel that failed to decode. It is called when the
// test ends.
func (c *Client) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	c.fc.Close()
	for _, err := range c.fc.Malformed() {
		c.t.Errorf("kerneltest: the kernel sent a malformed message on %v", err)
	}
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// ConnectionInfo returns the connection of the kernel.
func (c *Client) ConnectionInfo() kernel.ConnectionInfo { return c.fc.ConnectionInfo() }

// Kernel returns the in-process kernel of NewServer, or nil.
func (c *Client) Kernel() *kernel.Kernel {
	if c.server == nil {
		return nil
	}
	return c.server.k
}

// KernelLog returns what the in-process kernel of NewServer has logged.
func (c *Client) KernelLog() string {
	if c.server == nil {
		return ""
	}
	return c.server.log.String()
}

// Message returns a new message of the client's session. Content nil is
// the empty object.
func (c *Client) Message(msgType string, content any) *kernel.Message {
	m, err := c.fc.Message(msgType, content)
	if err != nil {
		c.t.Fatalf("kerneltest: %v", err)
	}
	return m
}

// Frames returns the signed frames of m, as Send would send them.
func (c *Client) Frames(m *kernel.Message) [][]byte {
	frames, err := c.fc.Frames(m)
	if err != nil {
		c.t.Fatalf("kerneltest: %v", err)
	}
	return frames
}

// Send sends a request on a channel without waiting, and returns it.
func (c *Client) Send(ch kernel.Channel, msgType string, content any) *kernel.Message {
	m := c.Message(msgType, content)
	c.checkChannel(ch)
	if err := c.fc.SendMessage(ch, m); err != nil && !c.isClosed() {
		c.t.Errorf("kerneltest: %v", err)
	}
	return m
}

// SendRaw sends frames as they are on a channel (not iopub), for tests
// of hostile input.
func (c *Client) SendRaw(ch kernel.Channel, frames ...[]byte) {
	c.checkChannel(ch)
	if err := c.fc.SendRaw(ch, frames...); err != nil && !c.isClosed() {
		c.t.Errorf("kerneltest: %v", err)
	}
}

func (c *Client) checkChannel(ch kernel.Channel) {
	switch ch {
	case kernel.Shell, kernel.Control, kernel.Stdin, kernel.Heartbeat:
	default:
		c.t.Fatalf("kerneltest: cannot send on %q", ch)
	}
}

// Next waits up to timeout for the first message on ch that match
// accepts, removes it from the inbox and returns it. It does not fail
// the test when none comes.
func (c *Client) Next(ch kernel.Channel, match func(*kernel.Message) bool, timeout time.Duration) (*kernel.Message, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	m, err := c.fc.Next(ctx, ch, match)
	return m, err == nil
}

// WaitReply waits for the reply to req on the channel req was sent on.
func (c *Client) WaitReply(req *kernel.Message) *kernel.Message {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	m, err := c.fc.WaitReply(ctx, req)
	if err != nil {
		c.t.Fatalf("kerneltest: %v", err)
	}
	return m
}

// WaitIdle waits for the status idle that ends the handling of req, and
// returns the iopub messages with req as parent up to it, in order (from
// status busy to status idle). Messages with that parent that arrive
// later stay in the inbox for Next.
func (c *Client) WaitIdle(req *kernel.Message) []*kernel.Message {
	c.t.Helper()
	ctx, cancel := c.wait()
	defer cancel()
	msgs, err := c.fc.WaitIdle(ctx, req)
	if err != nil {
		c.t.Fatalf("kerneltest: %v", err)
	}
	return msgs
}

// Heartbeat pings the kernel's heartbeat socket and waits up to timeout
// for the echo.
func (c *Client) Heartbeat(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return c.fc.Heartbeat(ctx)
}
