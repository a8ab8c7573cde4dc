package runtimes

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// A Lab runs and measures workers for one interpreter session. It holds
// what runs need beyond their arguments: the session (a Host) that
// compiles snippets and exports them to child processes, the children
// its runs started and have not yet reaped (LiveChildren, KillAll, Close),
// and the Go toolchain it found for compiled runs. Its methods take the
// context first: cancelling it stops the run, kills its children with
// their process groups and reaps them, and the run reports what finished.
//
// The package-level Go, Threads, Processes, Bench and Experiment.Run are
// the same methods of the Default lab, run under the context of the cell
// running now (see CellContexter), as http.Get is DefaultClient.Get.
type Lab struct {
	host      Host
	children  childRegistry
	toolchain toolchainCache
}

// NewLab returns a lab whose snippets h compiles and exports. With a nil
// h (a plain Go program) only the func-taking forms work: Go, Threads,
// Experiment.Func and BenchFunc; the others fail with ErrNoHost.
func NewLab(h Host) *Lab {
	l := &Lab{host: h}
	l.children.live = map[int]struct{}{}
	l.children.reaped = sync.NewCond(&l.children.mu)
	return l
}

// defaultLab is the package's one piece of mutable state, as
// net/http.DefaultClient is: the evaluator process installs the lab of its
// session once (SetDefault), and cells reach it through the package-level
// functions without passing it around.
var defaultLab atomic.Pointer[Lab]

func init() { defaultLab.Store(NewLab(nil)) }

// Default returns the lab that the package-level functions use: in the
// spinlab kernel the session's, which the evaluator process installs; in a
// plain Go program one without a session (NewLab(nil)).
func Default() *Lab { return defaultLab.Load() }

// SetDefault installs l as the Default lab; the evaluator process calls it
// once with its session's lab. SetDefault(nil) installs a lab without a
// session. The lab it replaces keeps its children: Close it to end them.
func SetDefault(l *Lab) {
	if l == nil {
		l = NewLab(nil)
	}
	defaultLab.Store(l)
}

// ErrNoHost is returned when an operation needs an interpreter session and
// the lab has none, as in a plain Go program.
var ErrNoHost = errors.New("no spinlab session: snippets run only in the spinlab kernel; a plain Go program can use Go, Threads, Experiment.Func and BenchFunc")

// session returns the lab's Host, or ErrNoHost.
func (l *Lab) session() (Host, error) {
	if l.host == nil {
		return nil, ErrNoHost
	}
	return l.host, nil
}

// CellContexter is implemented by a Host that knows the context of the
// cell running now, which is cancelled when the cell is interrupted. The
// package-level forms, which take no context (Go, Threads, Processes,
// Experiment.Run, Bench, BenchFunc), run under it, so that an interrupt
// stops them: children are killed and reaped, and the run reports what
// finished.
type CellContexter interface {
	CellContext() context.Context
}

// CellContext returns the context of the cell running now, which an
// interrupt cancels, when the lab's session knows it (CellContexter);
// else context.Background(). A cell passes it to the lab's methods to keep
// its runs interruptible: lab.Processes(lab.CellContext(), 4, snippet,
// opts).
func (l *Lab) CellContext() context.Context {
	if c, ok := l.host.(CellContexter); ok {
		if ctx := c.CellContext(); ctx != nil {
			return ctx
		}
	}
	return context.Background()
}

// childRegistry is a lab's children: the slots its runs reserved under
// ProcessOptions.MaxChildren, and the process (group) ids not yet reaped,
// which KillAll and Close reach.
type childRegistry struct {
	mu       sync.Mutex
	reserved int              // slots taken by runs, for MaxChildren
	live     map[int]struct{} // pids (= process group ids) not yet reaped
	reaped   *sync.Cond
	closed   bool // Close was called: no new children
}

// errClosed is the run error of a lab that was closed.
var errClosed = errors.New("the lab is closed (the session is shutting down): it starts no more child processes")

// reserve takes n slots under the cap max, or says why not.
func (c *childRegistry) reserve(n, max int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errClosed
	}
	if c.reserved+n > max {
		return fmt.Errorf("process mode: %d more children would exceed the limit of %d concurrent children (%d running); use fewer workers or raise ProcessOptions.MaxChildren",
			n, max, c.reserved)
	}
	c.reserved += n
	return nil
}

func (c *childRegistry) release(n int) {
	c.mu.Lock()
	c.reserved -= n
	c.mu.Unlock()
}

func (c *childRegistry) add(pid int) {
	c.mu.Lock()
	c.live[pid] = struct{}{}
	c.mu.Unlock()
}

func (c *childRegistry) remove(pid int) {
	c.mu.Lock()
	delete(c.live, pid)
	c.reaped.Broadcast()
	c.mu.Unlock()
}

// killGroup sends SIGKILL to the child's whole process group.
func killGroup(pid int) {
	_ = unix.Kill(-pid, unix.SIGKILL)
}

// killAll kills the live children with their process groups and waits
// until their runs have reaped them or the grace period is over. It
// returns how many it killed and how many are still not reaped.
func (c *childRegistry) killAll(grace time.Duration) (killed, left int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	killed = len(c.live)
	for pid := range c.live {
		killGroup(pid)
	}
	deadline := time.Now().Add(grace)
	stop := time.AfterFunc(grace, func() {
		c.mu.Lock()
		c.reaped.Broadcast()
		c.mu.Unlock()
	})
	defer stop.Stop()
	for len(c.live) > 0 && time.Now().Before(deadline) {
		c.reaped.Wait()
	}
	return killed, len(c.live)
}

// reapGrace is how long KillAll and Close wait for runs to reap the
// children they killed.
const reapGrace = 5 * time.Second

// KillAll kills every child process the lab's runs started that is still
// alive, with its process group, waits (up to a few seconds) until their
// runs have reaped them, and returns how many it killed. Runs that lose
// children this way report those workers as killed; the lab goes on
// working. The session calls it on %reset.
func (l *Lab) KillAll() int {
	n, _ := l.children.killAll(reapGrace)
	return n
}

// Close ends the lab: it starts no more children (a run that would fails
// with an error saying the lab is closed), and it kills and reaps the
// live ones as KillAll does. The error says how many were not reaped in
// time. The evaluator process closes its lab when it shuts down.
func (l *Lab) Close() error {
	l.children.mu.Lock()
	l.children.closed = true
	l.children.mu.Unlock()
	if _, left := l.children.killAll(reapGrace); left > 0 {
		return fmt.Errorf("runtimes: %d killed children were not reaped within %s", left, reapGrace)
	}
	return nil
}

// LiveChildren returns the pids of the lab's process-mode children (and
// compiled programs) not yet reaped.
func (l *Lab) LiveChildren() []int {
	l.children.mu.Lock()
	defer l.children.mu.Unlock()
	out := make([]int, 0, len(l.children.live))
	for pid := range l.children.live {
		out = append(out, pid)
	}
	return out
}

// LiveChildren returns the Default lab's children not yet reaped: in a
// notebook, those that the session's runs started.
func LiveChildren() []int { return Default().LiveChildren() }
