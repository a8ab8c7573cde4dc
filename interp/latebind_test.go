package interp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// A redefined function reaches callers compiled earlier in every mode:
// the cell itself, goroutines (runtimes.Go) and child processes
// (runtimes.Processes, which evaluate the exported source).
func TestLateBindingEveryMode(t *testing.T) {
	t.Setenv(runtimes.EnvWorkerBin, workerBinary(t))
	s, _, _ := newTestSession(t)
	runtimes.SetDefault(s.Lab())
	defer runtimes.SetDefault(nil)
	mustExec(t, s, `func step() string { return "v1" }`)
	mustExec(t, s, `func work() string { return "work: " + step() }`)
	mustExec(t, s, `func step() string { return "v2" }`)
	res := mustExec(t, s, `var inGo string
runtimes.Go(1, func(int) { inGo = work() })
p := runtimes.Processes(1, "work()")
fmt.Sprint(work(), " | ", inGo, " | ", p.Workers[0].Result, p.Workers[0].Error)`)
	if got, want := text(res.Value), `"work: v2 | work: v2 | work: v2"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// Rebinding costs what the dependents cost, not what the session holds:
// redefining a function that one function of 80 uses is far cheaper than
// redefining one that all 80 use (a chain).
func TestLateBindingCost(t *testing.T) {
	s, _, _ := newTestSession(t)
	var b strings.Builder
	b.WriteString("func leaf() int { return 1 }\nfunc lone() int { return 1 }\n")
	b.WriteString("func f0() int { return leaf() }\n")
	for i := 1; i < 80; i++ {
		fmt.Fprintf(&b, "func f%d() int { return f%d() + 1 }\n", i, i-1)
	}
	b.WriteString("func useLone() int { return lone() }\n")
	mustExec(t, s, b.String())
	// Each redefinition changes the source: an identical one needs no
	// rebinding.
	measure := func(name string) time.Duration {
		best := time.Hour
		for i := range 5 {
			start := time.Now()
			mustExec(t, s, fmt.Sprintf("func %s() int { return %d }", name, i+2))
			best = min(best, time.Since(start))
		}
		return best
	}
	one := measure("lone")
	all := measure("leaf")
	if got := text(mustExec(t, s, "f79()").Value); got != "85" {
		t.Errorf("f79() = %s after redefining leaf to return 6, want 85", got)
	}
	if got := text(mustExec(t, s, "useLone()").Value); got != "6" {
		t.Errorf("useLone() = %s after redefining lone to return 6, want 6", got)
	}
	t.Logf("redefine with 1 dependent: %v; with 80 dependents: %v", one, all)
	if one*3 > all {
		t.Errorf("redefining a function with 1 dependent took %v, with 80 dependents %v: not proportional to the dependents", one, all)
	}
}
