package kernel

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// zmq4 reads every ZMTP frame header and body with a read call of its
// own, and its ROUTER sockets write each header and body with a write call
// of its own: a Jupyter message of seven frames costs fourteen syscalls
// each way, and as many TCP segments, each waking the peer. The kernel's
// sockets therefore listen through a transport whose connections read
// through a buffer and hold writes back until a ZMTP message (or command)
// is complete, then send it with one write. On the wire nothing changes:
// clients connect with plain tcp:// or ipc://.

// Transport names under which zmq4 knows the buffered transports.
const (
	bufferedTCP = "spinlab-tcp"
	bufferedIPC = "spinlab-ipc"
)

var registerOnce sync.Once

// registerTransports registers the buffered transports with zmq4 (a
// process-wide registry, hence once).
func registerTransports() {
	registerOnce.Do(func() {
		zmq4.RegisterTransport(bufferedTCP, bufferedTransport{network: "tcp", plain: transport.New("tcp")})
		zmq4.RegisterTransport(bufferedIPC, bufferedTransport{network: "unix", plain: transport.New("unix")})
	})
}

// BufferedEndpoint returns the address of a channel for zmq4's Listen or
// Dial through the kernel's buffered transport: the same ZMTP on the same
// tcp port or unix socket as Endpoint, with a syscall per message instead
// of two per frame. Front ends written with zmq4 (kernelbench) use it to
// keep their own overhead out of what they measure.
func (c ConnectionInfo) BufferedEndpoint(ch Channel) string {
	registerTransports()
	return bufferedEndpoint(c.Endpoint(ch))
}

// bufferedEndpoint turns a tcp:// or ipc:// endpoint into one of the
// buffered transport.
func bufferedEndpoint(ep string) string {
	if rest, ok := strings.CutPrefix(ep, "tcp://"); ok {
		return bufferedTCP + "://" + rest
	}
	if rest, ok := strings.CutPrefix(ep, "ipc://"); ok {
		return bufferedIPC + "://" + rest
	}
	return ep
}

// bufferedTransport is zmq4's tcp or unix transport with zmtpConn
// connections.
type bufferedTransport struct {
	network string
	plain   transport.Transport
}

func (t bufferedTransport) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	c, err := d.DialContext(ctx, t.network, addr)
	if err != nil {
		return nil, err
	}
	return newZMTPConn(c, connConfigFrom(ctx)), nil
}

func (t bufferedTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := net.Listen(t.network, addr)
	if err != nil {
		return nil, err
	}
	gl := &guardedListener{Listener: l, cfg: connConfigFrom(ctx), ready: make(chan net.Conn), closed: make(chan struct{})}
	go gl.acceptLoop()
	return gl, nil
}

func (t bufferedTransport) Addr(ep string) (string, error) { return t.plain.Addr(ep) }

// handshakeTimeout bounds how long a connection may take to send its ZMTP
// signature, and then to finish its handshake.
const handshakeTimeout = 3 * time.Second

// guardedListener screens connections before zmq4 sees them. zmq4 v0.17.0
// runs each ZMTP handshake inside its accept loop with no deadline and
// never closes a connection whose handshake failed: one silent TCP
// connection (a port scan, a health check) locked every later client out,
// and each junk connection kept its fd. So connections are accepted here,
// each waits in a goroutine of its own for the 10-byte ZMTP signature,
// and only those that send one reach zmq4; a connection that then does not
// finish its handshake in time is closed (which also unblocks zmq4).
type guardedListener struct {
	net.Listener
	cfg       *connConfig
	ready     chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
}

func (l *guardedListener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			select {
			case <-l.closed:
				return
			default:
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() || strings.Contains(err.Error(), "too many open files") {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			l.Close()
			return
		}
		go l.screen(c)
	}
}

// screen hands c to zmq4 once it has sent a ZMTP signature.
func (l *guardedListener) screen(c net.Conn) {
	zc := newZMTPConn(c, l.cfg)
	_ = c.SetReadDeadline(time.Now().Add(handshakeTimeout))
	sig, err := zc.r.Peek(10)
	if err != nil || sig[0] != 0xff || sig[9] != 0x7f {
		zc.abort()
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	zc.guard = time.AfterFunc(handshakeTimeout, func() {
		if !zc.shook.Load() {
			zc.abort()
		}
	})
	select {
	case l.ready <- zc:
	case <-l.closed:
		zc.abort()
	}
}

func (l *guardedListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *guardedListener) Close() error {
	err := net.ErrClosed
	l.closeOnce.Do(func() {
		close(l.closed)
		err = l.Listener.Close()
	})
	return err
}

// ZMTP 3 framing, as much as zmtpConn needs to find where a message ends.
const (
	zmtpGreetingLen = 64
	zmtpMore        = 0x01
	zmtpLong        = 0x02
	// zmtpDirect is the size beyond which held-back bytes are written
	// at once rather than grown further.
	zmtpDirect = 256 << 10
)

// connConfig is what a kernel socket tells the connections of its
// transport (zmq4's transport registry is process-wide, so it travels in
// the context zmq4 hands to Listen and Dial).
type connConfig struct {
	log     *slog.Logger
	channel Channel
	// queued: writes go through a sendQueue, so that one peer that does
	// not read holds up no other (every socket but the heartbeat's).
	queued bool
}

type connConfigKey struct{}

func withConnConfig(ctx context.Context, cfg *connConfig) context.Context {
	return context.WithValue(ctx, connConfigKey{}, cfg)
}

// connConfigFrom returns the connConfig of ctx, or one that logs nothing
// and queues nothing (a front end's zmq4 socket dialing through the
// buffered transport).
func connConfigFrom(ctx context.Context) *connConfig {
	if cfg, ok := ctx.Value(connConfigKey{}).(*connConfig); ok {
		return cfg
	}
	return &connConfig{log: slog.New(slog.DiscardHandler)}
}

// zmtpConn is a connection of a kernel socket: reads go through a buffer
// and are checked against the frame bounds (inbound); writes are held
// back until the frame that ends a message (or a command) is complete.
// The greeting, which both sides send before either reads, is written at
// once. Writes may come from several goroutines of zmq4; wmu serialises
// them. zmq4 reads from one goroutine at a time (the handshake's, then
// its reader's).
type zmtpConn struct {
	net.Conn
	r   *bufio.Reader
	cfg *connConfig

	in   inbound
	rerr error // set once a read found a frame too large

	wmu      sync.Mutex
	out      []byte
	greeting int    // greeting bytes still to pass through
	hdr      []byte // the frame header read so far
	body     uint64 // body bytes of the current frame still to come
	inBody   bool
	more     bool       // the current frame is not the last of its message
	q        *sendQueue // with cfg.queued: where complete messages go

	// guard closes an accepted connection whose handshake does not end
	// in time; shook is set once the peer's greeting and first command
	// (READY) have been read.
	guard *time.Timer
	shook atomic.Bool
}

func newZMTPConn(c net.Conn, cfg *connConfig) *zmtpConn {
	zc := &zmtpConn{Conn: c, r: bufio.NewReaderSize(c, 16<<10), cfg: cfg, in: newInbound(), greeting: zmtpGreetingLen}
	if cfg.queued {
		zc.q = newSendQueue(c, cfg.log, cfg.channel, subscriberStall)
	}
	return zc
}

func (c *zmtpConn) Read(p []byte) (int, error) {
	if c.rerr != nil {
		return 0, c.rerr
	}
	n, err := c.r.Read(p)
	k, ferr := c.in.feed(p[:n])
	if ferr != nil {
		// zmq4 gets the bytes before the header and an error, never the
		// header itself.
		c.cfg.log.Warn("cut a connection whose frame is too large", "channel", c.cfg.channel, "peer", c.RemoteAddr(), "err", ferr)
		c.rerr = &net.OpError{Op: "read", Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: ferr}
		if c.guard != nil {
			c.guard.Stop()
		}
		c.abort()
		return k, c.rerr
	}
	if c.guard != nil && !c.shook.Load() {
		switch {
		case c.in.handshook():
			c.shook.Store(true)
			c.guard.Stop()
		case err != nil:
			// zmq4 gives up on a failed handshake without closing.
			c.guard.Stop()
			c.abort()
		}
	}
	return n, err
}

// Close closes the connection; a queued one first writes what is queued,
// waiting at most queueLinger.
func (c *zmtpConn) Close() error {
	if c.q != nil {
		return c.q.close()
	}
	return c.Conn.Close()
}

// abort closes the connection at once, dropping what is queued.
func (c *zmtpConn) abort() {
	c.Conn.Close()
	if c.q != nil {
		c.q.close()
	}
}

func (c *zmtpConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	n := len(p)
	for len(p) > 0 {
		switch {
		case c.greeting > 0:
			k := min(c.greeting, len(p))
			c.out = append(c.out, p[:k]...)
			c.greeting -= k
			p = p[k:]
			if err := c.flush(); err != nil {
				return 0, err
			}
		case c.inBody:
			k := int(min(c.body, uint64(len(p))))
			if len(c.out)+k > zmtpDirect && c.q == nil {
				if err := c.flush(); err != nil {
					return 0, err
				}
				if _, err := c.Conn.Write(p[:k]); err != nil {
					return 0, err
				}
			} else {
				c.out = append(c.out, p[:k]...)
			}
			c.body -= uint64(k)
			p = p[k:]
			if c.body == 0 {
				if err := c.endFrame(); err != nil {
					return 0, err
				}
			}
		default:
			c.hdr = append(c.hdr, p[0])
			c.out = append(c.out, p[0])
			p = p[1:]
			want := 2
			if c.hdr[0]&zmtpLong != 0 {
				want = 9
			}
			if len(c.hdr) < want {
				continue
			}
			c.more = c.hdr[0]&zmtpMore != 0
			if want == 9 {
				c.body = binary.BigEndian.Uint64(c.hdr[1:9])
			} else {
				c.body = uint64(c.hdr[1])
			}
			c.hdr = c.hdr[:0]
			c.inBody = true
			if c.body == 0 {
				if err := c.endFrame(); err != nil {
					return 0, err
				}
			}
		}
	}
	return n, nil
}

// endFrame ends the current frame, and sends the held-back bytes when it
// ended a message.
func (c *zmtpConn) endFrame() error {
	c.inBody = false
	if c.more {
		return nil
	}
	return c.flush()
}

func (c *zmtpConn) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	if c.q != nil {
		// The queue keeps c.out, whole or not at all.
		err := c.q.push(c.out)
		c.out = nil
		if err != nil {
			return fmt.Errorf("zmtp write: %w", err)
		}
		return nil
	}
	_, err := c.Conn.Write(c.out)
	if cap(c.out) > zmtpDirect {
		c.out = nil
	} else {
		c.out = c.out[:0]
	}
	if err != nil {
		return fmt.Errorf("zmtp write: %w", err)
	}
	return nil
}
