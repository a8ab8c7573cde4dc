package kernel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/go-zeromq/zmq4"
)

// bind creates and binds the five sockets, filling in tcp ports of 0.
func (k *Kernel) bind() error {
	// zmq4 logs to stderr by default; route it to our logger instead.
	zlog := slog.NewLogLogger(k.log.Handler(), slog.LevelDebug)
	zlog.SetFlags(0)
	opts := func() []zmq4.Option {
		return []zmq4.Option{zmq4.WithLogger(zlog), zmq4.WithTimeout(5 * time.Second)}
	}
	if k.info.Transport == "ipc" {
		k.info.pickIPCPorts()
	}
	registerTransports()
	// Each socket's connections learn their channel and logger from the
	// socket's context. All but the heartbeat's queue their writes
	// (sendqueue.go): zmq4's PUB and ROUTER both write to one peer at a
	// time with no deadline, so that one peer that does not read would
	// hold up every other. The heartbeat's REP answers only the peer
	// that just sent a ping, from a goroutine of its own.
	ctx := func(ch Channel) context.Context {
		return withConnConfig(context.Background(), &connConfig{log: k.log, channel: ch, queued: ch != Heartbeat})
	}
	k.shellSock = zmq4.NewRouter(ctx(Shell), opts()...)
	k.controlSock = zmq4.NewRouter(ctx(Control), opts()...)
	k.stdinSock = zmq4.NewRouter(ctx(Stdin), opts()...)
	k.iopubSock = zmq4.NewPub(ctx(IOPub), opts()...)
	k.hbSock = zmq4.NewRep(ctx(Heartbeat), opts()...)
	for _, s := range []struct {
		ch   Channel
		sock zmq4.Socket
	}{
		{Shell, k.shellSock}, {Control, k.controlSock}, {Stdin, k.stdinSock},
		{IOPub, k.iopubSock}, {Heartbeat, k.hbSock},
	} {
		ep := k.info.Endpoint(s.ch)
		if err := s.sock.Listen(bufferedEndpoint(ep)); err != nil {
			return fmt.Errorf("bind %s socket to %s: %w (is another process using it? pick free ports in the connection file)", s.ch, ep, err)
		}
		if k.info.Transport == "tcp" && k.info.Port(s.ch) == 0 {
			if a, ok := s.sock.Addr().(*net.TCPAddr); ok {
				k.info.setPort(s.ch, a.Port)
			}
		}
	}
	return nil
}

func (k *Kernel) closeSockets() {
	k.closeOnce.Do(func() {
		for _, s := range []zmq4.Socket{k.shellSock, k.controlSock, k.stdinSock, k.iopubSock, k.hbSock} {
			if s != nil {
				s.Close()
			}
		}
	})
}

// heartbeat echoes every ping on the hb socket.
func (k *Kernel) heartbeat() {
	for {
		msg, err := k.hbSock.Recv()
		if err != nil {
			if k.closing() {
				return
			}
			k.log.Debug("heartbeat receive", "err", err)
			continue
		}
		if err := k.hbSock.Send(msg); err != nil && !k.closing() {
			k.log.Debug("heartbeat send", "err", err)
		}
	}
}

// closing reports whether the sockets are being closed.
func (k *Kernel) closing() bool {
	select {
	case <-k.workersDone:
		return true
	default:
		return false
	}
}

// reader receives messages on a ROUTER socket, checks them and queues
// them for a worker (or, on stdin, hands input replies to their waiter).
// Whatever fails the checks is logged and dropped.
func (k *Kernel) reader(ch Channel, sock zmq4.Socket, out chan<- *Message) {
	for {
		zm, err := sock.Recv()
		if err != nil {
			if k.closing() || errors.Is(err, context.Canceled) {
				return
			}
			k.log.Debug("receive", "channel", ch, "err", err)
			continue
		}
		m, sig, err := k.signer.decode(zm.Frames)
		if err != nil {
			k.log.Warn("dropped message", "channel", ch, "reason", err)
			continue
		}
		if k.signer.Signs() && !k.digests.add(sig) {
			k.log.Warn("dropped message", "channel", ch, "reason", "replayed signature", "msg_type", m.Header.MsgType)
			continue
		}
		if out == nil {
			k.stdinMessage(m)
			continue
		}
		dst := out
		if ch == Shell && k.answersAtOnce(m.Header.MsgType) {
			dst = k.quickIn
		}
		select {
		case dst <- m:
		case <-k.stop:
			return
		}
	}
}

// writer sends the frames it is handed on a ROUTER socket until the
// workers are done, then sends what is left and returns.
func (k *Kernel) writer(ch Channel, sock zmq4.Socket, in <-chan [][]byte) {
	send := func(frames [][]byte) {
		if err := sock.Send(zmq4.NewMsgFrom(frames...)); err != nil {
			k.log.Warn("send", "channel", ch, "err", err)
		}
	}
	for {
		select {
		case f := <-in:
			send(f)
		case <-k.workersDone:
			for {
				select {
				case f := <-in:
					send(f)
				default:
					return
				}
			}
		}
	}
}

// send hands a message to the writer of a channel.
func (k *Kernel) send(ch Channel, m *Message) {
	frames, err := k.signer.Encode(m)
	if err != nil {
		k.log.Error("encode", "channel", ch, "msg_type", m.Header.MsgType, "err", err)
		return
	}
	var out chan [][]byte
	switch ch {
	case Shell:
		out = k.shellOut
	case Control:
		out = k.controlOut
	case Stdin:
		out = k.stdinOut
	default:
		panic("kernel: send on " + string(ch))
	}
	select {
	case out <- frames:
	case <-k.dead:
	}
}
