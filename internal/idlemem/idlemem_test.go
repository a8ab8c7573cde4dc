package idlemem

import (
	"runtime/metrics"
	"testing"
	"time"
)

// held keeps allocate's pieces reachable until it drops them.
var held [][]byte

// allocate allocates n bytes in 1 MiB pieces, all live at once, and
// then drops them: the heap holds n bytes of free memory, which the
// runtime's background scavenger would return only slowly.
func allocate(n int) {
	for range n >> 20 {
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		held = append(held, b)
	}
	held = nil
}

func read(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// waitRuns waits up to a few seconds for r to have run n releases.
func waitRuns(t *testing.T, r *Releaser, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if r.Runs() >= n {
			return
		}
	}
	t.Fatalf("%d releases, want %d", r.Runs(), n)
}

func TestReleasesAfterIdle(t *testing.T) {
	r := New(20*time.Millisecond, 1<<20)
	r.Busy()
	allocate(64 << 20)
	before := read("/memory/classes/heap/released:bytes")
	r.Idle()
	waitRuns(t, r, 1)
	// The 64 MiB of garbage were freed and their pages handed back.
	if after := read("/memory/classes/heap/released:bytes"); after < before+16<<20 {
		t.Errorf("released heap %d MiB before, %d MiB after: want the garbage's pages back", before>>20, after>>20)
	}
}

func TestBusyCancelsTheRelease(t *testing.T) {
	r := New(50*time.Millisecond, 0)
	r.Idle()
	r.Busy()
	time.Sleep(150 * time.Millisecond)
	if n := r.Runs(); n != 0 {
		t.Fatalf("%d releases while busy, want 0", n)
	}
	r.Idle()
	waitRuns(t, r, 1)
}

func TestOverlappingWork(t *testing.T) {
	r := New(20*time.Millisecond, 0)
	r.Busy()
	r.Busy()
	r.Idle() // one piece of work still runs
	time.Sleep(100 * time.Millisecond)
	if n := r.Runs(); n != 0 {
		t.Fatalf("%d releases with work running, want 0", n)
	}
	r.Idle()
	waitRuns(t, r, 1)
}

func TestNothingToReleaseBelowTheThreshold(t *testing.T) {
	r := New(10*time.Millisecond, 1<<40)
	r.Idle()
	time.Sleep(100 * time.Millisecond)
	if n := r.Runs(); n != 0 {
		t.Fatalf("%d releases after allocating less than the threshold, want 0", n)
	}
}
