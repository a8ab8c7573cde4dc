//go:build !linux

package runtimes

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// peakRSS returns this process's peak resident memory in bytes, from
// getrusage's ru_maxrss (bytes on macOS, KiB on the BSDs), or 0 if it
// cannot be read. Linux reads VmHWM instead (memory_linux.go).
func peakRSS() int64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss
	}
	return ru.Maxrss * 1024
}

// smapsRollup returns zeros: proportional and private resident memory
// come from Linux's /proc/self/smaps_rollup, and a zero PSS is shown as
// unknown, not as a measurement (WorkerStats.PSS).
func smapsRollup() (pss, private int64) { return 0, 0 }
