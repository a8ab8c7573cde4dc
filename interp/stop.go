package interp

import (
	"context"
	"reflect"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/spinlab/spinlab/interp/internal/yaegix"
	yaegi "github.com/traefik/yaegi/interp"
)

// run evaluates src in the session's interpreter until it ends or ctx is
// done. On cancellation it stops the interpreted code and waits a moment
// for it to unwind, so that the next evaluation does not run alongside it
// (yaegi's own EvalWithContext returns at once and leaves the evaluation
// running, which races with the next one). Code blocked inside compiled
// code (a sync.Mutex, a WaitGroup) cannot be stopped: the cell is
// reported interrupted all the same, and the next cell waits for it only
// briefly. A lazy session first loads the packages src imports.
func (s *Session) run(ctx context.Context, src string) (reflect.Value, error) {
	yi, tables := s.current()
	if tables != nil {
		if err := tables.load(neededPaths(src)); err != nil {
			return reflect.Value{}, err
		}
	}
	s.settle(yi)
	type result struct {
		v   reflect.Value
		err error
	}
	done := make(chan result, 1)
	finished := make(chan struct{})
	go func() {
		var r result
		defer close(finished)
		defer func() {
			if p := recover(); p != nil {
				var pc [64]uintptr
				n := runtime.Callers(1, pc[:])
				r.err = yaegi.Panic{Value: p, Callers: pc[:n], Stack: debug.Stack()}
			}
			done <- r
		}()
		r.v, r.err = yi.Eval(src)
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
	}
	s.stop(yi)
	select {
	case r := <-done:
		_ = r
		return reflect.Value{}, ctx.Err()
	case <-time.After(unwindWait):
		s.stopMu.Lock()
		s.abandoned = finished
		s.stopMu.Unlock()
		return reflect.Value{}, ctx.Err()
	}
}

// unwindWait bounds how long an interrupted cell may take to unwind.
const unwindWait = 2 * time.Second

// stop stops all interpreted code of yi, once until the next settle.
func (s *Session) stop(yi *yaegi.Interpreter) {
	s.stopMu.Lock()
	defer s.stopMu.Unlock()
	if s.stopped[yi] {
		return
	}
	if s.stopped == nil {
		s.stopped = map[*yaegi.Interpreter]bool{}
	}
	s.stopped[yi] = true
	if s.wake != nil {
		close(s.wake)
		s.wake = nil
	}
	yaegix.Stop(yi) // see package yaegix
}

// sleep is time.Sleep for interpreted code: an interrupt cuts it short, so
// that a sleeping cell stops at once instead of after its grace period
// (a sleep, unlike a held lock, has nothing to fear from ending early).
func (s *Session) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	s.stopMu.Lock()
	if s.wake == nil {
		s.wake = make(chan struct{})
	}
	wake := s.wake
	s.stopMu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-wake:
	}
}

// settle prepares yi for an evaluation after a stop: it waits briefly for
// an abandoned evaluation, and gives the interpreter a fresh cancellation
// channel (yaegi makes one in EvalWithContext).
func (s *Session) settle(yi *yaegi.Interpreter) {
	s.stopMu.Lock()
	abandoned := s.abandoned
	s.abandoned = nil
	stopped := s.stopped[yi]
	delete(s.stopped, yi)
	s.stopMu.Unlock()
	if abandoned != nil {
		select {
		case <-abandoned:
		case <-time.After(unwindWait):
		}
	}
	if stopped {
		_, _ = yi.EvalWithContext(context.Background(), "0")
	}
}
