package runtimes

import (
	"golang.org/x/sys/unix"

	"github.com/spinlab/spinlab/internal/cputime"
)

// threadCPUKnown says that threadCPU measures the calling thread, so that
// thread-mode runs have per-worker CPU times (Run.CPUPerWorker).
const threadCPUKnown = true

// threadCPU is the CPU time of the calling OS thread; meaningful only when
// the goroutine is locked to its thread.
func threadCPU() cputime.Times { return cputime.Of(unix.RUSAGE_THREAD) }

// osThreads reads the number of OS threads of this process (0 if it
// cannot); see threadCounter for the cheaper repeated form.
func osThreads() int {
	c := openThreadCounter()
	defer c.close()
	return c.count()
}

// gettid is the calling OS thread's id (WorkerStats.TID).
func gettid() int { return unix.Gettid() }

// threadIDsKnown says that gettid is the thread's id.
const threadIDsKnown = true
