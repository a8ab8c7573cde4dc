package cputime

import (
	"testing"
	"time"
)

// TestProcessCountsWork: a busy loop's CPU time shows in Process, and
// Sub is the difference of the readings.
func TestProcessCountsWork(t *testing.T) {
	t0 := Process()
	for deadline := time.Now().Add(50 * time.Millisecond); time.Now().Before(deadline); {
	}
	d := Process().Sub(t0)
	if d.Total() < 20*time.Millisecond {
		t.Errorf("50ms of spinning charged %v user + %v sys, want at least 20ms in all", d.User, d.System)
	}
	if d.User < 0 || d.System < 0 {
		t.Errorf("negative delta %+v", d)
	}
}
