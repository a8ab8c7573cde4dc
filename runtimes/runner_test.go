package runtimes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// twoRunnerResults is a sweep of goroutine and process mode by both
// runners over 1 and 2 workers, the compiled runs 100× faster.
func twoRunnerResults() *Results {
	res := &Results{Machine: ThisMachine(), Trials: 1, Compiled: &CompiledInfo{GoVersion: "go1.26.8"}}
	for _, m := range []Mode{Goroutine, Process} {
		for _, runner := range []Runner{Interpreted, Compiled} {
			for _, n := range []int{1, 2} {
				wall := time.Duration(n) * time.Millisecond
				if runner == Compiled {
					wall /= 100
				}
				r := &Run{Mode: m, Runner: runner, Wall: wall, Machine: res.Machine, PeakThreads: 4}
				for w := range n {
					r.Workers = append(r.Workers, WorkerStats{Worker: w, Spawn: wall / 10, Time: wall, Memory: 1 << 20})
				}
				res.Runs = append(res.Runs, r)
			}
		}
	}
	return res
}

func TestResultsHaveTheRunnerAsADimension(t *testing.T) {
	res := twoRunnerResults()
	sums := res.Summaries()
	if len(sums) != 8 {
		t.Fatalf("%d summaries, want 8 (2 modes × 2 runners × 2 counts)", len(sums))
	}
	for _, s := range sums {
		// Each runner's speedup is against its own one-worker runs.
		if s.Workers == 2 && (s.Speedup < 0.99 || s.Speedup > 1.01) {
			t.Errorf("%s %s × 2: speedup %.2f, want 1 (against the same runner's T1)", s.Mode, s.Runner, s.Speedup)
		}
	}
	if sums[0].Runner != Interpreted || sums[2].Runner != Compiled {
		t.Errorf("summaries not ordered mode, runner, workers: %v %v", sums[0].Runner, sums[2].Runner)
	}
	txt := res.String()
	for _, want := range []string{"goroutine  interpreted", "goroutine     compiled", "interpreted by yaegi and compiled with go1.26.8"} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
	csv := res.CSV()
	if !strings.HasPrefix(csv, "mode,runner,") || !strings.Contains(csv, "\ngoroutine,compiled,2,") {
		t.Errorf("CSV:\n%s", csv)
	}
	if js := res.JSON(); !strings.Contains(js, `"runner": "compiled"`) {
		t.Errorf("JSON lacks the runner")
	}

	// The charts: one colour per mode, the interpreter's line dashed, the
	// legend naming the runner.
	dir := os.Getenv("SPINLAB_CHART_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "runners.svg")
	if err := res.SaveSVG(path); err != nil {
		t.Fatal(err)
	}
	res.SavePNG(filepath.Join(dir, "runners.png"))
	svg, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"goroutine (compiled)", "goroutine (interpreted)", "process (compiled)", "stroke-dasharray"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("the charts lack %q", want)
		}
	}
}

func TestInterpretedOnlyFooter(t *testing.T) {
	res := twoRunnerResults()
	var only []*Run
	for _, r := range res.Runs {
		if r.Runner == Interpreted {
			only = append(only, r)
		}
	}
	res.Runs, res.Compiled = only, nil
	if txt := res.String(); !strings.Contains(txt, "interpreted by yaegi") || strings.Contains(txt, "compiled with") {
		t.Errorf("footer of an interpreter-only experiment:\n%s", txt)
	}
	if h, _ := res.Bundle().Data["text/html"].(string); !strings.Contains(h, "interpreted by yaegi") {
		t.Errorf("the HTML footer does not say the figures are yaegi's")
	}
}

func TestParseRunners(t *testing.T) {
	rs, err := ParseRunners("interpreted, compiled,compiled")
	if err != nil || len(rs) != 2 || rs[0] != Interpreted || rs[1] != Compiled {
		t.Fatalf("%v %v", rs, err)
	}
	if _, err := ParseRunners("jit"); err == nil || !strings.Contains(err.Error(), "use interpreted or compiled") {
		t.Fatalf("bad runner: %v", err)
	}
	if _, err := (Experiment{Snippet: "1", Race: true}).plan(true); err == nil || !strings.Contains(err.Error(), "race detector") {
		t.Fatalf("Race without the compiled runner: %v", err)
	}
}
