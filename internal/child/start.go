package child

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Spec describes a child process to start.
type Spec struct {
	// Argv is the command and its arguments; Argv[0] is looked up in
	// $PATH when it has no slash.
	Argv []string
	// Env is the child's environment; nil means this process's. Start
	// adds EnvChannel (and EnvMemoryLimit when MemoryLimit is set).
	Env []string
	// Dir is the child's working directory; empty means this process's.
	Dir string
	// MemoryLimit, if non-zero, limits the child's address space to this
	// many bytes (RLIMIT_AS), applied by the child itself in Open, before
	// it does any work. Linux only: macOS does not enforce RLIMIT_AS, and
	// Start fails there rather than start a child without its limit.
	MemoryLimit uint64
	// DeathSignal is sent to the child when this process dies; zero means
	// SIGKILL. A child that must clean up after itself (kill its own
	// descendants) asks for a signal it can catch.
	DeathSignal syscall.Signal
	// MaxFrame bounds the frames read from the child; zero means
	// DefaultMaxFrame.
	MaxFrame uint32
	// Stdout, if set, is the child's fd 1 instead of a new pipe, and
	// Process.Stdout is nil: the caller reads the output its own way.
	// Start does not close it.
	Stdout *os.File
	// ExtraFiles are the child's fds 5, 6, ... (after the channel's 3
	// and 4), inherited as they are: the child that gets them sets them
	// close-on-exec itself. Start does not close them.
	ExtraFiles []*os.File
}

// DefaultMaxFrame is the default bound on one frame: a bigger length
// prefix means a corrupt channel.
const DefaultMaxFrame = 1 << 30

// Process is a started child: its pid, the parent's ends of its channel
// and output pipes, and its life.
type Process struct {
	// Pid is the child's process id, which is also its process group id.
	Pid int
	// Conn is the parent's end of the framed channel.
	*Conn
	// Stdout and Stderr are the read ends of the child's fds 1 and 2
	// (Stdout is nil when Spec.Stdout was set). The caller owns them: it
	// reads them and closes them.
	Stdout, Stderr *os.File

	cmd   *exec.Cmd
	done  chan struct{} // closed when the child is reaped; then state is set
	state *os.ProcessState
}

// Start starts spec as a child process with a framed channel. See the
// package doc for what the child gets.
func Start(spec Spec) (*Process, error) {
	if len(spec.Argv) == 0 {
		return nil, errors.New("start a child: no command")
	}
	var opened []*os.File
	closeAll := func() {
		for _, f := range opened {
			f.Close()
		}
	}
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			opened = append(opened, r, w)
		}
		return r, w, err
	}
	var ends [4][2]*os.File // to the child, from the child, stdout, stderr
	for i := range ends {
		r, w, err := pipe()
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("start %s: pipes: %w", spec.Argv[0], err)
		}
		ends[i] = [2]*os.File{r, w}
	}
	toR, toW := ends[0][0], ends[0][1]
	fromR, fromW := ends[1][0], ends[1][1]
	outR, outW := ends[2][0], ends[2][1]
	errR, errW := ends[3][0], ends[3][1]

	env := spec.Env
	if env == nil {
		env = os.Environ()
	}
	env = append(env[:len(env):len(env)], EnvChannel+"="+channelValue)
	if spec.MemoryLimit > 0 {
		if err := memoryLimitSupported(); err != nil {
			closeAll()
			return nil, fmt.Errorf("start %s: %w", spec.Argv[0], err)
		}
		env = append(env, EnvMemoryLimit+"="+strconv.FormatUint(spec.MemoryLimit, 10))
	}
	sig := spec.DeathSignal
	if sig == 0 {
		sig = syscall.SIGKILL
	}
	env = deathSignalEnv(env, sig)
	cmd := exec.Command(spec.Argv[0], spec.Argv[1:]...)
	cmd.Env = env
	cmd.Dir = spec.Dir
	cmd.Stdout, cmd.Stderr = outW, errW
	if spec.Stdout != nil {
		cmd.Stdout = spec.Stdout
	}
	cmd.ExtraFiles = append([]*os.File{toR, fromW}, spec.ExtraFiles...) // fds 3 and 4, then the extra files
	cmd.SysProcAttr = sysProcAttr(sig)
	var err error
	started.mu.Lock() // KillDescendants must not reap it before it is registered
	onForkThread(func() { err = cmd.Start() })
	if err == nil {
		started.pids[cmd.Process.Pid] = struct{}{}
	}
	started.mu.Unlock()
	// The child has its own copies; keeping ours would hide its exit.
	toR.Close()
	fromW.Close()
	outW.Close()
	errW.Close()
	if err != nil {
		toW.Close()
		fromR.Close()
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("start %s: %w", spec.Argv[0], err)
	}
	max := spec.MaxFrame
	if max == 0 {
		max = DefaultMaxFrame
	}
	p := &Process{
		Pid:    cmd.Process.Pid,
		Conn:   newConn(fromR, toW, max),
		Stdout: outR,
		Stderr: errR,
		cmd:    cmd,
		done:   make(chan struct{}),
	}
	if spec.Stdout != nil {
		outR.Close()
		p.Stdout = nil
	}
	go p.reap()
	return p, nil
}

// reap waits for the child to exit without reaping it, kills what is
// left of its process group (the group id cannot be reused while the
// child is a zombie), then reaps it.
func (p *Process) reap() {
	waited := waitExited(p.Pid)
	if waited {
		_ = unix.Kill(-p.Pid, unix.SIGKILL)
	}
	_ = p.cmd.Wait() // the state says how it ended
	if !waited {
		// Where one cannot wait without reaping: at once, while the group
		// has the members that keep its id from reuse.
		_ = unix.Kill(-p.Pid, unix.SIGKILL)
	}
	started.mu.Lock()
	delete(started.pids, p.Pid)
	started.mu.Unlock()
	p.state = p.cmd.ProcessState
	close(p.done)
}

// Kill sends SIGKILL to the child's process group, and to the child in
// case it left the group. It does not wait.
func (p *Process) Kill() {
	_ = unix.Kill(-p.Pid, unix.SIGKILL)
	_ = unix.Kill(p.Pid, unix.SIGKILL)
}

// Done is closed when the child has exited and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait waits until the child has exited and been reaped, and returns how
// it ended.
func (p *Process) Wait() *os.ProcessState {
	<-p.done
	return p.state
}

// started holds the pids that Start started and their Process has not
// reaped yet, so that KillDescendants leaves their reaping to them.
var started = struct {
	mu   sync.Mutex
	pids map[int]struct{}
}{pids: map[int]struct{}{}}

// The fork thread: one goroutine locked to its OS thread for the life of
// the process (the one piece of package state, because a parent-death
// signal follows the thread that forked the child).
var forkThread struct {
	once sync.Once
	reqs chan func()
}

// onForkThread runs f on the fork thread and waits for it.
func onForkThread(f func()) {
	forkThread.once.Do(func() {
		forkThread.reqs = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked: this thread lives as long as the process
			for f := range forkThread.reqs {
				f()
			}
		}()
	})
	done := make(chan struct{})
	forkThread.reqs <- func() { defer close(done); f() }
	<-done
}
