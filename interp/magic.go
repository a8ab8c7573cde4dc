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
	"github.com/spinlab/spinlab/interp/cell"
	"github.com/spinlab/spinlab/runtimes"
)

// The session's names for the magics' syntax (package cell).
type (
	magic       = cell.Magic
	spinOptions = cell.SpinOptions
)

func parseMagic(code string) (magic, bool, error)              { return cell.ParseMagic(code) }
func parseSpinOptions(args string) (spinOptions, error)        { return cell.ParseSpinOptions(args) }
func parseBenchOptions(args string) ([]runtimes.Runner, error) { return cell.ParseBenchOptions(args) }

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
	for _, m := range cell.Magics() {
		fmt.Fprintf(&b, "  %-12s %s\n      %s\n", m.Name, m.Help, m.Usage)
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
