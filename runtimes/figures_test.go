package runtimes_test

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// A worker that dies without a result has no report of its own: its
// memory is the child's last sampled peak (or unknown), never the kernel's
// ru_maxrss, which under vfork counts the parent.
func TestDeadChildPeakRSSExcludesTheParent(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import ("os"; "time")`)
	ballast := make([]byte, 400<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	r := runtimes.Processes(1, `time.Sleep(30 * time.Millisecond); os.Exit(3)`)
	runtime.KeepAlive(ballast)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	w := r.Workers[0]
	if !strings.Contains(w.Error, "status 3") {
		t.Fatalf("worker: %q", w.Error)
	}
	if w.Memory > 300<<20 {
		t.Errorf("dead child's peak RSS %d MiB with a 400 MiB parent: want the child's own or 0", w.Memory>>20)
	}
	if w.Memory == 0 {
		t.Logf("no sample of the child's peak RSS (it died within the first sample)")
	}
	t.Logf("dead child's peak RSS: %d MiB", w.Memory>>20)
}

// Process mode counts the children's threads too, apart from the parent's.
// Cross-check: the child's own /proc/self/status Threads line.
func TestProcessModeCountsChildThreads(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import ("os"; "strconv"; "strings"; "time")`)
	r := runtimes.Processes(2, `time.Sleep(40 * time.Millisecond)
data, _ := os.ReadFile("/proc/self/status")
n := 0
for _, l := range strings.Split(string(data), "\n") {
	if f := strings.Fields(l); len(f) == 2 && f[0] == "Threads:" {
		n, _ = strconv.Atoi(f[1])
	}
}
n`)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	own := 0
	for _, w := range r.Workers {
		if w.Error != "" {
			t.Fatalf("worker %d: %s\n%s", w.Worker, w.Error, w.Stderr)
		}
		own += int(toFloat(w.Result))
	}
	if r.ChildThreads < own {
		t.Errorf("children's peak threads %d, the children themselves counted %d", r.ChildThreads, own)
	}
	if r.ChildThreads > 3*own {
		t.Errorf("children's peak threads %d, far above the children's own count %d", r.ChildThreads, own)
	}
	if !strings.Contains(r.String(), "in the children") {
		t.Errorf("run text does not say whose threads: %s", r)
	}
	t.Logf("parent %d threads, children %d (their own count %d)", r.PeakThreads, r.ChildThreads, own)
}

// The peak thread count of a goroutine-mode run is at least what
// /proc/self/task lists while the workers run.
func TestGoroutinePeakThreadsCountsEveryThread(t *testing.T) {
	// A parked main thread is what the runtime's count leaves out.
	runtimes.Threads(1, func(int) {})
	var seen int
	r := runtimes.Go(1, func(int) {
		ents, err := os.ReadDir("/proc/self/task")
		if err == nil {
			seen = len(ents)
		}
	})
	if r.PeakThreads < seen {
		t.Errorf("peak threads %d, /proc/self/task listed %d during the run", r.PeakThreads, seen)
	}
}

// A one-worker thread-mode run starts its worker on a new OS thread, so
// that spawn latency includes creating it.
func TestThreadSpawnCreatesAThread(t *testing.T) {
	runtimes.Go(8, func(int) { time.Sleep(time.Millisecond) }) // leave idle threads behind
	const runs = 20
	fresh := 0
	for range runs {
		r := runtimes.Threads(1, func(int) {})
		if r.Workers[0].NewThread {
			fresh++
		}
	}
	// Before, 0 of 50 got one. The drain does not always win against
	// threads woken to look for work, so the run says how many did.
	if fresh == 0 {
		t.Errorf("0 of %d one-worker thread runs got a new OS thread", runs)
	}
	t.Logf("%d of %d one-worker thread runs got a new OS thread", fresh, runs)
	r := runtimes.Threads(2, func(int) {})
	if !strings.Contains(r.String(), "on a new OS thread") {
		t.Errorf("thread run does not say whether spawn included creating a thread:\n%s", r)
	}
}
