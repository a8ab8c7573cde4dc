package child

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// macOS has no parent-death signal (Linux's Pdeathsig). Start passes the
// signal the Spec asks for in the child's environment instead, and Open,
// in the child, asks the kernel to tell it when its parent exits (a
// kqueue EVFILT_PROC, NOTE_EXIT filter on the parent's pid) and then
// sends the signal to itself from a goroutine that waits for that. The
// difference from Linux: the signal follows the parent's exit, not the
// exit of the parent's thread that forked the child (which Linux's
// Pdeathsig follows and the fork thread exists for), and the child gets
// it only once Open has run.

// envDeathSignal carries Spec.DeathSignal to the child (a signal number).
const envDeathSignal = "SPINLAB_DEATH_SIGNAL"

// deathSignalEnv adds the parent-death signal to the child's environment.
func deathSignalEnv(env []string, sig syscall.Signal) []string {
	return append(env, envDeathSignal+"="+strconv.Itoa(int(sig)))
}

// watchParent, in the child, removes envDeathSignal from the environment
// and, when it was set, sends this process that signal when its parent
// exits (at once if it already has).
func watchParent() error {
	s, ok := os.LookupEnv(envDeathSignal)
	if !ok {
		return nil
	}
	os.Unsetenv(envDeathSignal)
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return fmt.Errorf("bad %s=%q", envDeathSignal, s)
	}
	sig := syscall.Signal(n)
	die := func() { _ = unix.Kill(os.Getpid(), sig) }
	ppid := os.Getppid()
	if ppid == 1 { // reparented to launchd: the parent is gone already
		die()
		return nil
	}
	kq, err := unix.Kqueue()
	if err != nil {
		return fmt.Errorf("watch the parent: kqueue: %w", err)
	}
	unix.CloseOnExec(kq)
	var ev unix.Kevent_t
	unix.SetKevent(&ev, ppid, unix.EVFILT_PROC, unix.EV_ADD|unix.EV_ONESHOT)
	ev.Fflags = unix.NOTE_EXIT
	if _, err := unix.Kevent(kq, []unix.Kevent_t{ev}, nil, nil); err != nil {
		unix.Close(kq)
		if errors.Is(err, unix.ESRCH) { // exited between Getppid and here
			die()
			return nil
		}
		return fmt.Errorf("watch the parent (pid %d): kevent: %w", ppid, err)
	}
	if os.Getppid() != ppid { // exited and reparented before the filter was on
		unix.Close(kq)
		die()
		return nil
	}
	go func() {
		defer unix.Close(kq)
		events := make([]unix.Kevent_t, 1)
		for {
			n, err := unix.Kevent(kq, nil, events, nil)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				return
			}
			if n > 0 {
				die()
				return
			}
		}
	}()
	return nil
}

// memoryLimitSupported says why a Spec cannot have a MemoryLimit here.
func memoryLimitSupported() error {
	return errors.New("a memory limit (RLIMIT_AS) for child processes needs Linux: macOS does not enforce it; run without one")
}
