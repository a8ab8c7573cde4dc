package runtimes

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/spinlab/spinlab/internal/cputime"
)

// Go runs fn in n goroutines, one per worker (0..n-1), waits for all of
// them and returns the measured run; see Lab.Go. It runs under the
// running cell's context.
func Go(n int, fn func(worker int)) *Run {
	l := Default()
	return l.Go(l.CellContext(), n, func(_ context.Context, w int) { fn(w) })
}

// Go runs fn in n goroutines, one per worker (0..n-1), waits for all of
// them and returns the measured run. fn can watch ctx to stop early.
func (l *Lab) Go(ctx context.Context, n int, fn func(ctx context.Context, worker int)) *Run {
	return noteFailures(runInProcess(ctx, Goroutine, n, func(ctx context.Context, w, _ int) (any, error) { fn(ctx, w); return nil, nil }), os.Stderr)
}

// Threads runs fn in n goroutines that each lock an OS thread of their
// own; see Lab.Threads. It runs under the running cell's context.
func Threads(n int, fn func(worker int)) *Run {
	l := Default()
	return l.Threads(l.CellContext(), n, func(_ context.Context, w int) { fn(w) })
}

// Threads runs fn in n goroutines that each lock themselves to an OS
// thread for their whole life and never unlock, so every worker has a
// thread of its own and the thread exits with it. It waits for all of
// them and returns the measured run, with per-thread CPU times. fn can
// watch ctx to stop early.
func (l *Lab) Threads(ctx context.Context, n int, fn func(ctx context.Context, worker int)) *Run {
	return noteFailures(runInProcess(ctx, Thread, n, func(ctx context.Context, w, _ int) (any, error) { fn(ctx, w); return nil, nil }), os.Stderr)
}

// workFunc is one worker's work in the in-process modes; Host.Compile
// returns this shape.
type workFunc func(ctx context.Context, worker, workers int) (any, error)

// runInProcess runs n workers as goroutines (mode Goroutine) or as locked
// threads (mode Thread).
func runInProcess(ctx context.Context, mode Mode, n int, work workFunc) *Run {
	r := &Run{Mode: mode, Machine: ThisMachine(), CPUPerWorker: mode == Thread && threadCPUKnown}
	if n < 1 {
		r.Err = fmt.Errorf("%s mode: need at least 1 worker, got %d", mode, n)
		return r
	}
	r.Workers = make([]WorkerStats, n)
	pid := os.Getpid()
	var existing map[int]bool // threads alive before a thread-mode run
	if mode == Thread {
		// Locked, this goroutine's thread cannot run the workers (or
		// the drainers) while it waits for them: they go to other
		// threads, which after the drain are new ones.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		drainIdleThreads()
		existing = taskIDs()
	}
	sampler := startThreadSampler()
	cpu0 := cputime.Process()
	alloc0 := heapAllocs()

	var wg sync.WaitGroup
	wg.Add(n)
	t0 := monotonic()
	for i := range n {
		ws := &r.Workers[i]
		ws.Worker, ws.PID = i, pid
		asked := monotonic()
		if mode == Thread {
			go func() {
				defer wg.Done()
				runtime.LockOSThread() // never unlocked: the thread exits with the worker
				ws.TID = gettid()
				ws.NewThread = existing != nil && !existing[ws.TID]
				c0 := threadCPU()
				runWorker(ctx, ws, asked, work, n)
				c := threadCPU().Sub(c0)
				ws.User, ws.System = c.User, c.System
				sampler.sample()
			}()
		} else {
			go func() {
				defer wg.Done()
				runWorker(ctx, ws, asked, work, n)
			}()
		}
	}
	wg.Wait()
	r.Wall = time.Duration(monotonic() - t0)
	cpu := cputime.Process().Sub(cpu0)
	r.User, r.System = cpu.User, cpu.System
	r.Allocated = heapAllocs() - alloc0
	r.PeakThreads = sampler.finish()
	r.Stacks = sampler.stacks(uint64(n) * startingStack())
	for i := range r.Workers {
		r.Workers[i].Memory = (r.Allocated + r.Stacks) / uint64(n)
	}
	if err := ctx.Err(); err != nil {
		r.Err = fmt.Errorf("%s run interrupted: %w", mode, err)
	}
	return r
}

// runWorker runs one in-process worker, recording its start, run time,
// result and any panic or error.
func runWorker(ctx context.Context, ws *WorkerStats, asked int64, work workFunc, n int) {
	start := monotonic()
	ws.Spawn = time.Duration(start - asked)
	defer func() {
		ws.Time = time.Duration(monotonic() - start)
		if p := recover(); p != nil {
			ws.Error = fmt.Sprintf("panic: %v", p)
			ws.Stderr = tail(string(debug.Stack()), stderrTail)
		}
	}()
	v, err := work(ctx, ws.Worker, n)
	ws.Result = v
	if err != nil {
		ws.Error = err.Error()
	}
}

// stderrTail is how much of a failed worker's stderr (or stack) is kept.
const stderrTail = 2048

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// drainIdleThreads ends the OS threads the Go runtime keeps idle, so that
// thread-mode workers start on threads created for them and their spawn
// latency includes thread creation (with idle threads at hand, 0 of 50
// one-worker runs got a new thread). Each drainer locks its thread and
// exits locked, which makes the runtime end that thread; the runtime
// hands a runnable goroutine to an idle thread before it creates one, so
// drainers consume idle threads first. It runs before the run's clock.
// It does not always succeed (threads woken to look for work during the
// drain park idle again; draining one at a time did worse, 4 of 20), so
// each worker records whether it got a new thread (NewThread) and the
// run says how many did.
func drainIdleThreads() {
	n := osThreads()
	var wg sync.WaitGroup
	wg.Add(n)
	for range n {
		go func() {
			defer wg.Done()
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		}()
	}
	wg.Wait()
}

// taskIDs returns the ids of this process's OS threads (/proc/self/task),
// nil if it cannot read them.
func taskIDs() map[int]bool {
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil
	}
	out := make(map[int]bool, len(ents))
	for _, e := range ents {
		if id, err := strconv.Atoi(e.Name()); err == nil {
			out[id] = true
		}
	}
	return out
}

// noteFailures writes a one-line notice to w when workers of r failed:
// the run is a value the cell may not show, and a cell whose workers
// failed must not look like one that went well. It returns r.
func noteFailures(r *Run, w io.Writer) *Run {
	f := r.Failed()
	if len(f) == 0 {
		return r
	}
	fmt.Fprintf(w, "runtimes: %d of %d %s workers failed; worker %d: %s\n", len(f), len(r.Workers), r.Mode, f[0].Worker, firstLine(f[0].Error))
	return r
}
