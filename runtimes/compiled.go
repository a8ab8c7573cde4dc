package runtimes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/internal/gobuild"
)

// ErrNoToolchain is the error of a compiled run on a machine without the
// go command; it says what is missing and how to get it.
var ErrNoToolchain = gobuild.ErrNoToolchain

// toolchainCache remembers the toolchain a lab found and spinlab's build
// list, per PATH and GOROOT (which %env can change): finding them costs a
// go env and, in a test binary, a go list. A failure is not remembered.
type toolchainCache struct {
	mu   sync.Mutex
	key  string
	tc   *gobuild.Toolchain
	mods []gobuild.Module
	main string
	ver  string
}

func (l *Lab) findToolchain(ctx context.Context) (*gobuild.Toolchain, []gobuild.Module, string, string, error) {
	c := &l.toolchain
	c.mu.Lock()
	defer c.mu.Unlock()
	key := os.Getenv("PATH") + "\x00" + os.Getenv("GOROOT")
	if c.tc != nil && c.key == key {
		return c.tc, c.mods, c.main, c.ver, nil
	}
	tc, err := gobuild.FindToolchain(ctx)
	if err != nil {
		return nil, nil, "", "", err
	}
	main, ver, mods := gobuild.BuildList(ctx, tc)
	c.key, c.tc, c.mods, c.main, c.ver = key, tc, mods, main, ver
	return tc, mods, main, ver, nil
}

// CompiledAvailable reports whether the lab's compiled runs can happen
// here, and if not, why (ErrNoToolchain or a broken go command). %help
// says it.
func (l *Lab) CompiledAvailable(ctx context.Context) (version string, err error) {
	tc, _, _, _, err := l.findToolchain(ctx)
	if err != nil {
		return "", err
	}
	return tc.Version, nil
}

// compiledProgram is a snippet built for the compiled runner.
type compiledProgram struct {
	bin     *gobuild.Binary
	tc      *gobuild.Toolchain
	vars    []byte // the encoded Program{Vars} every child decodes
	race    bool
	machine Machine
	resolve TypeResolver // names the types of results
}

// buildSnippet exports the snippet from the lab's session, generates its
// program and builds it (or finds it in the cache), showing the build's
// progress in the cell unless quiet.
func (l *Lab) buildSnippet(ctx context.Context, snippet string, at Position, race, quiet bool) (*compiledProgram, error) {
	h, err := l.session()
	if err != nil {
		return nil, fmt.Errorf("the compiled runner builds the snippet with the session's definitions: %w", err)
	}
	tc, mods, mainPath, mainVersion, err := l.findToolchain(ctx)
	if err != nil {
		return nil, err
	}
	ge, ok := h.(GoExporter)
	if !ok {
		return nil, fmt.Errorf("compiled runner: the session (%T) cannot export snippets as Go source", h)
	}
	gp, err := ge.ExportGo(snippet, at)
	if err != nil {
		return nil, fmt.Errorf("compiled runner: %w", err)
	}
	if err := ownImports(gp.Imports, mainPath, mainVersion); err != nil {
		return nil, err
	}
	files, err := programFiles(gp)
	if err != nil {
		return nil, err
	}
	vars, err := json.Marshal(Program{Vars: gp.Vars})
	if err != nil {
		return nil, fmt.Errorf("compiled runner: encode the variables: %w", err)
	}
	b := &gobuild.Builder{Toolchain: tc}
	prog := gobuild.Program{Files: files, Modules: mods, Race: race}
	var status *buildStatus
	if !quiet {
		status = &buildStatus{Version: tc.Version, Race: race}
		b.Progress = status.update
	}
	bin, err := b.Build(ctx, prog)
	if err != nil {
		var ce *gobuild.CompileError
		if errors.As(err, &ce) {
			status.finish(0, false)
			return nil, fmt.Errorf("compiled runner: the program does not compile:\n%w", err)
		}
		status.finish(0, false)
		return nil, fmt.Errorf("compiled runner: %w", err)
	}
	if !bin.Cached {
		status.finish(bin.Took, true)
	}
	m := ThisMachine()
	m.GoVersion = tc.Version
	return &compiledProgram{bin: bin, tc: tc, vars: vars, race: race, machine: m, resolve: resolverOf(h)}, nil
}

// ownImports refuses imports of spinlab's own packages when the running
// spinlab was built from a source tree, which no module cache holds.
func ownImports(imports []string, mainPath, mainVersion string) error {
	if mainPath == "" || (mainVersion != "" && mainVersion != "(devel)") {
		return nil
	}
	for _, imp := range imports {
		if p := importPath(imp); p == mainPath || len(p) > len(mainPath) && p[:len(mainPath)+1] == mainPath+"/" {
			return fmt.Errorf("compiled runner: the snippet uses %s, a package of spinlab itself, and this spinlab was built from source (%s), so no module cache has it; compiled snippets can use the standard library and the modules spinlab was built with, and run without display or runtimes", p, mainVersion)
		}
	}
	return nil
}

// importPath is the path of an import spec (`x "a/b"` → a/b).
func importPath(spec string) string {
	if i := indexByte(spec, '"'); i >= 0 {
		s := spec[i+1:]
		if j := indexByte(s, '"'); j >= 0 {
			return s[:j]
		}
	}
	return spec
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// buildStatus is the build's progress line in the cell.
type buildStatus struct {
	Version string
	Race    bool
	Elapsed time.Duration
	Done    bool
	OK      bool
	handle  *display.Handle
}

func (s *buildStatus) String() string {
	race := ""
	if s.Race {
		race = " -race"
	}
	switch {
	case s.Done && s.OK:
		return fmt.Sprintf("compiled runner: built with %s%s in %s (cached for re-runs)", s.Version, race, roundDuration(s.Elapsed))
	case s.Done:
		return fmt.Sprintf("compiled runner: go build%s failed", race)
	}
	return fmt.Sprintf("compiled runner: building with %s%s… %s", s.Version, race, roundDuration(s.Elapsed))
}

func (s *buildStatus) update(elapsed time.Duration) {
	s.Elapsed = elapsed
	if s.handle == nil {
		s.handle = display.Show(s.String())
		return
	}
	s.handle.Update(s.String())
}

func (s *buildStatus) finish(took time.Duration, ok bool) {
	if s == nil || s.handle == nil {
		return // nothing was shown: the build was quick
	}
	s.Done, s.OK, s.Elapsed = true, ok, took
	s.handle.Update(s.String())
}

// compiledFrame is a frame of the compiled program's side of the worker
// protocol beyond process mode's: an in-process run and its result, and a
// benchmark (see runtimes/harness).
type compiledFrame struct {
	Type    string          `json:"type"`
	PID     int             `json:"pid,omitempty"`
	Program json.RawMessage `json:"program,omitempty"`
	Workers int             `json:"workers,omitempty"`
	Mode    string          `json:"mode,omitempty"`
	Sync    bool            `json:"sync,omitempty"`
	Error   string          `json:"error,omitempty"`
	Run     *Run            `json:"run,omitempty"`
	// Results holds each in-process worker's result in the value
	// encoding (EncodeValue), nil where a worker had none.
	Results [][]byte     `json:"results,omitempty"`
	Bench   *BenchResult `json:"bench,omitempty"`
}

// server is a compiled program started once to serve in-process runs
// (goroutine and thread modes) and benchmarks, one after another.
type server struct {
	c     *workerProcess
	sent  bool // the variables went with the first request
	prog  *compiledProgram
	races *raceWatch // its stderr, when that is watched for race reports
	// stderrTail is the end of its stderr once it has been reaped.
	stderrTail string
}

func (l *Lab) startServer(ctx context.Context, p *compiledProgram, opts ProcessOptions, out *outputMux) (*server, error) {
	limit := opts.MaxChildren
	if limit <= 0 {
		limit = DefaultMaxChildren()
	}
	if err := l.children.reserve(1, limit); err != nil {
		return nil, err
	}
	c, err := l.startChild(ctx, []string{p.bin.Path}, opts, 0, out)
	if err != nil {
		l.children.release(1)
		return nil, fmt.Errorf("compiled runner: start %s: %w", p.bin.Path, err)
	}
	srv := &server{c: c, prog: p}
	srv.races, _ = out.stderr.(*raceWatch)
	if err := c.awaitReady(); err != nil {
		return nil, fmt.Errorf("compiled runner: %w", srv.died())
	}
	return srv, nil
}

// call sends one request and reads its reply. An error means the program
// died or broke the protocol; the server is closed then.
func (s *server) call(req *compiledFrame) (*compiledFrame, error) {
	if !s.sent {
		req.Program = s.prog.vars
		s.sent = true
	}
	var reply compiledFrame
	err := s.c.Send(req)
	if err == nil {
		err = s.c.Receive(&reply)
	}
	if err != nil {
		return nil, s.died()
	}
	if req.Sync && s.races != nil {
		s.races.awaitSync()
	}
	return &reply, nil
}

// died closes a server whose program stopped answering and says how it ended.
func (s *server) died() error {
	state := s.reap()
	return &programDied{exit: describeExit(state), stderr: s.stderrTail}
}

// reap closes the channel, waits for the program to exit (killing it
// after a grace period), drains its output and frees its slot.
func (s *server) reap() *os.ProcessState {
	c := s.c
	c.CloseSend() // end of file: the program exits between requests
	t := time.AfterFunc(5*time.Second, c.Kill)
	state := c.Wait()
	t.Stop()
	c.lab.children.remove(c.Pid)
	c.Close()
	s.stderrTail = c.finishOutput()
	c.stopWatch()
	c.lab.children.release(1)
	s.c = nil
	return state
}

type programDied struct{ exit, stderr string }

func (e *programDied) Error() string {
	return "the compiled program died (" + e.exit + "): " + firstLine(e.stderr)
}

// close tells the program it is done and reaps it.
func (s *server) close() {
	if s == nil || s.c == nil {
		return
	}
	s.reap()
}

// runCompiledInProcess runs n compiled workers as goroutines or locked
// threads inside the server's program.
func (s *server) run(mode Mode, n int) *Run {
	r := &Run{Mode: mode, Runner: Compiled, Machine: s.prog.machine, CPUPerWorker: mode == Thread && threadCPUKnown}
	if n < 1 {
		r.Err = fmt.Errorf("%s mode: need at least 1 worker, got %d", mode, n)
		return r
	}
	reply, err := s.call(&compiledFrame{Type: frameRun, Mode: mode.String(), Workers: n, Sync: s.races != nil})
	if err != nil {
		// The program died with the run (a panic in a goroutine the
		// snippet started, os.Exit, a fatal error): every worker failed.
		r.Workers = make([]WorkerStats, n)
		var died *programDied
		errors.As(err, &died)
		for i := range r.Workers {
			r.Workers[i] = WorkerStats{Worker: i, Error: err.Error()}
			if died != nil {
				r.Workers[i].Stderr = died.stderr
			}
		}
		return r
	}
	if reply.Run == nil {
		r.Err = fmt.Errorf("compiled runner: the program answered %q without a run", reply.Type)
		return r
	}
	got := reply.Run
	got.Mode, got.Runner, got.Machine = mode, Compiled, s.prog.machine
	for i, b := range reply.Results {
		if i >= len(got.Workers) || len(b) == 0 {
			continue
		}
		v, err := DecodeValue(b, s.prog.resolve)
		if err != nil && got.Workers[i].Error == "" {
			got.Workers[i].Error = fmt.Sprintf("decode the result: %v", err)
		}
		got.Workers[i].Result = v
	}
	return got
}

// runCompiledProcesses runs n children of the compiled program, each one
// worker, over process mode's protocol.
func (l *Lab) runCompiledProcesses(ctx context.Context, p *compiledProgram, n int, opts ProcessOptions) *Run {
	r := &Run{Mode: Process, Runner: Compiled, Machine: p.machine, CPUPerWorker: true, Pooled: opts.Pool,
		CopyBytes: len(p.vars)}
	opts.Command = []string{p.bin.Path}
	l.runProcesses(ctx, r, n, programWire{json: p.vars, resolve: p.resolve}, opts)
	return r
}

// stdio returns where children's output goes.
func stdio(opts ProcessOptions) (io.Writer, io.Writer) {
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	return stdout, stderr
}
