package kernel_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/frontend"
	"github.com/spinlab/spinlab/kernel/kernelbench"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// The benchmarks in this file measure the real kernel: the spinlab binary
// (`spinlab kernel`, which starts its evaluator `spinlab eval`), reached
// over tcp by kerneltest's client, as a notebook reaches it. Speed goals
// are not asserted (they are in .notes/perf.md, measured side by side
// with ipykernel by `spinlab bench-kernel`); correctness is: every cell
// must succeed and every line must arrive.
//
// To profile the kernel's side of these round trips, use the
// BenchmarkInProcess* benchmarks of interp/supervisor, which serve the
// same evaluator from a kernel in the test process:
//
//	go test -run XXX -bench InProcess -cpuprofile cpu.prof ./interp/supervisor
//
// BenchmarkProtocolFloor is the kernel alone, with the fake engine.

// The cells of the benchmarks (the Go half of kernelbench's workloads).
var goCells = func() kernelbench.Workload {
	w, err := kernelbench.WorkloadFor("go")
	if err != nil {
		panic(err)
	}
	return w
}()

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// spinlabBinary builds the spinlab binary once per test process, as
// `go build -o tmp/spinlab ./cmd/spinlab` from the module's root.
func spinlabBinary(b testing.TB) string {
	b.Helper()
	buildOnce.Do(func() {
		gomod, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = err
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(gomod)))
		builtBin = filepath.Join(root, "tmp", "spinlab")
		cmd := exec.Command("go", "build", "-o", builtBin, "./cmd/spinlab")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = &buildError{err, string(out)}
		}
	})
	if buildErr != nil {
		b.Fatalf("build spinlab: %v", buildErr)
	}
	return builtBin
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// spinlabSpec is a kernelspec for the built binary, as `spinlab install`
// writes it.
func spinlabSpec(b testing.TB) kernelbench.Spec {
	return kernelbench.Spec{
		Name: "spinlab", Language: "go",
		Argv: []string{spinlabBinary(b), "kernel", "-f", "{connection_file}"},
	}
}

// startBinary starts `spinlab kernel -f FILE` and connects a kerneltest
// client once it answers; both stop when the benchmark ends. It returns
// the kernel's pid.
func startBinary(b *testing.B) (*kerneltest.Client, int) {
	b.Helper()
	path, _ := kerneltest.NewConnectionFile(b)
	cmd := exec.Command(spinlabBinary(b), "kernel", "-f", path)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	b.Cleanup(func() {
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	c := kerneltest.Connect(b, path)
	b.Cleanup(func() { c.Shutdown(false) })
	// The first cell waits for the evaluator to start; not measured.
	mustExecute(b, c, goCells.Trivial)
	return c, cmd.Process.Pid
}

func mustExecute(b testing.TB, c *kerneltest.Client, code string) *kerneltest.Result {
	b.Helper()
	r := c.Execute(code, kerneltest.StoreHistory(false))
	if r.Status != kernel.StatusOK {
		b.Fatalf("cell %q: status %s, error %+v, stderr %q", code, r.Status, r.Error, r.Stderr)
	}
	return r
}

// latencies records the duration of each iteration and reports the
// median and the 95th percentile next to the mean (ns/op).
type latencies []float64

func (l *latencies) time(f func()) {
	t := time.Now()
	f()
	*l = append(*l, float64(time.Since(t)))
}

func (l latencies) report(b *testing.B) {
	if len(l) > 0 {
		b.ReportMetric(kernelbench.Percentile(l, 50), "p50-ns")
		b.ReportMetric(kernelbench.Percentile(l, 95), "p95-ns")
	}
}

// benchExecute is a trivial cell's round trip: execute_reply and status idle.
func benchExecute(b *testing.B, c *kerneltest.Client) {
	var l latencies
	for b.Loop() {
		l.time(func() { mustExecute(b, c, goCells.Trivial) })
	}
	l.report(b)
}

// benchLines is a cell printing 10,000 lines, until status idle; every
// line must have arrived, in order.
func benchLines(b *testing.B, c *kerneltest.Client) {
	var want strings.Builder
	for i := range kernelbench.LineCount {
		want.WriteString(strconv.Itoa(i) + "\n")
	}
	var l latencies
	for b.Loop() {
		var r *kerneltest.Result
		l.time(func() { r = mustExecute(b, c, goCells.Lines) })
		if r.Stdout != want.String() {
			b.Fatalf("stdout has %d lines, not the %d printed", strings.Count(r.Stdout, "\n"), kernelbench.LineCount)
		}
	}
	b.SetBytes(int64(want.Len()))
	l.report(b)
}

// benchComplete is a complete_request round trip (with status idle).
func benchComplete(b *testing.B, c *kerneltest.Client) {
	var l latencies
	for b.Loop() {
		var r kernel.CompleteReply
		l.time(func() { r = c.Complete(goCells.Complete, len(goCells.Complete)) })
		if r.Status != "ok" || !slices.Contains(r.Matches, "Println") {
			b.Fatalf("completing %q: status %s, matches %v", goCells.Complete, r.Status, r.Matches)
		}
	}
	l.report(b)
}

// benchPlot is a display.Plot of a 1,000-point line chart, until idle.
func benchPlot(b *testing.B, c *kerneltest.Client) {
	mustExecute(b, c, goCells.PlotSetup)
	mustExecute(b, c, goCells.Plot) // the first loads fonts
	var l latencies
	for b.Loop() {
		var r *kerneltest.Result
		l.time(func() { r = mustExecute(b, c, goCells.Plot) })
		if len(r.Displays) != 1 || r.Displays[0].Data["image/png"] == nil {
			b.Fatalf("the plot cell displayed %d bundles, want one with image/png", len(r.Displays))
		}
	}
	l.report(b)
}

func BenchmarkSpinlabExecute(b *testing.B) {
	c, _ := startBinary(b)
	benchExecute(b, c)
}

func BenchmarkSpinlabStream10000Lines(b *testing.B) {
	c, _ := startBinary(b)
	benchLines(b, c)
}

func BenchmarkSpinlabComplete(b *testing.B) {
	c, _ := startBinary(b)
	benchComplete(b, c)
}

// BenchmarkSpinlabCompleteExpression completes after an expression's
// type (an index, a field, an index: res.Workers[0].), reasoned about
// statically in the kernel process from the session's definitions.
func BenchmarkSpinlabCompleteExpression(b *testing.B) {
	c, _ := startBinary(b)
	mustExecute(b, c, "res := runtimes.Go(1, func(int) {})")
	const code = "res.Workers[0]."
	var l latencies
	for b.Loop() {
		var r kernel.CompleteReply
		l.time(func() { r = c.Complete(code, len(code)) })
		if r.Status != "ok" || !slices.Contains(r.Matches, "Spawn") {
			b.Fatalf("completing %q: status %s, matches %v", code, r.Status, r.Matches)
		}
	}
	l.report(b)
}

// BenchmarkSpinlabInspect is an inspect_request (Shift-Tab) round trip
// for a documented function: the evaluator looks it up in the
// documentation table.
func BenchmarkSpinlabInspect(b *testing.B) {
	c, _ := startBinary(b)
	const code = "runtimes.Processes("
	var l latencies
	for b.Loop() {
		var r kernel.InspectReply
		l.time(func() { r = c.Inspect(code, len(code), 0) })
		if text, _ := r.Data["text/plain"].(string); !r.Found || !strings.Contains(text, "snippet string") {
			b.Fatalf("inspecting %q: found %v, %q", code, r.Found, text)
		}
	}
	l.report(b)
}

func BenchmarkSpinlabPlot(b *testing.B) {
	c, _ := startBinary(b)
	benchPlot(b, c)
}

// BenchmarkSpinlabColdStart starts the binary from a fresh connection file
// until its first kernel_info_reply (ns/op also counts the wait for iopub
// and the shutdown; coldstart-ns is the figure).
func BenchmarkSpinlabColdStart(b *testing.B) {
	spec := spinlabSpec(b)
	var l latencies
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		k, err := kernelbench.Start(ctx, spec)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		info, err := k.Client.KernelInfo(context.Background())
		if err != nil || info.Status != "ok" {
			b.Fatalf("kernel_info: %v, status %q", err, info.Status)
		}
		l = append(l, float64(k.ColdStart))
		k.Stop()
	}
	b.ReportMetric(kernelbench.Percentile(l, 50), "coldstart-p50-ns")
	b.ReportMetric(kernelbench.Percentile(l, 95), "coldstart-p95-ns")
}

// BenchmarkSpinlabIdleRSS reports the resident memory of an idle kernel
// (after its first cell): the kernel process and its evaluator apart.
func BenchmarkSpinlabIdleRSS(b *testing.B) {
	spec := spinlabSpec(b)
	var kern, eval []float64
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		k, err := kernelbench.Start(ctx, spec)
		if err != nil {
			cancel()
			b.Fatal(err)
		}
		if e, err := kernelbench.Execute(ctx, k.Client, goCells.Trivial); err != nil || e.Status != "ok" {
			b.Fatalf("first cell: %v", err)
		}
		cancel()
		time.Sleep(500 * time.Millisecond)
		m, err := k.Memory()
		if err != nil {
			b.Fatal(err)
		}
		if len(m.ChildPIDs) != 1 {
			b.Fatalf("the kernel has %d child processes, want its evaluator", len(m.ChildPIDs))
		}
		kern, eval = append(kern, float64(m.Kernel)), append(eval, float64(m.Children))
		k.Stop()
	}
	b.ReportMetric(kernelbench.Percentile(kern, 50)/(1<<20), "kernel-MB")
	b.ReportMetric(kernelbench.Percentile(eval, 50)/(1<<20), "evaluator-MB")
}

// BenchmarkProtocolFloor is the kernel alone: a trivial cell of the fake
// engine, from kernel/frontend's client (buffered, one write per message), so
// that neither an evaluator nor a test client's overhead is in the figure.
func BenchmarkProtocolFloor(b *testing.B) {
	srv := kerneltest.NewServer(b, newFakeEngine())
	ctx := context.Background()
	c, err := frontend.Dial(ctx, srv.ConnectionInfo(), frontend.Options{Username: "kernelbench"})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.WaitReady(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("execute", func(b *testing.B) {
		var l latencies
		for b.Loop() {
			e, err := kernelbench.Execute(ctx, c, "value 1")
			if err != nil || e.Status != "ok" {
				b.Fatalf("execute: %v", err)
			}
			l = append(l, float64(e.Latency()))
		}
		l.report(b)
	})
	b.Run("complete", func(b *testing.B) {
		var l latencies
		for b.Loop() {
			r, e, err := c.Complete(ctx, "fmt.Pri", len("fmt.Pri"))
			if err != nil || r.Status != "ok" {
				b.Fatalf("complete: %v", err)
			}
			l = append(l, float64(e.Latency()))
		}
		l.report(b)
	})
}
