package kernelbench

import (
	"context"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/frontend"
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

// Figure names, in the order of the table: what a user pays for comes
// first (memory of all the kernel's processes: their distinct resident
// pages, their PSS, the sum of their RSS), then the kernel process alone,
// then the times, which always span every process.
const (
	FigMemTotal      = "idle memory, all processes (each page once)"
	FigMemAfterT     = "memory after a round, all processes (each page once)"
	FigPSSTotal      = "idle PSS, all processes"
	FigPSSAfterT     = "PSS after a round, all processes"
	FigRSSTotal      = "idle RSS, all processes"
	FigRSSAfterT     = "RSS after a round, all processes"
	FigRSSKernel     = "idle RSS, kernel process"
	FigRSSAfter      = "RSS after a round, kernel process"
	FigRSSChild      = "idle RSS, child processes"
	FigRSSChildAfter = "RSS after a round, child processes"
	FigColdStart     = "cold start → kernel_info_reply"
	FigFirstCell     = "start → first cell idle"
	FigExecute       = "execute round trip (reply and idle)"
	FigLines         = "10,000 lines until idle (all delivered)"
	FigComplete      = "complete_request round trip"
	FigPlot          = "plot, 1,000 points, until idle"
	FigFirstPlot     = "first plot (imports, fonts) until idle"
)

var figures = []string{
	FigMemTotal, FigMemAfterT, FigPSSTotal, FigPSSAfterT, FigRSSTotal, FigRSSAfterT, FigRSSKernel, FigRSSAfter, FigRSSChild, FigRSSChildAfter,
	FigColdStart, FigFirstCell, FigExecute, FigLines, FigComplete, FigPlot, FigFirstPlot,
}

// Report holds the samples of a run: per kernel and figure, durations in
// seconds or memory in bytes.
type Report struct {
	Kernels []Spec
	Rounds  int
	Samples map[string]map[string][]float64 // kernel name → figure → samples
	Notes   map[string][]string             // kernel name → skipped rows and why
	// Memory holds every per-process reading the RSS rows were made
	// from, in the order taken (idle, after the round, per round).
	Memory map[string][]Memory
}

func (r *Report) add(name, fig string, v float64) {
	if r.Samples[name] == nil {
		r.Samples[name] = map[string][]float64{}
	}
	r.Samples[name][fig] = append(r.Samples[name][fig], v)
}

// addMemory records one reading of a kernel's processes: the distinct
// pages, the PSS total, the RSS total, the kernel process and its
// children, each from the same pass, so that the rows add up. A reading
// the reader may not take (Memory.HasDistinct, Memory.HasPSS) leaves its
// row out and a note says so.
func (r *Report) addMemory(name string, m Memory, distinct, pss, total, kernel, children string) {
	if m.HasDistinct {
		r.add(name, distinct, float64(m.Distinct))
	} else {
		r.note(name, "rows of distinct pages left out: Linux shows the physical pages of a process (/proc/PID/pagemap) only to a reader with CAP_SYS_ADMIN; the PSS rows are the nearest figure (they give processes outside the kernel, bench-kernel among them, a share of the pages they map too)")
	}
	if m.HasPSS {
		r.add(name, pss, float64(m.TotalPSS()))
	} else {
		r.note(name, "PSS rows left out: /proc/PID/smaps_rollup could not be read for every process")
	}
	r.add(name, total, float64(m.Total()))
	r.add(name, kernel, float64(m.Kernel))
	r.add(name, children, float64(m.Children))
	r.Memory[name] = append(r.Memory[name], m)
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
	rep := &Report{Rounds: cfg.Rounds, Samples: map[string]map[string][]float64{}, Notes: map[string][]string{}, Memory: map[string][]Memory{}}
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

// Execute runs a benchmark's cell: store_history false (its cells are
// not the user's history), allow_stdin and stop_on_error false.
func Execute(ctx context.Context, c *frontend.Client, code string) (*frontend.Result, error) {
	return c.Execute(ctx, code, frontend.StoreHistory(false), frontend.AllowStdin(false), frontend.StopOnError(false))
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
	exec := func(code string) (*frontend.Result, error) {
		rctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
		e, err := Execute(rctx, c, code)
		if err != nil {
			return nil, fmt.Errorf("kernel %s: %w%s", name, err, k.stderr.quote())
		}
		if e.Status != kernel.StatusOK || e.IOPubError != nil {
			var errs []string
			if e.IOPubError != nil {
				errs = append(errs, e.IOPubError.Name)
			}
			return e, fmt.Errorf("kernel %s: cell %q: status %q, errors %v, stderr %q", name, firstLine(code), e.Status, errs, e.Stderr)
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
	rep.addMemory(name, mem, FigMemTotal, FigPSSTotal, FigRSSTotal, FigRSSKernel, FigRSSChild)

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
		reply, e, err := c.Complete(rctx, w.Complete, utf8.RuneCountInString(w.Complete))
		cancel()
		if err != nil {
			return fmt.Errorf("kernel %s: %w", name, err)
		}
		if reply.Status != kernel.StatusOK || len(reply.Matches) == 0 {
			return fmt.Errorf("kernel %s: completing %q: status %q, %d matches", name, w.Complete, reply.Status, len(reply.Matches))
		}
		rep.add(name, FigComplete, e.Latency().Seconds())
	}
	for range cfg.Streams {
		e, err := exec(w.Lines)
		if err != nil {
			return err
		}
		if err := checkLines(e.Stdout); err != nil {
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
			rep.addMemory(name, mem, FigMemAfterT, FigPSSAfterT, FigRSSAfterT, FigRSSAfter, FigRSSChildAfter)
		}
	}()
	if w.Plot == "" {
		rep.note(name, "no plot cell for its language")
		return nil
	}
	if _, perr := exec(w.PlotSetup); perr != nil {
		// A missing plotting library leaves the plot rows empty for
		// this kernel (and their ratios "–"), never a number measured
		// on an error reply.
		rep.note(name, fmt.Sprintf("plot rows skipped: the plot setup cell failed (%v); it needs %s", perr, w.PlotNeeds))
		return nil
	}
	for i := range cfg.Plots + 1 {
		e, err := exec(w.Plot)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(e.Displays, func(d kernel.DisplayData) bool { return d.Data["image/png"] != nil }) &&
			(e.ExecuteResult == nil || e.ExecuteResult.Data["image/png"] == nil) {
			var types [][]string
			for _, d := range e.Displays {
				types = append(types, slices.Sorted(maps.Keys(d.Data)))
			}
			return fmt.Errorf("kernel %s: the plot cell displayed %v, want image/png", name, types)
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

// Target is what a figure of a kernel should reach against the first
// kernel's: its ratio at most Ratio, at the p50 or at both p50 and p95.
type Target struct {
	Ratio float64
	Both  bool // p95 too, not only p50
}

func (t Target) String() string {
	if t.Both {
		return fmt.Sprintf("≤ %g× both", t.Ratio)
	}
	return fmt.Sprintf("≤ %g×", t.Ratio)
}

// Targets are spinlab's targets against ipykernel (issue 17 and the
// README); a figure without one is reported without a verdict.
//
// The all-process targets are on distinct pages: spinlab's two processes
// are one binary, and a sum of their RSS would count its pages twice.
var Targets = map[string]Target{
	FigMemTotal:  {Ratio: 0.4},
	FigMemAfterT: {Ratio: 0.5},
	FigRSSKernel: {Ratio: 0.35},
	FigColdStart: {Ratio: 0.06},
	FigExecute:   {Ratio: 0.2, Both: true},
	FigLines:     {Ratio: 0.5},
	FigComplete:  {Ratio: 0.03},
	FigPlot:      {Ratio: 0.5},
}

// met says whether ratios r50 and r95 reach t.
func (t Target) met(r50, r95 float64) string {
	ok50, ok95 := r50 <= t.Ratio, r95 <= t.Ratio
	switch {
	case !t.Both && ok50, t.Both && ok50 && ok95:
		return "yes"
	case t.Both && ok50:
		return "p50 only"
	case t.Both && ok95:
		return "p95 only"
	}
	return "no"
}

// WriteTable writes the report as the Markdown table the README shows:
// per figure, each kernel's p50 / p95, the ratio of each other kernel's
// to the first kernel's, the target and whether it is met. The
// all-process memory rows come first; a figure a kernel could not
// measure is "–", and so are its ratio and verdict.
func (r *Report) WriteTable(w io.Writer) {
	first := r.Kernels[0].Name
	others := r.Kernels[1:]
	fmt.Fprint(w, "| figure |")
	for _, k := range r.Kernels {
		fmt.Fprintf(w, " %s p50 / p95 |", k.Name)
	}
	for _, k := range others {
		fmt.Fprintf(w, " ratio %s/%s p50 / p95 |", k.Name, first)
	}
	if len(others) > 0 {
		fmt.Fprint(w, " target |")
		for _, k := range others {
			if len(others) == 1 {
				fmt.Fprint(w, " met |")
			} else {
				fmt.Fprintf(w, " %s met |", k.Name)
			}
		}
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, "| --- |", strings.Repeat(" ---: |", 2*len(r.Kernels)-1))
	if len(others) > 0 {
		fmt.Fprint(w, strings.Repeat(" --- |", len(others)+1))
	}
	fmt.Fprintln(w)
	var counts []string
	for _, fig := range figures {
		n := 0
		for _, k := range r.Kernels {
			n = max(n, len(r.Samples[k.Name][fig]))
		}
		if n == 0 {
			continue
		}
		counts = append(counts, fmt.Sprintf("%s %d", fig, n))
		fmt.Fprintf(w, "| %s |", fig)
		for _, k := range r.Kernels {
			s := r.Samples[k.Name][fig]
			if len(s) == 0 {
				fmt.Fprint(w, " – |")
				continue
			}
			fmt.Fprintf(w, " %s |", formatPair(fig, Percentile(s, 50), Percentile(s, 95)))
		}
		base := r.Samples[first][fig]
		verdicts := make([]string, len(others))
		t, hasTarget := Targets[fig]
		for i, k := range others {
			s := r.Samples[k.Name][fig]
			b50, b95 := Percentile(base, 50), Percentile(base, 95)
			if len(s) == 0 || len(base) == 0 || b50 == 0 || b95 == 0 {
				fmt.Fprint(w, " – |")
				verdicts[i] = "–"
				continue
			}
			r50, r95 := Percentile(s, 50)/b50, Percentile(s, 95)/b95
			fmt.Fprintf(w, " %s× / %s× |", ratio(r50), ratio(r95))
			verdicts[i] = "–"
			if hasTarget {
				verdicts[i] = t.met(r50, r95)
			}
		}
		if len(others) > 0 {
			if hasTarget {
				fmt.Fprintf(w, " %s |", t)
			} else {
				fmt.Fprint(w, " – |")
			}
			for _, v := range verdicts {
				fmt.Fprintf(w, " %s |", v)
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nSamples per kernel: %s.\n", strings.Join(counts, ", "))
	if slices.ContainsFunc(r.Kernels, func(k Spec) bool { return len(r.Samples[k.Name][FigPSSTotal]) > 0 }) {
		fmt.Fprint(w, "\nMemory rows: \"each page once\" is the physical pages resident in any of the kernel's processes, a page they share (spinlab's kernel and evaluator are one binary) counted once (/proc/PID/pagemap); PSS (smaps_rollup) gives each process a share of the pages it shares, also with processes outside the kernel; the sum of RSS counts a shared page in each process.\n")
	}
	for _, k := range r.Kernels {
		for _, n := range r.Notes[k.Name] {
			fmt.Fprintf(w, "\n%s: %s\n", k.Name, n)
		}
	}
}

// ratio prints a ratio with two significant digits below 0.1, two
// decimals above.
func ratio(v float64) string {
	if v < 0.1 {
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// formatPair prints a p50 and a p95 with one unit, the p50's.
func formatPair(fig string, p50, p95 float64) string {
	a, unit := format(fig, p50)
	b, unit95 := format(fig, p95)
	if unit95 != unit {
		return a + " " + unit + " / " + b + " " + unit95
	}
	return a + " / " + b + " " + unit
}

// format prints a duration in seconds or a memory size in bytes, and
// its unit.
func format(fig string, v float64) (string, string) {
	if strings.Contains(fig, "RSS") || strings.Contains(fig, "PSS") || strings.Contains(fig, "memory") {
		return fmt.Sprintf("%.1f", v/(1<<20)), "MB"
	}
	d := time.Duration(v * float64(time.Second))
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f", d.Seconds()), "s"
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)), "ms"
	default:
		return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)), "ms"
	}
}
