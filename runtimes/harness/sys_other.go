//go:build !linux

package main

// The harness outside Linux (see sys_linux.go), as runtimes does it
// (runtimes/measure_other.go, memory_other.go): no per-thread CPU time and
// no thread ids, marked absent rather than zero; peak RSS from
// getrusage; no PSS.

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// init is internal/child's watchParent (parent_darwin.go) by hand: no
// parent-death signal outside Linux, so the parent passes the signal it
// wants in SPINLAB_DEATH_SIGNAL, and the program sends it to itself when
// its parent exits, which a kqueue filter on the parent's pid reports.
// The variable is removed either way: it is not for what the snippet
// starts.
func init() {
	s, ok := os.LookupEnv("SPINLAB_DEATH_SIGNAL")
	if !ok {
		return
	}
	os.Unsetenv("SPINLAB_DEATH_SIGNAL")
	sig, err := strconv.Atoi(s)
	if err != nil || sig <= 0 || os.Getenv("SPINLAB_CHANNEL") != "3,4" {
		return
	}
	die := func() { syscall.Kill(os.Getpid(), syscall.Signal(sig)) }
	ppid := os.Getppid()
	if ppid == 1 {
		die()
		return
	}
	kq, err := syscall.Kqueue()
	if err != nil {
		return
	}
	syscall.CloseOnExec(kq)
	var ev syscall.Kevent_t
	syscall.SetKevent(&ev, ppid, syscall.EVFILT_PROC, syscall.EV_ADD|syscall.EV_ONESHOT)
	ev.Fflags = syscall.NOTE_EXIT
	if _, err := syscall.Kevent(kq, []syscall.Kevent_t{ev}, nil, nil); err != nil || os.Getppid() != ppid {
		syscall.Close(kq)
		if err == nil || errors.Is(err, syscall.ESRCH) {
			die()
		}
		return
	}
	go func() {
		defer syscall.Close(kq)
		events := make([]syscall.Kevent_t, 1)
		for {
			got, err := syscall.Kevent(kq, nil, events, nil)
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			if err == nil && got > 0 {
				die()
			}
			return
		}
	}()
}

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
