//go:build !linux

package runtimes

import "github.com/spinlab/spinlab/internal/cputime"

// Outside Linux a thread's own CPU time has no getrusage (RUSAGE_THREAD
// is Linux's; macOS has it only through Mach's thread_info, out of reach
// without cgo) and a thread has no id that /proc lists. Thread mode still
// runs one locked OS thread per worker and measures wall times, spawn
// latency and the process's CPU total; per-worker CPU is marked absent
// (Run.CPUPerWorker false) and so is the thread id (WorkerStats.TID 0).

// threadCPUKnown is false: threadCPU does not measure here.
const threadCPUKnown = false

// threadCPU is zero, which Run.CPUPerWorker false marks as no figure.
func threadCPU() cputime.Times { return cputime.Times{} }

// gettid is 0, no thread id.
func gettid() int { return 0 }

// threadIDsKnown is false: gettid is no id, and whether a worker got a
// new thread (WorkerStats.NewThread) is not known either.
const threadIDsKnown = false

// osThreads is the Go runtime's count of its OS threads (goThreads; 0
// if it has none): there is no /proc/self/stat to read the OS's count
// from, and a program without cgo has no thread the runtime did not
// start but the few macOS's libc may start for itself.
func osThreads() int { return max(goThreads(), 0) }
