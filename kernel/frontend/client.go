package frontend

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"slices"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/spinlab/spinlab/kernel"
)

// ErrClosed is returned by the waits of a Client that has been closed.
var ErrClosed = errors.New("frontend: client closed")

// Options configures Dial.
type Options struct {
	// Username is the username of the client's message headers
	// (default "frontend").
	Username string
	// Retry is the pause between attempts to connect to a kernel that is
	// not listening yet (default 1ms, so that a cold start can be
	// measured with it). Dial's context bounds the attempts.
	Retry time.Duration
	// Strict decodes every message as the kernel decodes its requests
	// (kernel.Signer.Decode: content must be a JSON object, every frame
	// is copied); a test of a kernel's output wants that. Without it the
	// signature, header, parent header and metadata are still checked and
	// decoded, but the content is left as received until a caller decodes
	// it, so that a measuring client does not add a scan of every
	// payload to the kernel's figures.
	Strict bool
	// Unbuffered connects through zmq4's own tcp and ipc transports and
	// sends each frame with a write of its own, as zmq4 front ends do,
	// instead of through the kernel package's buffered transport with one
	// writev per message. kerneltest uses it: its tests were written
	// against that client, whose pace they assume (a faster client
	// publishes more per second and fills iopub queues sooner under
	// load). On the wire both are the same ZMTP bytes.
	Unbuffered bool
}

// Client is a Jupyter front end connected to the five sockets of one
// kernel. It is safe for concurrent use.
//
// Each socket has one goroutine that receives on it (read), started by
// Dial and ended by Close; it puts each message in the inbox of its
// channel, answers input requests on stdin and hands heartbeat echoes to
// Heartbeat. Sends on a socket are serialised by the socket's mutex
// (zmq4 guards its send and receive sides separately). Unless the client
// is Unbuffered, every message goes out with one writev through the
// kernel package's buffered transport
// (kernel.ConnectionInfo.BufferedEndpoint), which on the wire is plain
// ZMTP, as libzmq's front ends speak it.
type Client struct {
	info     kernel.ConnectionInfo
	signer   *kernel.Signer
	session  string
	username string
	strict   bool
	buffered bool

	cancel  context.CancelFunc // ends the sockets' context
	sockets map[kernel.Channel]*socket
	readers sync.WaitGroup
	hb      chan []byte // heartbeat echoes

	mu      sync.Mutex
	inbox   map[kernel.Channel][]received
	waiters []*waiter
	sent    map[string]sent // by msg_id, until Collect or Discard
	onInput func(prompt string) string
	prompts []string
	bad     []error // messages from the kernel that failed to decode
	closed  bool
}

// socket is one of the client's zmq sockets.
type socket struct {
	mu sync.Mutex // serialises sends
	z  zmq4.Socket
}

// received is a message in an inbox with the time it arrived.
type received struct {
	m  *kernel.Message
	at time.Time
}

// sent is where and when a request went out.
type sent struct {
	ch kernel.Channel
	at time.Time
}

// waiter is a wait blocked until a message on ch for which wake reports
// true arrives.
type waiter struct {
	ch     kernel.Channel
	wake   func(*kernel.Message) bool
	signal chan struct{} // buffered (1)
}

// Dial connects to the kernel of info on all five channels: shell first
// (a cold start is measured to the first reply on it), then iopub,
// control, stdin and heartbeat. ctx bounds the connection attempts only;
// the client lives until Close. It returns once the sockets are
// connected; iopub may still be subscribing (see WaitReady).
func Dial(ctx context.Context, info kernel.ConnectionInfo, opts Options) (*Client, error) {
	signer, err := kernel.NewSigner(info.SignatureScheme, info.Key)
	if err != nil {
		return nil, err
	}
	if opts.Username == "" {
		opts.Username = "frontend"
	}
	if opts.Retry <= 0 {
		opts.Retry = time.Millisecond
	}
	sctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		info:     info,
		signer:   signer,
		session:  kernel.NewSession(),
		username: opts.Username,
		strict:   opts.Strict,
		buffered: !opts.Unbuffered,
		cancel:   cancel,
		sockets:  map[kernel.Channel]*socket{},
		hb:       make(chan []byte, 16),
		inbox:    map[kernel.Channel][]received{},
		sent:     map[string]sent{},
	}
	// zmq4 retries a dial until its socket's context ends: Dial's ctx
	// ends it while dialling, Close afterwards.
	stop := context.AfterFunc(ctx, cancel)
	quiet := log.New(io.Discard, "", 0)
	zopts := []zmq4.Option{
		zmq4.WithLogger(quiet), zmq4.WithDialerRetry(opts.Retry), zmq4.WithDialerMaxRetries(-1),
		zmq4.WithTimeout(5 * time.Second),
	}
	// jupyter_client gives shell, control and stdin the same identity:
	// that is how the kernel knows where to send input_request.
	id := zmq4.WithID(zmq4.SocketIdentity(c.session))
	socks := map[kernel.Channel]zmq4.Socket{
		kernel.Shell:     zmq4.NewDealer(sctx, append(zopts, id)...),
		kernel.IOPub:     zmq4.NewSub(sctx, zopts...),
		kernel.Control:   zmq4.NewDealer(sctx, append(zopts, id)...),
		kernel.Stdin:     zmq4.NewDealer(sctx, append(zopts, id)...),
		kernel.Heartbeat: zmq4.NewDealer(sctx, zopts...),
	}
	for ch, z := range socks {
		c.sockets[ch] = &socket{z: z}
	}
	for _, ch := range []kernel.Channel{kernel.Shell, kernel.IOPub, kernel.Control, kernel.Stdin, kernel.Heartbeat} {
		z := socks[ch]
		ep := info.BufferedEndpoint(ch)
		if opts.Unbuffered {
			ep = info.Endpoint(ch)
		}
		if err := z.Dial(ep); err != nil {
			stop()
			c.Close()
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			return nil, fmt.Errorf("connect to %s at %s: %w", ch, info.Endpoint(ch), err)
		}
		if ch == kernel.IOPub {
			if err := z.SetOption(zmq4.OptionSubscribe, ""); err != nil {
				stop()
				c.Close()
				return nil, fmt.Errorf("subscribe to iopub: %w", err)
			}
		}
		c.readers.Go(func() { c.read(ch, z) })
	}
	if !stop() { // ctx ended as the last dial succeeded: the sockets are done for
		c.Close()
		return nil, fmt.Errorf("connect to %s: %w", info.Endpoint(kernel.Shell), ctx.Err())
	}
	return c, nil
}

// Close disconnects the client. Waits in progress return ErrClosed.
func (c *Client) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	for _, w := range c.waiters {
		w.notify()
	}
	c.mu.Unlock()
	for _, s := range c.sockets {
		s.z.Close()
	}
	c.cancel()
	c.readers.Wait()
}

// ConnectionInfo returns the connection of the kernel.
func (c *Client) ConnectionInfo() kernel.ConnectionInfo { return c.info }

// Session returns the session id of the client's messages.
func (c *Client) Session() string { return c.session }

// Malformed returns an error for each message from the kernel that failed
// to decode (bad signature, malformed frames) and was dropped.
func (c *Client) Malformed() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.bad)
}

// read receives on one socket until it is closed.
func (c *Client) read(ch kernel.Channel, z zmq4.Socket) {
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
		at := time.Now()
		if ch == kernel.Heartbeat {
			if n := len(zm.Frames); n > 0 {
				select {
				case c.hb <- zm.Frames[n-1]:
				default:
				}
			}
			continue
		}
		m, err := c.decode(zm.Frames)
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
		c.inbox[ch] = append(c.inbox[ch], received{m, at})
		for _, w := range c.waiters {
			if w.ch == ch && w.wake(m) {
				w.notify()
			}
		}
		c.mu.Unlock()
	}
}

func (w *waiter) notify() {
	select {
	case w.signal <- struct{}{}:
	default:
	}
}

// decode checks and decodes the frames of a message from the kernel; see
// Options.Strict.
func (c *Client) decode(frames [][]byte) (*kernel.Message, error) {
	if c.strict {
		return c.signer.Decode(frames)
	}
	d := slices.IndexFunc(frames, func(f []byte) bool { return string(f) == "<IDS|MSG>" })
	if d < 0 {
		return nil, errors.New("malformed message: no <IDS|MSG> delimiter")
	}
	if len(frames) < d+6 {
		return nil, fmt.Errorf("malformed message: %d frames after <IDS|MSG>, want at least 5", len(frames)-d-1)
	}
	sig, header, parent, metadata, content := frames[d+1], frames[d+2], frames[d+3], frames[d+4], frames[d+5]
	if c.signer.Signs() && !hmac.Equal(sig, c.signer.Sign(header, parent, metadata, content)) {
		return nil, kernel.ErrBadSignature
	}
	// zmq4 allocates the frames of each message: they can be kept.
	m := &kernel.Message{Identities: frames[:d], Content: content, Buffers: frames[d+6:]}
	if err := json.Unmarshal(header, &m.Header); err != nil || m.Header.MsgType == "" {
		return nil, fmt.Errorf("malformed header %.200q", header)
	}
	if err := json.Unmarshal(parent, &m.Parent); err != nil {
		return nil, fmt.Errorf("malformed parent header %.200q", parent)
	}
	if err := json.Unmarshal(metadata, &m.Metadata); err != nil {
		return nil, fmt.Errorf("malformed metadata %.200q", metadata)
	}
	return m, nil
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

// answerInput answers an input_request; it runs on stdin's reader.
func (c *Client) answerInput(req *kernel.Message) {
	var content kernel.InputRequest
	req.DecodeContent(&content)
	c.mu.Lock()
	answer := c.onInput
	c.prompts = append(c.prompts, content.Prompt)
	c.mu.Unlock()
	value := ""
	if answer != nil {
		value = answer(content.Prompt)
	}
	m, err := c.Message("input_reply", kernel.InputReply{Value: value})
	if err != nil {
		return
	}
	m.Parent = req.Header
	if err := c.send(kernel.Stdin, m, false); err != nil {
		c.mu.Lock()
		if !c.closed {
			c.bad = append(c.bad, fmt.Errorf("stdin: answering input_request: %w", err))
		}
		c.mu.Unlock()
	}
}

// Message returns a new message of the client's session. Content nil is
// the empty object.
func (c *Client) Message(msgType string, content any) (*kernel.Message, error) {
	m := &kernel.Message{Header: kernel.NewHeader(c.session, c.username, msgType)}
	if content == nil {
		content = struct{}{}
	}
	b, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", msgType, err)
	}
	m.Content = b
	return m, nil
}

// Frames returns the signed frames of m, as SendMessage sends them.
func (c *Client) Frames(m *kernel.Message) ([][]byte, error) { return c.signer.Encode(m) }

// Send sends a request on shell, control or stdin without waiting, and
// returns it. Its reply and its iopub messages wait in the inbox for
// WaitReply, WaitIdle, Collect or Next.
func (c *Client) Send(ch kernel.Channel, msgType string, content any) (*kernel.Message, error) {
	m, err := c.Message(msgType, content)
	if err != nil {
		return nil, err
	}
	return m, c.SendMessage(ch, m)
}

// SendMessage signs and sends m on shell, control or stdin.
func (c *Client) SendMessage(ch kernel.Channel, m *kernel.Message) error {
	return c.send(ch, m, true)
}

// send sends m on ch and, if awaited, remembers where and when for
// WaitReply.
func (c *Client) send(ch kernel.Channel, m *kernel.Message, awaited bool) error {
	frames, err := c.signer.Encode(m)
	if err != nil {
		return err
	}
	if ch == kernel.IOPub || ch == kernel.Heartbeat || c.sockets[ch] == nil {
		return fmt.Errorf("cannot send %s on %q", m.Header.MsgType, ch)
	}
	s := c.sockets[ch]
	s.mu.Lock()
	defer s.mu.Unlock()
	if awaited {
		c.mu.Lock()
		c.sent[m.Header.MsgID] = sent{ch, time.Now()}
		c.mu.Unlock()
	}
	if err := c.sendFrames(s, frames); err != nil {
		c.mu.Lock()
		delete(c.sent, m.Header.MsgID)
		c.mu.Unlock()
		return fmt.Errorf("send %s on %s: %w", m.Header.MsgType, ch, err)
	}
	return nil
}

// SendRaw sends frames as they are on a channel (not iopub), for tests
// of hostile input.
func (c *Client) SendRaw(ch kernel.Channel, frames ...[]byte) error {
	s := c.sockets[ch]
	if s == nil || ch == kernel.IOPub {
		return fmt.Errorf("cannot send on %q", ch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := c.sendFrames(s, frames); err != nil {
		return fmt.Errorf("send on %s: %w", ch, err)
	}
	return nil
}

// sendFrames sends one message on s, whose mutex is held: with one
// writev for all its frames, unless the client is Unbuffered.
func (c *Client) sendFrames(s *socket, frames [][]byte) error {
	if c.buffered {
		return s.z.SendMulti(zmq4.NewMsgFrom(frames...))
	}
	return s.z.Send(zmq4.NewMsgFrom(frames...))
}

// await calls try, with c.mu held, until it reports true, waking when a
// message on ch for which wake reports true arrives (wake runs on the
// socket's reader, with c.mu held). It fails when ctx ends or the client
// is closed.
func (c *Client) await(ctx context.Context, ch kernel.Channel, wake func(*kernel.Message) bool, try func() bool) error {
	// A poll (ctx already done) registers no waiter: wake never runs on
	// a reader for it.
	c.mu.Lock()
	ok, closed := try(), c.closed
	var w *waiter
	if !ok && !closed && ctx.Err() == nil {
		w = &waiter{ch: ch, wake: wake, signal: make(chan struct{}, 1)}
		c.waiters = append(c.waiters, w)
	}
	c.mu.Unlock()
	switch {
	case ok:
		return nil
	case closed:
		return ErrClosed
	case w == nil:
		return ctx.Err()
	}
	defer func() {
		c.mu.Lock()
		c.waiters = slices.DeleteFunc(c.waiters, func(x *waiter) bool { return x == w })
		c.mu.Unlock()
	}()
	for {
		c.mu.Lock()
		ok, closed := try(), c.closed
		c.mu.Unlock()
		if ok {
			return nil
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-w.signal:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Next waits for the first message on ch that match accepts, removes it
// from the inbox and returns it.
func (c *Client) Next(ctx context.Context, ch kernel.Channel, match func(*kernel.Message) bool) (*kernel.Message, error) {
	r, err := c.next(ctx, ch, match)
	return r.m, err
}

func (c *Client) next(ctx context.Context, ch kernel.Channel, match func(*kernel.Message) bool) (received, error) {
	var found received
	err := c.await(ctx, ch, match, func() bool {
		i := slices.IndexFunc(c.inbox[ch], func(r received) bool { return match(r.m) })
		if i < 0 {
			return false
		}
		found = c.inbox[ch][i]
		c.inbox[ch] = slices.Delete(c.inbox[ch], i, i+1)
		return true
	})
	return found, err
}

// WaitReply waits for the reply to req on the channel req was sent on.
func (c *Client) WaitReply(ctx context.Context, req *kernel.Message) (*kernel.Message, error) {
	r, _, err := c.waitReply(ctx, req)
	return r.m, err
}

func (c *Client) waitReply(ctx context.Context, req *kernel.Message) (received, sent, error) {
	c.mu.Lock()
	s, ok := c.sent[req.Header.MsgID]
	c.mu.Unlock()
	if !ok {
		return received{}, sent{}, fmt.Errorf("%s %s: not sent by this client, or already collected", req.Header.MsgType, req.Header.MsgID)
	}
	r, err := c.next(ctx, s.ch, ParentIs(req))
	if err != nil {
		return r, s, fmt.Errorf("no reply to %s on %s: %w", req.Header.MsgType, s.ch, err)
	}
	return r, s, nil
}

// WaitIdle waits for the status idle that ends the handling of req, and
// returns the iopub messages with req as parent up to it, in order (from
// status busy to status idle). Messages with that parent that arrive
// later stay in the inbox for Next.
func (c *Client) WaitIdle(ctx context.Context, req *kernel.Message) ([]*kernel.Message, error) {
	msgs, _, err := c.waitIdle(ctx, req)
	return msgs, err
}

func (c *Client) waitIdle(ctx context.Context, req *kernel.Message) ([]*kernel.Message, time.Time, error) {
	idle := IsStatus(req, "idle")
	var got []*kernel.Message
	var at time.Time
	err := c.await(ctx, kernel.IOPub, idle, func() bool {
		msgs := c.inbox[kernel.IOPub]
		end := slices.IndexFunc(msgs, func(r received) bool { return idle(r.m) })
		if end < 0 {
			return false
		}
		at = msgs[end].at
		rest := msgs[:0:0]
		for i, r := range msgs {
			if i <= end && r.m.Parent.MsgID == req.Header.MsgID {
				got = append(got, r.m)
			} else {
				rest = append(rest, r)
			}
		}
		c.inbox[kernel.IOPub] = rest
		return true
	})
	if err != nil {
		return nil, at, fmt.Errorf("no status idle for %s: %w", req.Header.MsgType, err)
	}
	return got, at, nil
}

// Discard drops the messages received so far with req as parent, on
// every channel, and forgets req: a request given up on leaves nothing
// behind for Next.
func (c *Client) Discard(req *kernel.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch, msgs := range c.inbox {
		c.inbox[ch] = slices.DeleteFunc(msgs, func(r received) bool { return r.m.Parent.MsgID == req.Header.MsgID })
	}
	delete(c.sent, req.Header.MsgID)
}

// forget forgets where and when req was sent.
func (c *Client) forget(req *kernel.Message) {
	c.mu.Lock()
	delete(c.sent, req.Header.MsgID)
	c.mu.Unlock()
}

// Heartbeat pings the kernel's heartbeat socket and waits for the echo.
func (c *Client) Heartbeat(ctx context.Context) error {
	ping := make([]byte, 8)
	rand.Read(ping)
	ping = []byte(hex.EncodeToString(ping))
	s := c.sockets[kernel.Heartbeat]
	s.mu.Lock()
	err := c.sendFrames(s, [][]byte{{}, ping})
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	for {
		select {
		case pong := <-c.hb:
			if bytes.Equal(pong, ping) {
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("no heartbeat: %w", ctx.Err())
		}
	}
}

// ParentIs matches the messages whose parent is req.
func ParentIs(req *kernel.Message) func(*kernel.Message) bool {
	return func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }
}

// IsStatus matches the status message of a state (busy, idle) with req
// as parent.
func IsStatus(req *kernel.Message, state string) func(*kernel.Message) bool {
	return func(m *kernel.Message) bool {
		if m.Header.MsgType != "status" || m.Parent.MsgID != req.Header.MsgID {
			return false
		}
		var s kernel.StatusContent
		m.DecodeContent(&s)
		return s.ExecutionState == state
	}
}
