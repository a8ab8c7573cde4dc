package child

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

const (
	// EnvChannel is set to "3,4" in a child's environment by Start: the
	// channel is on fds 3 (from the parent) and 4 (to the parent).
	EnvChannel = "SPINLAB_CHANNEL"
	// EnvMemoryLimit, when set, is the address-space limit in bytes that
	// the child applies to itself (setrlimit RLIMIT_AS) in Open.
	EnvMemoryLimit = "SPINLAB_MEMORY_LIMIT"

	channelValue = "3,4"
	inFD, outFD  = 3, 4
)

// ErrNoChannel is Open's error in a process that was not started by
// Start: it has no channel to its parent.
var ErrNoChannel = errors.New("no channel to a parent on file descriptors 3 and 4 (this command is started by spinlab itself, not by hand)")

// Open returns the child's end of the channel that Start set up, reading
// frames of at most maxFrame bytes (zero means DefaultMaxFrame). It
// removes EnvChannel and EnvMemoryLimit from the environment (they are
// not for the processes the child starts), applies the memory limit,
// moves the channel to close-on-exec descriptors and leaves /dev/null,
// close-on-exec, on fds 3 and 4. Call it once, early in main, before
// anything else opens files.
func Open(maxFrame uint32) (*Conn, error) {
	if os.Getenv(EnvChannel) != channelValue {
		return nil, ErrNoChannel
	}
	os.Unsetenv(EnvChannel)
	for _, fd := range []int{inFD, outFD} {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return nil, fmt.Errorf("%w: fd %d: %v", ErrNoChannel, fd, err)
		}
	}
	if err := watchParent(); err != nil {
		return nil, err
	}
	if s, ok := os.LookupEnv(EnvMemoryLimit); ok {
		os.Unsetenv(EnvMemoryLimit)
		if err := limitMemory(s); err != nil {
			return nil, err
		}
	}
	in, err := moveCloexec(inFD, "spinlab-from-parent")
	if err != nil {
		return nil, err
	}
	out, err := moveCloexec(outFD, "spinlab-to-parent")
	if err != nil {
		in.Close()
		return nil, err
	}
	if maxFrame == 0 {
		maxFrame = DefaultMaxFrame
	}
	return newConn(in, out, maxFrame), nil
}

// moveCloexec moves fd to a new close-on-exec descriptor, puts /dev/null
// (close-on-exec) in its place and returns the moved file. The file goes
// through the runtime's poller, so that a read waiting for the parent
// does not hold an OS thread.
func moveCloexec(fd int, name string) (*os.File, error) {
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 10)
	if err != nil {
		return nil, fmt.Errorf("move the channel off fd %d: %w", fd, err)
	}
	null, err := unix.Open("/dev/null", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Close(nfd)
		return nil, fmt.Errorf("open /dev/null: %w", err)
	}
	// A placeholder rather than a free slot: the next file the process
	// opened would get fd 3, and a cell that closes "fd 3" would close it.
	err = dupCloexecTo(null, fd)
	unix.Close(null)
	if err != nil {
		unix.Close(nfd)
		return nil, fmt.Errorf("replace fd %d: %w", fd, err)
	}
	if err := unix.SetNonblock(nfd, true); err != nil {
		unix.Close(nfd)
		return nil, fmt.Errorf("channel fd %d: %w", nfd, err)
	}
	return os.NewFile(uintptr(nfd), name), nil
}

func limitMemory(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("bad %s=%q: %w", EnvMemoryLimit, s, err)
	}
	if err := unix.Setrlimit(unix.RLIMIT_AS, &unix.Rlimit{Cur: n, Max: n}); err != nil {
		return fmt.Errorf("setrlimit(RLIMIT_AS, %d): %w", n, err)
	}
	return nil
}
