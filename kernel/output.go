package kernel

import (
	"context"
	"errors"
	"fmt"
)

// cellOutput is the Output of one execute request: everything it sends
// has that request as parent, also after Execute returned.
type cellOutput struct {
	k          *Kernel
	parent     Header
	ids        [][]byte // the shell request's routing identities, for stdin
	allowStdin bool
}

func (o *cellOutput) Stream(name, text string) { o.k.stream(o.parent, name, text) }

func (o *cellOutput) Display(d DisplayData) {
	msgType := "display_data"
	if d.Update {
		msgType = "update_display_data"
	}
	o.k.publish(o.parent, msgType, DisplayContent{
		Data:      orEmpty(d.Data),
		Metadata:  orEmpty(d.Metadata),
		Transient: Transient{DisplayID: d.DisplayID},
	})
}

func (o *cellOutput) Clear(wait bool) {
	o.k.publish(o.parent, "clear_output", ClearOutput{Wait: wait})
}

// errShuttingDown is returned by Input when the kernel stops while it
// waits for a reply.
var errShuttingDown = errors.New("the kernel is shutting down")

// Input sends input_request on stdin to the front end that sent the
// execute request and waits for its input_reply.
func (o *cellOutput) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", ErrStdinNotAllowed
	}
	k := o.k
	// The prompt should follow the output printed before it.
	k.flushIOPub(ctx)
	m, err := k.newMessage(o.parent, "input_request", InputRequest{Prompt: prompt, Password: password})
	if err != nil {
		return "", err
	}
	m.Identities = o.ids
	reply := make(chan inputReply, 1)
	k.mu.Lock()
	k.inputs[m.Header.MsgID] = reply
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		delete(k.inputs, m.Header.MsgID)
		k.mu.Unlock()
	}()
	k.send(Stdin, m)
	select {
	case r := <-reply:
		return r.value, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	case <-k.stop:
		return "", errShuttingDown
	}
}

// inputReply is what an Input call waits for: the value of an
// input_reply, or why it has none.
type inputReply struct {
	value string
	err   error
}

// stdinMessage hands an input_reply to the Input call waiting for it:
// the one whose input_request is its parent or, for front ends that do
// not set the parent, the only one waiting.
func (k *Kernel) stdinMessage(m *Message) {
	if m.Header.MsgType != "input_reply" {
		k.log.Warn("dropped message", "channel", Stdin, "reason", "unknown msg_type", "msg_type", m.Header.MsgType)
		return
	}
	var c InputReply
	var r inputReply
	if err := decode(m, &c); err != nil {
		// The input call waiting for it fails rather than waits on.
		k.log.Warn("input_reply with malformed content", "channel", Stdin, "err", err)
		r.err = fmt.Errorf("the front end's input reply was malformed: %w", err)
	}
	r.value = c.Value
	k.mu.Lock()
	w, ok := k.inputs[m.Parent.MsgID]
	if !ok && len(k.inputs) == 1 {
		for _, only := range k.inputs {
			w, ok = only, true
		}
	}
	if ok {
		delete(k.inputs, m.Parent.MsgID)
	}
	k.mu.Unlock()
	if !ok {
		k.log.Warn("dropped message", "channel", Stdin, "reason", "input_reply without a waiting input_request")
		return
	}
	select {
	case w <- r:
	default:
	}
}
