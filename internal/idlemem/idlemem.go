// Package idlemem gives the memory a burst of work left behind back to the
// operating system once a process has gone idle.
//
// Go's collector runs when the heap grows to its goal, and its scavenger
// returns free pages slowly; a kernel process that served a 10,000-line
// cell or a plot and then waits for the user holds that garbage, and the
// pages it was in, for as long as nothing else allocates. A Releaser runs
// one debug.FreeOSMemory (a full collection, then every free page back to
// the OS) when the process has been idle for a delay after work that
// allocated enough to be worth it. Work that starts again within the
// delay cancels it, so cells sent back to back never pay for it.
package idlemem

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Releaser tracks whether its process is busy and releases memory after
// it has been idle for a delay. Its methods are safe for concurrent use;
// on a nil Releaser they do nothing.
type Releaser struct {
	delay     time.Duration
	threshold uint64

	mu       sync.Mutex
	busy     int         // Busy calls not yet matched by Idle
	timer    *time.Timer // pending release, nil if none
	gen      uint64      // which scheduled release is the pending one
	released uint64      // heap bytes allocated as of the last release
	runs     int         // releases run, for tests
}

// New returns a Releaser that, once the process has been idle for delay,
// releases memory if at least threshold bytes were allocated on the heap
// since the last release (or since the process started).
func New(delay time.Duration, threshold uint64) *Releaser {
	return &Releaser{delay: delay, threshold: threshold}
}

// Busy says that work started: a pending release is cancelled.
func (r *Releaser) Busy() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.busy++
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
		r.gen++
	}
	r.mu.Unlock()
}

// Idle says that work started by Busy (or the process's start-up, without
// a Busy) ended: when no other work is running, a release is scheduled
// after the delay.
func (r *Releaser) Idle() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy > 0 {
		r.busy--
	}
	if r.busy > 0 || r.timer != nil {
		return
	}
	r.gen++
	gen := r.gen
	r.timer = time.AfterFunc(r.delay, func() { r.fire(gen) })
}

// fire releases memory if gen is still the pending release (a Busy
// since may have stopped its timer too late).
func (r *Releaser) fire(gen uint64) {
	r.mu.Lock()
	if r.timer == nil || r.gen != gen {
		r.mu.Unlock()
		return
	}
	r.timer = nil
	allocs := heapAllocs()
	if allocs-r.released < r.threshold {
		r.mu.Unlock()
		return
	}
	r.released = allocs
	r.mu.Unlock()
	// Outside the lock: Busy must not wait for a collection.
	debug.FreeOSMemory()
	r.mu.Lock()
	r.runs++
	r.mu.Unlock()
}

// Runs returns how many releases have completed.
func (r *Releaser) Runs() int {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.runs
}

// heapAllocs is the cumulative count of bytes allocated on the heap.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
