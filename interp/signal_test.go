package interp

import (
	"context"
	"testing"
	"time"
)

// An interrupt reaches a cell that asked for os.Interrupt with
// signal.Notify or signal.NotifyContext, instead of cancelling it; a cell
// that did not ask is not offered it.
func TestInterruptDeliversOsInterrupt(t *testing.T) {
	s, stdout, _ := newTestSession(t)
	for _, code := range []string{
		"ch := make(chan os.Signal, 1)\nsignal.Notify(ch, os.Interrupt)\nfmt.Println(\"got\", <-ch)",
		"ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)\n<-ctx.Done()\nstop()\nfmt.Println(\"got\", ctx.Err())",
	} {
		stdout.Reset()
		done := make(chan error, 1)
		go func() {
			_, err := s.Execute(context.Background(), code)
			done <- err
		}()
		deadline := time.Now().Add(10 * time.Second)
		for !s.Interrupt() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the cell never registered for os.Interrupt", code)
			}
			time.Sleep(10 * time.Millisecond)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s: %v", code, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the cell did not end after the interrupt", code)
		}
		if got := stdout.String(); got != "got interrupt\n" && got != "got context canceled\n" {
			t.Errorf("%s: printed %q", code, got)
		}
	}
	// The registrations lasted for their cells only.
	mustExec(t, s, "x := 1")
	if s.Interrupt() {
		t.Error("an interrupt was delivered to a cell that did not ask for it")
	}
}
