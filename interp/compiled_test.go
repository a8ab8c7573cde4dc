package interp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// compiledSession returns a session for compiled-runner tests, which need
// the go command.
func compiledSession(t *testing.T) (*Session, *lockedBuffer, *lockedBuffer) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	if _, err := runtimes.NewLab(nil).CompiledAvailable(context.Background()); err != nil {
		t.Skipf("no toolchain: %v", err)
	}
	return newTestSession(t)
}

// A compiled experiment uses the session's types, methods, functions and
// constants, and copies of its variables, in all three modes; its results
// come back per worker and say they are compiled.
func TestCompiledExperimentAllModes(t *testing.T) {
	s, _, _ := compiledSession(t)
	mustExec(t, s, "const base = 100\ntype job struct{ Base int }\nfunc (j job) Do(w int) int { return j.Base + w + offset() }\nfunc offset() int { return base - 100 }\nj := job{Base: 100}\nunused := make(chan int)\n_ = unused")
	e := runtimes.Experiment{Snippet: "x := j.Do(worker)\nx * workers", Modes: runtimes.AllModes(), Workers: []int{2}, Trials: 1,
		Runners: []runtimes.Runner{runtimes.Compiled}, Quiet: true}
	r := s.Lab().Experiment(context.Background(), e)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(r.Runs) != 3 {
		t.Fatalf("%d runs, want 3", len(r.Runs))
	}
	for _, run := range r.Runs {
		if run.Runner != runtimes.Compiled {
			t.Errorf("%s run says runner %s", run.Mode, run.Runner)
		}
		var results []string
		for _, w := range run.Workers {
			if w.Error != "" {
				t.Errorf("%s worker %d: %s\n%s", run.Mode, w.Worker, w.Error, w.Stderr)
			}
			results = append(results, fmt.Sprint(w.Result))
			// The result keeps the type the snippet returned: an int,
			// not JSON's float64.
			if _, ok := w.Result.(int); !ok {
				t.Errorf("%s worker %d: result %v is a %T, want an int", run.Mode, w.Worker, w.Result, w.Result)
			}
		}
		if got := strings.Join(results, " "); got != "200 202" {
			t.Errorf("%s results %q, want \"200 202\"", run.Mode, got)
		}
		if run.Wall <= 0 || run.PeakThreads <= 0 || run.Workers[0].Spawn <= 0 || run.Workers[0].Time <= 0 {
			t.Errorf("%s run not measured: %+v", run.Mode, run)
		}
		if run.Mode == runtimes.Thread && (run.Workers[0].TID == 0 || run.Workers[0].TID == run.Workers[1].TID) {
			t.Errorf("thread workers' tids %d %d", run.Workers[0].TID, run.Workers[1].TID)
		}
		if run.Mode == runtimes.Process && run.Workers[0].PID == run.Workers[1].PID {
			t.Errorf("process workers share pid %d", run.Workers[0].PID)
		}
	}
	if txt := r.String(); !strings.Contains(txt, "compiled with go") {
		t.Errorf("the results do not say they are compiled:\n%s", txt)
	}

	// A warm pool of compiled children: spawn excludes process start-up.
	e.Modes, e.Pool = []runtimes.Mode{runtimes.Process}, true
	r = s.Lab().Experiment(context.Background(), e)
	if r.Err != nil || !r.Runs[0].Pooled {
		t.Fatalf("pool: %v, pooled %v", r.Err, r.Err == nil && r.Runs[0].Pooled)
	}
	if got := fmt.Sprint(r.Runs[0].Results()...); got != "200 202" {
		t.Errorf("pooled results %q, want \"200 202\"", got)
	}

	// Named compiled types and composites come back as themselves.
	e.Snippet, e.Modes, e.Pool = "[]time.Duration{time.Duration(worker) * time.Second}", runtimes.AllModes(), false
	mustExec(t, s, `import "time"`)
	r = s.Lab().Experiment(context.Background(), e)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	for _, run := range r.Runs {
		if got, ok := run.Workers[1].Result.([]time.Duration); !ok || len(got) != 1 || got[0] != time.Second {
			t.Errorf("%s: result %v is a %T, want []time.Duration{1s}", run.Mode, run.Workers[1].Result, run.Workers[1].Result)
		}
	}
}

// cellText runs a cell and returns its result's text/plain and its error.
func cellText(t *testing.T, s *Session, code string) (string, error) {
	t.Helper()
	res, err := s.Execute(context.Background(), code)
	if res != nil && res.Value != nil {
		return text(res.Value), err
	}
	return "", err
}

// A compile error in a compiled snippet names the cell's line and column.
func TestCompiledCompileErrorAtCellLine(t *testing.T) {
	s, _, _ := compiledSession(t)
	mustExec(t, s, "x := 1")
	_, err := cellText(t, s, "%%spin runner=compiled modes=goroutine workers=1 trials=1\ny := x + 1\nz := nope * 2\ny")
	if err == nil {
		t.Fatal("a snippet that does not compile ran")
	}
	// cell 2; the magic is line 1, so `z := nope * 2` is line 3, nope at column 6.
	if !strings.Contains(err.Error(), "cell[2]:3:6: undefined: nope") {
		t.Fatalf("error %q does not point at cell[2]:3:6", err)
	}
	if !strings.Contains(err.Error(), "declared and not used: z") {
		t.Errorf("error %q lacks Go's own complaint about z", err)
	}
	// The session goes on.
	if got, err := cellText(t, s, "x + 1"); err != nil || got != "2" {
		t.Fatalf("after the failed build: %q, %v", got, err)
	}
}

// A panic in a compiled worker is that worker's error, with its message
// and the cell line it came from; the other workers finish.
func TestCompiledPanicAtCellLine(t *testing.T) {
	s, _, _ := compiledSession(t)
	mustExec(t, s, "func check(w int) int {\n\tif w == 1 {\n\t\tpanic(fmt.Sprintf(\"worker %d gave up\", w))\n\t}\n\treturn w\n}")
	for _, m := range runtimes.AllModes() {
		e := runtimes.Experiment{Snippet: "check(worker)", Modes: []runtimes.Mode{m}, Workers: []int{2}, Trials: 1,
			Runners: []runtimes.Runner{runtimes.Compiled}, Quiet: true, At: runtimes.Position{File: "cell[9]", Line: 2}}
		var stderr lockedBuffer
		e.Process.Stderr = &stderr
		r := s.Lab().Experiment(context.Background(), e)
		if r.Err != nil {
			t.Fatalf("%s: %v", m, r.Err)
		}
		ws := r.Runs[0].Workers
		if ws[0].Error != "" || fmt.Sprint(ws[0].Result) != "0" {
			t.Errorf("%s: worker 0: %v %q", m, ws[0].Result, ws[0].Error)
		}
		// The function was defined in cell 1, line 3.
		if !strings.Contains(ws[1].Error, "panic: worker 1 gave up") || !strings.Contains(ws[1].Error, "cell[1]:3") {
			t.Errorf("%s: worker 1's error %q lacks the message or cell[1]:3", m, ws[1].Error)
		}
		if !strings.Contains(ws[1].Stderr+stderr.String(), "cell[9]:2") {
			t.Errorf("%s: the stack does not reach the snippet's line cell[9]:2:\n%s\n%s", m, ws[1].Stderr, stderr.String())
		}
		// The harness's frames name spinlab's harness, not a file in the
		// build cache.
		if stack := ws[1].Stderr + stderr.String(); !strings.Contains(stack, "spinlab/harness/main.go:") || strings.Contains(stack, "harness_main.go") {
			t.Errorf("%s: the harness's frames name a path in the build cache, not spinlab/harness/main.go:\n%s", m, stack)
		}
	}
}

// race=true builds with -race; the unsynchronised counter's race is
// reported at the cell's line and the run is marked racy.
func TestCompiledRaceAtCellLine(t *testing.T) {
	s, _, _ := compiledSession(t)
	cell := "%%spin runner=compiled race=true modes=goroutine,process workers=1 trials=1\n" +
		"counter := 0\n" +
		"var wg sync.WaitGroup\n" +
		"for range 4 {\n" +
		"\twg.Add(1)\n" +
		"\tgo func() { defer wg.Done(); counter++ }()\n" +
		"}\n" +
		"wg.Wait()\n" +
		"counter"
	got, err := cellText(t, s, cell)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"goroutine", "process"} {
		if !strings.Contains(got, "DATA RACE in "+mode+" × 1 (compiled), trial 0, at cell[1]:6") {
			t.Fatalf("no race reported in %s mode at cell[1]:6:\n%s", mode, got)
		}
	}
	if strings.Contains(got, "exited with status") {
		t.Errorf("a racy worker is reported as failed (the race detector's exit status):\n%s", got)
	}
	if !strings.Contains(got, "-race") {
		t.Errorf("the footer does not say the build used -race:\n%s", got)
	}
	// The same counter under a mutex has no race.
	fixed := strings.Replace(cell, "counter++", "mu.Lock(); counter++; mu.Unlock()", 1)
	fixed = strings.Replace(fixed, "var wg sync.WaitGroup", "var wg sync.WaitGroup\nvar mu sync.Mutex", 1)
	got, err = cellText(t, s, fixed)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got, "DATA RACE") {
		t.Fatalf("a race reported in the fixed counter:\n%s", got)
	}
}

// Without a toolchain, runner=compiled fails the cell with an error that
// says what is missing and how to get it; everything else works.
func TestCompiledWithoutToolchain(t *testing.T) {
	s, _, _ := newTestSession(t)
	t.Setenv("PATH", "")
	t.Setenv("GOROOT", "")
	_, err := cellText(t, s, "%%spin runner=compiled modes=goroutine workers=1 trials=1\nworker + 1")
	if err == nil || !strings.Contains(err.Error(), "no Go toolchain") || !strings.Contains(err.Error(), "go.dev/dl") {
		t.Fatalf("got %v, want the no-toolchain error", err)
	}
	_, err = cellText(t, s, "%%bench runner=compiled\n_ = 0")
	if err == nil || !strings.Contains(err.Error(), "go.dev/dl") {
		t.Fatalf("%%%%bench: got %v, want the no-toolchain error", err)
	}
	got, err := cellText(t, s, "%%spin modes=goroutine workers=1 trials=1 quiet=true\nworker + 1")
	if err != nil || !strings.Contains(got, "interpreted by yaegi") {
		t.Fatalf("the interpreter's experiment after the failure: %q, %v", got, err)
	}
	if got, err := cellText(t, s, "%help"); err != nil || !strings.Contains(got, "Compiled runs (runner=compiled) are not available") {
		t.Fatalf("%%help does not say compiled runs are unavailable: %v\n%s", err, got)
	}
}

// %%bench runner=interpreted,compiled: one table, a row per runner; the
// compiled row is Go's own loop, without the interpreter's allocations.
func TestCompiledBench(t *testing.T) {
	s, _, _ := compiledSession(t)
	mustExec(t, s, "var mu sync.Mutex")
	got, err := cellText(t, s, "%%bench runner=interpreted,compiled\nmu.Lock()\nmu.Unlock()")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(got, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "interpreted") || !strings.HasPrefix(lines[1], "compiled") {
		t.Fatalf("want a row per runner:\n%s", got)
	}
	if !strings.Contains(lines[1], "\t0 B/op\t0 allocs/op") {
		t.Errorf("compiled mu.Lock/Unlock allocates: %s", lines[1])
	}
}

// A compiled worker does not hand its channel to the snippet: the
// variables that vouch for it are gone and fds 3 and 4 are /dev/null.
func TestCompiledChannelNotVisible(t *testing.T) {
	s, _, _ := compiledSession(t)
	for _, m := range []runtimes.Mode{runtimes.Goroutine, runtimes.Process} {
		e := runtimes.Experiment{Snippet: "l3, _ := os.Readlink(\"/proc/self/fd/3\")\nl4, _ := os.Readlink(\"/proc/self/fd/4\")\nos.Getenv(\"SPINLAB_CHANNEL\") + os.Getenv(\"SPINLAB_MEMORY_LIMIT\") + \"|\" + l3 + \"|\" + l4",
			Modes: []runtimes.Mode{m}, Workers: []int{1}, Trials: 1, Runners: []runtimes.Runner{runtimes.Compiled}, Quiet: true}
		e.Process.MemoryLimit = 4 << 30
		r := s.Lab().Experiment(context.Background(), e)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		w := r.Runs[0].Workers[0]
		if got := fmt.Sprint(w.Result); got != "|/dev/null|/dev/null" {
			t.Errorf("%s: the snippet sees %q (error %q), want |/dev/null|/dev/null", m, got, w.Error)
		}
	}
}

// A third-party import resolves to the version spinlab was built with,
// from the local module cache.
func TestCompiledThirdPartyImport(t *testing.T) {
	s, _, _ := compiledSession(t)
	mustExec(t, s, "import \"gonum.org/v1/gonum/stat\"\nxs := []float64{1, 2, 3, 6}")
	e := runtimes.Experiment{Snippet: "stat.Mean(xs, nil) + float64(worker)", Modes: []runtimes.Mode{runtimes.Goroutine}, Workers: []int{2},
		Trials: 1, Runners: []runtimes.Runner{runtimes.Compiled}, Quiet: true}
	r := s.Lab().Experiment(context.Background(), e)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if got := fmt.Sprint(r.Runs[0].Results()...); got != "3 4" {
		t.Errorf("results %q, want \"3 4\"", got)
	}
	// spinlab's own packages are not in any module cache when spinlab was
	// built from source: a clear error, not a go command's riddle.
	e.Snippet = "display.Markdown(\"x\")"
	if r := s.Lab().Experiment(context.Background(), e); r.Err == nil || !strings.Contains(r.Err.Error(), "a package of spinlab itself") {
		t.Errorf("display in a compiled snippet: %v", r.Err)
	}
}

// An interrupt stops a compiled run: its program is killed and reaped,
// in every mode.
func TestCompiledInterrupt(t *testing.T) {
	s, _, _ := compiledSession(t)
	for _, m := range runtimes.AllModes() {
		e := runtimes.Experiment{Snippet: "time.Sleep(time.Hour)", Modes: []runtimes.Mode{m}, Workers: []int{2},
			Trials: 1, Runners: []runtimes.Runner{runtimes.Compiled}, Quiet: true}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for len(s.Lab().LiveChildren()) == 0 {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond)
			cancel()
		}()
		t0 := time.Now()
		r := s.Lab().Experiment(ctx, e)
		if r.Err == nil || !errors.Is(r.Err, context.Canceled) && !strings.Contains(r.Err.Error(), "interrupted") {
			t.Errorf("%s: err %v, want an interruption", m, r.Err)
		}
		if d := time.Since(t0); d > 20*time.Second {
			t.Errorf("%s: the interrupted run took %s", m, d)
		}
		if live := s.Lab().LiveChildren(); len(live) != 0 {
			t.Errorf("%s: children alive after the interrupt: %v", m, live)
		}
	}
}
