package supervisor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/internal/child"
	"github.com/spinlab/spinlab/internal/idlemem"
	"github.com/spinlab/spinlab/interp"
	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/runtimes"
)

// ServeEvaluator is the body of `spinlab eval`: it holds the interpreter
// session and serves the supervisor's requests on fds 3 and 4 until the
// supervisor asks it to stop or goes away. It returns the exit code.
//
// Everything the session writes to fds 1 and 2 (and to the stdout ring,
// where there is one) is the cell's output. The evaluator itself writes
// there only sync markers, which the supervisor removes.
func ServeEvaluator(ctx context.Context) int {
	// The channel moves to close-on-exec descriptors, so that the
	// children of cells and workers do not inherit it and a cell that
	// closes fd 3 or 4 closes a placeholder.
	conn, err := child.Open(maxFrame)
	if errors.Is(err, child.ErrNoChannel) {
		fmt.Fprintln(os.Stderr, "spinlab eval: the kernel runs this command itself, with its channel on file descriptors 3 and 4; use 'spinlab kernel' or 'spinlab run'")
		return 2
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab eval:", err)
		return 2
	}
	// Before anything else runs: the ring's descriptors become
	// close-on-exec, so that no child of a cell holds them.
	outRing, err := openStdoutRing()
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab eval:", err)
		return 1
	}
	outMark, err1 := dupCloexec(1)
	errMark, err2 := dupCloexec(2)
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(os.Stderr, "spinlab eval:", err)
		return 1
	}

	// Orphans of the processes that cells and workers start (a worker's
	// child whose worker died, a daemon a cell started through sh) come
	// to the evaluator rather than to init, so that the evaluator can end
	// them with the session. Where prctl is refused, the process-group
	// kills still cover what stayed in its groups.
	_ = child.BecomeSubreaper()
	go endWithParent()
	survivePipeErrors()

	// Infinite recursion is a common cell bug; Go's default limit of 1 GB
	// takes seconds of stack copying and a lot of memory to reach.
	debug.SetMaxStack(maxStack)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	e := &evalServer{
		ctx:     ctx,
		w:       conn,
		outMark: outMark,
		errMark: errMark,
		outRing: outRing,
		inputs:  map[uint64]chan *frame{},
		idle:    idlemem.New(idleRelease, idleReleaseMin),
	}
	// The session writes through the os.Stdout and os.Stderr variables as
	// they are at each write (and yaegi then lets cells see those very
	// variables), so that repairStdio can replace them after a cell
	// closed them, and a cell that sets os.Stdout to a file of its own
	// sends its prints there. While os.Stdout is the file it was, the
	// session's stdout goes to the ring, if there is one.
	var stdout io.Writer = stdioWriter{&os.Stdout}
	if outRing != nil {
		e.stdout = &ringStdout{ring: outRing}
		e.stdout.file.Store(os.Stdout)
		stdout = e.stdout
	}
	sess, err := interp.New(interp.Options{Stdout: stdout, Stderr: stdioWriter{&os.Stderr}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab eval: start the interpreter:", err)
		return 1
	}
	e.sess = sess
	display.SetPublisher(e)
	runtimes.SetDefault(sess.Lab())

	// The kernel forwards interrupts as frames; a SIGINT sent to the
	// evaluator directly means the same.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT)
	defer signal.Stop(sigs)
	go func() {
		for {
			select {
			case <-sigs:
				e.interrupt(0)
			case <-ctx.Done():
				return
			}
		}
	}()

	if err := e.w.Send(&frame{Type: typeReady, Ready: &readyBody{PID: os.Getpid()}}); err != nil {
		return 1
	}
	// Starting the session (its generic packages compiled from source,
	// the prelude) leaves garbage that no collection has taken yet.
	e.idle.Idle()
	code := e.serve(conn)
	endDescendants()
	return code
}

// endWithParent ends the evaluator and every process below it when the
// kernel dies: the evaluator's parent-death signal is SIGTERM (see
// startProcess), which it catches so that it can kill its descendants,
// at any depth, before it goes. It then dies of the signal itself, so a
// SIGTERM from anyone else is still reported as one.
func endWithParent() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	<-sigs
	endDescendants()
	signal.Reset(syscall.SIGTERM)
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {} // the signal ends the process
}

// endDescendants closes the session's lab, which kills the process-mode
// workers (so that their runs reap them and report them killed) and
// starts no more, and then kills every process below the
// evaluator. The second step is the one that must happen: it runs even
// if the first panics, since a panic here would end the evaluator and
// leave its descendants to init.
func endDescendants() {
	defer child.KillDescendants(os.Getpid())
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintln(os.Stderr, "spinlab eval: end the workers:", v)
		}
	}()
	if err := runtimes.Default().Close(); err != nil {
		fmt.Fprintln(os.Stderr, "spinlab eval:", err)
	}
}

// survivePipeErrors makes a write to a broken fd 1 or 2 fail with EPIPE
// instead of killing the evaluator. By default the Go runtime ends a
// program with SIGPIPE on such a write, and fds 1 and 2 are pipes to the
// kernel: once the kernel is gone, the first write there (a cell's
// print, a run's notice that its killed workers failed) killed the
// evaluator in the middle of endWithParent, before it had killed its
// descendants, which then lived on under init. A SIGPIPE that is
// notified is reset to the default in the programs that cells and
// workers exec, unlike an ignored one. A SIGPIPE sent by kill is
// discarded too, as the runtime already did.
func survivePipeErrors() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGPIPE)
	go func() {
		for range sigs {
		}
	}()
}

// maxStack is the evaluator's stack limit per goroutine.
const maxStack = 256 << 20

// idleRelease is how long the evaluator waits, idle after a cell, before
// it collects the cell's garbage and gives the free pages back to the OS,
// if the cell allocated at least idleReleaseMin. Cells sent back to back
// (Run All) start within it and never pay for the collection; a person
// between two cells does not notice one (a few ms of CPU on a session's
// heap). Half a second after bench-kernel's round (two 10,000-line cells,
// three plots), the evaluator's RSS is 35 MB instead of 58 MB
// (docs/performance.md).
const (
	idleRelease    = 200 * time.Millisecond
	idleReleaseMin = 1 << 20
)

func dupCloexec(fd int) (*os.File, error) {
	nfd, err := syscall.Dup(fd)
	if err != nil {
		return nil, fmt.Errorf("dup fd %d: %w", fd, err)
	}
	syscall.CloseOnExec(nfd)
	return os.NewFile(uintptr(nfd), fmt.Sprintf("spinlab-sync-%d", fd)), nil
}

// evalServer serves one supervisor. It is the display.Publisher of the
// process, so user code's displays become frames.
type evalServer struct {
	ctx  context.Context
	sess *interp.Session
	w    *child.Conn // the channel; Send is safe for concurrent use, serve owns Receive

	syncMu  sync.Mutex // orders markers and the frames that carry them
	syncN   uint64
	outMark *os.File // dups of fds 1 and 2, for markers and repairs
	errMark *os.File
	outRing outRing     // the stdout ring, nil if there is none: stdout's markers go there
	stdout  *ringStdout // the session's stdout when there is a ring

	// idle gives back the memory a cell left behind once the evaluator
	// has been idle for a while (package idlemem).
	idle *idlemem.Releaser

	mu     sync.Mutex
	cellID uint64 // the running execute, 0 if none
	cancel context.CancelFunc
	inputN uint64
	inputs map[uint64]chan *frame
}

func (e *evalServer) serve(conn *child.Conn) int {
	for {
		f := new(frame)
		if err := conn.Receive(f); err != nil {
			// The supervisor is gone: nobody is left to serve.
			return 0
		}
		switch f.Type {
		case typeShutdown:
			return 0
		case typePing:
			e.w.Send(&frame{Type: typeReply, ID: f.ID})
		case typeInterrupt:
			e.interrupt(f.ID)
		case typeInputReply:
			e.mu.Lock()
			ch := e.inputs[f.ID]
			delete(e.inputs, f.ID)
			e.mu.Unlock()
			if ch != nil {
				ch <- f
			}
		case typeExecute:
			e.idle.Busy()
			e.repairStdio()
			ctx, cancel := context.WithCancel(e.ctx)
			e.mu.Lock()
			e.cellID, e.cancel = f.ID, cancel
			e.mu.Unlock()
			go e.execute(ctx, cancel, f)
		default:
			e.idle.Busy()
			go e.request(f)
		}
	}
}

// stdioWriter writes to whatever *f is at the time of the write.
type stdioWriter struct{ f **os.File }

func (w stdioWriter) Write(p []byte) (int, error) { return (*w.f).Write(p) }

// ringStdout is the session's stdout when there is a stdout ring: the
// ring while os.Stdout is the file it was at the start (or that
// repairStdio made), and whatever a cell set os.Stdout to otherwise.
type ringStdout struct {
	ring io.Writer
	file atomic.Pointer[os.File]
}

func (w *ringStdout) Write(p []byte) (int, error) {
	if f := os.Stdout; f != w.file.Load() {
		return f.Write(p)
	}
	return w.ring.Write(p)
}

// repairStdio undoes what an earlier cell did to os.Stdout and os.Stderr
// (closed them, or their descriptors): fds 1 and 2 are the pipes to the
// supervisor again, and the variables are usable files for them.
func (e *evalServer) repairStdio() {
	repair := func(fd int, f **os.File, pipe *os.File, name string) {
		_, werr := (*f).Write(nil)
		_, ferr := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if werr == nil && ferr == nil {
			return
		}
		if err := unix.Dup2(int(pipe.Fd()), fd); err != nil {
			return
		}
		*f = os.NewFile(uintptr(fd), name)
		if fd == 1 && e.stdout != nil {
			e.stdout.file.Store(*f)
		}
	}
	repair(1, &os.Stdout, e.outMark, "/dev/stdout")
	repair(2, &os.Stderr, e.errMark, "/dev/stderr")
}

// sendSynced sends f after a sync marker on stdout and stderr, so that the
// supervisor passes on what was printed before f first.
func (e *evalServer) sendSynced(f *frame) error {
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	e.syncN++
	m := appendMarker(nil, e.syncN)
	var err1 error
	if e.outRing != nil {
		err1 = e.outRing.writeMarker(m)
	} else {
		_, err1 = e.outMark.Write(m)
	}
	_, err2 := e.errMark.Write(m)
	if err1 == nil || err2 == nil {
		f.Sync = e.syncN
	}
	return e.w.Send(f)
}

// interrupt cancels the running cell if it is id (or any cell for 0).
func (e *evalServer) interrupt(id uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cancel != nil && (id == 0 || id == e.cellID) && !e.sess.Interrupt() {
		e.cancel()
	}
}

func (e *evalServer) execute(ctx context.Context, cancel context.CancelFunc, f *frame) {
	defer cancel()
	body := f.Execute
	if body == nil {
		body = &executeBody{}
	}

	done := &doneBody{}
	res, err := e.sess.ExecuteCell(ctx, body.Code, body.Count)
	if res != nil && res.Reset {
		// %reset promises a fresh session with no child process left: the
		// cells' own children (and their orphans) as well as workers.
		child.KillDescendants(os.Getpid())
	}
	if res != nil {
		if res.Value != nil {
			done.Value = res.Value
		}
		done.Reset = res.Reset
		done.Definitions = append(done.Definitions, res.Definitions...)
	}
	if err != nil {
		done.Error = toWireError(err)
	}
	if err == nil && len(body.UserExpressions) > 0 { // as ipykernel: only after a cell that succeeded
		done.UserExpressions = map[string]exprResult{}
		for name, expr := range body.UserExpressions {
			b, err := e.sess.Expression(ctx, expr)
			if err != nil {
				done.UserExpressions[name] = exprResult{Error: toWireError(err)}
				continue
			}
			done.UserExpressions[name] = exprResult{Value: &b}
		}
	}
	e.mu.Lock()
	if e.cellID == f.ID {
		e.cellID, e.cancel = 0, nil
	}
	e.mu.Unlock()
	e.sendSynced(&frame{Type: typeDone, ID: f.ID, Done: done})
	e.idle.Idle()
}

func toWireError(err error) *wireError {
	var ie *interp.Error
	if errors.As(err, &ie) {
		return &wireError{Name: ie.Name, Message: ie.Message, Traceback: ie.Traceback}
	}
	return &wireError{Name: "Error", Message: err.Error()}
}

// request answers everything but execute.
func (e *evalServer) request(f *frame) {
	defer e.idle.Idle()
	reply := &frame{Type: typeReply, ID: f.ID}
	switch f.Type {
	case typeInspect:
		if in := f.Inspect; in != nil {
			b, found := e.sess.Inspect(in.Code, in.Cursor, in.Detail)
			reply.Inspect = &inspectBody{Found: found}
			if found {
				reply.Inspect.Value = &b
			}
		}
	case typeRestore:
		if err := e.sess.Restore(f.Definitions); err != nil {
			reply.Error = toWireError(err)
		}
	default:
		reply.Error = &wireError{Name: "UnknownRequest", Message: "the evaluator does not know the request " + f.Type}
	}
	e.w.Send(reply)
}

// Publish implements display.Publisher.
func (e *evalServer) Publish(b display.Bundle, displayID string, update bool) {
	e.sendSynced(&frame{Type: typeDisplay, Display: &kernel.DisplayData{Bundle: b, DisplayID: displayID, Update: update}})
}

// Clear implements display.Publisher.
func (e *evalServer) Clear(wait bool) {
	e.sendSynced(&frame{Type: typeClear, Clear: &clearBody{Wait: wait}})
}

// Input implements display.Publisher: it asks the front end through the
// supervisor and waits for the answer.
func (e *evalServer) Input(prompt string, password bool) (string, error) {
	ch := make(chan *frame, 1)
	e.mu.Lock()
	e.inputN++
	id := e.inputN
	e.inputs[id] = ch
	e.mu.Unlock()
	if err := e.sendSynced(&frame{Type: typeInputRequest, ID: id, Input: &inputBody{Prompt: prompt, Password: password}}); err != nil {
		return "", err
	}
	select {
	case f := <-ch:
		if f.Error != nil {
			return "", f.Error
		}
		if f.Input == nil {
			return "", nil
		}
		return f.Input.Value, nil
	case <-e.ctx.Done():
		return "", e.ctx.Err()
	}
}
