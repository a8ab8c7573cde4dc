package interp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spinlab/spinlab/internal/cputime"
	"github.com/spinlab/spinlab/runtimes"
)

// magic is a parsed magic command: %name args (a line magic) or
// %%name args followed by a body (a cell magic).
type magic struct {
	Name string
	Cell bool   // %%name
	Args string // the rest of the first line
	Body string // the lines after the first
	Line int    // the line of the magic in the cell
}

// knownMagics lists the magics with their usage, in the order %help shows them.
var knownMagics = []struct{ name, usage, help string }{
	{"%help", "%help", "show this help"},
	{"%env", "%env [NAME[=VALUE]]", "list the environment, show NAME, or set it"},
	{"%reset", "%reset", "start a fresh interpreter: forget every definition and variable, kill child processes"},
	{"%time", "%time STATEMENT", "run the statement once and print its wall and CPU time"},
	{"%%spin", "%%spin modes=goroutine,thread,process workers=1,2,4 trials=3 warmup=1 pool=false divide=false runner=interpreted,compiled race=false", "run the cell body as a runtimes.Experiment (workers see worker and workers), show its charts and table, and bind the results to _spinN (N: the cell's number); runner=compiled builds it with the Go toolchain for Go's own numbers, race=true with the race detector"},
	{"%%bench", "%%bench runner=interpreted,compiled", "run the cell body as a Go benchmark loop: ns/op, B/op, allocs/op of the body alone (interpreted: the empty loop's cost, measured in the same run, is subtracted and shown; runner=compiled: Go's own testing.Benchmark loop; both: one row each)"},
}

func magicNames() string {
	names := make([]string, len(knownMagics))
	for i, m := range knownMagics {
		names[i] = m.name
	}
	return strings.Join(names, ", ")
}

// parseMagic recognises a cell that starts (after blank lines) with % or
// %%. It returns ok == false for ordinary Go, and an error for a malformed
// or unknown magic. It never panics, whatever the input.
func parseMagic(code string) (m magic, ok bool, err error) {
	rest := code
	line := 1
	for {
		nl := strings.IndexByte(rest, '\n')
		first := rest
		if nl >= 0 {
			first = rest[:nl]
		}
		if strings.TrimSpace(first) != "" || nl < 0 {
			break
		}
		rest = rest[nl+1:]
		line++
	}
	trimmed := strings.TrimLeft(rest, " \t\r")
	if !strings.HasPrefix(trimmed, "%") {
		return magic{}, false, nil
	}
	first, body, _ := strings.Cut(trimmed, "\n")
	first = strings.TrimRight(first, " \t\r")
	m.Line = line
	if strings.HasPrefix(first, "%%") {
		m.Cell = true
		first = first[2:]
	} else {
		first = first[1:]
	}
	name, args, _ := strings.Cut(first, " ")
	if i := strings.IndexByte(name, '\t'); i >= 0 {
		name, args = name[:i], name[i+1:]+" "+args
	}
	m.Name, m.Args, m.Body = name, strings.TrimSpace(args), body
	prefix := "%"
	if m.Cell {
		prefix = "%%"
	}
	known := false
	for _, k := range knownMagics {
		if k.name == prefix+name {
			known = true
		}
	}
	if !known {
		for _, k := range knownMagics {
			if strings.TrimLeft(k.name, "%") == name {
				return m, true, fmt.Errorf("%s%s is a %s magic: write %s", prefix, name, map[bool]string{true: "cell", false: "line"}[strings.HasPrefix(k.name, "%%")], k.name)
			}
		}
		return m, true, fmt.Errorf("unknown magic %s%s; the magics are %s (see %%help)", prefix, name, magicNames())
	}
	switch m.Name {
	case "help", "reset":
		if m.Args != "" || strings.TrimSpace(m.Body) != "" {
			return m, true, fmt.Errorf("%%%s takes no arguments and must be alone in its cell", m.Name)
		}
	case "env":
		if strings.TrimSpace(m.Body) != "" {
			return m, true, fmt.Errorf("%%env must be alone in its cell")
		}
	case "time":
		if strings.TrimSpace(m.Args) == "" && strings.TrimSpace(m.Body) == "" {
			return m, true, fmt.Errorf("%%time needs a statement: %%time f()")
		}
	case "spin":
		if _, err := parseSpinOptions(m.Args); err != nil {
			return m, true, err
		}
		if strings.TrimSpace(m.Body) == "" {
			return m, true, fmt.Errorf("%%%%spin needs a snippet in the cell body, after the first line")
		}
	case "bench":
		if _, err := parseBenchOptions(m.Args); err != nil {
			return m, true, err
		}
		if strings.TrimSpace(m.Body) == "" {
			return m, true, fmt.Errorf("%%%%bench needs code in the cell body, after the first line")
		}
	}
	return m, true, nil
}

// spinOptions are the options of %%spin.
type spinOptions struct {
	Modes   []runtimes.Mode
	Workers []int
	Trials  int
	Warmup  int
	Pool    bool
	Divide  bool
	Quiet   bool
	Runners []runtimes.Runner
	Race    bool
}

// parseBenchOptions parses the options of %%bench: runner=.
func parseBenchOptions(args string) ([]runtimes.Runner, error) {
	runners := []runtimes.Runner{runtimes.Interpreted}
	for _, f := range strings.Fields(args) {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k != "runner" && k != "runners" {
			return nil, fmt.Errorf("%%%%bench: unknown option %q; the option is runner=interpreted,compiled", f)
		}
		rs, err := runtimes.ParseRunners(v)
		if err != nil {
			return nil, fmt.Errorf("%%%%bench: runner=%s: %w", v, err)
		}
		runners = rs
	}
	return runners, nil
}

// parseSpinOptions parses key=value options of %%spin.
func parseSpinOptions(args string) (spinOptions, error) {
	var o spinOptions
	for _, f := range strings.Fields(args) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return o, fmt.Errorf("%%%%spin: option %q is not key=value; options are modes, workers, trials, warmup, pool, divide, quiet, runner, race", f)
		}
		var err error
		switch k {
		case "modes", "mode":
			o.Modes, err = runtimes.ParseModes(v)
		case "workers":
			o.Workers = nil
			for _, w := range strings.Split(v, ",") {
				if strings.TrimSpace(w) == "" {
					continue
				}
				n, err2 := strconv.Atoi(strings.TrimSpace(w))
				if err2 != nil || n < 1 || n > 1<<16 {
					return o, fmt.Errorf("%%%%spin: workers=%s: want a comma-separated list of positive counts like 1,2,4", v)
				}
				o.Workers = append(o.Workers, n)
			}
		case "trials":
			o.Trials, err = positive(v, 1)
		case "warmup":
			o.Warmup, err = positive(v, 0)
		case "pool":
			o.Pool, err = strconv.ParseBool(v)
		case "divide":
			o.Divide, err = strconv.ParseBool(v)
		case "quiet":
			o.Quiet, err = strconv.ParseBool(v)
		case "runner", "runners":
			o.Runners, err = runtimes.ParseRunners(v)
		case "race":
			o.Race, err = strconv.ParseBool(v)
		default:
			return o, fmt.Errorf("%%%%spin: unknown option %q; options are modes, workers, trials, warmup, pool, divide, quiet, runner, race", k)
		}
		if err != nil {
			return o, fmt.Errorf("%%%%spin: %s=%s: %w", k, v, err)
		}
	}
	return o, nil
}

func positive(v string, min int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > 1<<20 {
		return 0, fmt.Errorf("want an integer of at least %d", min)
	}
	return n, nil
}

// runMagic runs a parsed magic. Callers hold s.cellMu.
func (s *Session) runMagic(ctx context.Context, m magic) (*Result, error) {
	res := &Result{}
	switch m.Name {
	case "help":
		b := textBundle(s.helpText())
		res.Value = &b
	case "env":
		return s.envMagic(m.Args)
	case "reset":
		killed := s.lab.KillAll()
		if err := s.reset(); err != nil {
			return res, &Error{Name: "MagicError", Message: err.Error()}
		}
		res.Reset = true
		fmt.Fprint(s.stdout, resetMessage(killed))
	case "time":
		code := m.Args
		if strings.TrimSpace(m.Body) != "" {
			code += "\n" + m.Body
		}
		// Keep the statement on its own line number in the cell.
		code = strings.Repeat("\n", m.Line-1) + strings.Repeat(" ", len("%time ")) + code
		wall0 := time.Now()
		cpu0 := cputime.Process()
		r, err := s.execute(ctx, code, s.cells)
		wall := time.Since(wall0)
		cpu := cputime.Process().Sub(cpu0)
		fmt.Fprintf(s.stdout, "CPU times: user %s, sys %s, total %s\nWall time: %s\n",
			round(cpu.User), round(cpu.System), round(cpu.Total()), round(wall))
		return r, err
	case "spin":
		o, _ := parseSpinOptions(m.Args)
		e := runtimes.Experiment{
			Snippet: m.Body, Modes: o.Modes, Workers: o.Workers, Trials: o.Trials,
			Warmup: o.Warmup, Pool: o.Pool, Divide: o.Divide, Quiet: o.Quiet,
			Runners: o.Runners, Race: o.Race,
			At: runtimes.Position{File: fmt.Sprintf("cell[%d]", s.cells), Line: m.Line + 1},
		}
		if o.Race && len(o.Runners) == 0 {
			// race=true alone asks for the run the race detector can watch.
			e.Runners = []runtimes.Runner{runtimes.Compiled}
		}
		r := s.lab.Experiment(ctx, e)
		// The results go to a variable the next cell can inspect, also
		// when the sweep was interrupted (they hold what finished).
		name := fmt.Sprintf("_spin%d", s.cells)
		if err := s.bindResults(name, r); err != nil {
			fmt.Fprintf(s.stderr, "spinlab: the results could not be bound to %s: %v\n", name, err)
		} else {
			fmt.Fprintf(s.stdout, "results in %s (a *runtimes.Results: %s.Runs, %s.Summaries(), %s.CSV())\n", name, name, name, name)
		}
		if failed := failedWorkers(r); failed > 0 {
			fmt.Fprintf(s.stderr, "spinlab: %d workers failed; the first error of each configuration is under the table\n", failed)
		}
		b, _ := multiBundle(reflect.ValueOf(r))
		res.Value = &b
		if ctx.Err() != nil {
			return res, &Error{Name: "interrupted", Message: fmt.Sprintf("the experiment was interrupted; the %d runs that finished are shown and in %s", len(r.Runs), name)}
		}
		if r.Err != nil && len(r.Runs) == 0 {
			return res, &Error{Name: "SpinError", Message: r.Err.Error()}
		}
	case "bench":
		runners, _ := parseBenchOptions(m.Args)
		if len(runners) == 1 && runners[0] == runtimes.Interpreted {
			return s.bench(ctx, m.Body)
		}
		return s.benchRunners(ctx, m, runners)
	}
	return res, nil
}

func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(time.Millisecond)
	case d > time.Millisecond:
		return d.Round(time.Microsecond)
	}
	return d
}

func (s *Session) envMagic(args string) (*Result, error) {
	res := &Result{}
	args = strings.TrimSpace(args)
	switch {
	case args == "":
		env := os.Environ()
		sort.Strings(env)
		b := textBundle(strings.Join(env, "\n"))
		res.Value = &b
	case strings.Contains(args, "="):
		k, v, _ := strings.Cut(args, "=")
		k = strings.TrimSpace(k)
		if k == "" || strings.ContainsAny(k, " \t") {
			return res, &Error{Name: "MagicError", Message: "%env NAME=VALUE: the name must be one word"}
		}
		if err := os.Setenv(k, v); err != nil {
			return res, &Error{Name: "MagicError", Message: err.Error()}
		}
		fmt.Fprintf(s.stdout, "env: %s=%s\n", k, v)
	default:
		v, ok := os.LookupEnv(args)
		if !ok {
			return res, &Error{Name: "MagicError", Message: fmt.Sprintf("%%env: %s is not set", args)}
		}
		b := textBundle(strconv.Quote(v))
		res.Value = &b
	}
	return res, nil
}

// bench runs code as a benchmark loop (testing.Benchmark), compiled once
// in this session, and shows it as runtimes.BenchResult does.
func (s *Session) bench(ctx context.Context, code string) (*Result, error) {
	res := &Result{}
	r, err := s.benchInterpreted(ctx, code)
	if err != nil {
		return res, err
	}
	b := r.Bundle()
	res.Value = &b
	return res, nil
}

// benchInterpreted is the interpreter's %%bench: runtimes.Lab.Bench, the
// code path of runtimes.Bench, which subtracts the cost of the loop with
// an empty body.
func (s *Session) benchInterpreted(ctx context.Context, code string) (*runtimes.BenchResult, error) {
	br := s.lab.Bench(ctx, code, runtimes.BenchOptions{Runner: runtimes.Interpreted})
	br.Snippet = code
	if ctx.Err() != nil {
		return nil, &Error{Name: "interrupted", Message: "the benchmark was interrupted"}
	}
	if br.Err != nil {
		var e *Error
		if errors.As(br.Err, &e) {
			return nil, e // a compile error or a panic, with its position
		}
		return nil, br.Err
	}
	if br.N == 0 {
		return nil, &Error{Name: "BenchError", Message: "the benchmark did not run"}
	}
	return br, nil
}

// benchRunners runs %%bench with the runners asked for and shows their
// results as one table, a row per runner.
func (s *Session) benchRunners(ctx context.Context, m magic, runners []runtimes.Runner) (*Result, error) {
	res := &Result{}
	var rows runtimes.BenchResults
	for _, r := range runners {
		if r == runtimes.Interpreted {
			br, err := s.benchInterpreted(ctx, m.Body)
			if err != nil {
				return res, err
			}
			rows = append(rows, br)
			continue
		}
		br := s.lab.Bench(ctx, m.Body, runtimes.BenchOptions{Runner: runtimes.Compiled,
			At: runtimes.Position{File: fmt.Sprintf("cell[%d]", s.cells), Line: m.Line + 1}})
		if ctx.Err() != nil {
			return res, &Error{Name: "interrupted", Message: "the benchmark was interrupted"}
		}
		if br.Err != nil && br.N == 0 {
			return res, &Error{Name: "BenchError", Message: br.Err.Error()}
		}
		rows = append(rows, br)
	}
	b := rows.Bundle()
	res.Value = &b
	return res, nil
}

func (s *Session) helpText() string {
	var b strings.Builder
	b.WriteString(`spinlab: Go notebooks on the yaegi interpreter, for concurrency experiments.

Cells
  Mix imports, declarations and statements in any order; declarations persist
  and may be redefined. A final expression is the cell's result:
      x := []int{3, 1, 2}
      sort.Ints(x)        // sort is imported for you (any standard package)
      x                   // shows [1 2 3]
  Current Go works: for i := range 10, min, max, clear, per-iteration loop variables,
  the generic slices, maps and cmp, ~ constraints, iterators. A redefined function
  reaches every caller; a pasted whole program (package main ... func main) runs main once.
  display and runtimes are always imported; gonum plot, plotter, vg, stat and floats are bundled.

Display (package display)
      display.Markdown("**hello**")
      h := display.Show("working…"); h.Update("done")
      p := plot.New(); ...; p          // a *plot.Plot or image.Image result is drawn inline
  A type with a method Bundle() display.Bundle displays itself.

Runtimes (package runtimes)
      runtimes.Go(4, func(worker int) { ... })        // 4 goroutines
      runtimes.Threads(4, func(worker int) { ... })   // 4 goroutines on their own OS threads
      runtimes.Processes(4, "worker * 2")             // 4 child processes, each with a copy
      runtimes.Experiment{Snippet: "work(worker)", Workers: []int{1, 2, 4}}.Run()

Magics
`)
	for _, m := range knownMagics {
		fmt.Fprintf(&b, "  %-12s %s\n      %s\n", m.name, m.help, m.usage)
	}
	b.WriteString(`
Examples
  %time fib(30)
  %env GOMAXPROCS=4
  %%spin modes=goroutine,thread workers=1,2,4 trials=3 runner=interpreted,compiled
  sum := 0
  for i := range 1_000_000 { sum += i }
  %%bench runner=compiled
  mu.Lock(); mu.Unlock()
`)
	if v, err := s.lab.CompiledAvailable(context.Background()); err != nil {
		fmt.Fprintf(&b, "\nCompiled runs (runner=compiled) are not available: %v\n", err)
	} else {
		fmt.Fprintf(&b, "\nCompiled runs (runner=compiled) build with %s; race=true adds the race detector.\n", v)
	}
	return b.String()
}

// bindResults declares name as a *runtimes.Results in the session (the
// package is imported as a cell would import it) and sets it to r.
func (s *Session) bindResults(name string, r *runtimes.Results) error {
	if _, err := s.execute(context.Background(), "var "+name+" *runtimes.Results", 0); err != nil {
		return err
	}
	g, ok := s.globals()[name]
	if !ok || !g.CanSet() {
		return fmt.Errorf("variable %s cannot be set", name)
	}
	g.Set(reflect.ValueOf(r))
	return nil
}

// failedWorkers counts the failed workers of every run.
func failedWorkers(r *runtimes.Results) int {
	n := 0
	for _, run := range r.Runs {
		n += len(run.Failed())
	}
	return n
}
