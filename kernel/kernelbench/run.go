package kernelbench

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/spinlab/spinlab/kernel"
)

// Config is what Run measures.
type Config struct {
	// Kernels are kernelspec names (or paths); ratios are against the first.
	Kernels []string
	// Rounds is how many times each kernel is started and measured; the
	// kernels take turns, round by round, so that drift of the machine
	// affects all of them alike (default 5).
	Rounds int
	// Per round and kernel: trivial executes (default 40), completions
	// (default 20), 10,000-line cells (default 2) and plots (default 2).
	Executes, Completes, Streams, Plots int
	// Timeout bounds each request (default 60s).
	Timeout time.Duration
	// Progress, if set, receives a line per kernel and round.
	Progress io.Writer
}

// Figure names, in the order of the table.
const (
	FigColdStart  = "cold start → kernel_info_reply"
	FigFirstCell  = "start → first cell idle"
	FigExecute    = "execute round trip (reply and idle)"
	FigLines      = "10,000 lines until idle (all delivered)"
	FigComplete   = "complete_request round trip"
	FigPlot       = "plot, 1,000 points, until idle"
	FigFirstPlot  = "first plot (imports, fonts) until idle"
	FigRSSKernel  = "idle RSS, kernel process"
	FigRSSChild   = "idle RSS, child processes"
	FigRSSTotal   = "idle RSS, total"
	FigRSSAfter   = "RSS after the round, kernel process"
	FigRSSAfterT  = "RSS after the round, total"
	figureMissing = -1
)

var figures = []string{FigColdStart, FigFirstCell, FigExecute, FigLines, FigComplete, FigPlot, FigFirstPlot, FigRSSKernel, FigRSSChild, FigRSSTotal, FigRSSAfter, FigRSSAfterT}

// Report holds the samples of a run: per kernel and figure, durations in
// seconds or memory in bytes.
type Report struct {
	Kernels []Spec
	Rounds  int
	Samples map[string]map[string][]float64 // kernel name → figure → samples
	Notes   map[string][]string             // kernel name → skipped rows and why
}

func (r *Report) add(name, fig string, v float64) {
	if r.Samples[name] == nil {
		r.Samples[name] = map[string][]float64{}
	}
	r.Samples[name][fig] = append(r.Samples[name][fig], v)
}

func (r *Report) note(name, msg string) {
	if !slices.Contains(r.Notes[name], msg) {
		r.Notes[name] = append(r.Notes[name], msg)
	}
}

// Run measures the kernels of cfg and returns their samples. A failed
// correctness check (a missing line, a status that is not ok) ends the
// run with an error: a fast wrong answer is not a result.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if len(cfg.Kernels) == 0 {
		return nil, fmt.Errorf("no kernels to measure")
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.Rounds, 5)
	def(&cfg.Executes, 40)
	def(&cfg.Completes, 20)
	def(&cfg.Streams, 2)
	def(&cfg.Plots, 2)
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	// The client's own garbage collection would land in the figures of
	// whichever kernel it happens to interrupt; it allocates little, so
	// let its heap grow instead while it measures.
	defer debug.SetGCPercent(debug.SetGCPercent(800))
	rep := &Report{Rounds: cfg.Rounds, Samples: map[string]map[string][]float64{}, Notes: map[string][]string{}}
	var loads []Workload
	for _, name := range cfg.Kernels {
		spec, err := FindSpec(name)
		if err != nil {
			return nil, err
		}
		w, err := WorkloadFor(spec.Language)
		if err != nil {
			return nil, fmt.Errorf("kernel %s: %w", name, err)
		}
		rep.Kernels = append(rep.Kernels, spec)
		loads = append(loads, w)
	}
	for round := 1; round <= cfg.Rounds; round++ {
		for i, spec := range rep.Kernels {
			start := time.Now()
			if err := measure(ctx, cfg, rep, spec, loads[i]); err != nil {
				return rep, fmt.Errorf("round %d: %w", round, err)
			}
			if cfg.Progress != nil {
				fmt.Fprintf(cfg.Progress, "round %d/%d: %s measured in %.1fs\n", round, cfg.Rounds, spec.Name, time.Since(start).Seconds())
			}
		}
	}
	return rep, nil
}

// measure starts one kernel, takes one round of samples and stops it.
func measure(ctx context.Context, cfg Config, rep *Report, spec Spec, w Workload) (err error) {
	name := spec.Name
	startCtx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	k, err := Start(startCtx, spec)
	cancel()
	if err != nil {
		return err
	}
	defer k.Stop()
	c := k.Client
	exec := func(code string) (*Exchange, error) {
		rctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
		e, err := c.Execute(rctx, code)
		if err != nil {
			return nil, fmt.Errorf("kernel %s: %w%s", name, err, k.stderr.quote())
		}
		if e.Status != string(kernel.StatusOK) || len(e.Errors) > 0 {
			return e, fmt.Errorf("kernel %s: cell %q: status %q, errors %v, stderr %q", name, firstLine(code), e.Status, e.Errors, e.Stderr.String())
		}
		return e, nil
	}

	rep.add(name, FigColdStart, k.ColdStart.Seconds())
	e, err := exec(w.Trivial)
	if err != nil {
		return err
	}
	rep.add(name, FigFirstCell, e.Idle.Sub(k.Started).Seconds())

	// Idle memory: after the first cell (spinlab's evaluator is up, the
	// Python session has run code), once the kernel has settled.
	time.Sleep(500 * time.Millisecond)
	mem, err := k.Memory()
	if err != nil {
		return fmt.Errorf("kernel %s: memory: %w", name, err)
	}
	rep.add(name, FigRSSKernel, float64(mem.Kernel))
	rep.add(name, FigRSSChild, float64(mem.Children))
	rep.add(name, FigRSSTotal, float64(mem.Kernel+mem.Children))

	for _, code := range w.Setup {
		if _, err := exec(code); err != nil {
			return err
		}
	}
	for range cfg.Executes {
		e, err := exec(w.Trivial)
		if err != nil {
			return err
		}
		rep.add(name, FigExecute, e.Latency().Seconds())
	}
	for range cfg.Completes {
		rctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
		e, err := c.Complete(rctx, w.Complete)
		cancel()
		if err != nil {
			return fmt.Errorf("kernel %s: %w", name, err)
		}
		var reply struct {
			Matches []string `json:"matches"`
		}
		e.Reply.DecodeContent(&reply)
		if e.Status != string(kernel.StatusOK) || len(reply.Matches) == 0 {
			return fmt.Errorf("kernel %s: completing %q: status %q, %d matches", name, w.Complete, e.Status, len(reply.Matches))
		}
		rep.add(name, FigComplete, e.Latency().Seconds())
	}
	for range cfg.Streams {
		e, err := exec(w.Lines)
		if err != nil {
			return err
		}
		if err := checkLines(e.Stdout.String()); err != nil {
			return fmt.Errorf("kernel %s: 10,000-line cell: %w", name, err)
		}
		rep.add(name, FigLines, e.Latency().Seconds())
	}
	// Memory once the kernel has served the round's cells: what idle
	// memory does not show (heap growth, caches, imports).
	defer func() {
		if err != nil {
			return
		}
		time.Sleep(500 * time.Millisecond)
		if mem, merr := k.Memory(); merr == nil {
			rep.add(name, FigRSSAfter, float64(mem.Kernel))
			rep.add(name, FigRSSAfterT, float64(mem.Kernel+mem.Children))
		}
	}()
	if w.Plot == "" {
		rep.note(name, "no plot cell for its language")
		return nil
	}
	if _, perr := exec(w.PlotSetup); perr != nil {
		rep.note(name, "plot rows skipped: "+perr.Error())
		return nil
	}
	for i := range cfg.Plots + 1 {
		e, err := exec(w.Plot)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(e.Displays, func(types []string) bool { return slices.Contains(types, "image/png") }) {
			return fmt.Errorf("kernel %s: the plot cell displayed %v, want image/png", name, e.Displays)
		}
		fig := FigPlot
		if i == 0 {
			fig = FigFirstPlot
		}
		rep.add(name, fig, e.Latency().Seconds())
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Percentile returns the p-th percentile (0..100) of samples, by the
// nearest-rank method; NaN-free input, not modified.
func Percentile(samples []float64, p float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	rank := int(p/100*float64(len(s))+0.999999) - 1
	return s[max(0, min(rank, len(s)-1))]
}

// WriteTable writes the report as a Markdown table: per figure, each
// kernel's median and p95, and the ratio of each median (and p95) to
// the first kernel's.
func (r *Report) WriteTable(w io.Writer) {
	first := r.Kernels[0].Name
	fmt.Fprintf(w, "| figure |")
	for _, k := range r.Kernels {
		fmt.Fprintf(w, " %s p50 | %s p95 |", k.Name, k.Name)
	}
	for _, k := range r.Kernels[1:] {
		fmt.Fprintf(w, " %s/%s p50 | p95 |", k.Name, first)
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, "| --- |", strings.Repeat(" ---: | ---: |", len(r.Kernels)), strings.Repeat(" ---: | ---: |", len(r.Kernels)-1), "\n")
	for _, fig := range figures {
		any := false
		for _, k := range r.Kernels {
			any = any || len(r.Samples[k.Name][fig]) > 0
		}
		if !any {
			continue
		}
		n := 0
		for _, k := range r.Kernels {
			n = max(n, len(r.Samples[k.Name][fig]))
		}
		fmt.Fprintf(w, "| %s (n=%d) |", fig, n)
		for _, k := range r.Kernels {
			s := r.Samples[k.Name][fig]
			if len(s) == 0 {
				fmt.Fprint(w, " – | – |")
				continue
			}
			fmt.Fprintf(w, " %s | %s |", format(fig, Percentile(s, 50)), format(fig, Percentile(s, 95)))
		}
		base := r.Samples[first][fig]
		for _, k := range r.Kernels[1:] {
			s := r.Samples[k.Name][fig]
			for _, p := range []float64{50, 95} {
				b := Percentile(base, p)
				if len(s) == 0 || len(base) == 0 || b == 0 {
					fmt.Fprint(w, " – |")
					continue
				}
				fmt.Fprintf(w, " %.3f× |", Percentile(s, p)/b)
			}
		}
		fmt.Fprintln(w)
	}
	for _, k := range r.Kernels {
		for _, n := range r.Notes[k.Name] {
			fmt.Fprintf(w, "\n%s: %s\n", k.Name, n)
		}
	}
}

// format prints a duration in seconds or a memory size in bytes.
func format(fig string, v float64) string {
	if strings.Contains(fig, "RSS") {
		return fmt.Sprintf("%.1f MB", v/(1<<20))
	}
	d := time.Duration(v * float64(time.Second))
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	}
}
