package runtimes_test

import (
	"os"

	"golang.org/x/sys/unix"
)

// growPipe sets a pipe's buffer to n bytes, as internal/child does for a
// large payload.
func growPipe(f *os.File, n int) {
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, n) })
	}
}
