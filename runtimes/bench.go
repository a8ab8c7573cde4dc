package runtimes

import (
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/display"
)

// BenchResult is a Go benchmark of a snippet or function, as the %%bench
// magic shows it: how many iterations ran, and the time, heap bytes and
// allocations per iteration.
type BenchResult struct {
	Snippet string        `json:"snippet,omitempty"`
	Runner  Runner        `json:"runner"`   // the interpreter's loop, or Go's own (compiled)
	N       int           `json:"n"`        // iterations
	Total   time.Duration `json:"total_ns"` // time of all N iterations
	// NsPerOp, BytesPerOp and AllocsPerOp are the body's own: for the
	// interpreted runner, the loop's figures minus Overhead's.
	NsPerOp     float64 `json:"ns_per_op"`
	BytesPerOp  int64   `json:"bytes_per_op"`
	AllocsPerOp int64   `json:"allocs_per_op"`
	// Overhead is what one iteration of the same loop with an empty body
	// costs, measured in the same run just before the body (the
	// interpreter's call into the compiled snippet, its context check,
	// its boxing of results): subtracted from the figures above. Nil for
	// the compiled runner, whose loop is Go's own (b.Loop, <1 ns, 0 allocs).
	Overhead *BenchOverhead `json:"overhead,omitempty"`
	Machine  Machine        `json:"machine"`
	// Err is set when the snippet could not be compiled, failed or
	// panicked, or the benchmark was interrupted.
	Err error `json:"-"`
}

// BenchOverhead is the per-iteration cost of a benchmark loop with an
// empty body.
type BenchOverhead struct {
	NsPerOp float64 `json:"ns_per_op"`
	// NsSpread is half the difference between the empty loop measured
	// before and after the body: time differences below it are noise.
	NsSpread    float64 `json:"ns_spread"`
	BytesPerOp  int64   `json:"bytes_per_op"`
	AllocsPerOp int64   `json:"allocs_per_op"`
}

// Bench benchmarks snippet as the body of a Go benchmark loop; see
// Lab.Bench. It runs the interpreted loop in the Default lab, under the
// running cell's context.
func Bench(snippet string) *BenchResult {
	l := Default()
	return l.Bench(l.CellContext(), snippet, BenchOptions{})
}

// BenchOptions configure Lab.Bench.
type BenchOptions struct {
	// Runner runs the loop: Interpreted (the default) times the
	// interpreter; Compiled builds the body into a Go benchmark loop
	// (testing.Benchmark in the compiled program), so that ns/op, B/op and
	// allocs/op are Go's own.
	Runner Runner
	// At is where the body's first line is in its cell, for compiled
	// errors and panics.
	At Position
	// Quiet hides the build's progress line.
	Quiet bool
}

// Bench benchmarks snippet as the body of a Go benchmark loop (with
// testing.Benchmark, about a second of iterations, allocations reported),
// compiled once through the lab's session; the %%bench magic is this
// method. The snippet sees worker = 0 and workers = 1. With the
// Interpreted runner the figures are the body's own: the same loop with
// an empty body, measured before and after it in the same run, is
// subtracted (BenchResult.Overhead). Cancelling ctx ends the benchmark
// early with Err set.
func (l *Lab) Bench(ctx context.Context, snippet string, opts BenchOptions) *BenchResult {
	if opts.Runner == Compiled {
		return l.benchCompiled(ctx, snippet, opts)
	}
	res := &BenchResult{Snippet: snippet, Machine: ThisMachine()}
	h, err := l.session()
	if err != nil {
		res.Err = err
		return res
	}
	fn, err := h.Compile(snippet)
	if err != nil {
		res.Err = fmt.Errorf("compile the snippet: %w", err)
		return res
	}
	empty, err := h.Compile("")
	if err != nil {
		res.Err = fmt.Errorf("compile the empty loop body: %w", err)
		return res
	}
	call := func(fn workFunc) func(context.Context) error {
		return func(ctx context.Context) error { _, err := fn(ctx, 0, 1); return err }
	}
	return bench(ctx, res, call(fn), call(empty))
}

// benchCompiled runs the benchmark loop of the compiled program: Go's
// own, with nothing to subtract.
func (l *Lab) benchCompiled(ctx context.Context, snippet string, opts BenchOptions) *BenchResult {
	res := &BenchResult{Snippet: snippet, Runner: Compiled, Machine: ThisMachine()}
	p, err := l.buildSnippet(ctx, snippet, opts.At, false, opts.Quiet)
	if err != nil {
		res.Err = err
		return res
	}
	res.Machine = p.machine
	out := &outputMux{stdout: os.Stdout, stderr: os.Stderr}
	srv, err := l.startServer(ctx, p, ProcessOptions{}, out)
	if err != nil {
		res.Err = err
		return res
	}
	defer srv.close()
	reply, err := srv.call(&compiledFrame{Type: "bench"})
	switch {
	case ctx.Err() != nil:
		res.Err = fmt.Errorf("benchmark interrupted: %w", ctx.Err())
	case err != nil:
		res.Err = err
	case reply.Bench == nil:
		res.Err = fmt.Errorf("compiled runner: the program answered %q without a benchmark", reply.Type)
	default:
		b := reply.Bench
		res.N, res.Total, res.NsPerOp, res.BytesPerOp, res.AllocsPerOp = b.N, b.Total, b.NsPerOp, b.BytesPerOp, b.AllocsPerOp
		if reply.Error != "" {
			res.Err = errors.New(reply.Error)
		}
	}
	return res
}

// BenchFunc benchmarks f like Bench does a snippet, for plain Go programs,
// under the running cell's context.
func BenchFunc(f func()) *BenchResult {
	res := &BenchResult{Machine: ThisMachine()}
	empty := func() {}
	return bench(Default().CellContext(), res, func(context.Context) error { f(); return nil },
		func(context.Context) error { empty(); return nil })
}

// bench runs op as a benchmark loop, after the same loop with empty
// (the harness alone), and reports op's figures minus empty's.
func bench(ctx context.Context, res *BenchResult, op, empty func(context.Context) error) *BenchResult {
	var before loopResult
	if empty != nil {
		before = benchLoop(ctx, empty)
		if before.err != nil || before.N == 0 {
			res.Err = fmt.Errorf("the empty benchmark loop: %v", before.err)
			return res
		}
	}
	r := benchLoop(ctx, op)
	if empty != nil && r.err == nil && ctx.Err() == nil {
		// The empty loop again after the body: a busy machine or a
		// warming cache moves it, and the spread says by how much.
		after := benchLoop(ctx, empty)
		a := before.nsPerOp()
		b := a
		if after.err == nil && after.N > 0 {
			b = after.nsPerOp()
		}
		res.Overhead = &BenchOverhead{NsPerOp: (a + b) / 2, NsSpread: max(a-b, b-a) / 2,
			BytesPerOp:  min(before.AllocedBytesPerOp(), after.AllocedBytesPerOp()),
			AllocsPerOp: min(before.AllocsPerOp(), after.AllocsPerOp())}
		if after.N == 0 {
			res.Overhead.BytesPerOp, res.Overhead.AllocsPerOp = before.AllocedBytesPerOp(), before.AllocsPerOp()
		}
	}
	res.N, res.Total = r.N, r.T
	if r.N > 0 {
		res.NsPerOp = float64(r.T.Nanoseconds()) / float64(r.N)
	}
	res.BytesPerOp, res.AllocsPerOp = r.AllocedBytesPerOp(), r.AllocsPerOp()
	if o := res.Overhead; o != nil {
		res.NsPerOp = max(res.NsPerOp-o.NsPerOp, 0)
		res.BytesPerOp = max(res.BytesPerOp-o.BytesPerOp, 0)
		res.AllocsPerOp = max(res.AllocsPerOp-o.AllocsPerOp, 0)
	}
	switch {
	case r.err != nil:
		res.Err = r.err
	case ctx.Err() != nil:
		res.Err = fmt.Errorf("benchmark interrupted: %w", ctx.Err())
	}
	return res
}

type loopResult struct {
	testing.BenchmarkResult
	err error
}

func (r loopResult) nsPerOp() float64 {
	if r.N == 0 {
		return 0
	}
	return float64(r.T.Nanoseconds()) / float64(r.N)
}

// benchLoop runs op in testing.Benchmark's loop with allocations reported.
func benchLoop(ctx context.Context, op func(context.Context) error) loopResult {
	var failure error
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		defer func() {
			if p := recover(); p != nil {
				failure = fmt.Errorf("panic: %v", p)
			}
		}()
		for b.Loop() {
			if failure != nil || ctx.Err() != nil {
				return
			}
			if err := op(ctx); err != nil {
				failure = err
				return
			}
		}
	})
	return loopResult{r, failure}
}

// String formats the result like `go test -bench` does.
func (r *BenchResult) String() string {
	if r.Err != nil && r.N == 0 {
		return "benchmark failed: " + r.Err.Error()
	}
	s := fmt.Sprintf("%d\t%s ns/op (%s)\t%d B/op\t%d allocs/op", r.N, nsPerOp(r.NsPerOp),
		formatDuration(time.Duration(r.NsPerOp)), r.BytesPerOp, r.AllocsPerOp)
	if r.Err != nil {
		s += "\nerror: " + r.Err.Error()
	}
	return s + "\n" + r.runnerNote() + " · " + r.Machine.String()
}

// Bundle displays the result as a one-row table.
func (r *BenchResult) Bundle() display.Bundle {
	var h string
	if r.Err != nil {
		h = fmt.Sprintf(`<div style="color:#b00">%s</div>`, html.EscapeString(r.Err.Error()))
	}
	if r.N > 0 {
		td := `<td style="text-align:right;padding:2px 10px">`
		th := `<th style="text-align:right;padding:2px 10px">`
		h += `<table style="font-size:90%;border-collapse:collapse"><tr>` + th + "iterations</th>" + th + "time/op</th>" +
			th + "ns/op</th>" + th + "B/op</th>" + th + "allocs/op</th></tr><tr>" +
			td + strconv.Itoa(r.N) + "</td>" + td + formatDuration(time.Duration(r.NsPerOp)) + "</td>" +
			td + nsPerOp(r.NsPerOp) + "</td>" + td + strconv.FormatInt(r.BytesPerOp, 10) + "</td>" +
			td + strconv.FormatInt(r.AllocsPerOp, 10) + "</td></tr></table>"
	}
	h += fmt.Sprintf(`<div style="color:#666;font-size:85%%;margin-top:4px">%s · %s</div>`, html.EscapeString(r.runnerNote()), html.EscapeString(r.Machine.String()))
	return display.Bundle{Data: map[string]any{"text/plain": r.String(), "text/html": h}}
}

// runnerNote says whose loop the figures are.
func (r *BenchResult) runnerNote() string {
	if r.Runner == Compiled {
		return "compiled: Go's own benchmark loop"
	}
	note := "interpreted by yaegi (runner=compiled for Go's own numbers)"
	if o := r.Overhead; o != nil {
		note += fmt.Sprintf(" · the loop's own cost subtracted: %s ns (±%s), %d B, %d allocs per op (an empty body, measured before and after in the same run)",
			nsPerOp(o.NsPerOp), nsPerOp(o.NsSpread), o.BytesPerOp, o.AllocsPerOp)
		if r.NsPerOp < o.NsSpread {
			note += "; the body's time is below that noise"
		}
	}
	return note
}

// nsPerOp formats like go test: fewer decimals for larger numbers.
func nsPerOp(v float64) string {
	switch {
	case v >= 99.995:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 9.9995:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// BenchResults are benchmarks of one body by several runners, shown as one
// table with a row per runner.
type BenchResults []*BenchResult

// String formats each result like `go test -bench`, with its runner.
func (rs BenchResults) String() string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%-12s %s\n", r.Runner, firstLine(r.String()))
		if r.Err != nil && r.N > 0 {
			fmt.Fprintf(&b, "%-12s error: %v\n", "", r.Err)
		}
	}
	for _, r := range rs {
		if r.Overhead != nil {
			b.WriteString(r.runnerNote() + "\n")
		}
	}
	if len(rs) > 0 {
		b.WriteString(rs[0].Machine.String())
	}
	return b.String()
}

// Bundle displays the results as one table.
func (rs BenchResults) Bundle() display.Bundle {
	td := `<td style="text-align:right;padding:2px 10px">`
	th := `<th style="text-align:right;padding:2px 10px">`
	h := `<table style="font-size:90%;border-collapse:collapse"><tr>` + th + "runner</th>" + th + "iterations</th>" + th + "time/op</th>" +
		th + "ns/op</th>" + th + "B/op</th>" + th + "allocs/op</th></tr>"
	for _, r := range rs {
		h += "<tr>" + td + r.Runner.String() + "</td>"
		if r.N == 0 {
			h += `<td colspan="5" style="color:#b00">` + html.EscapeString(fmt.Sprint(r.Err)) + "</td></tr>"
			continue
		}
		h += td + strconv.Itoa(r.N) + "</td>" + td + formatDuration(time.Duration(r.NsPerOp)) + "</td>" +
			td + nsPerOp(r.NsPerOp) + "</td>" + td + strconv.FormatInt(r.BytesPerOp, 10) + "</td>" +
			td + strconv.FormatInt(r.AllocsPerOp, 10) + "</td></tr>"
	}
	h += "</table>"
	for _, r := range rs {
		if r.Overhead != nil {
			h += `<div style="color:#666;font-size:85%;margin-top:4px">` + html.EscapeString(r.runnerNote()) + "</div>"
		}
	}
	if len(rs) > 0 {
		h += fmt.Sprintf(`<div style="color:#666;font-size:85%%;margin-top:4px">interpreted: yaegi's loop · compiled: Go's own benchmark loop (%s) · %s</div>`,
			html.EscapeString(rs[len(rs)-1].Machine.GoVersion), html.EscapeString(rs[0].Machine.String()))
	}
	return display.Bundle{Data: map[string]any{"text/plain": rs.String(), "text/html": h}}
}
