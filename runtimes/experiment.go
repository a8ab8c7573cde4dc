package runtimes

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"
)

// Experiment sweeps a snippet over modes × worker counts × trials and
// collects every run into Results. The zero values of its fields mean the
// defaults, so Experiment{Snippet: s}.Run() runs all three modes with 1,
// 2, 4, … 2×NumCPU workers, three trials each.
type Experiment struct {
	// Snippet is the Go code each worker runs; it sees worker
	// (0..workers-1) and workers. It is compiled once for the goroutine
	// and thread modes (Host.Compile) and exported once for process mode
	// (Host.Export), never once per worker. It needs the lab's session.
	Snippet string
	// Func, if set, is what goroutine and thread workers run instead of
	// Snippet, so that a plain Go program can run an experiment without
	// a session. Process mode always runs Snippet.
	Func func(worker int)
	// Modes to run; default all three (without a session and with Func
	// only, goroutine and thread).
	Modes []Mode
	// Workers are the worker counts; default 1, 2, 4, … up to 2×NumCPU.
	Workers []int
	// Trials per mode and worker count; default 3.
	Trials int
	// Warmup runs per mode and worker count before the measured trials;
	// they are not recorded.
	Warmup int
	// Pool draws process workers from a warm pool of pre-started
	// children, so that spawn latency excludes process start-up.
	Pool bool
	// Runners run the snippet: Interpreted (the default), Compiled, or
	// both, side by side in the results. Func runs only interpreted.
	Runners []Runner
	// Race builds compiled runs with the race detector (-race): each
	// DATA RACE report is shown as the workers' stderr, its frames at the
	// cells' lines, and the run is marked racy (Run.Races). It needs the
	// Compiled runner and a C toolchain (cgo), as go build -race does.
	Race bool
	// At is where the snippet's first line is in its cell, so that
	// compiled runs' errors, panics and race reports name cell lines.
	// The %%spin magic sets it.
	At Position
	// Divide says the snippet splits a fixed amount of work among the
	// workers (strong scaling), so speedup is T(1)/T(n). By default every
	// worker does the snippet's whole work (weak scaling) and speedup is
	// the throughput ratio n·T(1)/T(n). Either way the ideal is n.
	Divide bool
	// Process configures process mode (command, caps, memory limit,
	// where children's output goes). Pool above also sets Process.Pool.
	Process ProcessOptions
	// Progress, if set, is called after each run with how far the sweep
	// is. If nil and the sweep takes longer than a second, progress is
	// shown in place with display.Show (mode, workers, elapsed, time
	// left) and ends as a one-line summary; Quiet turns that off.
	Progress func(Progress)
	Quiet    bool
}

// Progress says how far an experiment is.
type Progress struct {
	Mode      Mode          `json:"mode"`
	Runner    Runner        `json:"runner"`
	Workers   int           `json:"workers"`
	Trial     int           `json:"trial"`  // trials done for this mode and worker count
	Trials    int           `json:"trials"` // trials per mode and worker count
	Done      int           `json:"done"`   // runs done, warm-ups included
	Total     int           `json:"total"`
	Elapsed   time.Duration `json:"elapsed_ns"`
	Remaining time.Duration `json:"remaining_ns"` // estimate
	// Interrupted says the sweep stopped early: Done of Total ran.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Run runs the experiment in the Default lab under the running cell's
// context; see Lab.Experiment.
func (e Experiment) Run() *Results {
	l := Default()
	return l.Experiment(l.CellContext(), e)
}

// Experiment runs e until done or until ctx is cancelled; then running
// interpreted workers see their context cancelled, children are killed
// with their process groups and reaped, and the results so far come back
// with Err set. The %%spin magic is this method.
func (l *Lab) Experiment(ctx context.Context, e Experiment) *Results {
	res := &Results{Snippet: e.Snippet, Machine: ThisMachine(), Divide: e.Divide, Started: time.Now()}
	plan, err := e.plan(l.host != nil)
	if err != nil {
		res.Err = err
		return res
	}
	res.Trials = plan.trials

	interpreted := slices.Contains(plan.runners, Interpreted)
	var work workFunc
	var prog programWire
	var copyTime time.Duration
	if interpreted && slices.ContainsFunc(plan.modes, func(m Mode) bool { return m != Process }) {
		if work, err = e.compile(l); err != nil {
			res.Err = err
			return res
		}
	}
	if interpreted && slices.Contains(plan.modes, Process) {
		h, err := l.session()
		if err != nil {
			res.Err = errNoSessionForProcesses
			return res
		}
		if prog.attached, copyTime, err = exportProgram(h, e.Snippet, e.Process.Vars); err != nil {
			res.Err = err
			return res
		}
		prog.resolve = resolverOf(h)
	}
	popts := e.Process
	popts.Pool = popts.Pool || e.Pool
	stdout, stderr := stdio(popts)
	races := newRaceWatch(stderr)
	var compiled *compiledProgram
	var srv *server
	defer func() { srv.close() }()
	if slices.Contains(plan.runners, Compiled) {
		if compiled, err = l.buildSnippet(ctx, e.Snippet, e.At, e.Race, e.Quiet); err != nil {
			res.Err = err
			return res
		}
		res.Compiled = &CompiledInfo{GoVersion: compiled.tc.Version, Race: e.Race, Binary: compiled.bin.Path,
			Cached: compiled.bin.Cached, BuildTime: compiled.bin.Took}
	}

	progress := e.Progress
	var shown *progressDisplay
	if progress == nil && !e.Quiet {
		shown = newProgressDisplay()
		progress = shown.update
	}
	if progress == nil {
		progress = func(Progress) {}
	}

	t0 := time.Now()
	cpu0 := readMachineCPU()
	total := len(plan.modes) * len(plan.workers) * len(plan.runners) * (plan.warmup + plan.trials)
	done := 0
sweep:
	for _, m := range plan.modes {
		for _, n := range plan.workers {
			for _, runner := range plan.runners {
				for t := range plan.warmup + plan.trials {
					if ctx.Err() != nil {
						break sweep
					}
					var r *Run
					switch {
					case runner == Compiled && m == Process:
						copts := popts
						copts.Stdout, copts.Stderr = stdout, races
						mark := races.count()
						r = l.runCompiledProcesses(ctx, compiled, n, copts)
						r.Race, r.Races = e.Race, races.since(mark)
					case runner == Compiled:
						if srv == nil {
							copts := popts
							copts.Pool = false
							out := &outputMux{stdout: stdout, stderr: races}
							if srv, err = l.startServer(ctx, compiled, copts, out); err != nil {
								if ctx.Err() == nil { // else: killed by the interrupt, said below
									res.Err = err
								}
								break sweep
							}
						}
						mark := races.count()
						r = srv.run(m, n)
						if srv.c == nil {
							srv = nil // it died with the run; the next run starts a new one
						}
						r.Race, r.Races = e.Race, races.since(mark)
					case m == Process:
						r = &Run{Mode: Process, Machine: res.Machine, CPUPerWorker: true, Pooled: popts.Pool,
							CopyBytes: len(prog.attached), CopyTime: copyTime}
						l.runProcesses(ctx, r, n, prog, popts)
					default:
						r = runInProcess(ctx, m, n, work)
					}
					if ctx.Err() != nil {
						break sweep // cut short: its figures are not a run's
					}
					done++
					if t >= plan.warmup {
						r.Trial = t - plan.warmup
						res.Runs = append(res.Runs, r)
					}
					if r.Err != nil && ctx.Err() == nil {
						// A run that could not happen at all (too many
						// children, no binary) will not work next time either.
						res.Err = fmt.Errorf("%s (%s) with %d workers: %w", m, runner, n, r.Err)
						break sweep
					}
					elapsed := time.Since(t0)
					progress(Progress{Mode: m, Runner: runner, Workers: n, Trial: max(0, t-plan.warmup+1), Trials: plan.trials,
						Done: done, Total: total, Elapsed: elapsed,
						Remaining: time.Duration(float64(elapsed) / float64(done) * float64(total-done))})
				}
			}
		}
	}
	res.Elapsed = time.Since(t0)
	res.OtherCPU, res.BusyChecked = othersCPU(cpu0, readMachineCPU())
	if err := ctx.Err(); err != nil && res.Err == nil {
		res.Err = fmt.Errorf("experiment interrupted after %d of %d runs: %w", done, total, err)
	}
	if shown != nil {
		shown.finish(done, total, res.Elapsed, ctx.Err() != nil)
	}
	return res
}

type plan struct {
	runners []Runner
	modes   []Mode
	workers []int
	trials  int
	warmup  int
}

// plan fills in the defaults; session says whether the lab has one.
func (e Experiment) plan(session bool) (plan, error) {
	p := plan{runners: e.Runners, modes: e.Modes, workers: e.Workers, trials: e.Trials, warmup: e.Warmup}
	if e.Snippet == "" && e.Func == nil {
		return p, errors.New("experiment has nothing to run: set Snippet (or Func in a plain Go program)")
	}
	if len(p.runners) == 0 {
		p.runners = []Runner{Interpreted}
	}
	for _, r := range p.runners {
		if r != Interpreted && r != Compiled {
			return p, fmt.Errorf("experiment: unknown runner %v", r)
		}
		if r == Compiled && e.Snippet == "" {
			return p, errors.New("experiment: the compiled runner builds Snippet, and Snippet is empty (Func runs only interpreted)")
		}
	}
	if e.Race && !slices.Contains(p.runners, Compiled) {
		return p, errors.New("experiment: Race needs the compiled runner (Runners: []runtimes.Runner{runtimes.Compiled}): the interpreter has no race detector")
	}
	if len(p.modes) == 0 {
		p.modes = AllModes()
		if !session {
			p.modes = []Mode{Goroutine, Thread}
		}
	}
	for _, m := range p.modes {
		if m < Goroutine || m > Process {
			return p, fmt.Errorf("experiment: unknown mode %v", m)
		}
		if m == Process && e.Snippet == "" {
			return p, errors.New("experiment: process mode runs Snippet in child processes, and Snippet is empty (Func runs only in goroutine and thread modes)")
		}
	}
	if len(p.workers) == 0 {
		p.workers = DefaultWorkers()
	}
	for _, n := range p.workers {
		if n < 1 {
			return p, fmt.Errorf("experiment: worker counts must be at least 1, got %d", n)
		}
	}
	if p.trials == 0 {
		p.trials = 3
	}
	if p.trials < 0 || p.warmup < 0 {
		return p, fmt.Errorf("experiment: Trials and Warmup cannot be negative (got %d and %d)", p.trials, p.warmup)
	}
	return p, nil
}

// DefaultWorkers returns the default worker counts: powers of two from 1
// up to 2×NumCPU, and 2×NumCPU itself.
func DefaultWorkers() []int {
	top := 2 * runtime.NumCPU()
	var ws []int
	for n := 1; n < top; n *= 2 {
		ws = append(ws, n)
	}
	return append(ws, top)
}

// compile returns the in-process work: Func, or the snippet compiled once.
func (e Experiment) compile(l *Lab) (workFunc, error) {
	if e.Func != nil {
		f := e.Func
		return func(_ context.Context, w, _ int) (any, error) { f(w); return nil, nil }, nil
	}
	h, err := l.session()
	if err != nil {
		return nil, err
	}
	fn, err := h.Compile(e.Snippet)
	if err != nil {
		return nil, fmt.Errorf("compile the snippet: %w", err)
	}
	return fn, nil
}
