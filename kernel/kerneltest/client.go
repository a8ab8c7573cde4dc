package kerneltest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/spinlab/spinlab/kernel"
)

// DefaultTimeout bounds every wait of a new Client.
const DefaultTimeout = 10 * time.Second

// Client is a Jupyter front end talking to one kernel over ZeroMQ. Its
// methods read like a conversation with the kernel; a wait that times out
// fails the test (t.Fatalf), so tests fail instead of hanging. Methods
// that wait must be called from the test's goroutine.
//
// Each socket has one goroutine that receives on it; sends are
// serialised by a mutex per socket (zmq4 guards its send and receive
// sides separately).
type Client struct {
	// Timeout bounds every wait.
	Timeout time.Duration

	t       testing.TB
	info    kernel.ConnectionInfo
	signer  *kernel.Signer
	session string
	server  *server // nil for a kernel started elsewhere

	sockets map[kernel.Channel]*clientSocket
	readers sync.WaitGroup

	mu      sync.Mutex
	inbox   map[kernel.Channel][]*kernel.Message
	changed chan struct{} // closed and replaced when inbox changes
	sentOn  map[string]kernel.Channel
	onInput func(prompt string) string
	prompts []string
	bad     []error // messages from the kernel that failed to decode
	hb      chan []byte
	closed  bool
}

type clientSocket struct {
	mu sync.Mutex // serialises sends
	z  zmq4.Socket
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
	signer, err := kernel.NewSigner(info.SignatureScheme, info.Key)
	if err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	c := &Client{
		Timeout: DefaultTimeout,
		t:       t,
		info:    info,
		signer:  signer,
		session: kernel.NewSession(),
		server:  srv,
		sockets: map[kernel.Channel]*clientSocket{},
		inbox:   map[kernel.Channel][]*kernel.Message{},
		changed: make(chan struct{}),
		sentOn:  map[string]kernel.Channel{},
		hb:      make(chan []byte, 16),
	}
	t.Cleanup(c.Close)
	quiet := log.New(io.Discard, "", 0)
	// jupyter_client gives shell and stdin the same identity: that is how
	// the kernel knows where to send input_request.
	id := zmq4.WithID(zmq4.SocketIdentity(c.session))
	opts := []zmq4.Option{zmq4.WithLogger(quiet), zmq4.WithDialerRetry(100 * time.Millisecond), zmq4.WithDialerMaxRetries(100), zmq4.WithTimeout(5 * time.Second)}
	ctx := context.Background()
	socks := map[kernel.Channel]zmq4.Socket{
		kernel.Shell:     zmq4.NewDealer(ctx, append(opts, id)...),
		kernel.Control:   zmq4.NewDealer(ctx, append(opts, id)...),
		kernel.Stdin:     zmq4.NewDealer(ctx, append(opts, id)...),
		kernel.IOPub:     zmq4.NewSub(ctx, opts...),
		kernel.Heartbeat: zmq4.NewDealer(ctx, opts...),
	}
	for ch, z := range socks {
		c.sockets[ch] = &clientSocket{z: z}
	}
	for _, ch := range []kernel.Channel{kernel.IOPub, kernel.Shell, kernel.Control, kernel.Stdin, kernel.Heartbeat} {
		if err := socks[ch].Dial(info.Endpoint(ch)); err != nil {
			t.Fatalf("kerneltest: connect %s: %v", ch, err)
		}
	}
	if err := socks[kernel.IOPub].SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatalf("kerneltest: subscribe to iopub: %v", err)
	}
	for ch, z := range socks {
		c.readers.Go(func() { c.read(ch, z) })
	}
	c.waitReady()
	return c
}

// waitReady asks for kernel_info until the reply and its status messages
// on iopub arrive: iopub delivers nothing until the kernel has seen the
// subscription, so this is the moment the client may start.
func (c *Client) waitReady() {
	c.t.Helper()
	deadline := time.Now().Add(c.Timeout)
	for time.Now().Before(deadline) {
		req := c.Send(kernel.Shell, "kernel_info_request", nil)
		if _, ok := c.Next(kernel.Shell, parentIs(req), time.Until(deadline)); !ok {
			break
		}
		if _, ok := c.Next(kernel.IOPub, isStatus(req, "idle"), 250*time.Millisecond); ok {
			c.discard(req)
			return
		}
		c.discard(req)
	}
	c.t.Fatalf("kerneltest: kernel at %s not ready after %v", c.info.Endpoint(kernel.Shell), c.Timeout)
}

// discard drops the iopub messages received so far with req as parent.
func (c *Client) discard(req *kernel.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inbox[kernel.IOPub] = slices.DeleteFunc(c.inbox[kernel.IOPub], parentIs(req))
}

// read receives on one socket until it is closed.
func (c *Client) read(ch kernel.Channel, z zmq4.Socket) {
	for {
		zm, err := z.Recv()
		if err != nil {
			c.mu.Lock()
			closed := c.closed
			c.mu.Unlock()
			if closed || errors.Is(err, context.Canceled) {
				return
			}
			continue
		}
		if ch == kernel.Heartbeat {
			if n := len(zm.Frames); n > 0 {
				select {
				case c.hb <- zm.Frames[n-1]:
				default:
				}
			}
			continue
		}
		m, err := c.signer.Decode(zm.Frames)
		if err != nil {
			c.mu.Lock()
			c.bad = append(c.bad, fmt.Errorf("%s: %w", ch, err))
			c.mu.Unlock()
			continue
		}
		if ch == kernel.Stdin && m.Header.MsgType == "input_request" {
			c.answerInput(m)
			continue
		}
		c.mu.Lock()
		c.inbox[ch] = append(c.inbox[ch], m)
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	}
}

// OnInput sets the function that answers the kernel's input requests.
// Without one, input requests are answered with "".
func (c *Client) OnInput(answer func(prompt string) string) {
	c.mu.Lock()
	c.onInput = answer
	c.mu.Unlock()
}

// Prompts returns the prompts of the input requests received so far.
func (c *Client) Prompts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.prompts)
}

func (c *Client) answerInput(req *kernel.Message) {
	var content struct {
		Prompt string `json:"prompt"`
	}
	req.DecodeContent(&content)
	c.mu.Lock()
	answer := c.onInput
	c.prompts = append(c.prompts, content.Prompt)
	c.mu.Unlock()
	value := ""
	if answer != nil {
		value = answer(content.Prompt)
	}
	m := c.Message("input_reply", map[string]any{"value": value})
	m.Parent = req.Header
	c.sendMessage(kernel.Stdin, m)
}

// Close disconnects the client. It is called when the test ends.
func (c *Client) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	bad := c.bad
	c.mu.Unlock()
	for _, s := range c.sockets {
		s.z.Close()
	}
	c.readers.Wait()
	for _, err := range bad {
		c.t.Errorf("kerneltest: the kernel sent a malformed message on %v", err)
	}
}

// ConnectionInfo returns the connection of the kernel.
func (c *Client) ConnectionInfo() kernel.ConnectionInfo { return c.info }

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
	m := &kernel.Message{Header: kernel.NewHeader(c.session, "kerneltest", msgType)}
	if content == nil {
		content = map[string]any{}
	}
	b, err := jsonMarshal(content)
	if err != nil {
		c.t.Fatalf("kerneltest: encode %s: %v", msgType, err)
	}
	m.Content = b
	return m
}

// Frames returns the signed frames of m, as Send would send them.
func (c *Client) Frames(m *kernel.Message) [][]byte {
	frames, err := c.signer.Encode(m)
	if err != nil {
		c.t.Fatalf("kerneltest: %v", err)
	}
	return frames
}

// Send sends a request on a channel without waiting, and returns it.
func (c *Client) Send(ch kernel.Channel, msgType string, content any) *kernel.Message {
	m := c.Message(msgType, content)
	c.sendMessage(ch, m)
	return m
}

func (c *Client) sendMessage(ch kernel.Channel, m *kernel.Message) {
	c.mu.Lock()
	c.sentOn[m.Header.MsgID] = ch
	c.mu.Unlock()
	frames, err := c.signer.Encode(m)
	if err != nil {
		c.t.Errorf("kerneltest: %v", err)
		return
	}
	c.SendRaw(ch, frames...)
}

// SendRaw sends frames as they are on a channel (not iopub), for tests
// of hostile input.
func (c *Client) SendRaw(ch kernel.Channel, frames ...[]byte) {
	s := c.sockets[ch]
	if s == nil || ch == kernel.IOPub {
		c.t.Fatalf("kerneltest: cannot send on %q", ch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.z.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if !closed {
			c.t.Errorf("kerneltest: send on %s: %v", ch, err)
		}
	}
}

// Next waits up to timeout for the first message on ch that match
// accepts, removes it from the inbox and returns it. It does not fail
// the test when none comes.
func (c *Client) Next(ch kernel.Channel, match func(*kernel.Message) bool, timeout time.Duration) (*kernel.Message, bool) {
	var found *kernel.Message
	ok := c.await(timeout, func() bool {
		i := slices.IndexFunc(c.inbox[ch], match)
		if i < 0 {
			return false
		}
		found = c.inbox[ch][i]
		c.inbox[ch] = slices.Delete(c.inbox[ch], i, i+1)
		return true
	})
	return found, ok
}

// await calls try, with c.mu held, until it reports true or timeout passes.
func (c *Client) await(timeout time.Duration, try func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		if try() {
			c.mu.Unlock()
			return true
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return false
		}
	}
}

// WaitReply waits for the reply to req on the channel req was sent on.
func (c *Client) WaitReply(req *kernel.Message) *kernel.Message {
	c.t.Helper()
	c.mu.Lock()
	ch, ok := c.sentOn[req.Header.MsgID]
	c.mu.Unlock()
	if !ok {
		c.t.Fatalf("kerneltest: WaitReply for a message this client did not send")
	}
	m, ok := c.Next(ch, parentIs(req), c.Timeout)
	if !ok {
		c.t.Fatalf("kerneltest: no reply to %s on %s after %v", req.Header.MsgType, ch, c.Timeout)
	}
	return m
}

// WaitIdle waits for the status idle that ends the handling of req, and
// returns the iopub messages with req as parent up to it, in order (from
// status busy to status idle). Messages with that parent that arrive
// later stay in the inbox for Next.
func (c *Client) WaitIdle(req *kernel.Message) []*kernel.Message {
	c.t.Helper()
	var got []*kernel.Message
	ok := c.await(c.Timeout, func() bool {
		msgs := c.inbox[kernel.IOPub]
		end := slices.IndexFunc(msgs, isStatus(req, "idle"))
		if end < 0 {
			return false
		}
		var rest []*kernel.Message
		for i, m := range msgs {
			if i <= end && m.Parent.MsgID == req.Header.MsgID {
				got = append(got, m)
			} else {
				rest = append(rest, m)
			}
		}
		c.inbox[kernel.IOPub] = rest
		return true
	})
	if !ok {
		c.t.Fatalf("kerneltest: no status idle for %s after %v", req.Header.MsgType, c.Timeout)
	}
	return got
}

// Heartbeat pings the kernel's heartbeat socket and waits up to timeout
// for the echo.
func (c *Client) Heartbeat(timeout time.Duration) error {
	ping := make([]byte, 8)
	rand.Read(ping)
	ping = []byte(hex.EncodeToString(ping))
	s := c.sockets[kernel.Heartbeat]
	s.mu.Lock()
	err := s.z.Send(zmq4.NewMsgFrom([]byte{}, ping))
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		select {
		case pong := <-c.hb:
			if bytes.Equal(pong, ping) {
				return nil
			}
		case <-deadline.C:
			return fmt.Errorf("no heartbeat within %v", timeout)
		}
	}
}

// parentIs matches the messages whose parent is req.
func parentIs(req *kernel.Message) func(*kernel.Message) bool {
	return func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }
}

// isStatus matches the status message of a state with req as parent.
func isStatus(req *kernel.Message, state string) func(*kernel.Message) bool {
	return func(m *kernel.Message) bool {
		if m.Header.MsgType != "status" || m.Parent.MsgID != req.Header.MsgID {
			return false
		}
		var s struct {
			State string `json:"execution_state"`
		}
		m.DecodeContent(&s)
		return s.State == state
	}
}
