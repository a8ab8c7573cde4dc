package runtimes

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"go/token"
	"io"
	"maps"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spinlab/spinlab/internal/child"
)

// ProcessOptions configure process mode.
type ProcessOptions struct {
	// Command is the worker command and its arguments. Empty means
	// "$SPINLAB_WORKER_BIN worker" when that variable is set (tests and
	// development builds), else the running binary with the argument
	// "worker" (os.Executable()), which is `spinlab worker` inside a
	// spinlab session.
	Command []string
	// MaxChildren caps the number of children alive at once in the
	// lab, across its runs; a run that would exceed it fails with an
	// error saying so. Zero means DefaultMaxChildren().
	MaxChildren int
	// MemoryLimit, if non-zero, limits each child's address space to
	// this many bytes (setrlimit RLIMIT_AS). A worker that hits it is
	// reported as having exceeded its memory limit. The Go runtime and
	// the interpreter need a few hundred MiB of address space to start.
	MemoryLimit uint64
	// Pool pre-starts the children and waits until each is ready before
	// the clock starts, like Python's forkserver: spawn latency then
	// measures handing over the program, not starting a process.
	Pool bool
	// Stdout and Stderr receive the children's output, line by line,
	// tagged "[wN] " when the run has more than one worker. Nil means
	// os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer
	// Vars are values the snippet uses by name that are not the
	// session's top-level variables: a loop's or function's locals,
	// which a child cannot see. Each is copied to every child in the
	// binary value encoding (EncodeValue), like a session variable, and
	// wins over one of the same name.
	Vars Vars
}

// Vars names values to copy to process-mode children:
// ProcessOptions{Vars: runtimes.Vars{"payload": payload}}.
type Vars map[string]any

// DefaultMaxChildren is the default cap on concurrent children:
// 4×NumCPU, and at least 64.
func DefaultMaxChildren() int { return max(64, 4*runtime.NumCPU()) }

// errNoSessionForProcesses is the run error of process mode without a Host.
var errNoSessionForProcesses = fmt.Errorf("process mode needs a spinlab session, whose definitions and variables the children copy: %w", ErrNoHost)

// Processes runs snippet in n `spinlab worker` child processes, waits for
// all of them and returns the measured run; see Lab.Processes. It runs in
// the Default lab under the running cell's context.
func Processes(n int, snippet string) *Run {
	l := Default()
	return l.Processes(l.CellContext(), n, snippet, ProcessOptions{})
}

// Processes runs snippet in n `spinlab worker` child processes, waits for
// all of them and returns the measured run. Each child starts from the
// session's imports, types and functions and a copy of the session
// variables the snippet names; what it changes the parent never sees.
// The value of the snippet's last expression comes back as the worker's
// Result, with its Go type (see EncodeValue for what keeps its type). It
// needs the lab's session. Cancelling ctx kills the children with their
// process groups and reaps them.
func (l *Lab) Processes(ctx context.Context, n int, snippet string, opts ProcessOptions) *Run {
	r := &Run{Mode: Process, Machine: ThisMachine(), CPUPerWorker: true, Pooled: opts.Pool}
	h, err := l.session()
	if err != nil {
		r.Err = errNoSessionForProcesses
		return r
	}
	prog, took, err := exportProgram(h, snippet, opts.Vars)
	if err != nil {
		r.Err = err
		return r
	}
	r.CopyBytes, r.CopyTime = len(prog), took
	l.runProcesses(ctx, r, n, programWire{attached: prog, resolve: resolverOf(h)}, opts)
	stderr := opts.Stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	return noteFailures(r, stderr)
}

// exportProgram exports and encodes the snippet's Program once per run.
func exportProgram(h Host, snippet string, vars Vars) ([]byte, time.Duration, error) {
	t0 := monotonic()
	p, err := h.Export(snippet)
	if err != nil {
		return nil, 0, fmt.Errorf("process mode: %w", err)
	}
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		v := vars[name]
		if !token.IsIdentifier(name) {
			return nil, 0, fmt.Errorf("process mode: Vars: %q is not a Go identifier", name)
		}
		if v == nil {
			return nil, 0, fmt.Errorf("process mode: Vars[%q] is nil: a child needs a typed value to declare the variable", name)
		}
		data, err := EncodeValue(v)
		if err != nil {
			return nil, 0, fmt.Errorf("process mode: Vars[%q] cannot be copied to a child process: %w", name, err)
		}
		p.Vars = slices.DeleteFunc(p.Vars, func(x Var) bool { return x.Name == name })
		p.Vars = append(p.Vars, Var{Name: name, Type: reflect.TypeOf(v).String(), Value: data})
	}
	b, err := encodeProgram(p)
	if err != nil {
		return nil, 0, fmt.Errorf("process mode: encode the program: %w", err)
	}
	return b, time.Duration(monotonic() - t0), nil
}

// programWire is how a run's program goes to its children, and how their
// results are read.
type programWire struct {
	json     json.RawMessage // a compiled program's variables, as JSON
	attached []byte          // an interpreted program, in the value encoding
	resolve  TypeResolver    // names the types of results
}

func workerCommand(opts ProcessOptions) ([]string, error) {
	if len(opts.Command) > 0 {
		return opts.Command, nil
	}
	if bin := os.Getenv(EnvWorkerBin); bin != "" {
		return []string{bin, "worker"}, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("process mode: find the spinlab binary: %w (set %s)", err, EnvWorkerBin)
	}
	return []string{exe, "worker"}, nil
}

// runProcesses fills r with a process-mode run of the encoded program.
func (l *Lab) runProcesses(ctx context.Context, r *Run, n int, prog programWire, opts ProcessOptions) {
	defer notSessionVariable(r)
	if n < 1 {
		r.Err = fmt.Errorf("process mode: need at least 1 worker, got %d", n)
		return
	}
	limit := opts.MaxChildren
	if limit <= 0 {
		limit = DefaultMaxChildren()
	}
	if err := l.children.reserve(n, limit); err != nil {
		r.Err = err
		return
	}
	defer l.children.release(n)
	argv, err := workerCommand(opts)
	if err != nil {
		r.Err = err
		return
	}
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	out := &outputMux{stdout: stdout, stderr: stderr, tag: n > 1}
	r.Workers = make([]WorkerStats, n)
	for i := range r.Workers {
		r.Workers[i].Worker = i
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	cs := startChildSampler()
	kids := make([]*workerProcess, n)
	if opts.Pool {
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := l.startChild(ctx, argv, opts, i, out)
				if err == nil {
					cs.add(c.Pid)
					err = c.awaitReady()
				}
				kids[i] = c
				if err != nil {
					r.Workers[i].Error = err.Error()
				}
			}()
		}
		wg.Wait()
	}

	sampler := startThreadSampler()
	t0 := monotonic()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.runChild(ctx, &r.Workers[i], kids[i], argv, opts, out, prog, r.CopyTime, n, cs)
		}()
	}
	wg.Wait()
	r.Wall = time.Duration(monotonic() - t0)
	r.PeakThreads = sampler.finish()
	r.ChildThreads = cs.finish()
	for _, w := range r.Workers {
		r.User += w.User
		r.System += w.System
	}
	if err := ctx.Err(); err != nil {
		r.Err = fmt.Errorf("process run interrupted: %w", err)
	}
}

// workerProcess is one started worker and the parent's ends of its pipes.
type workerProcess struct {
	*child.Process
	lab       *Lab // whose children it counts among
	outputs   []*forwarder
	stopWatch func() bool
	asked     int64 // when the child was asked to start
}

// startChild starts one worker process of the lab in its own process
// group, killed if this process dies, with its stdout and stderr forwarded.
func (l *Lab) startChild(ctx context.Context, argv []string, opts ProcessOptions, worker int, out *outputMux) (*workerProcess, error) {
	c := &workerProcess{lab: l, asked: monotonic()}
	spec := child.Spec{Argv: argv, MemoryLimit: opts.MemoryLimit, MaxFrame: maxFrame}
	if opts.Pool {
		spec.Env = append(os.Environ(), envWorkerPooled+"=1")
	}
	p, err := child.Start(spec)
	if err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	c.Process = p
	l.children.add(p.Pid)
	c.stopWatch = context.AfterFunc(ctx, p.Kill)
	c.outputs = []*forwarder{
		out.forward(p.Stdout, out.stdout, worker, false),
		out.forward(p.Stderr, out.stderr, worker, true),
	}
	return c, nil
}

// awaitReady waits for a pool child's ready frame.
func (c *workerProcess) awaitReady() error {
	f, _, err := readFrame(c.Receive, c.ReceiveAttachment)
	if err != nil {
		return fmt.Errorf("worker process %d did not get ready: %w", c.Pid, err)
	}
	if f.Type != frameReady {
		return fmt.Errorf("worker process %d: expected a ready frame, got %q", c.Pid, f.Type)
	}
	return nil
}

// runChild runs worker ws: starts its child unless the pool did, hands
// it the program once it is ready, collects its result, reaps it and
// fills in ws. encoding is the parent's share of the program's copy.
func (l *Lab) runChild(ctx context.Context, ws *WorkerStats, c *workerProcess, argv []string, opts ProcessOptions, out *outputMux, prog programWire, encoding time.Duration, n int, cs *childSampler) {
	asked := monotonic()
	if c == nil {
		if ws.Error != "" {
			return // the pool failed to start it
		}
		var err error
		if c, err = l.startChild(ctx, argv, opts, ws.Worker, out); err != nil {
			ws.Error = err.Error()
			return
		}
		asked = c.asked
		cs.add(c.Pid)
	}
	ws.PID = c.Pid
	defer cs.remove(c.Pid)
	defer c.stopWatch()

	var res *frame
	var value []byte
	var sent, arrived int64
	// A cold child is sent its program once it is ready (a pool child
	// is ready already), so that the program's time in the pipe is not
	// the child's start-up. A child that dies first is reported below.
	readyErr := error(nil)
	if !opts.Pool {
		readyErr = c.awaitReady()
	}
	sendErr := readyErr
	if sendErr == nil {
		sent = monotonic()
		sendErr = c.SendWith(&frame{Type: frameRun, Program: prog.json, Attached: len(prog.attached), Worker: ws.Worker, Workers: n}, prog.attached)
	}
	c.CloseSend()
	for sendErr == nil {
		f, att, err := readFrame(c.Receive, c.ReceiveAttachment)
		if err != nil {
			break
		}
		if f.Type == frameResult {
			res, value, arrived = f, att, monotonic()
			break
		}
	}
	if res != nil {
		// The worker exits right after its result; if something keeps
		// it alive, do not wait forever.
		t := time.AfterFunc(5*time.Second, c.Kill)
		defer t.Stop()
	}
	lastHWM := cs.last(c.Pid)
	state := c.Wait() // kills what is left in its process group before reaping it
	l.children.remove(c.Pid)
	c.Close()
	stderrTail := c.finishOutput()

	if ru, ok := state.SysUsage().(*syscall.Rusage); ok && ru != nil {
		ws.User = time.Duration(ru.Utime.Nano())
		ws.System = time.Duration(ru.Stime.Nano())
	}
	// Not ru_maxrss: it counts the parent (see childSampler). A child
	// that died without its own report keeps the last sampled peak, or
	// 0, unknown.
	ws.Memory = lastHWM
	if res != nil {
		if res.PeakRSS > 0 {
			ws.Memory = uint64(res.PeakRSS)
		}
		ws.PSS, ws.Private = uint64(res.PSS), uint64(res.Private)
		ws.Spawn = time.Duration(res.Start - asked)
		ws.Time = time.Duration(res.End - res.Start)
		ws.Decode = time.Duration(res.Decoded - res.Received)
		if res.Received > 0 {
			ws.CopyIn = encoding + time.Duration(res.Received-sent) + ws.Decode
		}
		ws.ResultBytes = len(value)
		t0 := monotonic()
		var err error
		if len(value) > 0 {
			ws.Result, err = DecodeValue(value, prog.resolve)
		}
		if err != nil {
			ws.Error = fmt.Sprintf("decode the result: %v", err)
		}
		if res.Sent > 0 && ws.ResultBytes > 0 {
			ws.CopyOut = time.Duration(res.Encode + arrived - res.Sent + monotonic() - t0)
		}
		if res.Error != "" {
			ws.Error = res.Error
		}
	}
	switch {
	case ctx.Err() != nil && !state.Success():
		ws.Error = "killed: the run was interrupted"
	case ws.Error == "" && !state.Success():
		ws.Error = describeExit(state)
	case ws.Error == "" && res == nil:
		ws.Error = "the worker exited without sending a result"
	}
	if ws.Error != "" {
		ws.Stderr = stderrTail
		if opts.MemoryLimit > 0 {
			switch fault := c.runtimeFault(); {
			case c.outOfMemory() || looksOutOfMemory(ws.Error):
				ws.Error = fmt.Sprintf("exceeded its memory limit of %s (RLIMIT_AS): %s", formatBytes(opts.MemoryLimit), ws.Error)
			case fault != "":
				ws.Error = fmt.Sprintf("probably exceeded its memory limit of %s (RLIMIT_AS): the Go runtime crashed in its own code (%s), as it can when an allocation finds no address space left: %s",
					formatBytes(opts.MemoryLimit), fault, ws.Error)
			}
		}
	}
}

// finishOutput waits for the output forwarders to drain (briefly: a
// grandchild outside the group may hold the pipes) and returns the tail
// of stderr.
func (c *workerProcess) finishOutput() string {
	deadline := time.Now().Add(500 * time.Millisecond)
	for _, f := range c.outputs {
		select {
		case <-f.done:
		case <-time.After(time.Until(deadline)):
			f.r.SetReadDeadline(time.Now())
			<-f.done
		}
		f.r.Close()
	}
	return c.outputs[1].excerpt()
}

// outOfMemory reports whether the child's stderr said it ran out of memory.
func (c *workerProcess) outOfMemory() bool {
	f := c.outputs[1]
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.oom || looksOutOfMemory(string(f.first))
}

// runtimeFault returns the function of the Go runtime that a crash of
// the child's began in ("runtime.(*spanQueue).tryDrain"), or "" when its
// stderr does not start with a signal in the runtime's own code. Under
// RLIMIT_AS, Go 1.26's garbage collector now and then faults on a nil
// pointer instead of reporting "out of memory" when the address space
// runs out (about one run in fifteen of TestMemoryLimit).
func (c *workerProcess) runtimeFault() string {
	f := c.outputs[1]
	f.mu.Lock()
	defer f.mu.Unlock()
	return runtimeFault(string(f.first))
}

func runtimeFault(stderr string) string {
	if !strings.HasPrefix(stderr, "SIGSEGV") && !strings.HasPrefix(stderr, "SIGBUS") && !strings.HasPrefix(stderr, "unexpected fault address") {
		return ""
	}
	lines := strings.Split(stderr, "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "goroutine ") || !strings.HasSuffix(line, ":") || i+1 >= len(lines) {
			continue
		}
		frame := lines[i+1]
		if j := strings.LastIndexByte(frame, '('); j > 0 {
			frame = frame[:j]
		}
		if strings.HasPrefix(frame, "runtime.") {
			return frame
		}
		return ""
	}
	return ""
}

func describeExit(s *os.ProcessState) string {
	if ws, ok := s.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return fmt.Sprintf("the worker process was killed by signal %v", ws.Signal())
	}
	return fmt.Sprintf("the worker process exited with status %d", s.ExitCode())
}

func looksOutOfMemory(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "out of memory") || strings.Contains(s, "cannot allocate memory")
}

// outputMux forwards children's output lines to the parent's writers,
// a whole line at a time so that workers' lines do not interleave.
type outputMux struct {
	mu             sync.Mutex
	stdout, stderr io.Writer
	tag            bool
}

// forwarder copies one pipe of one child.
type forwarder struct {
	r    *os.File
	done chan struct{}

	mu    sync.Mutex
	first []byte // the start of what passed (a Go crash says why here)
	last  []byte // and its end
	total int
	oom   bool // a line said the process ran out of memory
}

// excerpt returns the start and the end of the stream, for error reports.
func (f *forwarder) excerpt() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.total <= len(f.first) {
		return string(f.first)
	}
	rest := tail(string(f.last), stderrTail-len(f.first))
	if len(f.first)+len(rest) >= f.total {
		return string(f.first) + strings.TrimPrefix(rest, "…")
	}
	return string(f.first) + "…\n" + strings.TrimPrefix(rest, "…")
}

func (f *forwarder) keep(line string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total += len(line)
	if len(f.first) < stderrTail/2 {
		n := min(len(line), stderrTail/2-len(f.first))
		f.first = append(f.first, line[:n]...)
		line = line[n:]
		if line == "" {
			return
		}
	}
	f.last = append(f.last, line...)
	if len(f.last) > 2*stderrTail {
		f.last = append([]byte(nil), f.last[len(f.last)-stderrTail:]...)
	}
	if !f.oom && looksOutOfMemory(line) {
		f.oom = true
	}
}

func (o *outputMux) forward(r *os.File, w io.Writer, worker int, keepTail bool) *forwarder {
	f := &forwarder{r: r, done: make(chan struct{})}
	prefix := ""
	if o.tag {
		prefix = "[w" + strconv.Itoa(worker) + "] "
	}
	go func() {
		defer close(f.done)
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				if !strings.HasSuffix(line, "\n") {
					line += "\n"
				}
				o.mu.Lock()
				io.WriteString(w, prefix+line)
				o.mu.Unlock()
				if keepTail {
					f.keep(line)
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return f
}

// undefinedName matches the interpreter's error for a name the child's
// session lacks.
var undefinedName = regexp.MustCompile(`^CompileError: .*undefined: ([\pL_][\pL\pN_]*)$`)

// notSessionVariable fails a run whose workers could not compile the
// snippet because it names something the child cannot see, typically a
// local variable of the cell (a loop variable): the run's result would
// otherwise be nil with no error on the run.
func notSessionVariable(r *Run) {
	if r.Err != nil {
		return
	}
	for _, w := range r.Workers {
		m := undefinedName.FindStringSubmatch(firstLine(w.Error))
		if m == nil {
			continue
		}
		r.Err = fmt.Errorf("process mode: the snippet uses %s, which is not a session variable: a child process sees the session's top-level variables, types and functions, not a loop's or function's locals; pass it explicitly with lab := runtimes.Default(); lab.Processes(lab.CellContext(), n, snippet, runtimes.ProcessOptions{Vars: runtimes.Vars{%q: %s}}) (or Experiment.Process.Vars), or define it at the top level of a cell", m[1], m[1], m[1])
		return
	}
}
