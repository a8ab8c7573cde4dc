package interp

import (
	"context"
	"os"
	"os/signal"
	"reflect"
	"sync"
	"syscall"

	yaegi "github.com/traefik/yaegi/interp"
)

// Interrupts as signals. A Go program that calls signal.Notify(ch,
// os.Interrupt) or signal.NotifyContext(ctx, os.Interrupt) handles Ctrl-C
// itself; in a session, an interrupt is a message to the evaluator, which
// cancels the cell. So the session keeps the registrations for
// os.Interrupt that the running cell makes (the others go to package
// signal), and Interrupt delivers os.Interrupt to them instead of
// cancelling the cell. Registrations last for the cell that made them: a
// later cell that registers nothing is cancelled as usual, not left with
// a channel nobody reads.

// sigSet holds the running cell's registrations for os.Interrupt.
type sigSet struct {
	mu      sync.Mutex
	chans   []chan<- os.Signal
	cancels map[*context.CancelFunc]context.CancelFunc
}

// clear forgets the registrations (a new cell starts).
func (g *sigSet) clear() {
	g.mu.Lock()
	g.chans, g.cancels = nil, nil
	g.mu.Unlock()
}

// isInterrupt reports whether sig asks for os.Interrupt (no signals
// means all of them).
func isInterrupt(sig []os.Signal) (bool, []os.Signal) {
	if len(sig) == 0 {
		return true, nil
	}
	var rest []os.Signal
	found := false
	for _, s := range sig {
		if s == os.Interrupt || s == syscall.SIGINT {
			found = true
			continue
		}
		rest = append(rest, s)
	}
	return found, rest
}

func (g *sigSet) notify(c chan<- os.Signal, sig ...os.Signal) {
	in, rest := isInterrupt(sig)
	if in {
		g.mu.Lock()
		g.chans = append(g.chans, c)
		g.mu.Unlock()
	}
	if len(rest) > 0 {
		signal.Notify(c, rest...)
	}
}

func (g *sigSet) stop(c chan<- os.Signal) {
	g.mu.Lock()
	for i, x := range g.chans {
		if x == c {
			g.chans = append(g.chans[:i], g.chans[i+1:]...)
			break
		}
	}
	g.mu.Unlock()
	signal.Stop(c)
}

func (g *sigSet) notifyContext(parent context.Context, sig ...os.Signal) (context.Context, context.CancelFunc) {
	in, rest := isInterrupt(sig)
	if !in {
		return signal.NotifyContext(parent, rest...)
	}
	ctx, cancel := context.WithCancel(parent)
	if len(rest) > 0 {
		var stopRest context.CancelFunc
		ctx, stopRest = signal.NotifyContext(ctx, rest...)
		inner := cancel
		cancel = func() { stopRest(); inner() }
	}
	key := &cancel
	g.mu.Lock()
	if g.cancels == nil {
		g.cancels = map[*context.CancelFunc]context.CancelFunc{}
	}
	g.cancels[key] = cancel
	g.mu.Unlock()
	return ctx, func() {
		g.mu.Lock()
		delete(g.cancels, key)
		g.mu.Unlock()
		cancel()
	}
}

// deliver sends os.Interrupt to the registrations, as package signal does
// (without blocking), and reports whether any took it.
func (g *sigSet) deliver() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	took := false
	for _, c := range g.chans {
		select {
		case c <- os.Interrupt:
			took = true
		default:
		}
	}
	for _, cancel := range g.cancels {
		cancel()
		took = true
	}
	return took
}

func (g *sigSet) exports() yaegi.Exports {
	return yaegi.Exports{"os/signal/signal": {
		"Notify":        reflect.ValueOf(g.notify),
		"Stop":          reflect.ValueOf(g.stop),
		"NotifyContext": reflect.ValueOf(g.notifyContext),
	}}
}

// Interrupt delivers an interrupt to the running cell as os.Interrupt if
// it asked for it with signal.Notify or signal.NotifyContext, and reports
// whether it did; otherwise the caller cancels the cell.
func (s *Session) Interrupt() bool {
	return s.signals.deliver()
}
