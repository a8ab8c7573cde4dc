//go:build !linux

package runtimes

import (
	"context"
	"strings"
	"testing"
)

// TestThreadModeSaysWhatItCannotMeasure: outside Linux a thread-mode run
// has no per-worker CPU and no thread ids, and its table says so instead
// of showing zeros.
func TestThreadModeSaysWhatItCannotMeasure(t *testing.T) {
	r := runInProcess(context.Background(), Thread, 2, func(context.Context, int, int) (any, error) { return nil, nil })
	if r.CPUPerWorker {
		t.Error("CPUPerWorker is true without per-thread CPU time")
	}
	s := r.String()
	for _, want := range []string{"per-thread CPU time needs Linux", "–"} {
		if !strings.Contains(s, want) {
			t.Errorf("the table lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "on a new OS thread") {
		t.Errorf("the table claims to know which threads were new:\n%s", s)
	}
}

// TestPeakRSSIsMeasured: peak RSS comes from getrusage outside Linux.
func TestPeakRSSIsMeasured(t *testing.T) {
	if n := peakRSS(); n < 1<<20 {
		t.Errorf("peakRSS = %d, want at least 1 MiB for a Go test binary", n)
	}
}
