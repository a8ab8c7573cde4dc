package child

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr puts the child in its own process group, with sig as its
// parent-death signal.
func sysProcAttr(sig syscall.Signal) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: sig}
}

// waitExited waits until pid has exited, without reaping it (while it is
// a zombie its pid, and so its group id, cannot be reused), and reports
// whether it could.
func waitExited(pid int) bool {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			return err == nil
		}
	}
}

// growPipe asks for a pipe buffer of n bytes on f (F_SETPIPE_SZ), best
// effort: past /proc/sys/fs/pipe-max-size or the user's pipe quota the
// pipe keeps its size.
func growPipe(f *os.File, n int) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		if cur, err := unix.FcntlInt(fd, unix.F_GETPIPE_SZ, 0); err == nil && cur < n {
			unix.FcntlInt(fd, unix.F_SETPIPE_SZ, n)
		}
	})
}

// deathSignalEnv returns env as it is: on Linux the kernel sends the
// parent-death signal (sysProcAttr), with nothing for the child to do.
func deathSignalEnv(env []string, sig syscall.Signal) []string { return env }

// watchParent has nothing to do on Linux (see deathSignalEnv).
func watchParent() error { return nil }

// memoryLimitSupported is nil: Linux enforces RLIMIT_AS.
func memoryLimitSupported() error { return nil }

// dupCloexecTo makes newfd a close-on-exec copy of oldfd.
func dupCloexecTo(oldfd, newfd int) error { return unix.Dup3(oldfd, newfd, unix.O_CLOEXEC) }

// BecomeSubreaper makes this process a child subreaper
// (PR_SET_CHILD_SUBREAPER): a descendant whose parent dies is reparented
// to this process rather than to init, so that Descendants still finds it,
// even after setsid. What escapes: a process that becomes an orphan after
// this process died (it goes to the next subreaper up, or init), such as
// a daemon that double-forks once its subreaper is gone.
func BecomeSubreaper() error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return errors.Join(errors.New("prctl(PR_SET_CHILD_SUBREAPER)"), err)
	}
	return nil
}
