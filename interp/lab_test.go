package interp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// TestLabFromCell: a cell reaches the session's lab as runtimes.Default
// and calls its context-first methods with the cell's context, which an
// interrupt cancels: the run stops, its children are killed and reaped.
// SetDefault itself is not the cell's to call.
func TestLabFromCell(t *testing.T) {
	t.Setenv(runtimes.EnvWorkerBin, workerBinary(t))
	s, _, _ := newTestSession(t)
	runtimes.SetDefault(s.Lab())
	defer runtimes.SetDefault(nil)
	if got := text(mustExec(t, s, `lab := runtimes.Default()
r := lab.Go(lab.CellContext(), 3, func(ctx context.Context, worker int) {})
r.N()`).Value); got != "3" {
		t.Errorf("lab.Go from a cell: %s workers, want 3", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for len(s.Lab().LiveChildren()) < 2 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	_, err := s.Execute(ctx, `lab.Processes(lab.CellContext(), 2, "select {}", runtimes.ProcessOptions{})`)
	if err == nil || time.Since(start) > 30*time.Second {
		t.Fatalf("an interrupted cell whose children wait for ever: err %v after %v", err, time.Since(start))
	}
	// The interrupt cancelled the run's context: its children were
	// killed and reaped (under context.Background() they would live on).
	for deadline := time.Now().Add(10 * time.Second); len(s.Lab().LiveChildren()) > 0; {
		if time.Now().After(deadline) {
			live := s.Lab().LiveChildren()
			s.Lab().KillAll()
			t.Fatalf("children alive after the interrupt: %v", live)
		}
		time.Sleep(20 * time.Millisecond)
	}

	if _, err := s.Execute(context.Background(), "runtimes.SetDefault(nil)"); err == nil || !strings.Contains(err.Error(), "SetDefault") {
		t.Errorf("a cell called runtimes.SetDefault: err %v", err)
	}
}
