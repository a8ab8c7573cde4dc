package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// procInfo is one process as /proc showed it. PID and Start (its start
// time in clock ticks since boot) together name it even after the PID is
// reused.
type procInfo struct {
	PID, PPID int
	Start     uint64
	Cmdline   string
	Exe       string
}

func (p procInfo) String() string { return fmt.Sprintf("pid %d: %s", p.PID, p.Cmdline) }

// readProc reads /proc/PID; ok is false for a process that is gone or a
// zombie (already dead; its parent reaps it).
func readProc(pid int) (p procInfo, ok bool) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return p, false
	}
	// The command name, in parentheses, may hold spaces: fields start after it.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return p, false
	}
	p.PID = pid
	p.PPID, _ = strconv.Atoi(f[1])
	p.Start, _ = strconv.ParseUint(f[19], 10, 64) // field 22 of proc(5)
	b, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
	p.Cmdline = strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
	p.Exe, _ = os.Readlink(filepath.Join(dir, "exe"))
	return p, true
}

// command is the spinlab subcommand p runs (kernel, eval, worker), or ""
// when p is not the spinlab binary.
func (p procInfo) command(binary string) string {
	if f := strings.Fields(p.Cmdline); p.Exe == binary && len(f) > 1 {
		return f[1]
	}
	return ""
}

// alive reports whether the process p names still runs.
func (p procInfo) alive() bool {
	q, ok := readProc(p.PID)
	return ok && q.Start == p.Start
}

func allProcs() []procInfo {
	var ps []procInfo
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			if p, ok := readProc(pid); ok {
				ps = append(ps, p)
			}
		}
	}
	return ps
}

// processTree returns the processes whose command line contains mark and
// all their descendants.
func processTree(mark string) []procInfo {
	ps := allProcs()
	in := map[int]bool{}
	for _, p := range ps {
		if strings.Contains(p.Cmdline, mark) && p.PID != os.Getpid() {
			in[p.PID] = true
		}
	}
	// Parents come before children in no particular order: iterate to a fixpoint.
	for changed := true; changed; {
		changed = false
		for _, p := range ps {
			if !in[p.PID] && in[p.PPID] {
				in[p.PID], changed = true, true
			}
		}
	}
	var tree []procInfo
	for _, p := range ps {
		if in[p.PID] {
			tree = append(tree, p)
		}
	}
	return tree
}

// kernelTree is a Jupyter kernel's processes: the one started with the
// server's connection file kernel-ID.json, and its descendants.
func kernelTree(kernelID string) []procInfo {
	return processTree("kernel-" + kernelID + ".json")
}

// spinlabKernelTree waits up to d for a spinlab kernel's processes: the
// `spinlab kernel` process and its `spinlab eval` evaluator.
func spinlabKernelTree(kernelID, binary string, d time.Duration) ([]procInfo, error) {
	deadline := time.Now().Add(d)
	for {
		tree := kernelTree(kernelID)
		var kernel, eval bool
		for _, p := range tree {
			kernel = kernel || p.command(binary) == "kernel"
			eval = eval || p.command(binary) == "eval"
		}
		if kernel && eval {
			return tree, nil
		}
		if time.Now().After(deadline) {
			return tree, fmt.Errorf("kernel %s: want a `spinlab kernel` process and its `spinlab eval` child within %v, found %v", kernelID, d, tree)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitGone waits up to d for every process of ps to end and returns those
// still running then.
func waitGone(ps []procInfo, d time.Duration) []procInfo {
	deadline := time.Now().Add(d)
	for {
		var left []procInfo
		for _, p := range ps {
			if p.alive() {
				left = append(left, p)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}
