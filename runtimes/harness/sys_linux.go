package main

// What the harness measures or does with Linux's own calls and files;
// sys_other.go is the rest of the world's counterpart. runtimes embeds
// both, and the go command picks one by their names (harness_sys_linux.go
// in the compiled program's module).

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

const spinlabRusageThread = 1 // RUSAGE_THREAD on Linux

// spinlabThreadCPUKnown says spinlabThreadCPU measures the calling thread
// (runtimes' threadCPUKnown).
const spinlabThreadCPUKnown = true

// spinlabThreadCPU is the calling OS thread's CPU time.
func spinlabThreadCPU() spinlabCPU { return spinlabRusage(spinlabRusageThread) }

// spinlabGettid is the calling OS thread's id.
func spinlabGettid() int { return syscall.Gettid() }

// spinlabDupCloexecTo makes newfd a close-on-exec copy of oldfd.
func spinlabDupCloexecTo(oldfd, newfd int) error {
	return syscall.Dup3(oldfd, newfd, syscall.O_CLOEXEC)
}

// spinlabPeakRSS is VmHWM from /proc/self/status in bytes, or 0.
func spinlabPeakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				return 0
			}
			kib, _ := strconv.ParseInt(fields[0], 10, 64)
			return kib * 1024
		}
	}
	return 0
}

// spinlabSmapsRollup is Pss and Private_Clean+Private_Dirty from
// /proc/self/smaps_rollup in bytes (runtimes' smapsRollup), or zeros.
func spinlabSmapsRollup() (pss, private int64) {
	data, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kib, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "Pss:":
			pss = kib * 1024
		case "Private_Clean:", "Private_Dirty:":
			private += kib * 1024
		}
	}
	return pss, private
}
