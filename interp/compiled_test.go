package interp

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/runtimes"
)

// compiledSession returns a session for compiled-runner tests, which need
// the go command.
func compiledSession(t *testing.T) (*Session, *lockedBuffer, *lockedBuffer) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	if _, err := runtimes.CompiledAvailable(context.Background()); err != nil {
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
	e.Process.Host = s
	r := e.Run()
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
}
