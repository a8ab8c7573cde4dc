package runtimes

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// monotonic returns CLOCK_MONOTONIC in nanoseconds. Unlike time.Now's
// monotonic reading it is the same clock in every process on the machine,
// so a parent and its children can compare timestamps (spawn latency).
func monotonic() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return time.Now().UnixNano()
	}
	return ts.Nano()
}

// cpuTimes is user and system CPU time.
type cpuTimes struct{ user, sys time.Duration }

func (c cpuTimes) sub(d cpuTimes) cpuTimes { return cpuTimes{c.user - d.user, c.sys - d.sys} }

func rusageTimes(who int) cpuTimes {
	var ru unix.Rusage
	if err := unix.Getrusage(who, &ru); err != nil {
		return cpuTimes{}
	}
	return cpuTimes{time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())}
}

// threadCPU is the CPU time of the calling OS thread; meaningful only when
// the goroutine is locked to its thread.
func threadCPU() cpuTimes { return rusageTimes(unix.RUSAGE_THREAD) }

// processCPU is the CPU time of this whole process.
func processCPU() cpuTimes { return rusageTimes(unix.RUSAGE_SELF) }

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

// osThreads reads the number of OS threads of this process from
// /proc/self/status (0 if it cannot).
func osThreads() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	i := bytes.Index(b, []byte("\nThreads:"))
	if i < 0 {
		return 0
	}
	b = b[i+len("\nThreads:"):]
	if j := bytes.IndexByte(b, '\n'); j >= 0 {
		b = b[:j]
	}
	n, _ := strconv.Atoi(string(bytes.TrimSpace(b)))
	return n
}

// threadSampler tracks the peak OS thread count of this process while a
// run is going on: a goroutine samples every millisecond, and workers may
// add samples of their own at moments the ticker would miss (a locked
// thread just before it exits).
type threadSampler struct {
	mu   sync.Mutex
	peak int
	stop context.CancelFunc
	done chan struct{}
}

func startThreadSampler() *threadSampler {
	ctx, cancel := context.WithCancel(context.Background())
	s := &threadSampler{stop: cancel, done: make(chan struct{})}
	s.sample()
	go func() {
		defer close(s.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *threadSampler) sample() {
	n := osThreads()
	s.mu.Lock()
	if n > s.peak {
		s.peak = n
	}
	s.mu.Unlock()
}

// finish stops sampling and returns the peak.
func (s *threadSampler) finish() int {
	s.sample()
	s.stop()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
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
