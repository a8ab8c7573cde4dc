package supervisor

import (
	"context"
	"errors"
	"fmt"
	"github.com/spinlab/spinlab/internal/gobuild"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/spinlab/spinlab/internal/child"
	"github.com/spinlab/spinlab/interp"
	"github.com/spinlab/spinlab/interp/complete"
	"github.com/spinlab/spinlab/kernel"
)

// Options configure a Supervisor.
type Options struct {
	// Command is the evaluator's argv. The default is this executable
	// with the argument "eval", which runs ServeEvaluator.
	Command []string
	// Env is the evaluator's environment; the default is this process's.
	Env []string
	// Logger receives the supervisor's own log; the default discards it.
	Logger *slog.Logger
	// InterruptGrace is how long a cell may take to stop after an
	// interrupt before the evaluator is killed and restarted (default
	// DefaultInterruptGrace).
	InterruptGrace time.Duration
	// StartTimeout bounds the start of an evaluator (default 60s).
	StartTimeout time.Duration
	// Version is reported as the implementation version in Info.
	Version string
	// MaxCellOutput bounds the stream text one cell sends to the front
	// end (default DefaultMaxCellOutput; negative means no limit). Past
	// it the supervisor keeps draining the evaluator's pipes, so the cell
	// is not blocked, but drops the text and says so once.
	MaxCellOutput int
	// OwnProcessTree says that this process exists for the session (the
	// kernel, `spinlab run`): every descendant that the Supervisor did not
	// start is the session's. The Supervisor then makes the process a
	// child subreaper, so that orphans of an evaluator that died come
	// here instead of to init, and kills every descendant of the process
	// each time an evaluator has ended (crash, kill, restart, shutdown).
	// Leave it unset where other code in the process starts children (a
	// test binary with several Supervisors).
	OwnProcessTree bool
}

// DefaultMaxCellOutput is the default Options.MaxCellOutput: more text
// than a browser renders usefully, far less than would exhaust it.
const DefaultMaxCellOutput = 10 << 20

// Supervisor implements kernel.Engine by running the session in an
// evaluator process, so that no user code runs in the kernel process and
// a crash of the session is a reply, not the end of the kernel.
type Supervisor struct {
	opts   Options
	log    *slog.Logger
	nextID atomic.Uint64

	startMu sync.Mutex // serialises starting evaluators

	mu      sync.Mutex
	ev      *evaluator          // the current evaluator; nil before the first start
	out     kernel.Output       // the running cell's output, else the last cell's
	cellCtx context.Context     // the running cell's context, nil between cells
	defs    []interp.Definition // what a new evaluator must replay, oldest first
	closed  bool
	sent    int // stream bytes sent to out
	dropped int // stream bytes dropped for out, past MaxCellOutput
}

var errClosed = errors.New("the kernel's engine is shut down")

// DefaultInterruptGrace is how long an interrupted cell has to stop. It is
// shorter than the time the session itself waits for an interrupted cell
// to unwind (2s) before it leaves a stuck goroutine behind: a cell stuck
// in compiled code (a sync.Mutex, a long time.Sleep) must cost the
// evaluator, not leave a goroutine that still holds a lock or wakes up
// during a later cell.
const DefaultInterruptGrace = 1500 * time.Millisecond

// New returns a Supervisor and starts its first evaluator in the background.
func New(opts Options) (*Supervisor, error) {
	if len(opts.Command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("find the spinlab binary for the evaluator: %w", err)
		}
		opts.Command = []string{exe, "eval"}
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	if !slices.ContainsFunc(opts.Env, func(e string) bool { return strings.HasPrefix(e, "GOTRACEBACK=") }) {
		// A crash report of the interpreter's own goroutines says nothing
		// about the cell; the fatal message itself is what the user needs.
		opts.Env = append(slices.Clip(opts.Env), "GOTRACEBACK=none")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.InterruptGrace <= 0 {
		opts.InterruptGrace = DefaultInterruptGrace
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 60 * time.Second
	}
	if opts.MaxCellOutput == 0 {
		opts.MaxCellOutput = DefaultMaxCellOutput
	}
	if opts.OwnProcessTree {
		if err := child.BecomeSubreaper(); err != nil {
			opts.Logger.Warn("orphans of the session's processes will go to init", "err", err)
		}
	}
	s := &Supervisor{opts: opts, log: opts.Logger}
	ev, err := s.spawn()
	if err != nil {
		return nil, err
	}
	s.ev = ev
	return s, nil
}

// Info describes Go for kernel_info_reply.
func (s *Supervisor) Info() kernel.Info {
	goVersion := strings.TrimPrefix(strings.Fields(runtime.Version())[0], "go")
	return kernel.Info{
		Implementation:        "spinlab",
		ImplementationVersion: s.opts.Version,
		Banner: "spinlab " + s.opts.Version + ": Go " + goVersion + " (interpreted by yaegi) for concurrency experiments\n" +
			compiledRuns() + "\n%help shows what the kernel offers.",
		Language: kernel.LanguageInfo{
			Name:           "go",
			Version:        goVersion,
			Mimetype:       "text/x-go",
			FileExtension:  ".go",
			PygmentsLexer:  "go",
			CodemirrorMode: "go",
		},
		HelpLinks: []kernel.HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "yaegi", URL: "https://github.com/traefik/yaegi"},
		},
	}
}

// Execute runs a cell in the evaluator. A cell that is exit or quit
// alone asks the front end to end the session, as IPython does.
func (s *Supervisor) Execute(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) kernel.ExecuteReply {
	if interp.IsExit(s.Definitions(), req.Code) {
		return kernel.ExecuteReply{Status: kernel.StatusOK, Payload: []map[string]any{{"source": "ask_exit", "keepkernel": false}}}
	}
	s.setOutput(out, ctx)
	defer s.endCell(ctx)
	defer s.reportDropped(out)

	ev, err := s.ensure(ctx)
	if err != nil {
		return errorReply("EvaluatorUnavailable", err.Error())
	}
	id := s.nextID.Add(1)
	replies := ev.expect(id)
	defer ev.forget(id)
	ev.busy.Add(1)
	defer ev.busy.Add(-1)
	err = ev.p.send(&frame{Type: typeExecute, ID: id, Execute: &executeBody{
		Code: req.Code, Count: req.ExecutionCount, Silent: req.Silent, UserExpressions: req.UserExpressions,
	}})
	if err != nil {
		ev.breakChannel(err)
		<-ev.gone // prompt: the process is killed, its pipes close
		return s.crashReply(ev, "")
	}

	select {
	case f := <-replies:
		return s.finish(f)
	case <-ev.gone:
		return s.crashReply(ev, "")
	case <-ctx.Done():
	}

	// Interrupted: ask the evaluator to cancel the cell, and if it cannot
	// (a native call that does not look at its context), kill it.
	s.log.Debug("interrupting the cell", "id", id)
	ev.p.send(&frame{Type: typeInterrupt, ID: id})
	grace := time.NewTimer(s.opts.InterruptGrace)
	defer grace.Stop()
	select {
	case f := <-replies:
		return s.finish(f)
	case <-ev.gone:
		return s.crashReply(ev, "")
	case <-grace.C:
	}
	s.log.Warn("the cell ignored the interrupt; killing the evaluator", "pid", ev.p.Pid)
	ev.markKilled(fmt.Sprintf("the cell did not stop within %s of the interrupt, so spinlab killed the evaluator process", s.opts.InterruptGrace))
	ev.p.Kill()
	<-ev.gone
	return s.crashReply(ev, "Interrupted")
}

// setOutput makes out the destination of the evaluator's output.
func (s *Supervisor) setOutput(out kernel.Output, ctx context.Context) {
	s.mu.Lock()
	ev := s.ev
	s.mu.Unlock()
	if ev != nil {
		// What the last cell's goroutines printed belongs to the last cell.
		ev.p.stdout.flush(^uint64(0), true)
		ev.p.stderr.flush(^uint64(0), true)
	}
	s.mu.Lock()
	s.out = out
	s.cellCtx = ctx
	s.sent, s.dropped = 0, 0
	s.mu.Unlock()
}

func (s *Supervisor) endCell(ctx context.Context) {
	s.mu.Lock()
	if s.cellCtx == ctx {
		s.cellCtx = nil
	}
	s.mu.Unlock()
}

// output returns where the evaluator's output goes now.
func (s *Supervisor) output() (kernel.Output, context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx := s.cellCtx
	if ctx == nil {
		ctx = context.Background()
	}
	return s.out, ctx
}

func (s *Supervisor) stream(name, text string) {
	s.mu.Lock()
	out, limit := s.out, s.opts.MaxCellOutput
	notice := ""
	if out != nil && limit >= 0 {
		switch {
		case s.dropped > 0:
			s.dropped += len(text)
			text = ""
		case s.sent+len(text) > limit:
			keep := limit - s.sent
			for keep > 0 && !utf8.RuneStart(text[keep]) {
				keep--
			}
			s.dropped += len(text) - keep
			text = text[:keep]
			notice = fmt.Sprintf("\nspinlab: this cell's output passed %s; the rest is dropped (write large output to a file)\n", sizeText(limit))
		}
		s.sent += len(text)
	}
	s.mu.Unlock()
	if out == nil {
		s.log.Debug("evaluator output before any cell", "stream", name, "text", text)
		return
	}
	if text != "" {
		out.Stream(name, text)
	}
	if notice != "" {
		out.Stream("stderr", notice)
	}
}

// reportDropped tells the cell's output how much of it was dropped.
func (s *Supervisor) reportDropped(out kernel.Output) {
	s.mu.Lock()
	dropped := 0
	if s.out == out {
		dropped = s.dropped
	}
	s.mu.Unlock()
	if dropped > 0 {
		out.Stream("stderr", fmt.Sprintf("spinlab: %s of output dropped so far\n", sizeText(dropped)))
	}
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// finish turns a done frame into the execute reply and records the
// cell's definitions for replay.
func (s *Supervisor) finish(f *frame) kernel.ExecuteReply {
	d := f.Done
	if d == nil {
		d = &doneBody{}
	}
	s.mu.Lock()
	if d.Reset {
		s.defs = nil
	}
	s.defs = interp.MergeDefinitions(s.defs, d.Definitions)
	s.mu.Unlock()

	reply := kernel.ExecuteReply{Status: kernel.StatusOK}
	if d.Value != nil {
		reply.Result = d.Value
	}
	if d.Error != nil {
		reply.Status = kernel.StatusError
		reply.Error = kernelError(d.Error)
	}
	if len(d.UserExpressions) > 0 {
		reply.UserExpressions = make(map[string]kernel.ExpressionResult, len(d.UserExpressions))
		for name, r := range d.UserExpressions {
			switch {
			case r.Error != nil:
				reply.UserExpressions[name] = kernel.ExpressionResult{Status: kernel.StatusError, Error: kernelError(r.Error)}
			case r.Value != nil:
				reply.UserExpressions[name] = kernel.ExpressionResult{Status: kernel.StatusOK, Data: r.Value.Data, Metadata: orEmpty(r.Value.Metadata)}
			default:
				reply.UserExpressions[name] = kernel.ExpressionResult{Status: kernel.StatusOK, Data: map[string]any{}, Metadata: map[string]any{}}
			}
		}
	}
	return reply
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func kernelError(e *wireError) *kernel.Error {
	return &kernel.Error{Name: e.Name, Value: e.Message, Traceback: traceback(e.Name, e.Message, e.Traceback)}
}

// traceback is what front ends show of an error: Jupyter Notebook and
// console print the traceback lines and nothing else, so they start with
// what happened ("panic: boom"), then the positions the session gave,
// innermost first.
func traceback(name, msg string, positions []string) []string {
	head := name + ": " + msg
	if msg == "" {
		head = name
	}
	if len(positions) > 0 && strings.Contains(positions[0], msg) {
		return positions // the session already said it
	}
	tb := []string{head}
	for _, p := range positions {
		tb = append(tb, "    "+p)
	}
	return tb
}

func errorReply(name, msg string) kernel.ExecuteReply {
	return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{
		Name: name, Value: msg, Traceback: traceback(name, msg, nil),
	}}
}

// crashReply answers a cell whose evaluator died: it says why, starts a
// new evaluator with the session's definitions, and names what was lost.
func (s *Supervisor) crashReply(ev *evaluator, name string) kernel.ExecuteReply {
	if killed, why := ev.killedBy(); killed && why == "" {
		// Shut down on purpose (shutdown or restart): no crash, no revival.
		return errorReply("Shutdown", "the kernel was shut down or restarted while the cell ran")
	}
	if name == "" {
		name = "EvaluatorDied"
	}
	msg := s.recover(ev)
	return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{Name: name, Value: msg, Traceback: traceback(name, msg, nil)}}
}

// recover restarts the session after ev died and describes what happened.
func (s *Supervisor) recover(ev *evaluator) string {
	_, why := ev.killedBy()
	if why == "" {
		why = "the evaluator process died: " + ev.reason
	}
	s.mu.Lock()
	var lost []string
	for _, d := range s.defs {
		if d.Kind == "var" {
			lost = append(lost, d.Name)
		}
	}
	s.mu.Unlock()

	_, err := s.ensure(context.Background())
	var b strings.Builder
	b.WriteString(why)
	switch {
	case err != nil:
		fmt.Fprintf(&b, ". A new evaluator did not start: %v", err)
	default:
		b.WriteString(". spinlab started a new evaluator and restored the session's imports, types, functions and constants")
		if rerr := s.restoreError(); rerr != "" {
			b.WriteString(" (" + rerr + ")")
		}
		if len(lost) > 0 {
			fmt.Fprintf(&b, "; the values of %s were lost (%s back at their zero values)", strings.Join(lost, ", "), plural(len(lost), "it is", "they are"))
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (s *Supervisor) restoreError() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ev == nil {
		return ""
	}
	return s.ev.restoreErr
}

// Definitions returns what a new evaluator would replay, oldest first.
func (s *Supervisor) Definitions() []interp.Definition {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.defs)
}

// Complete answers completions in the kernel process, from the
// session's definitions and the symbol tables (complete.Complete): no round
// trip to the evaluator, and answers while a cell runs.
func (s *Supervisor) Complete(ctx context.Context, code string, cursorPos int) (kernel.Completion, error) {
	c := complete.Complete(s.Definitions(), code, cursorPos)
	out := kernel.Completion{
		Matches:     make([]string, len(c.Matches)),
		CursorStart: c.Start,
		CursorEnd:   c.End,
		Types:       make([]string, len(c.Matches)),
		Signatures:  make([]string, len(c.Matches)),
	}
	for i, m := range c.Matches {
		out.Matches[i], out.Types[i], out.Signatures[i] = m.Text, m.Kind, m.Signature
	}
	return out, nil
}

// Inspect answers help on the code at the cursor in the kernel process
// when the session's definitions and the documentation table suffice
// (complete.Inspect), and asks the evaluator for what needs the live
// session: values of variables, doc comments of session declarations.
func (s *Supervisor) Inspect(ctx context.Context, code string, cursorPos, detailLevel int) (kernel.Inspection, error) {
	if b, ok := complete.Inspect(s.Definitions(), code, cursorPos, detailLevel); ok {
		return kernel.Inspection{Found: true, Bundle: b}, nil
	}
	f, err := s.request(ctx, &frame{Type: typeInspect, Inspect: &inspectBody{Code: code, Cursor: cursorPos, Detail: detailLevel}})
	if err != nil {
		return kernel.Inspection{}, err
	}
	in := f.Inspect
	if in == nil || !in.Found || in.Value == nil {
		return kernel.Inspection{}, nil
	}
	return kernel.Inspection{Found: true, Bundle: *in.Value}, nil
}

// IsComplete answers in the kernel process (complete.IsComplete parses,
// nothing runs): a front end asks before every Enter, also while a cell
// runs or the evaluator restarts, and gives up on a kernel that is slow
// to answer (jupyter console then wants Esc-Enter for good).
func (s *Supervisor) IsComplete(ctx context.Context, code string) (kernel.Completeness, error) {
	status, indent := complete.IsComplete(code)
	return kernel.Completeness{Status: status, Indent: indent}, nil
}

// request sends f and waits for its reply.
func (s *Supervisor) request(ctx context.Context, f *frame) (*frame, error) {
	ev, err := s.ensure(ctx)
	if err != nil {
		return nil, err
	}
	return ev.call(ctx, s.nextID.Add(1), f)
}

// Shutdown stops the evaluator and everything it started (its whole
// process group; workers die with it). With restart, a fresh evaluator
// with an empty session is ready when it returns.
func (s *Supervisor) Shutdown(ctx context.Context, restart bool) error {
	s.mu.Lock()
	ev := s.ev
	s.defs = nil
	if !restart {
		s.closed = true
	}
	s.mu.Unlock()
	if ev != nil {
		ev.stop()
	}
	if !restart {
		return nil
	}
	_, err := s.ensure(ctx)
	return err
}

// Close shuts the supervisor down for good.
func (s *Supervisor) Close() error {
	return s.Shutdown(context.Background(), false)
}

// ensure returns a live, ready evaluator, starting one (and replaying the
// session's definitions into it) when the last one is gone.
func (s *Supervisor) ensure(ctx context.Context) (*evaluator, error) {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	s.mu.Lock()
	ev, closed, defs := s.ev, s.closed, slices.Clone(s.defs)
	s.mu.Unlock()
	if closed {
		return nil, errClosed
	}
	fresh := false
	if ev == nil || ev.isGone() {
		var err error
		if ev, err = s.spawn(); err != nil {
			return nil, err
		}
		fresh = true
		s.mu.Lock()
		s.ev = ev
		s.mu.Unlock()
	}
	if err := ev.waitReady(ctx, s.opts.StartTimeout); err != nil {
		return nil, err
	}
	if fresh && len(defs) > 0 {
		f, err := ev.call(ctx, s.nextID.Add(1), &frame{Type: typeRestore, Definitions: defs})
		switch {
		case err != nil:
			ev.restoreErr = err.Error()
		case f.Error != nil:
			ev.restoreErr = f.Error.Message
		}
		if ev.restoreErr != "" {
			s.log.Warn("restoring definitions", "err", ev.restoreErr)
		}
	}
	return ev, nil
}

// spawn starts an evaluator process and its read loop.
func (s *Supervisor) spawn() (*evaluator, error) {
	p, err := startProcess(s.opts.Command, s.opts.Env, s.stream)
	if err != nil {
		return nil, err
	}
	s.log.Debug("started the evaluator", "pid", p.Pid)
	ev := &evaluator{
		s:       s,
		p:       p,
		ready:   make(chan struct{}),
		gone:    make(chan struct{}),
		pending: map[uint64]chan *frame{},
	}
	go ev.loop()
	go ev.cutDumps()
	return ev, nil
}

// evaluatorDied is called when an evaluator ended by itself between
// cells: the last cell's output says so, and a new one starts at once.
func (s *Supervisor) evaluatorDied(ev *evaluator) {
	s.mu.Lock()
	current, closed := s.ev == ev, s.closed
	s.mu.Unlock()
	if !current || closed {
		return
	}
	if killed, _ := ev.killedBy(); killed {
		return
	}
	msg := s.recover(ev)
	s.log.Warn("the evaluator died between cells", "reason", ev.reason)
	if out, _ := s.output(); out != nil { // not counted against the cell's output limit
		out.Stream("stderr", "\nspinlab: "+msg+"\n")
	}
}

// compiledRuns says in the banner whether runner=compiled can build: it
// only looks for the go command (a few stats), so kernel_info stays fast;
// %help and a compiled run itself also check that the command works.
func compiledRuns() string {
	path, err := gobuild.LocateGo()
	if err != nil {
		return "Compiled runs (runner=compiled) are not available: no go command on PATH or in $GOROOT/bin (install Go from https://go.dev/dl/)."
	}
	return "Compiled runs (runner=compiled) build with the go command at " + path + "."
}
