package interp

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// unrelatedFuncs defines n functions a snippet does not use, each with
// enough body that interpreting it costs the child something.
func unrelatedFuncs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "func helper%d(xs []int) int {\n\ts := 0\n\tfor i, x := range xs {\n\t\tif i%%2 == 0 { s += x * %d } else { s -= x }\n\t}\n\treturn s\n}\n", i, i)
	}
	return b.String()
}

// Process mode ships only the definitions a snippet uses, followed
// transitively: the 80 unrelated functions stay home.
func TestExportOnlyWhatTheSnippetUses(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, unrelatedFuncs(80))
	mustExec(t, s, "type acc struct{ n int }\nfunc (a acc) add(x int) int { return a.n + x }\nfunc twice(x int) int { return acc{x}.add(x) }\nfunc run(w int) int { return twice(w) + base }\nvar base = 7")
	p, err := s.Export("run(worker)")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.Source, "helper") {
		t.Errorf("the program carries unrelated functions (%d bytes)", len(p.Source))
	}
	for _, want := range []string{"func run(", "func twice(", "type acc struct", "func (a acc) add("} {
		if !strings.Contains(p.Source, want) {
			t.Errorf("source lacks %q:\n%s", want, p.Source)
		}
	}
	if len(p.Vars) != 1 || p.Vars[0].Name != "base" {
		t.Errorf("vars %+v, want base (used by run)", p.Vars)
	}
	got, err := s.evalProgram(t.Context(), p, 3, 4)
	if err != nil || fmt.Sprint(got) != "13" {
		t.Errorf("run(3) in a fresh interpreter = %v, %v; want 13", got, err)
	}
}

// spawnMedian runs a one-worker process sweep of a trivial snippet and
// returns the median Spawn over its workers.
func spawnMedian(t testing.TB, s *Session, bin string, pool bool) time.Duration {
	e := runtimes.Experiment{Snippet: "worker", Modes: []runtimes.Mode{runtimes.Process}, Workers: []int{4}, Trials: 5, Warmup: 1, Pool: pool, Quiet: true}
	e.Process.Command = []string{bin, "worker"}
	r := s.Lab().Experiment(context.Background(), e)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	var spawns []time.Duration
	for _, run := range r.Runs {
		for _, w := range run.Workers {
			if w.Error != "" {
				t.Fatalf("worker: %s\n%s", w.Error, w.Stderr)
			}
			spawns = append(spawns, w.Spawn)
		}
	}
	sort.Slice(spawns, func(i, j int) bool { return spawns[i] < spawns[j] })
	return spawns[len(spawns)/2]
}

// Spawn does not grow with the notebook: 80 unrelated functions in the
// session leave a worker's spawn (pooled and cold) near the empty
// session's. Before, the child re-interpreted them all (1.3 → 19 ms).
// The bound is generous for a loaded machine; the benchmark reports the
// ratio.
func TestSpawnIndependentOfNotebookSize(t *testing.T) {
	bin := workerBinary(t)
	for _, pool := range []bool{true, false} {
		empty, _, _ := newTestSession(t)
		full, _, _ := newTestSession(t)
		mustExec(t, full, unrelatedFuncs(80))
		e, f := spawnMedian(t, empty, bin, pool), spawnMedian(t, full, bin, pool)
		t.Logf("pool=%v: spawn %v with 0 functions, %v with 80 (%.2f×)", pool, e, f, float64(f)/float64(e))
		if f > 3*e+2*time.Millisecond {
			t.Errorf("pool=%v: spawn %v with 80 functions vs %v with none", pool, f, e)
		}
	}
}

func BenchmarkSpawnNotebookSize(b *testing.B) {
	bin := workerBinary(&testing.T{})
	for _, pool := range []bool{true, false} {
		b.Run(fmt.Sprintf("pool=%v", pool), func(b *testing.B) {
			empty, _, _ := newTestSession(b)
			full, _, _ := newTestSession(b)
			mustExec(b, full, unrelatedFuncs(80))
			var e, f time.Duration
			for range b.N {
				e += spawnMedian(b, empty, bin, pool)
				f += spawnMedian(b, full, bin, pool)
			}
			b.ReportMetric(float64(e.Microseconds())/float64(b.N), "µs-spawn-0fn")
			b.ReportMetric(float64(f.Microseconds())/float64(b.N), "µs-spawn-80fn")
			b.ReportMetric(float64(f)/float64(e), "ratio")
		})
	}
}

// Cross-check of Spawn against the child's own clock: the snippet reads
// the time at its first instruction, which is at most the parent's
// asking time plus Spawn, and later than the moment before the
// experiment started by at least Spawn.
func TestSpawnMatchesChildClock(t *testing.T) {
	bin := workerBinary(t)
	s, _, _ := newTestSession(t)
	mustExec(t, s, unrelatedFuncs(80))
	e := runtimes.Experiment{Snippet: "time.Now().UnixNano()", Modes: []runtimes.Mode{runtimes.Process}, Workers: []int{1}, Trials: 1, Quiet: true}
	e.Process.Command = []string{bin, "worker"}
	t0 := time.Now()
	r := s.Lab().Experiment(context.Background(), e)
	if r.Err != nil || len(r.Runs) != 1 {
		t.Fatal(r.Err)
	}
	w := r.Runs[0].Workers[0]
	child, ok := w.Result.(int64) // as the snippet made it
	if !ok {
		t.Fatalf("result %v (%s)", w.Result, w.Error)
	}
	sinceStart := time.Duration(int64(child) - t0.UnixNano())
	t.Logf("Spawn %v; child's first instruction %v after the experiment began", w.Spawn, sinceStart)
	if w.Spawn <= 0 || w.Spawn > sinceStart+time.Millisecond || sinceStart > w.Spawn+100*time.Millisecond {
		t.Errorf("Spawn %v disagrees with the child's clock (%v after the experiment began)", w.Spawn, sinceStart)
	}
}
