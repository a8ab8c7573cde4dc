package runtimes_test

import (
	"os/exec"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// baseline returns the mean time of f over about 200ms, for ratios
// against a baseline measured in the same run as the benchmark.
func baseline(f func()) time.Duration {
	f() // warm up
	n := 0
	start := time.Now()
	for time.Since(start) < 200*time.Millisecond {
		f()
		n++
	}
	return time.Since(start) / time.Duration(n)
}

func bareGo(n int) {
	var wg sync.WaitGroup
	wg.Add(n)
	for range n {
		go func() { wg.Done() }()
	}
	wg.Wait()
}

func bareThreads(n int) {
	var wg sync.WaitGroup
	wg.Add(n)
	for range n {
		go func() {
			runtime.LockOSThread()
			wg.Done()
		}()
	}
	wg.Wait()
}

const benchWorkers = 8

// BenchmarkGoroutineMode compares runtimes.Go with n bare go statements
// and a WaitGroup: the difference is the measuring (clocks, rusage,
// runtime/metrics, the thread-count sampler).
func BenchmarkGoroutineMode(b *testing.B) {
	base := baseline(func() { bareGo(benchWorkers) })
	for b.Loop() {
		runtimes.Go(benchWorkers, func(int) {})
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per.Nanoseconds())/benchWorkers, "ns/worker")
	b.ReportMetric(float64(base.Nanoseconds())/benchWorkers, "bare-ns/worker")
	b.ReportMetric(float64(per)/float64(base), "x-bare")
}

// BenchmarkThreadMode compares runtimes.Threads with bare goroutines that
// lock their thread and exit (so the runtime creates a thread for each).
func BenchmarkThreadMode(b *testing.B) {
	base := baseline(func() { bareThreads(benchWorkers) })
	for b.Loop() {
		runtimes.Threads(benchWorkers, func(int) {})
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per.Nanoseconds())/benchWorkers, "ns/worker")
	b.ReportMetric(float64(base.Nanoseconds())/benchWorkers, "bare-ns/worker")
	b.ReportMetric(float64(per)/float64(base), "x-bare")
}

// BenchmarkProcessSpawn measures process mode's spawn latency (asked to
// start → first instruction of the snippet, which includes starting the
// binary and a fresh interpreter) cold and from the warm pool, against
// fork+exec+wait of /bin/true.
func BenchmarkProcessSpawn(b *testing.B) {
	newTestHost(b).install(b)
	base := baseline(func() { exec.Command("/bin/true").Run() })
	for _, tc := range []struct {
		name string
		pool bool
	}{{"cold", false}, {"pool", true}} {
		b.Run(tc.name, func(b *testing.B) {
			var spawns []float64
			for b.Loop() {
				r := runtimes.Default().Processes(b.Context(), 1, `0`, runtimes.ProcessOptions{Pool: tc.pool})
				if r.Err != nil || r.Workers[0].Error != "" {
					b.Fatal(r.Err, r.Workers)
				}
				spawns = append(spawns, float64(r.Workers[0].Spawn))
			}
			slices.Sort(spawns)
			med := spawns[len(spawns)/2]
			b.ReportMetric(med, "spawn-ns")
			b.ReportMetric(float64(base.Nanoseconds()), "exec-true-ns")
			b.ReportMetric(med/float64(base), "x-exec-true")
		})
	}
}
