package child

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// proc is one entry of the process table (readProcs).
type proc struct {
	pid, ppid int
	zombie    bool
}

// Descendants returns the pids of every live (not zombie) process below
// pid, at any depth, found by the parent links in the process table
// (/proc on Linux, sysctl kern.proc on macOS); parents come before their
// children.
func Descendants(pid int) []int {
	var out []int
	for _, p := range descendants(pid, readProcs()) {
		if !p.zombie {
			out = append(out, p.pid)
		}
	}
	return out
}

func descendants(root int, procs []proc) []proc {
	kids := map[int][]proc{}
	for _, p := range procs {
		kids[p.ppid] = append(kids[p.ppid], p)
	}
	var out []proc
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, k := range kids[pid] {
			out = append(out, k)
			queue = append(queue, k.pid)
		}
	}
	return out
}

// KillDescendants sends SIGKILL to every process below pid, in rounds
// until a walk of /proc finds none alive (a process may fork between the
// walk and the kill; the orphans of a killed process are reparented to
// the nearest subreaper, which is pid itself when it is this process and
// BecomeSubreaper was called, so the next round finds them), for at most
// a few seconds. When pid is this process it also reaps the zombies among
// its own children that Start did not start (orphans it adopted as a
// subreaper, and the children user code started in this process: a
// pending exec.Cmd.Wait for one of those returns an error). It returns
// how many processes it signalled.
func KillDescendants(pid int) int {
	killed := 0
	deadline := time.Now().Add(5 * time.Second)
	pause := time.Millisecond
	for {
		live := 0
		for _, p := range descendants(pid, readProcs()) {
			if p.zombie {
				continue
			}
			live++
			if unix.Kill(p.pid, unix.SIGKILL) == nil {
				killed++
			}
		}
		if pid == os.Getpid() {
			reapAdopted()
		}
		if live == 0 || time.Now().After(deadline) {
			return killed
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// reapAdopted reaps this process's zombie children that Start did not
// start (Start's own are reaped by their Process).
func reapAdopted() {
	self := os.Getpid()
	started.mu.Lock()
	defer started.mu.Unlock()
	for _, p := range readProcs() {
		if p.ppid != self || !p.zombie {
			continue
		}
		if _, ours := started.pids[p.pid]; ours {
			continue
		}
		var ws unix.WaitStatus
		_, _ = unix.Wait4(p.pid, &ws, unix.WNOHANG, nil)
	}
}
