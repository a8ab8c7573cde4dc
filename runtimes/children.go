package runtimes

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// The registry of live children is the other piece of package state: it
// must be global because KillAll (for %reset and shutdown) has to reach
// every child that any run in this process started.
var children = struct {
	mu       sync.Mutex
	reserved int              // slots taken by runs, for MaxChildren
	live     map[int]struct{} // pids (= process group ids) not yet reaped
	reaped   *sync.Cond
}{live: map[int]struct{}{}}

func init() { children.reaped = sync.NewCond(&children.mu) }

// reserveChildren takes n slots under the cap max, or says why not.
func reserveChildren(n, max int) error {
	children.mu.Lock()
	defer children.mu.Unlock()
	if children.reserved+n > max {
		return fmt.Errorf("process mode: %d more children would exceed the limit of %d concurrent children (%d running); use fewer workers or raise ProcessOptions.MaxChildren",
			n, max, children.reserved)
	}
	children.reserved += n
	return nil
}

func releaseChildren(n int) {
	children.mu.Lock()
	children.reserved -= n
	children.mu.Unlock()
}

func addLive(pid int) {
	children.mu.Lock()
	children.live[pid] = struct{}{}
	children.mu.Unlock()
}

func removeLive(pid int) {
	children.mu.Lock()
	delete(children.live, pid)
	children.reaped.Broadcast()
	children.mu.Unlock()
}

// killGroup sends SIGKILL to the child's whole process group.
func killGroup(pid int) {
	_ = unix.Kill(-pid, unix.SIGKILL)
}

// KillAll kills every child process that process mode started and that
// is still alive, with its process group, waits (up to a few seconds)
// until their runs have reaped them, and returns how many it killed. The
// session calls it on %reset and shutdown; runs that lose children this
// way report those workers as killed.
func KillAll() int {
	children.mu.Lock()
	n := len(children.live)
	for pid := range children.live {
		killGroup(pid)
	}
	deadline := time.Now().Add(5 * time.Second)
	stop := time.AfterFunc(5*time.Second, func() {
		children.mu.Lock()
		children.reaped.Broadcast()
		children.mu.Unlock()
	})
	defer stop.Stop()
	for len(children.live) > 0 && time.Now().Before(deadline) {
		children.reaped.Wait()
	}
	children.mu.Unlock()
	return n
}

// LiveChildren returns the pids of process-mode children not yet reaped.
func LiveChildren() []int {
	children.mu.Lock()
	defer children.mu.Unlock()
	out := make([]int, 0, len(children.live))
	for pid := range children.live {
		out = append(out, pid)
	}
	return out
}
