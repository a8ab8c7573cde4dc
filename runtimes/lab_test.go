package runtimes_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// startSleepers starts n sleeping process workers in l and waits until
// they are alive; the run comes back on the channel when they end.
func startSleepers(t *testing.T, l *runtimes.Lab, n int) <-chan *runtimes.Run {
	t.Helper()
	done := make(chan *runtimes.Run, 1)
	go func() { done <- l.Processes(t.Context(), n, `time.Sleep(time.Minute)`, runtimes.ProcessOptions{}) }()
	deadline := time.Now().Add(20 * time.Second)
	for len(l.LiveChildren()) < n {
		if time.Now().After(deadline) {
			t.Fatal("children did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return done
}

// awaitRun returns the run from done, failing if it does not end.
func awaitRun(t *testing.T, done <-chan *runtimes.Run) *runtimes.Run {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not return after its children were killed")
		return nil
	}
}

// TestLabsKeepTheirChildren: a lab's KillAll ends its own children, not
// another lab's, and each lab lists only its own.
func TestLabsKeepTheirChildren(t *testing.T) {
	h := newTestHost(t)
	h.def(t, `import "time"`)
	a, b := runtimes.NewLab(h), runtimes.NewLab(h)
	t.Cleanup(func() { a.Close(); b.Close() })
	doneA := startSleepers(t, a, 1)
	doneB := startSleepers(t, b, 2)
	if n := a.KillAll(); n != 1 {
		t.Errorf("a.KillAll killed %d, want its 1 child", n)
	}
	if r := awaitRun(t, doneA); !strings.Contains(r.Workers[0].Error, "signal killed") {
		t.Errorf("a's worker: %q", r.Workers[0].Error)
	}
	if live := b.LiveChildren(); len(live) != 2 {
		t.Errorf("b's children after a.KillAll: %v, want its 2 alive", live)
	}
	if n := b.KillAll(); n != 2 {
		t.Errorf("b.KillAll killed %d, want 2", n)
	}
	awaitRun(t, doneB)
	requireNoChildren(t)
}

// TestCloseEndsTheLab: Close kills and reaps the lab's children, and the
// lab starts no more (a shutting-down session must not spawn after its
// children were ended), while KillAll leaves the lab working.
func TestCloseEndsTheLab(t *testing.T) {
	h := newTestHost(t)
	h.def(t, `import "time"`)
	l := runtimes.NewLab(h)
	done := startSleepers(t, l, 2)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if len(l.LiveChildren()) != 0 {
		t.Errorf("children after Close: %v", l.LiveChildren())
	}
	for _, w := range awaitRun(t, done).Workers {
		if !strings.Contains(w.Error, "signal killed") {
			t.Errorf("worker %d: %q", w.Worker, w.Error)
		}
	}
	r := l.Processes(t.Context(), 1, `1`, runtimes.ProcessOptions{})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "closed") || len(r.Workers) != 0 {
		t.Errorf("a run after Close: err %v, %d workers; want no children and an error saying the lab is closed", r.Err, len(r.Workers))
	}
	requireNoChildren(t)
}

// TestPackageFunctionsUseTheDefaultLab: Processes, Bench and
// Experiment.Run are the Default lab's methods, so they see its session,
// and a lab without one says so.
func TestPackageFunctionsUseTheDefaultLab(t *testing.T) {
	runtimes.SetDefault(nil)
	if r := runtimes.Processes(1, `1`); !errors.Is(r.Err, runtimes.ErrNoHost) {
		t.Fatalf("no session: err %v", r.Err)
	}
	h := newTestHost(t).install(t)
	h.declare(t, "x", "20")
	r := runtimes.Processes(1, `x + 1`)
	if r.Err != nil || len(r.Workers) != 1 || r.Workers[0].Result != 21 {
		t.Fatalf("run in the Default lab: err %v, workers %+v", r.Err, r.Workers)
	}
	if b := runtimes.Bench(`x * 2`); b.Err != nil || b.N == 0 {
		t.Errorf("Bench in the Default lab: %v", b)
	}
	res := runtimes.Experiment{Snippet: `x`, Modes: []runtimes.Mode{runtimes.Goroutine}, Workers: []int{1}, Trials: 1, Quiet: true}.Run()
	if res.Err != nil || len(res.Runs) != 1 || res.Runs[0].Workers[0].Result != 20 {
		t.Errorf("Experiment.Run in the Default lab: err %v, %d runs", res.Err, len(res.Runs))
	}
}
