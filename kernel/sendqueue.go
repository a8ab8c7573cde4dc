package kernel

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"
)

// zmq4 v0.17.0's PUB socket sends each message to its subscribers one
// after the other, each with a blocking write and no deadline, from one
// goroutine fed by an unbounded queue. One subscriber that stops reading
// (a front end stopped with Ctrl-Z) blocks that goroutine once its TCP
// buffers are full: every other front end stops receiving output, idle
// never comes, and the queue grows with every message the kernel
// publishes. libzmq's PUB instead gives each subscriber a pipe bounded by
// SNDHWM and drops what does not fit.
//
// zmq4's ROUTER (shell, control, stdin) has the same fault: it writes a
// reply to its peer under the one lock of the socket, with no deadline.
// A client that pipelines requests and stops reading (a stopped jupyter
// console with history or inspect replies pending) blocked the channel's
// writer once its socket buffers were full; every other client's replies
// on that channel waited behind it, and then the worker that answers
// them. libzmq's ROUTER drops what does not fit under the peer's SNDHWM.
//
// So the connections of those sockets write through a sendQueue: zmq4's
// writes only append the complete message to the connection's queue (or
// drop it, whole, when the queue is full) and return, and a goroutine of
// the connection's own writes the queue out. A reply dropped for a
// client that does not read is what libzmq does too; a blocked kernel
// is not.

const (
	// queueMessages is libzmq's default SNDHWM: how many messages one
	// subscriber may have waiting.
	queueMessages = 1000
	// queueBytes bounds the bytes one subscriber may have waiting. A
	// front end that reads keeps its queue near empty: the kernel's
	// stream output comes in messages of at most 1 MiB, and 32 of them
	// are a burst no reader falls behind. Two kinds of message pass it
	// all the same: any message into an empty queue (or a large plot
	// could never be sent), and small ones (status, replies' side
	// messages) while the count allows, so that the idle after a large
	// message still in the queue reaches a front end that is reading it.
	// What one subscriber can hold is thus bounded by queueBytes, plus
	// one message of at most maxMessageSize, plus queueMessages small
	// ones.
	queueBytes = 32 << 20
	// smallMessage is the size up to which a message passes queueBytes.
	smallMessage = 64 << 10
	// subscriberStall is how long a write may go without moving a byte
	// before the subscriber is taken for gone and its connection cut.
	// A front end that is only slow keeps moving bytes; libzmq clients
	// (jupyter_client) reconnect and subscribe again when resumed.
	subscriberStall = 30 * time.Second
	// queueLinger is how long closing a connection waits for what is
	// queued (the last status idle) to be written, as ZMQ_LINGER.
	queueLinger = 500 * time.Millisecond
)

// peer names the other end in log lines: an iopub subscriber, or a
// client of shell, control or stdin.
func (q *sendQueue) peer() string {
	if q.channel == IOPub {
		return "subscriber"
	}
	return "client"
}

// peerIs returns "a subscriber is " (or "a client is ") followed by what.
func (q *sendQueue) peerIs(what string) string { return "a " + q.peer() + " is " + what }

// errQueueCut is what writes to a connection return once its sendQueue
// has cut it. It is a net.Error that is no timeout, so that zmq4 takes the
// connection for closed and forgets it.
var errQueueCut = &net.OpError{Op: "write", Net: "zmtp", Err: errors.New("peer stalled: connection cut")}

// sendQueue is the bounded queue of complete ZMTP messages (or the
// greeting, or a command) waiting to be written to one connection. zmq4's
// writes push; the drain goroutine owns writing to conn.
type sendQueue struct {
	conn    net.Conn
	log     *slog.Logger
	channel Channel
	stall   time.Duration

	mu      sync.Mutex
	msgs    [][]byte
	bytes   int
	dropped uint64
	closing bool
	err     error // set once the connection is cut

	wake chan struct{} // a push or close happened; capacity 1
	done chan struct{} // closed when drain returns
}

func newSendQueue(conn net.Conn, log *slog.Logger, ch Channel, stall time.Duration) *sendQueue {
	q := &sendQueue{conn: conn, log: log, channel: ch, stall: stall, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go q.drain()
	return q
}

// push queues b, a complete message that the queue now owns, or drops it
// when the queue is full. It never blocks.
func (q *sendQueue) push(b []byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return q.err
	}
	if q.closing {
		return net.ErrClosed
	}
	if len(q.msgs) > 0 && (len(q.msgs) >= queueMessages || q.bytes+len(b) > queueBytes && len(b) > smallMessage) {
		q.dropped++
		if q.dropped == 1 {
			q.log.Warn(q.peerIs("not reading: dropping messages for it until it catches up"),
				"channel", q.channel, "peer", q.conn.RemoteAddr(), "queued_messages", len(q.msgs), "queued_bytes", q.bytes)
		}
		return nil
	}
	q.msgs = append(q.msgs, b)
	q.bytes += len(b)
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// next waits for the next message to write. It returns nil once the queue
// is closing and empty.
func (q *sendQueue) next() []byte {
	for {
		q.mu.Lock()
		if len(q.msgs) > 0 {
			b := q.msgs[0]
			q.msgs[0] = nil
			q.msgs = q.msgs[1:]
			q.bytes -= len(b)
			q.mu.Unlock()
			return b
		}
		closing := q.closing
		q.mu.Unlock()
		if closing {
			return nil
		}
		<-q.wake
	}
}

func (q *sendQueue) drain() {
	defer close(q.done)
	for {
		b := q.next()
		if b == nil {
			return
		}
		if err := q.write(b); err != nil {
			q.cut(err)
			return
		}
	}
}

// write writes b whole. Each write may wait q.stall for the peer to take
// a byte; a timeout after progress only renews the deadline.
func (q *sendQueue) write(b []byte) error {
	for len(b) > 0 {
		if err := q.conn.SetWriteDeadline(time.Now().Add(q.stall)); err != nil {
			return err
		}
		n, err := q.conn.Write(b)
		b = b[n:]
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && n > 0 {
				continue
			}
			return err
		}
	}
	return nil
}

// cut closes the connection after a failed write and says why, once.
func (q *sendQueue) cut(err error) {
	q.mu.Lock()
	q.err = errQueueCut
	q.msgs, q.bytes = nil, 0
	closing, dropped := q.closing, q.dropped
	q.mu.Unlock()
	q.conn.Close()
	var ne net.Error
	if !closing && errors.As(err, &ne) && ne.Timeout() {
		q.log.Warn("cut a "+q.peer()+" that took no bytes for too long", "channel", q.channel,
			"peer", q.conn.RemoteAddr(), "stalled_for", q.stall, "dropped_messages", dropped)
	}
}

// close writes what is queued, waiting at most queueLinger, then closes
// the connection. It reports how many messages were dropped.
func (q *sendQueue) close() error {
	q.mu.Lock()
	if q.closing {
		q.mu.Unlock()
		return nil
	}
	q.closing = true
	dropped := q.dropped
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	// A drain stuck in a write is ended by closing the connection under it.
	t := time.AfterFunc(queueLinger, func() { q.conn.Close() })
	<-q.done
	t.Stop()
	if dropped > 0 {
		q.log.Info(q.peer()+" closed", "channel", q.channel, "peer", q.conn.RemoteAddr(), "dropped_messages", dropped)
	}
	return q.conn.Close()
}
