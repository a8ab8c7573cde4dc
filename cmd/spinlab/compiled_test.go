package main

import (
	"context"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/runtimes"
)

// The compiled runner through the real kernel and evaluator: one cell
// runs both runners side by side, a race shows inline at the cell's line,
// a compile error is the cell's error at its line, and the kernel serves
// on.
func TestKernelCompiledRunner(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	if _, err := runtimes.NewLab(nil).CompiledAvailable(context.Background()); err != nil {
		t.Skipf("no toolchain: %v", err)
	}
	c, _ := startKernel(t)
	if d := c.Execute("type acc struct{ N int }\nfunc (a acc) Sum(w int) int {\n\ts := 0\n\tfor i := 0; i < a.N; i++ {\n\t\ts += i * w\n\t}\n\treturn s\n}\nvar a = acc{N: 1000}"); d.Status != kernel.StatusOK {
		t.Fatalf("definitions: %+v", d.Error)
	}

	r := c.Execute("%%spin runner=interpreted,compiled modes=goroutine,process workers=1,2 trials=1 quiet=true\na.Sum(worker + 1)")
	if r.Status != kernel.StatusOK || r.ExecuteResult == nil {
		t.Fatalf("both runners: status %s, error %+v, stderr %q", r.Status, r.Error, r.Stderr)
	}
	plain, _ := r.ExecuteResult.Data["text/plain"].(string)
	for _, want := range []string{"goroutine  interpreted", "goroutine     compiled", "process  interpreted", "process     compiled", "interpreted by yaegi and compiled with go"} {
		if !strings.Contains(plain, want) {
			t.Errorf("results lack %q:\n%s", want, plain)
		}
	}
	// The charts are a display_data of their own, before the table.
	if len(r.Displays) == 0 || r.Displays[0].Data["image/png"] == nil {
		t.Errorf("no chart output: %d display_data", len(r.Displays))
	}

	race := c.Execute("%%spin runner=compiled race=true modes=goroutine workers=1 trials=1 quiet=true\n" +
		"counter := 0\nvar wg sync.WaitGroup\nfor range 4 {\n\twg.Add(1)\n\tgo func() { defer wg.Done(); counter++ }()\n}\nwg.Wait()\ncounter")
	if race.Status != kernel.StatusOK {
		t.Fatalf("race cell: status %s, error %+v", race.Status, race.Error)
	}
	// cell 3: the magic is line 1, counter++ is on line 6.
	if !strings.Contains(race.Stderr, "WARNING: DATA RACE") || !strings.Contains(race.Stderr, "cell[3]:6") {
		t.Errorf("no race report at cell[3]:6 on stderr:\n%s", race.Stderr)
	}
	if plain, _ := race.ExecuteResult.Data["text/plain"].(string); !strings.Contains(plain, "DATA RACE in goroutine × 1 (compiled), trial 0, at cell[3]:6") {
		t.Errorf("the results do not mark the run racy:\n%s", plain)
	}

	bad := c.Execute("%%spin runner=compiled modes=goroutine workers=1 trials=1\nx := 1\nnope(x)")
	if bad.Status != kernel.StatusError || bad.Error == nil || !strings.Contains(bad.Error.Value+strings.Join(bad.Error.Traceback, "\n"), "cell[4]:3:1: undefined: nope") {
		t.Errorf("compile error: status %s, error %+v", bad.Status, bad.Error)
	}
	if ok := c.Execute("a.N"); ok.ExecuteResult == nil || ok.ExecuteResult.Data["text/plain"] != "1000" {
		t.Errorf("the session after the failed build: %+v %+v", ok.ExecuteResult, ok.Error)
	}
}
