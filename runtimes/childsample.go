package runtimes

import (
	"sync"
	"time"
)

// childSampler samples /proc/<pid>/status of each live child of a
// process-mode run: its thread count (the parent's own count leaves the
// children's threads out) and its peak RSS (VmHWM), which is the child's
// own figure when the child dies before it can report it. The kernel's
// ru_maxrss of a reaped child is no substitute: Go starts children with
// vfork semantics (CLONE_VM), so at exec the kernel records the parent's
// high-water mark as the child's.
type childSampler struct {
	mu      sync.Mutex
	kids    map[int]*childSample
	peakSum int // the largest total of live children's threads at one sample
	timer   *time.Timer
	stopped bool
}

type childSample struct {
	threads int    // at the last sample
	hwm     uint64 // VmHWM at the last sample that had one, in bytes
}

// childSampleInterval is how often children are sampled: each sample
// reads one /proc file per child (~10µs), so less often than the
// parent's own thread count.
const childSampleInterval = 2 * time.Millisecond

func startChildSampler() *childSampler {
	s := &childSampler{kids: map[int]*childSample{}}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timer = time.AfterFunc(childSampleInterval, s.tick) // tick waits for s.mu
	return s
}

func (s *childSampler) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	s.sampleLocked()
	s.timer.Reset(childSampleInterval)
}

func (s *childSampler) sampleLocked() {
	sum := 0
	for pid, k := range s.kids {
		threads, hwm := readChildStatus(pid)
		if threads > 0 {
			k.threads = threads
		}
		if hwm > 0 {
			k.hwm = hwm
		}
		sum += k.threads
	}
	s.peakSum = max(s.peakSum, sum)
}

// add starts sampling pid and samples it at once.
func (s *childSampler) add(pid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kids[pid] = &childSample{}
	s.sampleLocked()
}

// last samples pid one more time (it is about to be reaped) and returns
// its last peak RSS, 0 if none was ever read. The child stays in the sum
// of threads until remove.
func (s *childSampler) last(pid int) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sampleLocked()
	if k, ok := s.kids[pid]; ok {
		return k.hwm
	}
	return 0
}

// remove stops sampling pid (reaped).
func (s *childSampler) remove(pid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.kids, pid)
}

// finish stops sampling and returns the largest total of the children's
// threads seen at one moment.
func (s *childSampler) finish() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	s.timer.Stop()
	return s.peakSum
}
