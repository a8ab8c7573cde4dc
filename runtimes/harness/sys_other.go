//go:build !linux

package main

// The harness outside Linux (see sys_linux.go), as runtimes does it
// (runtimes/measure_other.go, memory_other.go): no per-thread CPU time and
// no thread ids, marked absent rather than zero; peak RSS from
// getrusage; no PSS.

import (
	"runtime"
	"syscall"
)

// spinlabThreadCPUKnown is false: no RUSAGE_THREAD here.
const spinlabThreadCPUKnown = false

// spinlabThreadCPU is zero, which CPUPerWorker false marks as no figure.
func spinlabThreadCPU() spinlabCPU { return spinlabCPU{} }

// spinlabGettid is 0, no thread id.
func spinlabGettid() int { return 0 }

// spinlabDupCloexecTo makes newfd a close-on-exec copy of oldfd. Two
// calls, not one: nothing forks between them, the program starts no
// child before its channel is open.
func spinlabDupCloexecTo(oldfd, newfd int) error {
	if err := syscall.Dup2(oldfd, newfd); err != nil {
		return err
	}
	syscall.CloseOnExec(newfd)
	return nil
}

// spinlabPeakRSS is getrusage's ru_maxrss in bytes (bytes on macOS, KiB
// on the BSDs), or 0.
func spinlabPeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss
	}
	return ru.Maxrss * 1024
}

// spinlabSmapsRollup is zeros: PSS and private memory come from Linux's
// /proc/self/smaps_rollup, and zero means unknown to the parent.
func spinlabSmapsRollup() (pss, private int64) { return 0, 0 }
