package interp

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/runtimes"
)

// TestProcessMode runs a snippet in child processes through the spinlab
// binary: Export in this session, EvalProgram in the children. It needs
// the binary: set SPINLAB_WORKER_BIN, or have the go command build it.
func TestProcessMode(t *testing.T) {
	bin := workerBinary(t)
	s, _, _ := newTestSession(t)
	mustExec(t, s, "type job struct{ Base int }\nfunc (j job) Do(w int) int { return j.Base + w }\nj := job{Base: 100}")
	e := runtimes.Experiment{Snippet: "j.Do(worker)", Modes: []runtimes.Mode{runtimes.Process}, Workers: []int{2}, Trials: 1, Quiet: true}
	e.Process.Command = []string{bin, "worker"}
	r := s.Lab().Experiment(context.Background(), e)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(r.Runs) != 1 {
		t.Fatalf("%d runs", len(r.Runs))
	}
	var results []string
	for _, w := range r.Runs[0].Workers {
		if w.Error != "" {
			t.Errorf("worker error: %s\n%s", w.Error, w.Stderr)
		}
		results = append(results, fmt.Sprint(w.Result))
	}
	if got := strings.Join(results, " "); got != "100 101" {
		t.Errorf("results %q, want \"100 101\"", got)
	}
}

// workerBinary returns the spinlab binary for process-mode tests.
func workerBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the spinlab binary")
	}
	bin := os.Getenv("SPINLAB_WORKER_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "spinlab")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/spinlab/spinlab/cmd/spinlab").CombinedOutput()
		if err != nil {
			t.Skipf("cannot build the spinlab binary: %v\n%s", err, out)
		}
	}
	return bin
}

// Variables that the running cell itself defined are copied to children
// too (or refused by name), although the cell has not finished defining them.
func TestProcessModeSameCellVariables(t *testing.T) {
	t.Setenv(runtimes.EnvWorkerBin, workerBinary(t))
	s, _, _ := newTestSession(t)
	runtimes.SetDefault(s.Lab())
	defer runtimes.SetDefault(nil)
	res := mustExec(t, s, `data := []int{4, 5}
ch := make(chan int)
r := runtimes.Processes(1, "len(data)")
bad := runtimes.Processes(1, "ch <- 1")
fmt.Sprint(r.Workers[0].Result, " ", r.Workers[0].Error, bad.Err != nil && strings.Contains(bad.Err.Error(), "ch (a channel)"))`)
	if got := text(res.Value); got != `"2 true"` {
		t.Errorf("got %s, want \"2 true\"", got)
	}
}

// A function whose source the session rewrote (a per-iteration loop
// variable, a guarded go statement) reaches a process worker as written:
// the worker's session rewrites it once more, and rewriting the rewritten
// form declared the loop variable's copy twice ("no new variables on left
// side of :="), so every process run of such a session failed.
func TestProcessModeRewrittenDefinitions(t *testing.T) {
	t.Setenv(runtimes.EnvWorkerBin, workerBinary(t))
	s, _, _ := newTestSession(t)
	runtimes.SetDefault(s.Lab())
	defer runtimes.SetDefault(nil)
	mustExec(t, s, "func spawn(n int) int {\n\tvar wg sync.WaitGroup\n\tfor i := 0; i < n; i++ {\n\t\twg.Add(1)\n\t\tgo func() { defer wg.Done(); _ = i }()\n\t}\n\twg.Wait()\n\treturn n\n}")
	res := mustExec(t, s, "p := runtimes.Processes(1, `spawn(3)`)\nfmt.Sprint(p.Workers[0].Result, p.Workers[0].Error)")
	if got, want := text(res.Value), `"3"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
