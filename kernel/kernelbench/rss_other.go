//go:build !linux

package kernelbench

import (
	"errors"

	"github.com/spinlab/spinlab/internal/child"
)

// errRSSNeedsLinux is RSS's error outside Linux: another process's
// resident memory is read from /proc, and macOS has it only through
// libproc, out of reach without cgo.
var errRSSNeedsLinux = errors.New("the kernel benchmark reads resident memory from /proc: it needs Linux")

// RSS returns errRSSNeedsLinux (see rss_linux.go).
func RSS(pid int) (int64, error) { return 0, errRSSNeedsLinux }

// Descendants returns the pids below pid, at any depth, from the
// process table (internal/child reads sysctl kern.proc on macOS).
func Descendants(pid int) []int { return child.Descendants(pid) }

// PSS returns errRSSNeedsLinux (see rss_linux.go).
func PSS(pid int) (int64, error) { return 0, errRSSNeedsLinux }

// DistinctResident returns errRSSNeedsLinux (see rss_linux.go).
func DistinctResident(pids []int) (bytes int64, ok bool, err error) {
	return 0, false, errRSSNeedsLinux
}
