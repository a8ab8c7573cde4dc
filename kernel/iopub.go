package kernel

import (
	"context"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"
)

// maxStreamBatch bounds the text held back in one stream message.
const maxStreamBatch = 1 << 20

// iopubEvent is what the publisher is handed: a message to publish, a
// piece of stream text, or a flush request.
type iopubEvent struct {
	parent  Header
	msgType string
	content any

	name, text string // stream events (msgType "stream")

	flushed chan struct{} // flush events: closed once all before it is sent
}

// publish queues a message for iopub. Pending stream text is sent before it.
func (k *Kernel) publish(parent Header, msgType string, content any) {
	k.toPublisher(iopubEvent{parent: parent, msgType: msgType, content: content})
}

// stream queues stream text; consecutive text of one parent and stream
// name is coalesced into one message.
func (k *Kernel) stream(parent Header, name, text string) {
	if text == "" {
		return
	}
	k.toPublisher(iopubEvent{parent: parent, msgType: "stream", name: name, text: text})
}

// flushIOPub returns once everything queued before it was handed to the
// PUB socket.
func (k *Kernel) flushIOPub(ctx context.Context) {
	done := make(chan struct{})
	k.toPublisher(iopubEvent{flushed: done})
	select {
	case <-done:
	case <-ctx.Done():
	case <-k.dead:
	}
}

func (k *Kernel) toPublisher(ev iopubEvent) {
	select {
	case k.iopub <- ev:
	case <-k.dead:
	}
}

// pendingStream is stream text not yet published.
type pendingStream struct {
	parent Header
	name   string
	text   strings.Builder
}

// publisher owns the iopub socket. Stream text waits at most k.flush to
// be coalesced, and is always sent before any later message, so the order
// in which the kernel was handed output is the order on the wire.
func (k *Kernel) publisher() {
	var pend *pendingStream
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var tick <-chan time.Time
	flush := func() {
		if pend == nil {
			return
		}
		k.sendIOPub(pend.parent, "stream", StreamContent{Name: pend.name, Text: pend.text.String()})
		pend = nil
		timer.Stop()
		tick = nil
	}
	handle := func(ev iopubEvent) {
		switch {
		case ev.flushed != nil:
			flush()
			close(ev.flushed)
		case ev.msgType == "stream":
			if pend != nil && (pend.parent != ev.parent || pend.name != ev.name) {
				flush()
			}
			if pend == nil {
				pend = &pendingStream{parent: ev.parent, name: ev.name}
				timer.Reset(k.flush)
				tick = timer.C
			}
			pend.text.WriteString(ev.text)
			if pend.text.Len() >= maxStreamBatch {
				flush()
			}
		default:
			flush()
			k.sendIOPub(ev.parent, ev.msgType, ev.content)
		}
	}
	for {
		select {
		case ev := <-k.iopub:
			handle(ev)
		case <-tick:
			tick = nil
			flush()
		case <-k.workersDone:
			for {
				select {
				case ev := <-k.iopub:
					handle(ev)
				default:
					flush()
					return
				}
			}
		}
	}
}

// sendIOPub signs and sends one message on the PUB socket; called only by
// the publisher.
func (k *Kernel) sendIOPub(parent Header, msgType string, content any) {
	m, err := k.newMessage(parent, msgType, content)
	if err != nil {
		k.log.Error("publish", "msg_type", msgType, "err", err)
		return
	}
	m.Identities = [][]byte{[]byte("kernel." + k.session + "." + msgType)}
	frames, err := k.signer.Encode(m)
	if err != nil {
		k.log.Error("publish", "msg_type", msgType, "err", err)
		return
	}
	// SendMulti writes the frames with one writev; Send writes each
	// frame's header and body apart, 2×7 syscalls and TCP segments for a
	// Jupyter message.
	if err := k.iopubSock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		k.log.Warn("publish", "msg_type", msgType, "err", err)
	}
}
