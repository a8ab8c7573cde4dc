package runtimes_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// Goroutines share memory: every worker adds to the same counter.
func ExampleGo() {
	var total atomic.Int64
	r := runtimes.Go(4, func(worker int) { total.Add(int64(worker)) })
	fmt.Println(r.Mode, r.N(), "workers, total", total.Load(), "failed", len(r.Failed()))
	// Output: goroutine 4 workers, total 6 failed 0
}

// Each thread-mode worker owns an OS thread and its CPU time is its own.
func ExampleThreads() {
	r := runtimes.Threads(2, func(worker int) { time.Sleep(10 * time.Millisecond) })
	fmt.Println(r.Mode, "distinct threads:", r.Workers[0].TID != r.Workers[1].TID, "CPU per worker:", r.CPUPerWorker)
	// Output: thread distinct threads: true CPU per worker: true
}

// Outside a spinlab session there is no interpreter to copy a snippet
// from, and process mode says so.
func ExampleProcesses() {
	r := runtimes.Processes(2, `worker * worker`)
	fmt.Println(strings.SplitN(r.Err.Error(), ",", 2)[0])
	// Output: process mode needs a spinlab session
}

// A plain Go program sweeps goroutine and thread modes with Func; in a
// notebook, Snippet adds process mode. The results keep every run.
func ExampleExperiment() {
	res := runtimes.Experiment{
		Func:    func(worker int) { time.Sleep(time.Millisecond) },
		Modes:   []runtimes.Mode{runtimes.Goroutine, runtimes.Thread},
		Workers: []int{1, 2, 4},
		Trials:  2,
	}.Run()
	for _, s := range res.Summaries() {
		fmt.Println(s.Mode, s.Workers, s.Trials, s.Wall >= time.Millisecond)
	}
	// Output:
	// goroutine 1 2 true
	// goroutine 2 2 true
	// goroutine 4 2 true
	// thread 1 2 true
	// thread 2 2 true
	// thread 4 2 true
}

// Results export one CSV row per measured run.
func ExampleResults_CSV() {
	res := runtimes.Experiment{Func: func(int) {}, Modes: []runtimes.Mode{runtimes.Goroutine}, Workers: []int{1, 2}, Trials: 1}.Run()
	lines := strings.Split(strings.TrimSpace(res.CSV()), "\n")
	fmt.Println(len(lines)-1, "rows")
	fmt.Println(lines[0])
	// Output:
	// 2 rows
	// mode,runner,workers,trial,wall_ns,cpu_user_ns,cpu_system_ns,spawn_median_ns,spawn_max_ns,run_median_ns,memory_per_worker_bytes,allocated_bytes,peak_threads,peak_child_threads,failed,pooled,races,error
}

// An interrupt is a cancelled context: the experiment stops and keeps
// the runs that finished.
func ExampleLab_Experiment() {
	ctx, cancel := context.WithCancel(context.Background())
	lab := runtimes.NewLab(nil) // a plain Go program has no session
	res := lab.Experiment(ctx, runtimes.Experiment{
		Func:     func(int) {},
		Workers:  []int{1, 2, 4},
		Trials:   3,
		Progress: func(p runtimes.Progress) { cancel() }, // stop after the first run
	})
	fmt.Println(len(res.Runs), "run;", res.Err)
	// Output: 1 run; experiment interrupted after 1 of 18 runs: context canceled
}

func ExampleParseModes() {
	modes, err := runtimes.ParseModes("goroutine,thread,process")
	fmt.Println(modes, err)
	// Output: [goroutine thread process] <nil>
}

// BenchFunc is %%bench for plain Go: ns/op, B/op and allocs/op.
func ExampleBenchFunc() {
	b := runtimes.BenchFunc(func() { _ = fmt.Sprint(42) })
	fmt.Println(b.N > 0, b.NsPerOp > 0, b.Err)
	// Output: true true <nil>
}
