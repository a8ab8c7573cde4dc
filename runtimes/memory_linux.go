package runtimes

import (
	"os"
	"strconv"
	"strings"
)

// peakRSS returns this process's peak resident memory in bytes, from the
// VmHWM line of /proc/self/status, or 0 if it cannot be read.
func peakRSS() int64 {
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
			kib, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				return 0
			}
			return kib * 1024
		}
	}
	return 0
}

// smapsRollup returns this process's Pss and Private_Clean+Private_Dirty
// in bytes from /proc/self/smaps_rollup (Linux 4.14), zeros if it cannot
// be read.
func smapsRollup() (pss, private int64) {
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
