package supervisor_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/interp/supervisor"
	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// The benchmarks in this file measure the engine alone: the supervisor
// and the real evaluator (`spinlab eval`, built by TestMain), without the
// kernel's sockets. Their difference from kernel's BenchmarkSpinlab*
// figures is the cost of the protocol side. Speed goals are not asserted;
// correctness is.

// benchOutput is a kernel.Output that keeps stream text and counts displays.
type benchOutput struct {
	mu       sync.Mutex
	stdout   strings.Builder
	stderr   strings.Builder
	displays []kernel.DisplayData
}

func (o *benchOutput) Stream(name, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if name == "stdout" {
		o.stdout.WriteString(text)
	} else {
		o.stderr.WriteString(text)
	}
}

func (o *benchOutput) Display(d kernel.DisplayData) {
	o.mu.Lock()
	o.displays = append(o.displays, d)
	o.mu.Unlock()
}

func (o *benchOutput) Clear(bool) {}

func (o *benchOutput) Input(context.Context, string, bool) (string, error) {
	return "", kernel.ErrStdinNotAllowed
}

func startBench(b *testing.B) *supervisor.Supervisor {
	b.Helper()
	s, err := supervisor.New(supervisor.Options{Command: []string{binary, "eval"}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	benchCell(b, s, "x := 1")
	return s
}

func benchCell(b *testing.B, s *supervisor.Supervisor, code string) *benchOutput {
	b.Helper()
	out := &benchOutput{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := s.Execute(ctx, kernel.ExecuteRequest{Code: code}, out)
	if r.Status != kernel.StatusOK {
		b.Fatalf("cell %q: status %s, error %+v, stderr %q", code, r.Status, r.Error, out.stderr.String())
	}
	return out
}

// BenchmarkEngineExecute is a trivial cell through the supervisor and
// the evaluator process.
func BenchmarkEngineExecute(b *testing.B) {
	s := startBench(b)
	for b.Loop() {
		benchCell(b, s, "x := 1")
	}
}

// BenchmarkEngineStream10000Lines prints 10,000 lines; all must arrive
// before Execute returns.
func BenchmarkEngineStream10000Lines(b *testing.B) {
	s := startBench(b)
	var want strings.Builder
	for i := range 10000 {
		want.WriteString(strconv.Itoa(i) + "\n")
	}
	for b.Loop() {
		out := benchCell(b, s, "for i := 0; i < 10000; i++ {\n\tfmt.Println(i)\n}")
		if got := out.stdout.String(); got != want.String() {
			b.Fatalf("stdout has %d lines, not the 10000 printed", strings.Count(got, "\n"))
		}
	}
	b.SetBytes(int64(want.Len()))
}

// BenchmarkEngineComplete completes a package member, which the
// supervisor answers in the kernel process (interp.Complete).
func BenchmarkEngineComplete(b *testing.B) {
	s := startBench(b)
	for b.Loop() {
		c, err := s.Complete(context.Background(), "fmt.Pri", 7)
		if err != nil || len(c.Matches) == 0 {
			b.Fatalf("completions %v, err %v", c.Matches, err)
		}
	}
}

// BenchmarkEngineCompleteVariable completes a variable's fields from the
// session's definitions, in the kernel process too.
func BenchmarkEngineCompleteVariable(b *testing.B) {
	s := startBench(b)
	benchCell(b, s, "type point struct{ X, Y int }\npt := point{1, 2}")
	for b.Loop() {
		c, err := s.Complete(context.Background(), "pt.", 3)
		if err != nil || !slices.Equal(c.Matches, []string{"X", "Y"}) {
			b.Fatalf("completions %v, err %v", c.Matches, err)
		}
	}
}

// BenchmarkEngineCompleteExpression completes after an expression's
// type (res.Workers[0].), statically, in the kernel process.
func BenchmarkEngineCompleteExpression(b *testing.B) {
	s := startBench(b)
	benchCell(b, s, "res := runtimes.Go(1, func(int) {})")
	for b.Loop() {
		c, err := s.Complete(context.Background(), "res.Workers[0].", 15)
		if err != nil || !slices.Contains(c.Matches, "Spawn") {
			b.Fatalf("completions %v, err %v", c.Matches, err)
		}
	}
}

// BenchmarkEngineInspect inspects a documented function: a round trip to
// the evaluator, which reads the documentation table.
func BenchmarkEngineInspect(b *testing.B) {
	s := startBench(b)
	for b.Loop() {
		in, err := s.Inspect(context.Background(), "runtimes.Processes(", 19, 0)
		if err != nil || !in.Found {
			b.Fatalf("found %v, err %v", in.Found, err)
		}
	}
}

// BenchmarkEnginePlot displays a 1,000-point line chart (PNG and SVG).
func BenchmarkEnginePlot(b *testing.B) {
	s := startBench(b)
	benchCell(b, s, "import (\n\t\"gonum.org/v1/plot\"\n\t\"gonum.org/v1/plot/plotter\"\n)\nvar _ = plot.New\nvar _ plotter.XYs")
	const cell = `pts := make(plotter.XYs, 1000)
for i := range pts {
	pts[i].X = float64(i)
	pts[i].Y = math.Sin(float64(i) / 50)
}
p := plot.New()
line, err := plotter.NewLine(pts)
if err != nil {
	panic(err)
}
p.Add(line)
display.Plot(p)`
	benchCell(b, s, cell) // the first loads fonts
	for b.Loop() {
		out := benchCell(b, s, cell)
		if len(out.displays) != 1 || out.displays[0].Data["image/png"] == nil {
			b.Fatalf("%d displays, want one with image/png", len(out.displays))
		}
	}
}

// The BenchmarkInProcess* benchmarks serve the evaluator from a kernel in
// the test process and reach it with kerneltest's client over tcp, so
// that -cpuprofile and -memprofile see the kernel's side of the round
// trip (kernel's BenchmarkSpinlab* run the kernel binary instead):
//
//	go test -run XXX -bench InProcess -cpuprofile cpu.prof ./interp/supervisor

func startInProcess(b *testing.B) *kerneltest.Client {
	b.Helper()
	s := startBench(b)
	return kerneltest.NewServer(b, s)
}

func BenchmarkInProcessExecute(b *testing.B) {
	c := startInProcess(b)
	for b.Loop() {
		if r := c.Execute("x := 1", kerneltest.StoreHistory(false)); r.Status != kernel.StatusOK {
			b.Fatalf("status %s, error %+v", r.Status, r.Error)
		}
	}
}

func BenchmarkInProcessStream10000Lines(b *testing.B) {
	c := startInProcess(b)
	for b.Loop() {
		r := c.Execute("for i := 0; i < 10000; i++ {\n\tfmt.Println(i)\n}", kerneltest.StoreHistory(false))
		if r.Status != kernel.StatusOK || strings.Count(r.Stdout, "\n") != 10000 {
			b.Fatalf("status %s, %d lines", r.Status, strings.Count(r.Stdout, "\n"))
		}
	}
}

func BenchmarkInProcessComplete(b *testing.B) {
	c := startInProcess(b)
	for b.Loop() {
		if r := c.Complete("fmt.Pri", 7); r.Status != "ok" || len(r.Matches) == 0 {
			b.Fatalf("status %s, matches %v", r.Status, r.Matches)
		}
	}
}
