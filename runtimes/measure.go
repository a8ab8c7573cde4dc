package runtimes

import (
	"bytes"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
	_ "unsafe" // for go:linkname

	"golang.org/x/sys/unix"
)

// monotonic returns CLOCK_MONOTONIC in nanoseconds. Unlike time.Now's
// monotonic reading (relative to this process's start) it is the same
// clock in every process on the machine, so a parent and its children can
// compare timestamps (spawn latency). The runtime reads it through the
// vDSO in about 20ns; unix.ClockGettime makes a real system call.
func monotonic() int64 { return nanotime() }

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// cpuTick is the granularity of the user/system split of CPU time. The
// kernel measures a task's total CPU time precisely but splits it into
// user and system by which one each clock tick caught it in; reports in
// /proc are in USER_HZ units, which Linux fixes at 100 on every
// architecture (sysconf(_SC_CLK_TCK)), and CONFIG_HZ is at most 1000, so
// a split of a run shorter than a few ticks is noise.
const cpuTick = 10 * time.Millisecond

// cpuNoisy reports whether a run of this wall time has a user/system split
// below the noise floor (5 ticks).
func cpuNoisy(wall time.Duration) bool { return wall < 5*cpuTick }

// heapAllocs reads the cumulative bytes allocated on the heap, without
// stopping the world as runtime.ReadMemStats would.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// stackBytes is the runtime's stack memory: goroutine stacks (and, on
// Linux without cgo, threads' system stacks) from the heap, and stacks
// the OS allocated.
func stackBytes() uint64 {
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

// startingStack is the stack a new goroutine starts with.
func startingStack() uint64 {
	s := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 2048
	}
	return s[0].Value.Uint64()
}

// threadCounter reads the thread count of this process from
// /proc/self/stat (field 20, num_threads), keeping the file open and
// rereading it with pread: about a tenth of the cost of reading
// /proc/self/status afresh, which matters because a run samples it often.
type threadCounter struct {
	fd  int
	buf [1024]byte
}

func openThreadCounter() *threadCounter {
	fd, err := unix.Open("/proc/self/stat", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		fd = -1
	}
	return &threadCounter{fd: fd}
}

func (c *threadCounter) close() {
	if c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
}

func (c *threadCounter) count() int {
	if c.fd < 0 {
		return 0
	}
	n, err := unix.Pread(c.fd, c.buf[:], 0)
	if err != nil || n <= 0 {
		return 0
	}
	b := c.buf[:n]
	// The command name (field 2) is in parentheses and may contain
	// spaces; count fields from the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	fields := bytes.Fields(b[i+1:]) // field 3 (state) onwards
	const numThreads = 20 - 3
	if len(fields) <= numThreads {
		return 0
	}
	v, _ := strconv.Atoi(string(fields[numThreads]))
	return v
}

// goThreads reads the number of live OS threads owned by the Go runtime
// (runtime/metrics /sched/threads/total:threads), or -1 if this Go does
// not have that metric. For a process without cgo that is every thread,
// the same number as /proc/self/status's Threads: line, at about 1/50 of
// the cost (0.2µs against 10µs), which matters because a run samples it
// every millisecond and goroutine mode's overhead is measured in µs. The
// runtime does not count a main thread it has parked for good (see
// threadSampler.finish).
func goThreads() int {
	s := []metrics.Sample{{Name: "/sched/threads/total:threads"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return -1
	}
	return int(s[0].Value.Uint64())
}

// threadSampler tracks the peak OS thread count of this process while a
// run is going on: a timer samples every millisecond, and workers may add
// samples of their own at moments the timer would miss (a locked thread
// just before it exits). It reads the Go runtime's count, falling back to
// /proc/self/stat when that is missing. A timer rather than a goroutine
// with a ticker: most goroutine-mode runs end within the first
// millisecond, and starting and stopping a goroutine was a fifth of what
// measuring them cost.
type threadSampler struct {
	mu      sync.Mutex
	counter *threadCounter
	peak    int
	// stack0 and stackPeak are the runtime's stack memory at the start
	// and its largest sample since (see Run.Stacks).
	stack0, stackPeak uint64
	timer             *time.Timer
	stopped           bool
}

// sampleInterval is how often a run's thread count is sampled.
const sampleInterval = time.Millisecond

func startThreadSampler() *threadSampler {
	s := &threadSampler{}
	if goThreads() < 0 {
		s.counter = openThreadCounter()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stack0 = stackBytes()
	s.sampleLocked()
	s.timer = time.AfterFunc(sampleInterval, s.tick) // tick waits for s.mu
	return s
}

// tick samples and schedules the next sample, until finish.
func (s *threadSampler) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	s.sampleLocked()
	s.timer.Reset(sampleInterval)
}

func (s *threadSampler) sample() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sampleLocked()
}

func (s *threadSampler) sampleLocked() {
	var n int
	if s.counter != nil {
		n = s.counter.count()
	} else {
		n = goThreads()
	}
	s.peak = max(s.peak, n)
	s.stackPeak = max(s.stackPeak, stackBytes())
}

// stacks returns the growth of the runtime's stack memory during the
// run, at least minimum (call after finish).
func (s *threadSampler) stacks(minimum uint64) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stackPeak < s.stack0 {
		return minimum
	}
	return max(s.stackPeak-s.stack0, minimum)
}

// finish stops sampling and returns the peak. With the runtime's count it
// adds the OS threads the runtime does not count, read once from /proc
// (after the run's clock stopped): the main thread, when a locked
// goroutine that ran on it has exited (the runtime parks the main thread
// forever instead of ending it), and threads the runtime has not counted
// yet or any more. Without it goroutine mode undercounted by 1–2.
func (s *threadSampler) finish() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true // a tick that runs after this returns at once
	s.timer.Stop()
	s.sampleLocked()
	if s.counter != nil {
		s.counter.close()
		return s.peak
	}
	c := openThreadCounter()
	defer c.close()
	if os, g := c.count(), goThreads(); os > g {
		s.peak = max(s.peak+os-g, os)
	}
	return s.peak
}

// Machine describes where a run was measured.
type Machine struct {
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
}

// ThisMachine describes the machine and runtime this process runs on.
func ThisMachine() Machine {
	return Machine{
		NumCPU:     runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
	}
}

// String is the one-line machine description shown under tables.
func (m Machine) String() string {
	return "NumCPU " + strconv.Itoa(m.NumCPU) + " · GOMAXPROCS " + strconv.Itoa(m.GOMAXPROCS) +
		" · " + m.GoVersion + " · " + m.OS + "/" + m.Arch
}
