package supervisor

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// channelEnv tells `spinlab eval` that the kernel started it with the
// channel on fds 3 and 4 (a process started otherwise may have anything
// there, such as the Go runtime's own descriptors).
const channelEnv = "SPINLAB_EVALUATOR_CHANNEL"

// process is one running `spinlab eval` with the supervisor's ends of its
// pipes.
type process struct {
	cmd    *exec.Cmd
	pid    int
	w      *frameWriter // requests; safe for concurrent use
	r      *frameReader // events and replies; owned by the evaluator's read loop
	reqW   *os.File
	evR    *os.File
	stdout *stream
	stderr *stream
	exited chan struct{} // closed when Wait has returned; then state is set
	state  *os.ProcessState
}

// spawner starts evaluators from one goroutine locked to its OS thread.
// Linux delivers a child's parent-death signal when the thread that forked
// it exits, not the process; Go may retire threads, so the forking thread
// must be one that lives as long as the supervisor.
type spawner struct {
	reqs chan func()
	quit chan struct{}
}

func newSpawner() *spawner {
	sp := &spawner{reqs: make(chan func()), quit: make(chan struct{})}
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		for {
			select {
			case f := <-sp.reqs:
				f()
			case <-sp.quit:
				return
			}
		}
	}()
	return sp
}

func (sp *spawner) do(f func()) error {
	done := make(chan struct{})
	select {
	case sp.reqs <- func() { f(); close(done) }:
	case <-sp.quit:
		return errors.New("the supervisor is closed")
	}
	<-done
	return nil
}

func (sp *spawner) close() {
	select {
	case <-sp.quit:
	default:
		close(sp.quit)
	}
}

// startProcess starts the evaluator command with its stdout and stderr
// going to sink and the framed channel on fds 3 and 4.
func startProcess(sp *spawner, argv, env []string, sink func(name, text string)) (*process, error) {
	if len(argv) == 0 {
		return nil, errors.New("no evaluator command")
	}
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	reqR, reqW, err := pipe()
	if err != nil {
		return nil, fmt.Errorf("evaluator pipes: %w", err)
	}
	evR, evW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("evaluator pipes: %w", err)
	}
	outR, outW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("evaluator pipes: %w", err)
	}
	errR, errW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("evaluator pipes: %w", err)
	}

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(env[:len(env):len(env)], channelEnv+"=3,4")
	cmd.Stdout = outW
	cmd.Stderr = errW
	cmd.ExtraFiles = []*os.File{reqR, evW} // fds 3 and 4
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:   true, // its own process group, so that a kill takes everything it started along
		Pdeathsig: syscall.SIGKILL,
	}
	if serr := sp.do(func() { err = cmd.Start() }); serr != nil {
		err = serr
	}
	// The child has its own copies; keeping ours would hide its exit.
	reqR.Close()
	evW.Close()
	outW.Close()
	errW.Close()
	if err != nil {
		reqW.Close()
		evR.Close()
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("start the evaluator %s: %w", argv[0], err)
	}
	p := &process{
		cmd:    cmd,
		pid:    cmd.Process.Pid,
		w:      &frameWriter{w: reqW},
		r:      newFrameReader(evR),
		reqW:   reqW,
		evR:    evR,
		stdout: newStream("stdout", outR, sink),
		stderr: newErrStream(errR, sink),
		exited: make(chan struct{}),
	}
	go func() {
		cmd.Wait()
		p.state = cmd.ProcessState
		close(p.exited)
	}()
	return p, nil
}

// kill kills the evaluator's whole process group.
func (p *process) kill() {
	syscall.Kill(-p.pid, syscall.SIGKILL)
	syscall.Kill(p.pid, syscall.SIGKILL) // in case it left its group
}

// hasExited reports whether the process has ended, waiting at most d.
func (p *process) hasExited(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.exited:
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
func deathReason(stderrTail string, state *os.ProcessState, channelErr error) string {
	quoted := crashReport(stderrTail)
	how := ""
	if channelErr != nil {
		how = fmt.Sprintf("its channel to the kernel broke (%v; did a cell use file descriptors 3 or 4?), so spinlab killed it", channelErr)
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func signalName(s syscall.Signal) string {
	if name := unix.SignalName(s); name != "" {
		return name
	}
	return "signal " + s.String()
}
