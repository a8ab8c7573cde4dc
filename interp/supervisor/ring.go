package supervisor

import (
	"io"
	"os"
)

// The stdout ring. On Linux the session's stdout (what fmt.Print*, print
// and println write) does not go to fd 1 with a write(2) per call: the
// evaluator copies it into a ring in memory that it shares with the
// supervisor (a memfd both map), and wakes the supervisor only when the
// supervisor sleeps. Everything else that reaches fd 1 (os.Stdout.Write,
// a child process, syscall.Write) still goes to the pipe there; the
// evaluator moves what waits in that pipe into the ring before each of
// the session's writes, before each sync marker (which go into the ring
// too) and, with a goroutine waiting on the pipe, 3 ms after text
// arrives in it between the session's writes (pipeSettle: a process that
// writes and then kills the evaluator leaves its text in the pipe).
//
// Ordering rule: text reaches the notebook in the order of the writes
// that put it in the ring, and a write to fd 1 is in the ring before any
// of the session's writes that begins after it has returned. So all
// stdout text keeps the order in which it was written, whatever wrote
// it; writes that overlap in time (two goroutines, a child running while
// the cell prints) are not ordered among themselves, as with any pipe.
//
// When the evaluator ends, however it ends, the supervisor reads what is
// left in the ring, then what is left in the pipe (text written to fd 1
// that the evaluator had not moved yet, and whatever its surviving
// children write until they end). A write that had returned before the
// evaluator died is in one of the two. The ring has a fixed size: when
// it is full, the session's writes (and the moving of pipe text) wait
// for the supervisor, as writes to a full pipe do.
//
// The cost that this saves is the system call per write: a session
// printing 10,000 lines made 10,000 write(2) calls on the pipe, and woke
// the supervisor's reader for many of them. A write into the ring is a
// copy and a non-blocking read of the (normally empty) pipe.
//
// Stderr stays a pipe: the supervisor watches it for the runtime's crash
// reports while the evaluator is still writing them.
type stdoutRing struct {
	out     io.Reader  // the supervisor's reader of the evaluator's stdout
	stdout  *os.File   // the evaluator's fd 1
	extra   []*os.File // the evaluator's fds 5 and up: the memfd, its end of the bell, its own read end of fd 1
	env     string     // the environment variable that tells the evaluator about them
	abandon func()     // releases the ring if the evaluator did not start
}

// outRing is the evaluator's end of the stdout ring.
type outRing interface {
	io.Writer
	// writeMarker writes a sync marker and makes sure that the
	// supervisor looks at the ring soon.
	writeMarker(m []byte) error
}

// envStdoutRing tells the evaluator the descriptors of its stdout ring
// and its size: "memfd,bell,pipe,size".
const envStdoutRing = "SPINLAB_STDOUT_RING"

// started closes the supervisor's copies of the evaluator's ends, once
// the evaluator has them (or failed to start).
func (s *stdoutRing) started() {
	s.stdout.Close()
	for _, f := range s.extra {
		f.Close()
	}
}
