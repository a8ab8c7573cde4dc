// Package cputime reads the CPU time the kernel charges to this process,
// its reaped children or one of its threads (getrusage). It is the one
// place spinlab asks for it: package runtimes measures its runs with it
// and the %time magic times a statement with it, so that both report the
// same clock with the same meaning.
package cputime

import (
	"time"

	"golang.org/x/sys/unix"
)

// Times is user and system CPU time.
type Times struct {
	User, System time.Duration
}

// Sub returns t - u, the CPU time spent between two readings.
func (t Times) Sub(u Times) Times { return Times{t.User - u.User, t.System - u.System} }

// Total is user plus system time.
func (t Times) Total() time.Duration { return t.User + t.System }

// Of returns the CPU time getrusage reports for who (unix.RUSAGE_SELF,
// unix.RUSAGE_CHILDREN, or on Linux unix.RUSAGE_THREAD), zero if it
// cannot read it.
func Of(who int) Times {
	var ru unix.Rusage
	if err := unix.Getrusage(who, &ru); err != nil {
		return Times{}
	}
	return Times{time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())}
}

// Process is the CPU time of this whole process so far: every thread,
// the Go runtime's own work (garbage collection) included.
func Process() Times { return Of(unix.RUSAGE_SELF) }
