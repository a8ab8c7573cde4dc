package runtimes

import (
	"bytes"
	"os"
	"strconv"
)

// childThreadsSampled says that readChildStatus reads the children's
// thread counts, so that Run.ChildThreads is a measurement.
const childThreadsSampled = true

// readChildStatus reads Threads and VmHWM (bytes) of pid from
// /proc/<pid>/status; zeros for what it cannot read (a zombie has no
// VmHWM, a reaped process no file).
func readChildStatus(pid int) (threads int, hwm uint64) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		if v, ok := bytes.CutPrefix(line, []byte("Threads:")); ok {
			threads, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		} else if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			f := bytes.Fields(v)
			if len(f) > 0 {
				kib, _ := strconv.ParseUint(string(f[0]), 10, 64)
				hwm = kib * 1024
			}
		}
	}
	return threads, hwm
}
