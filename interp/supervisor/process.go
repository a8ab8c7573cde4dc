package supervisor

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/spinlab/spinlab/internal/child"
)

// process is one running `spinlab eval`: the child with the supervisor's
// ends of its channel, and the streams that read its stdout and stderr.
type process struct {
	*child.Process
	stdout *stream
	stderr *stream
	// dumpCut is set when the supervisor killed the process in the middle
	// of its crash dump (see evaluator.cutDumps).
	dumpCut atomic.Bool
}

// startProcess starts the evaluator command with its stdout and stderr
// going to sink and the framed channel on fds 3 and 4.
func startProcess(argv, env []string, sink func(name, text string)) (*process, error) {
	if len(argv) == 0 {
		return nil, errors.New("no evaluator command")
	}
	// SIGTERM, not SIGKILL, when the kernel dies: the evaluator catches it
	// to kill everything below it first (endWithParent).
	spec := child.Spec{Argv: argv, Env: env, MaxFrame: maxFrame, DeathSignal: syscall.SIGTERM}
	ring, err := newStdoutRing()
	if err != nil {
		return nil, fmt.Errorf("start the evaluator: %w", err)
	}
	if ring != nil {
		spec.Stdout, spec.ExtraFiles = ring.stdout, ring.extra
		spec.Env = append(slices.Clip(env), ring.env)
	}
	c, err := child.Start(spec)
	if ring != nil {
		ring.started()
		if err != nil {
			ring.abandon()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("start the evaluator: %w", err)
	}
	var stdout io.Reader = c.Stdout
	if ring != nil {
		stdout = ring.out
	}
	return &process{
		Process: c,
		stdout:  newStream("stdout", stdout, sink),
		stderr:  newErrStream(c.Stderr, sink),
	}, nil
}

// send sends f to the evaluator.
func (p *process) send(f *frame) error {
	if err := p.Send(f); err != nil {
		return fmt.Errorf("send %s frame: %w", f.Type, err)
	}
	return nil
}

// receive reads the evaluator's next frame.
func (p *process) receive() (*frame, error) {
	f := new(frame)
	if err := p.Receive(f); err != nil {
		return nil, err
	}
	return f, nil
}

// hasExited reports whether the process has ended, waiting at most d.
func (p *process) hasExited(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.Done():
		return true
	case <-t.C:
		return false
	}
}

// syncStreams passes on the text written to stdout and stderr before the
// marker numbered n. The evaluator wrote the marker before the frame, so
// it is normally there already; the timeout covers a cell that closed its
// own stdout.
func (p *process) syncStreams(n uint64) {
	if n == 0 {
		return
	}
	p.stdout.sync(n, time.Second)
	p.stderr.sync(n, time.Second)
}

// reportStarts begin the lines that a Go runtime crash report opens with.
var reportStarts = []string{
	"fatal error:",
	"panic:",
	"fatal:",
	"runtime: goroutine stack exceeds",
	"runtime: out of memory",
	"unexpected fault address",
	"SIGSEGV: ",
	"SIGBUS: ",
	"SIGABRT: ",
	"SIGQUIT: ",
	"SIGILL: ",
	"SIGFPE: ",
	"SIGTRAP: ",
	"SIGSYS: ",
}

// crashReport finds the last Go runtime crash report in an evaluator's
// stderr and returns the lines worth quoting: its messages, without the
// goroutine dumps.
func crashReport(stderrTail string) (quoted []string) {
	lines := strings.Split(strings.TrimRight(stderrTail, "\n"), "\n")
	start := -1
	for i := len(lines) - 1; i >= 0; i-- {
		if isReportLine(lines[i]) {
			start = i
			// A report can open with several such lines ("runtime:
			// goroutine stack exceeds", then "fatal error: stack overflow").
			for start > 0 && i-start < 6 && (isReportLine(lines[start-1]) || strings.HasPrefix(lines[start-1], "runtime: ")) {
				start--
			}
			break
		}
	}
	if start < 0 {
		return nil
	}
	for _, l := range lines[start:min(len(lines), start+8)] {
		if isReportLine(l) && len(quoted) < 4 {
			quoted = append(quoted, strings.TrimSpace(l))
		}
	}
	return quoted
}

func isReportLine(line string) bool {
	for _, p := range reportStarts {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// deathReason says why the evaluator ended, from the tail of its stderr
// and its exit status. channelErr is set when the supervisor killed it
// because its channel broke.
func deathReason(stderrTail string, state *os.ProcessState, channelErr error, dumpCut bool) string {
	quoted := crashReport(stderrTail)
	how := ""
	if dumpCut && len(quoted) > 0 {
		return strings.Join(quoted, "; ")
	}
	if channelErr != nil {
		how = fmt.Sprintf("its channel to the kernel broke (%v; did a cell close or overwrite one of its file descriptors?), so spinlab killed it", channelErr)
	} else if state != nil {
		if ws, ok := state.Sys().(syscall.WaitStatus); ok {
			switch {
			case ws.Signaled() && ws.Signal() == syscall.SIGKILL && len(quoted) == 0:
				how = "it was killed by SIGKILL (perhaps by the out-of-memory killer)"
			case ws.Signaled():
				how = "it was killed by " + signalName(ws.Signal())
			case ws.Exited() && len(quoted) == 0:
				how = fmt.Sprintf("it exited with status %d (os.Exit or log.Fatal in a cell or one of its goroutines?)", ws.ExitStatus())
			}
		}
	}
	switch {
	case len(quoted) > 0 && how != "":
		return strings.Join(quoted, "; ") + "; " + how
	case len(quoted) > 0:
		return strings.Join(quoted, "; ")
	case how != "":
		return how
	}
	return "it ended without a message"
}

func signalName(s syscall.Signal) string {
	if name := unix.SignalName(s); name != "" {
		return name
	}
	return "signal " + s.String()
}
