package interp

import (
	"context"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// coldSpawn runs snippet in n cold one-worker process runs and returns
// the median Spawn (asked to start → the snippet's first instruction).
func coldSpawn(t testing.TB, s *Session, bin, snippet string, n int) time.Duration {
	t.Helper()
	e := runtimes.Experiment{Snippet: snippet, Modes: []runtimes.Mode{runtimes.Process}, Workers: []int{1}, Trials: n, Quiet: true}
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
	slices.Sort(spawns)
	return spawns[len(spawns)/2]
}

// execMedian returns the median time of n runs of argv to its exit.
func execMedian(t testing.TB, n int, argv ...string) time.Duration {
	t.Helper()
	var ds []time.Duration
	for range n {
		t0 := time.Now()
		if err := exec.Command(argv[0], argv[1:]...).Run(); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// BenchmarkColdSpawn measures process mode's cold spawn (asked to start →
// the snippet's first instruction: start-up of the binary, of its
// interpreter, and the program's own compile) against starting the same
// binary for a command that does nothing (`spinlab version`: the
// binary's loading and package initialisers) and /bin/true, measured in
// the same run, interleaved. "trivial" is the snippet `worker`;
// "imports" uses a session function and type and fmt, strings, slices,
// maps, sort and time. x-exec-bin is the figure the worker's own start-up
// is judged by: what spawn costs beyond starting the binary at all.
func BenchmarkColdSpawn(b *testing.B) {
	bin := workerBinary(&testing.T{})
	s, _, _ := newTestSession(b)
	mustExec(b, s, processImportsSession)
	for _, tc := range []struct{ name, snippet string }{
		{"trivial", "worker"},
		{"imports", processImportsSnippet},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var spawn, exe, tru time.Duration
			for range b.N {
				spawn += coldSpawn(b, s, bin, tc.snippet, 5)
				exe += execMedian(b, 5, bin, "version")
				tru += execMedian(b, 5, "/bin/true")
			}
			n := time.Duration(b.N)
			spawn, exe, tru = spawn/n, exe/n, tru/n
			b.ReportMetric(float64(spawn.Microseconds()), "µs-spawn")
			b.ReportMetric(float64(exe.Microseconds()), "µs-exec-bin")
			b.ReportMetric(float64(tru.Microseconds()), "µs-exec-true")
			b.ReportMetric(float64(spawn)/float64(exe), "x-exec-bin")
			b.ReportMetric(float64(spawn)/float64(tru), "x-exec-true")
		})
	}
}

// processImportsSession and processImportsSnippet are a session and a
// snippet that uses its definitions and several packages.
const (
	processImportsSession = `import (
	"fmt"
	"strings"
)

type tally struct{ n int }

func (t *tally) add(k int) { t.n += k }

func label(w int) string { return strings.Repeat("w", w+1) }`

	processImportsSnippet = `xs := []int{3, worker, 1}
slices.Sort(xs)
m := map[string]int{label(worker): len(xs)}
keys := slices.Sorted(maps.Keys(m))
sort.Ints(xs)
t := &tally{}
t.add(xs[2])
_ = time.Duration(t.n) * time.Millisecond
fmt.Sprint(keys, t.n)`
)
