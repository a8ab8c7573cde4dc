package supervisor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spinlab/spinlab/internal/child"
	"github.com/spinlab/spinlab/kernel"
)

// evaluator is the supervisor's view of one evaluator process: its
// pending requests and its life. Its loop goroutine owns the event pipe.
type evaluator struct {
	s     *Supervisor
	p     *process
	ready chan struct{} // closed when the evaluator said it is ready
	gone  chan struct{} // closed when it has exited and its pipes are read; then reason and stderrTail are set
	busy  atomic.Int32  // cells running

	reason     string // why it ended
	stderrTail string
	restoreErr string // set once by ensure, before anyone else sees ev

	mu      sync.Mutex
	broken  error // set when a send failed: the channel is unusable
	pending map[uint64]chan *frame
	killed  bool   // ended on purpose
	killWhy string // for a kill after an ignored interrupt; empty for shutdown
}

func (ev *evaluator) expect(id uint64) chan *frame {
	ch := make(chan *frame, 1)
	ev.mu.Lock()
	ev.pending[id] = ch
	ev.mu.Unlock()
	return ch
}

func (ev *evaluator) forget(id uint64) {
	ev.mu.Lock()
	delete(ev.pending, id)
	ev.mu.Unlock()
}

// breakChannel kills an evaluator whose channel failed a send (a cell
// closed or replaced the descriptor the evaluator reads requests from):
// it would never see another request, and waiting for its reply would
// hang the kernel.
func (ev *evaluator) breakChannel(err error) {
	ev.mu.Lock()
	if ev.broken == nil {
		ev.broken = err
	}
	ev.mu.Unlock()
	ev.p.Kill()
}

func (ev *evaluator) brokenBy() error {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return ev.broken
}

func (ev *evaluator) markKilled(why string) {
	ev.mu.Lock()
	ev.killed, ev.killWhy = true, why
	ev.mu.Unlock()
}

func (ev *evaluator) killedBy() (bool, string) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return ev.killed, ev.killWhy
}

func (ev *evaluator) isGone() bool {
	select {
	case <-ev.gone:
		return true
	default:
		return false
	}
}

func (ev *evaluator) waitReady(ctx context.Context, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-ev.ready:
		return nil
	case <-ev.gone:
		return fmt.Errorf("the evaluator did not start: %s", ev.reason)
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		ev.markKilled("")
		ev.p.Kill()
		return fmt.Errorf("the evaluator did not start within %s", timeout)
	}
}

// call sends a request and waits for its reply.
func (ev *evaluator) call(ctx context.Context, id uint64, f *frame) (*frame, error) {
	f.ID = id
	ch := ev.expect(id)
	defer ev.forget(id)
	if err := ev.p.send(f); err != nil {
		ev.breakChannel(err)
		return nil, fmt.Errorf("the evaluator is gone: %w", err)
	}
	select {
	case r := <-ch:
		return r, nil
	case <-ev.gone:
		return nil, fmt.Errorf("the evaluator died: %s", ev.reason)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// stop ends the evaluator on purpose: it asks it to exit (it kills its
// workers first), then kills its process group.
func (ev *evaluator) stop() {
	ev.markKilled("")
	if ev.isGone() {
		return
	}
	ev.p.send(&frame{Type: typeShutdown})
	if !ev.p.hasExited(500 * time.Millisecond) {
		ev.p.Kill()
	}
	<-ev.gone // the read loop kills what is left of the group
}

// dumpGrace is how long a crashing evaluator may spend on its goroutine
// dump before the supervisor kills it, and how long it has to answer the
// ping that tells a crash from text that only looks like one.
const dumpGrace = 500 * time.Millisecond

// cutDumps kills the evaluator once it has spent dumpGrace writing a
// goroutine dump after a crash report and does not answer a ping. A
// runtime throw (stack overflow, out of memory, concurrent map writes)
// dumps every goroutine whatever GOTRACEBACK says, one write(2) per
// fragment: with 20,000 goroutines that took the dying process a minute,
// with a million far longer. The dump describes the interpreter, not the
// cell, and the report's message is already read (stream.head), so
// nothing is lost. The ping matters because crash reports also reach the
// evaluator's stderr from elsewhere: a process-mode worker's crash is
// forwarded there, and a cell may print one. A crashing runtime has
// stopped the world and cannot answer; a live evaluator answers from its
// read loop at once, and then its stderr is passed on again.
func (ev *evaluator) cutDumps() {
	for {
		select {
		case <-ev.p.stderr.dumpBegan():
		case <-ev.p.Done():
			return
		}
		t := time.NewTimer(dumpGrace)
		select {
		case <-ev.p.Done():
			t.Stop()
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), dumpGrace)
		_, err := ev.call(ctx, ev.s.nextID.Add(1), &frame{Type: typePing})
		cancel()
		if err == nil {
			ev.p.stderr.rearm() // alive: the report was someone else's
			continue
		}
		ev.p.dumpCut.Store(true)
		ev.p.Kill()
		return
	}
}

// loop reads the evaluator's frames until it ends, then records why.
func (ev *evaluator) loop() {
	var readErr error
	for {
		f, err := ev.p.receive()
		if err != nil {
			readErr = err
			break
		}
		ev.handle(f)
	}
	// The channel is closed: the evaluator is exiting, or a cell closed or
	// wrote to fd 4; either way it is of no more use.
	var channelErr error
	if !ev.p.hasExited(time.Second) {
		channelErr = readErr
		if errors.Is(readErr, io.EOF) {
			channelErr = errors.New("it closed the channel")
		}
		ev.p.Kill()
		<-ev.p.Done()
	}
	ev.p.Kill() // children left in its group
	if ev.s.opts.OwnProcessTree {
		// Its orphans, at any depth, came to this process (a subreaper):
		// no evaluator runs now, so every descendant is the dead session's.
		if n := child.KillDescendants(os.Getpid()); n > 0 {
			ev.s.log.Debug("killed the ended evaluator's orphans", "count", n)
		}
	}
	// Read what it wrote last; a grandchild holding the pipes open must not
	// hold us up.
	ev.p.stdout.wait(time.Second)
	ev.p.stderr.wait(time.Second)
	ev.p.Close()
	ev.stderrTail = ev.p.stderr.crashText()
	if err := ev.brokenBy(); err != nil && channelErr == nil {
		channelErr = err
	}
	if killed, _ := ev.killedBy(); killed {
		channelErr = nil // killed on purpose, not for a broken channel
	}
	ev.reason = deathReason(ev.stderrTail, ev.p.Wait(), channelErr, ev.p.dumpCut.Load())
	close(ev.gone)
	ev.s.log.Debug("the evaluator ended", "pid", ev.p.Pid, "reason", ev.reason)
	if ev.busy.Load() == 0 {
		ev.s.evaluatorDied(ev)
	}
}

// handle passes one frame on. Events go to the current output after the
// stream text written before them.
func (ev *evaluator) handle(f *frame) {
	switch f.Type {
	case typeReady:
		select {
		case <-ev.ready:
		default:
			close(ev.ready)
		}
	case typeDone, typeReply:
		ev.p.syncStreams(f.Sync)
		ev.mu.Lock()
		ch := ev.pending[f.ID]
		ev.mu.Unlock()
		if ch != nil {
			ch <- f
		}
	case typeDisplay:
		ev.p.syncStreams(f.Sync)
		if d := f.Display; d != nil {
			if out, _ := ev.s.output(); out != nil {
				out.Display(*d)
			}
		}
	case typeClear:
		ev.p.syncStreams(f.Sync)
		if out, _ := ev.s.output(); out != nil {
			out.Clear(f.Clear != nil && f.Clear.Wait)
		}
	case typeInputRequest:
		ev.p.syncStreams(f.Sync)
		go ev.input(f)
	default:
		ev.s.log.Warn("unknown frame from the evaluator", "type", f.Type)
	}
}

// input asks the front end for a line and sends the answer back.
func (ev *evaluator) input(f *frame) {
	reply := &frame{Type: typeInputReply, ID: f.ID, Input: &inputBody{}}
	out, ctx := ev.s.output()
	var in inputBody
	if f.Input != nil {
		in = *f.Input
	}
	if out == nil {
		reply.Error = &wireError{Name: "StdinNotAllowed", Message: kernel.ErrStdinNotAllowed.Error()}
	} else if text, err := out.Input(ctx, in.Prompt, in.Password); err != nil {
		name := "InputError"
		if errors.Is(err, kernel.ErrStdinNotAllowed) {
			name = "StdinNotAllowed"
		}
		reply.Error = &wireError{Name: name, Message: err.Error()}
	} else {
		reply.Input.Value = text
	}
	ev.p.send(reply)
}
