//go:build !linux

package runtimes

// childThreadsSampled is false: a child's thread count and peak RSS come
// from Linux's /proc/<pid>/status. Run.ChildThreads stays 0 and is shown
// as unknown; a child's peak RSS is the ru_maxrss it reports itself
// (memory_other.go), unknown when it dies before it can.
const childThreadsSampled = false

// readChildStatus reads nothing here: zeros, which childSampler keeps as
// "never read".
func readChildStatus(pid int) (threads int, hwm uint64) { return 0, 0 }
