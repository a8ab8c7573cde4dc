//go:build !linux

package child

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Outside Linux there is no parent-death signal and no subreaper: a child
// still gets its own process group, and on macOS the child itself
// watches for its parent's exit (parent_darwin.go).

func sysProcAttr(sig syscall.Signal) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// waitExited cannot wait without reaping here: the group is killed after
// the reap instead.
func waitExited(pid int) bool { return false }

func growPipe(*os.File, int) {}

func dupCloexecTo(oldfd, newfd int) error {
	if err := unix.Dup2(oldfd, newfd); err != nil {
		return err
	}
	unix.CloseOnExec(newfd)
	return nil
}

// BecomeSubreaper is Linux only; elsewhere it returns an error saying so.
func BecomeSubreaper() error {
	return errors.New("child subreapers are a Linux feature: orphans of the session go to init (launchd on macOS)")
}
