package main

// Measurements with the same meaning as runtimes' in-process ones
// (runtimes/measure.go) and its process workers' (runtimes/worker.go),
// written again in the standard library only: a compiled program is built
// in a module of its own and cannot import spinlab's packages. A change to
// what a figure counts must go into both: no test compares them yet.

import (
	"bytes"
	"runtime/metrics"
	"strconv"
	"sync"
	"syscall"
	"time"
	_ "unsafe" // for go:linkname
)

// spinlabNanotime is CLOCK_MONOTONIC, the clock the parent reads too, so
// that spawn latency can cross the process boundary.
//
//go:linkname spinlabNanotime runtime.nanotime
func spinlabNanotime() int64

type spinlabCPU struct{ user, sys time.Duration }

func spinlabRusage(who int) spinlabCPU {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return spinlabCPU{}
	}
	return spinlabCPU{time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())}
}

func (c spinlabCPU) sub(d spinlabCPU) spinlabCPU { return spinlabCPU{c.user - d.user, c.sys - d.sys} }

func spinlabHeapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// spinlabGoThreads is the Go runtime's count of its OS threads, or -1.
func spinlabGoThreads() int {
	s := []metrics.Sample{{Name: "/sched/threads/total:threads"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return -1
	}
	return int(s[0].Value.Uint64())
}

// spinlabProcThreads reads num_threads from /proc/self/stat (0 if it
// cannot), with open, read and close as runtimes' threadCounter does:
// os.ReadFile added an fcntl and an fstat, which made this read, done
// once after every run, most of what the harness spent around a
// goroutine-mode run of a few µs.
func spinlabProcThreads() int {
	fd, err := syscall.Open("/proc/self/stat", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0
	}
	var buf [1024]byte
	n, err := syscall.Read(fd, buf[:])
	syscall.Close(fd)
	if err != nil || n <= 0 {
		return 0
	}
	b := buf[:n]
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	fields := bytes.Fields(b[i+1:])
	const numThreads = 20 - 3
	if len(fields) <= numThreads {
		return 0
	}
	v, _ := strconv.Atoi(string(fields[numThreads]))
	return v
}

func spinlabThreads() int {
	if n := spinlabGoThreads(); n >= 0 {
		return n
	}
	return spinlabProcThreads()
}

// spinlabSampler tracks the peak OS thread count during a run, every
// millisecond and whenever a worker adds a sample, as runtimes'
// threadSampler does.
type spinlabSampler struct {
	mu      sync.Mutex
	peak    int
	timer   *time.Timer
	stopped bool
}

func spinlabStartSampler() *spinlabSampler {
	s := &spinlabSampler{}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peak = spinlabThreads()
	s.timer = time.AfterFunc(time.Millisecond, s.tick)
	return s
}

func (s *spinlabSampler) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	s.peak = max(s.peak, spinlabThreads())
	s.timer.Reset(time.Millisecond)
}

func (s *spinlabSampler) sample() {
	s.mu.Lock()
	s.peak = max(s.peak, spinlabThreads())
	s.mu.Unlock()
}

// finish returns the peak; after locked threads it adds the main thread
// the runtime parks without counting it (see runtimes' threadSampler).
func (s *spinlabSampler) finish(lockedThreads bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	s.timer.Stop()
	s.peak = max(s.peak, spinlabThreads())
	if lockedThreads {
		if os, g := spinlabProcThreads(), spinlabGoThreads(); g >= 0 && os > g {
			s.peak = max(s.peak+os-g, os)
		}
	}
	return s.peak
}

// spinlabStackBytes is the runtime's stack memory (runtimes' stackBytes).
func spinlabStackBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}, {Name: "/memory/classes/os-stacks:bytes"}}
	metrics.Read(s)
	var n uint64
	for _, v := range s {
		if v.Value.Kind() == metrics.KindUint64 {
			n += v.Value.Uint64()
		}
	}
	return n
}

// spinlabStartingStack is the stack a new goroutine starts with.
func spinlabStartingStack() uint64 {
	s := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 2048
	}
	return s[0].Value.Uint64()
}
