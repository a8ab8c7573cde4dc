package runtimes_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// childrenOf lists the live (or zombie) child processes of pid from /proc.
func childrenOf(t *testing.T, pid int) []string {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []string
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:]) // state, ppid, ...
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, s[:i+1]+" "+f[0])
		}
	}
	return out
}

func requireNoChildren(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		kids := childrenOf(t, os.Getpid())
		if len(kids) == 0 && len(runtimes.LiveChildren()) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("children left behind: %v (registry %v)", kids, runtimes.LiveChildren())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestParseMode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want runtimes.Mode
		ok   bool
	}{
		{"goroutine", runtimes.Goroutine, true},
		{"Threads", runtimes.Thread, true},
		{" process ", runtimes.Process, true},
		{"proc", runtimes.Process, true},
		{"fiber", 0, false},
	} {
		got, err := runtimes.ParseMode(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseMode(%q) = %v, %v", tc.in, got, err)
		}
	}
	ms, err := runtimes.ParseModes("goroutine,thread,process")
	if err != nil || !slices.Equal(ms, runtimes.AllModes()) {
		t.Errorf("ParseModes = %v, %v", ms, err)
	}
	for _, m := range runtimes.AllModes() {
		b, _ := m.MarshalText()
		var back runtimes.Mode
		if err := back.UnmarshalText(b); err != nil || back != m {
			t.Errorf("round trip of %v: %v, %v", m, back, err)
		}
	}
}

func TestGoroutineModeSharesMemory(t *testing.T) {
	var shared atomic.Int64
	r := runtimes.Go(4, func(w int) { shared.Add(int64(w + 1)) })
	if r.Err != nil || shared.Load() != 1+2+3+4 {
		t.Fatalf("shared = %d, err %v", shared.Load(), r.Err)
	}
	if r.N() != 4 || r.Mode != runtimes.Goroutine || r.CPUPerWorker {
		t.Errorf("run = %+v", r)
	}
	for _, w := range r.Workers {
		if w.PID != os.Getpid() {
			t.Errorf("worker %d ran in pid %d", w.Worker, w.PID)
		}
	}
}

func TestSnippetIsolation(t *testing.T) {
	h := newTestHost(t).install(t)
	h.declare(t, "counter", "10")

	// Goroutine mode: the snippet changes the session's variable.
	res := runtimes.Experiment{Snippet: `counter = counter + 5
counter`, Modes: []runtimes.Mode{runtimes.Goroutine}, Workers: []int{1}, Trials: 1, Quiet: true}.Run()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := h.value(t, "counter"); got != 15 {
		t.Fatalf("after goroutine mode counter = %v, want 15", got)
	}
	if got := res.Runs[0].Workers[0].Result; got != 15 {
		t.Errorf("goroutine result = %v (%T)", got, got)
	}

	// Process mode: each child changes its own copy; the parent never sees it.
	r := runtimes.Processes(2, `counter = counter + 100 + worker
counter`)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	for _, w := range r.Workers {
		if w.Error != "" {
			t.Fatalf("worker %d: %s\n%s", w.Worker, w.Error, w.Stderr)
		}
		if want := 115 + w.Worker; w.Result != want { // an int, as the snippet made it
			t.Errorf("worker %d result = %v, want %v", w.Worker, w.Result, want)
		}
	}
	if got := h.value(t, "counter"); got != 15 {
		t.Errorf("after process mode counter = %v, want 15 (unchanged)", got)
	}
	requireNoChildren(t)
}

func TestThreadsHaveDistinctThreads(t *testing.T) {
	const n = 4
	var ready sync.WaitGroup
	ready.Add(n)
	r := runtimes.Threads(n, func(int) {
		ready.Done()
		ready.Wait() // all workers alive at once
		time.Sleep(20 * time.Millisecond)
	})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	tids := map[int]bool{}
	for _, w := range r.Workers {
		if w.TID == 0 || tids[w.TID] {
			t.Fatalf("worker %d tid %d not distinct: %+v", w.Worker, w.TID, r.Workers)
		}
		tids[w.TID] = true
	}
	if r.PeakThreads < n {
		t.Errorf("peak OS threads %d, want at least %d", r.PeakThreads, n)
	}
	if !r.CPUPerWorker {
		t.Error("thread mode should attribute CPU per worker")
	}
}

// A child's peak RSS is its own: Linux's ru_maxrss of a child also counts
// the parent's memory that it shared between fork and exec, so a big
// parent would make every child look big.
func TestChildPeakRSSExcludesTheParent(t *testing.T) {
	newTestHost(t).install(t)
	ballast := make([]byte, 400<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	r := runtimes.Processes(1, `worker`)
	runtime.KeepAlive(ballast)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	w := r.Workers[0]
	if w.Error != "" {
		t.Fatalf("worker: %s\n%s", w.Error, w.Stderr)
	}
	if w.Memory < 1<<20 || w.Memory > 300<<20 {
		t.Errorf("child peak RSS %d MiB with a 400 MiB parent: want the child's own", w.Memory>>20)
	}
}

func TestProcessesHaveDistinctPIDs(t *testing.T) {
	newTestHost(t).install(t)
	r := runtimes.Processes(3, `worker * 10`)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	pids := map[int]bool{os.Getpid(): true}
	for _, w := range r.Workers {
		if w.Error != "" {
			t.Fatalf("worker %d: %s\n%s", w.Worker, w.Error, w.Stderr)
		}
		if pids[w.PID] {
			t.Fatalf("pid %d not distinct: %+v", w.PID, r.Workers)
		}
		pids[w.PID] = true
		if w.Result != w.Worker*10 {
			t.Errorf("worker %d result %v", w.Worker, w.Result)
		}
		if w.Memory < 1<<20 {
			t.Errorf("worker %d peak RSS %d bytes, implausibly small", w.Worker, w.Memory)
		}
		if w.Spawn <= 0 || w.Decode <= 0 || w.User+w.System <= 0 {
			t.Errorf("worker %d spawn %v cpu %v+%v", w.Worker, w.Spawn, w.User, w.System)
		}
	}
	if r.CopyBytes == 0 {
		t.Error("copy size not measured")
	}
	requireNoChildren(t)
}

func TestProcessOutputAttribution(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import "fmt"`)
	h.def(t, `import "os"`)
	for _, tc := range []struct {
		n          int
		wantOut    []string
		wantErrOut []string
	}{
		{1, []string{"out 0"}, []string{"err 0"}},
		{2, []string{"[w0] out 0", "[w1] out 1"}, []string{"[w0] err 0", "[w1] err 1"}},
	} {
		var out, errOut bytes.Buffer
		r := runtimes.Default().Processes(t.Context(), tc.n, `fmt.Println("out", worker)
fmt.Fprintln(os.Stderr, "err", worker)`, runtimes.ProcessOptions{Stdout: &out, Stderr: &errOut})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		lines := func(b *bytes.Buffer) []string {
			l := strings.Split(strings.TrimSpace(b.String()), "\n")
			slices.Sort(l)
			return l
		}
		if got := lines(&out); !slices.Equal(got, tc.wantOut) {
			t.Errorf("n=%d stdout %q, want %q", tc.n, got, tc.wantOut)
		}
		if got := lines(&errOut); !slices.Equal(got, tc.wantErrOut) {
			t.Errorf("n=%d stderr %q, want %q", tc.n, got, tc.wantErrOut)
		}
	}
}

func TestCopyErrorNamesVariable(t *testing.T) {
	h := newTestHost(t).install(t)
	h.declare(t, "jobs", "make(chan int)")
	r := runtimes.Processes(2, `len(jobs)`)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "jobs") {
		t.Fatalf("err = %v, want one naming jobs", r.Err)
	}
	if len(r.Workers) != 0 {
		t.Errorf("workers ran despite the copy error: %+v", r.Workers)
	}
	res := runtimes.Experiment{Snippet: `len(jobs)`, Modes: []runtimes.Mode{runtimes.Process}, Workers: []int{1}, Trials: 1}.Run()
	if res.Err == nil || !strings.Contains(res.Err.Error(), "jobs") {
		t.Fatalf("experiment err = %v, want one naming jobs", res.Err)
	}
	requireNoChildren(t)
}

func TestProcessModeNeedsSession(t *testing.T) {
	runtimes.SetDefault(nil)
	r := runtimes.Processes(1, `1`)
	if !errors.Is(r.Err, runtimes.ErrNoHost) || !strings.Contains(r.Err.Error(), "process mode needs a spinlab session") {
		t.Fatalf("err = %v", r.Err)
	}
	if b := runtimes.Bench(`1`); !errors.Is(b.Err, runtimes.ErrNoHost) {
		t.Errorf("Bench err = %v", b.Err)
	}
}

func TestWorkerFailuresAreReportedPerWorker(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import "os"`)
	r := runtimes.Processes(4, `if worker == 1 { panic("boom") }
if worker == 2 { os.Exit(3) }
if worker == 3 { p, _ := os.FindProcess(os.Getpid()); p.Kill() }
worker + 100`)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	w := r.Workers
	if w[0].Error != "" || w[0].Result != 100 {
		t.Errorf("worker 0 = %+v", w[0])
	}
	if !strings.Contains(w[1].Error+w[1].Stderr, "boom") {
		t.Errorf("worker 1 (panic) = %q, stderr %q", w[1].Error, w[1].Stderr)
	}
	if !strings.Contains(w[2].Error, "status 3") {
		t.Errorf("worker 2 (exit 3) = %q", w[2].Error)
	}
	if !strings.Contains(w[3].Error, "signal killed") {
		t.Errorf("worker 3 (SIGKILL) = %q", w[3].Error)
	}
	if got := len(r.Failed()); got != 3 {
		t.Errorf("%d failed, want 3", got)
	}

	g := runtimes.Go(3, func(w int) {
		if w == 1 {
			panic("in-process boom")
		}
	})
	if g.Workers[0].Error != "" || g.Workers[2].Error != "" || !strings.Contains(g.Workers[1].Error, "in-process boom") {
		t.Errorf("goroutine failures: %+v", g.Workers)
	}
	requireNoChildren(t)
}

func TestInterruptKillsAndReapsChildren(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import "time"`)
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	r := runtimes.Default().Processes(ctx, 3, `time.Sleep(time.Minute)`, runtimes.ProcessOptions{})
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("interrupted run took %v", took)
	}
	if r.Err == nil || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Errorf("run err = %v", r.Err)
	}
	for _, w := range r.Workers {
		if !strings.Contains(w.Error, "interrupted") {
			t.Errorf("worker %d: %q", w.Worker, w.Error)
		}
	}
	requireNoChildren(t)

	// An experiment stops too, keeping what finished.
	ctx2, cancel2 := context.WithCancel(t.Context())
	defer cancel2()
	var progress atomic.Int32
	res := runtimes.Default().Experiment(ctx2, runtimes.Experiment{
		Snippet:  `time.Sleep(50 * time.Millisecond)`,
		Modes:    []runtimes.Mode{runtimes.Goroutine, runtimes.Process},
		Workers:  []int{1, 2},
		Trials:   5,
		Progress: func(runtimes.Progress) { progress.Add(1); cancel2() },
	})
	if res.Err == nil || !errors.Is(res.Err, context.Canceled) {
		t.Errorf("experiment err = %v", res.Err)
	}
	if len(res.Runs) != 1 || progress.Load() != 1 {
		t.Errorf("%d runs, %d progress calls after cancelling on the first", len(res.Runs), progress.Load())
	}
	requireNoChildren(t)
}

func TestKillAll(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import "time"`)
	done := make(chan *runtimes.Run)
	go func() { done <- runtimes.Processes(2, `time.Sleep(time.Minute)`) }()
	deadline := time.Now().Add(20 * time.Second)
	for len(runtimes.LiveChildren()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("children did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtimes.Default().KillAll(); n != 2 {
		t.Errorf("KillAll killed %d, want 2", n)
	}
	select {
	case r := <-done:
		for _, w := range r.Workers {
			if !strings.Contains(w.Error, "signal killed") {
				t.Errorf("worker %d: %q", w.Worker, w.Error)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after KillAll")
	}
	requireNoChildren(t)
}

func TestMaxChildren(t *testing.T) {
	newTestHost(t).install(t)
	r := runtimes.Default().Processes(t.Context(), 3, `1`, runtimes.ProcessOptions{MaxChildren: 2})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "limit of 2") {
		t.Fatalf("err = %v", r.Err)
	}
}

func TestMemoryLimit(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory needs more address space than RLIMIT_AS allows")
	}
	newTestHost(t).install(t)
	r := runtimes.Default().Processes(t.Context(), 1, `b := make([]byte, 3<<30)
b[len(b)-1] = 1
len(b)`, runtimes.ProcessOptions{MemoryLimit: 1 << 30})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	w := r.Workers[0]
	if !strings.Contains(w.Error, "memory limit") {
		t.Fatalf("worker = %q\n%s", w.Error, w.Stderr)
	}
	requireNoChildren(t)
}

func TestSweepAllModes(t *testing.T) {
	h := newTestHost(t).install(t)
	h.declare(t, "base", "7")
	res := runtimes.Experiment{
		Snippet: `base * (worker + 1)`,
		Workers: []int{1, 2},
		Trials:  1,
		Quiet:   true,
	}.Run()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if len(res.Runs) != 6 {
		t.Fatalf("%d runs, want 3 modes × 2 worker counts", len(res.Runs))
	}
	sums := res.Summaries()
	if len(sums) != 6 {
		t.Fatalf("%d summaries", len(sums))
	}
	for _, r := range res.Runs {
		for _, w := range r.Workers {
			if w.Error != "" {
				t.Fatalf("%v worker %d: %s", r.Mode, w.Worker, w.Error)
			}
			if got := toFloat(w.Result); got != float64(7*(w.Worker+1)) {
				t.Errorf("%v worker %d result %v", r.Mode, w.Worker, w.Result)
			}
		}
	}
	for _, s := range sums {
		if s.Workers == 1 && s.Speedup != 1 {
			t.Errorf("%v speedup at 1 worker = %v", s.Mode, s.Speedup)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(res.CSV())).ReadAll()
	if err != nil || len(rows) != 7 || rows[0][0] != "mode" {
		t.Fatalf("CSV: %v rows, %v\n%s", len(rows), err, res.CSV())
	}
	var doc struct {
		Runs      []json.RawMessage `json:"runs"`
		Summaries []runtimes.Summary
		Machine   runtimes.Machine
	}
	if err := json.Unmarshal([]byte(res.JSON()), &doc); err != nil || len(doc.Runs) != 6 || len(doc.Summaries) != 6 || doc.Machine.NumCPU == 0 {
		t.Fatalf("JSON: %v %+v", err, doc)
	}
	b := res.Bundle()
	html, _ := b.Data["text/html"].(string)
	for _, want := range []string{"<table", "GOMAXPROCS", "process"} {
		if !strings.Contains(html, want) {
			t.Errorf("bundle html lacks %q", want)
		}
	}
	if text, _ := b.Data["text/plain"].(string); !strings.Contains(text, "speedup") {
		t.Errorf("text/plain = %q", text)
	}
	if bs := res.Bundles(); len(bs) != 2 || bs[0].Data["image/png"] == nil {
		t.Errorf("Bundles() = %d outputs, want the charts' image/png first", len(bs))
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return -1
}

func TestWarmPool(t *testing.T) {
	newTestHost(t).install(t)
	cold := runtimes.Default().Processes(t.Context(), 2, `worker`, runtimes.ProcessOptions{})
	warm := runtimes.Default().Processes(t.Context(), 2, `worker`, runtimes.ProcessOptions{Pool: true})
	if cold.Err != nil || warm.Err != nil {
		t.Fatal(cold.Err, warm.Err)
	}
	if !warm.Pooled {
		t.Error("warm run not marked pooled")
	}
	for _, w := range warm.Workers {
		if w.Error != "" || w.Result != w.Worker {
			t.Errorf("pool worker %d: %+v", w.Worker, w)
		}
	}
	t.Logf("spawn: cold %v, from the warm pool %v", cold.Workers[0].Spawn, warm.Workers[0].Spawn)
	requireNoChildren(t)
}

func TestSleepIsMeasured(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import "time"`)
	const d = 100 * time.Millisecond
	within := func(what string, got time.Duration) {
		t.Helper()
		if got < d || got > d+400*time.Millisecond {
			t.Errorf("%s = %v, want about %v", what, got, d)
		}
	}
	g := runtimes.Go(2, func(int) { time.Sleep(d) })
	within("goroutine wall", g.Wall)
	within("goroutine worker time", g.Workers[1].Time)
	th := runtimes.Threads(2, func(int) { time.Sleep(d) })
	within("thread wall", th.Wall)
	within("thread worker time", th.Workers[0].Time)
	p := runtimes.Processes(1, `time.Sleep(100 * time.Millisecond)`)
	if p.Err != nil || p.Workers[0].Error != "" {
		t.Fatal(p.Err, p.Workers)
	}
	within("process worker time", p.Workers[0].Time)
	if p.Wall < p.Workers[0].Time+p.Workers[0].Spawn {
		t.Errorf("process wall %v shorter than spawn %v + run %v", p.Wall, p.Workers[0].Spawn, p.Workers[0].Time)
	}
}

// spin burns CPU for about d of thread CPU time.
func spin(d time.Duration) int {
	x := 0
	for start := time.Now(); time.Since(start) < d; {
		for i := range 10000 {
			x += i
		}
	}
	return x
}

func loadAverage() float64 {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

func TestCPUTimeOfCPUBoundWork(t *testing.T) {
	n := min(2, runtime.NumCPU())
	const d = 300 * time.Millisecond
	for _, run := range []func(int, func(int)) *runtimes.Run{runtimes.Go, runtimes.Threads} {
		r := run(n, func(int) { spin(d) })
		cpu := r.User + r.System
		ideal := time.Duration(n) * r.Wall
		ratio := float64(cpu) / float64(ideal)
		t.Logf("%v: wall %v, CPU %v, CPU/(wall×%d) = %.2f", r.Mode, r.Wall, cpu, n, ratio)
		// Generous, and only on a machine with CPUs to spare: other
		// processes take CPU time from a worker without stopping its clock.
		if ratio < 0.4 || ratio > 1.3 {
			if load := loadAverage(); ratio < 0.4 && load > float64(runtime.NumCPU())-float64(n)+0.5 {
				t.Skipf("machine busy (load %.1f on %d CPUs): %v got CPU %v in wall %v × %d", load, runtime.NumCPU(), r.Mode, cpu, r.Wall, n)
			}
			t.Errorf("%v: CPU %v vs wall %v × %d workers (ratio %.2f)", r.Mode, cpu, r.Wall, n, ratio)
		}
		if r.Mode == runtimes.Thread {
			for _, w := range r.Workers {
				if c := w.User + w.System; c > w.Time+50*time.Millisecond {
					t.Errorf("thread worker %d CPU %v for run time %v", w.Worker, c, w.Time)
				}
			}
		}
	}
}

func TestProgressAndDisplayShapes(t *testing.T) {
	var calls []runtimes.Progress
	res := runtimes.Experiment{
		Func:     func(int) {},
		Workers:  []int{1, 2},
		Trials:   2,
		Warmup:   1,
		Progress: func(p runtimes.Progress) { calls = append(calls, p) },
	}.Run()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	// Without a session the default modes are goroutine and thread.
	if len(res.Runs) != 2*2*2 {
		t.Fatalf("%d runs", len(res.Runs))
	}
	if len(calls) != 2*2*3 || calls[len(calls)-1].Done != calls[len(calls)-1].Total {
		t.Fatalf("progress calls %d, last %+v", len(calls), calls[len(calls)-1])
	}
	if s := calls[0].String(); !strings.Contains(s, "goroutine × 1") {
		t.Errorf("progress line %q", s)
	}
	r := res.Runs[0]
	if s := r.String(); !strings.Contains(s, "goroutine × 1") || !strings.Contains(s, "not attributable") {
		t.Errorf("run text %q", s)
	}
	if h, _ := r.Bundle().Data["text/html"].(string); !strings.Contains(h, "<table") {
		t.Errorf("run html %q", h)
	}
}

func TestExperimentValidation(t *testing.T) {
	for _, e := range []runtimes.Experiment{
		{},
		{Func: func(int) {}, Workers: []int{0}},
		{Func: func(int) {}, Modes: []runtimes.Mode{runtimes.Process}},
		{Func: func(int) {}, Trials: -1},
	} {
		if res := e.Run(); res.Err == nil {
			t.Errorf("%+v ran without error", e)
		}
	}
}

func TestBench(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import "strings"`)
	b := runtimes.Bench(`strings.Repeat("ab", 50)`)
	if b.Err != nil || b.N == 0 || b.NsPerOp <= 0 {
		t.Fatalf("%+v", b)
	}
	f := runtimes.BenchFunc(func() { _ = make([]byte, 64) })
	if f.Err != nil || f.N == 0 {
		t.Fatalf("%+v", f)
	}
	if !strings.Contains(f.String(), "ns/op") {
		t.Errorf("%q", f.String())
	}
	bad := runtimes.Bench(`panic("nope")`)
	if bad.Err == nil || !strings.Contains(bad.Err.Error(), "nope") {
		t.Errorf("panicking bench err = %v", bad.Err)
	}
}

func TestBadWorkerCommand(t *testing.T) {
	newTestHost(t).install(t)
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"/nonexistent/spinlab", "worker"}, "start worker"},
		{[]string{"/bin/false"}, "status 1"},
		{[]string{"/bin/sh", "-c", "echo not a worker >&2"}, "without sending a result"},
	} {
		r := runtimes.Default().Processes(t.Context(), 2, `1`, runtimes.ProcessOptions{Command: tc.cmd, Stderr: &bytes.Buffer{}})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		for _, w := range r.Workers {
			if !strings.Contains(w.Error, tc.want) {
				t.Errorf("%v: worker %d error %q, want %q", tc.cmd, w.Worker, w.Error, tc.want)
			}
		}
	}
	requireNoChildren(t)
}

func TestRunJSONCarriesError(t *testing.T) {
	r := runtimes.Go(0, func(int) {})
	b, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(b), `"error":"goroutine mode: need at least 1 worker`) || !strings.Contains(string(b), `"mode":"goroutine"`) {
		t.Fatalf("%s %v", b, err)
	}
}

// cellHost is a session whose running cell has a context, as interp's has.
type cellHost struct {
	*testHost
	ctx context.Context
}

func (h cellHost) CellContext() context.Context { return h.ctx }

// Interrupting the cell stops a run started without a context: its
// children are killed and reaped, and the run says it was interrupted.
func TestProcessesStopWhenTheCellIsInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	runtimes.SetDefault(runtimes.NewLab(cellHost{newTestHost(t), ctx}))
	t.Cleanup(func() { runtimes.SetDefault(nil) })
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	r := runtimes.Processes(2, `select {}`)
	if r.Err == nil || time.Since(start) > 30*time.Second {
		t.Fatalf("run not stopped by the cell's context: err %v after %v", r.Err, time.Since(start))
	}
	requireNoChildren(t)
}

// TestWorkerChannelNotInherited: a process that a process-mode snippet
// starts sees nothing of the worker protocol on fds 3 and 4 (the worker
// used to leave its protocol pipes there, inheritable).
func TestWorkerChannelNotInherited(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import "os/exec"`)
	r := runtimes.Processes(1, `out, err := exec.Command("sh", "-c", "ls -l /proc/$$/fd").CombinedOutput()
if err != nil {
	panic(err)
}
listing := string(out)
listing`)
	if r.Err != nil || r.Workers[0].Error != "" {
		t.Fatalf("run: %v %q", r.Err, r.Workers[0].Error)
	}
	listing, _ := r.Workers[0].Result.(string)
	if !strings.Contains(listing, " 0 -> ") {
		t.Fatalf("no fd listing: %+v", r.Workers[0])
	}
	for _, line := range strings.Split(listing, "\n") {
		f := strings.Fields(line)
		if n := len(f); n >= 3 && f[n-2] == "->" && (f[n-3] == "3" || f[n-3] == "4") {
			t.Errorf("the snippet's child inherited %s", line)
		}
	}
}
