package interp

import (
	"strings"
	"testing"

	"github.com/spinlab/spinlab/runtimes"
)

// A process-mode snippet that names a loop-local variable fails its run
// with an error that says so and how to pass the value (it returned nil
// with r.Err == nil); ProcessOptions.Vars passes it, in Lab.Processes
// and in an Experiment.
func TestProcessSnippetLocalVariable(t *testing.T) {
	bin := workerBinary(t)
	t.Setenv(runtimes.EnvWorkerBin, bin)
	s, _, _ := newTestSession(t)
	runtimes.SetDefault(s.Lab())
	defer runtimes.SetDefault(nil)
	got := mustExec(t, s, `var msg string
for _, payload := range [][]byte{make([]byte, 10)} {
	r := runtimes.Processes(1, "len(payload)")
	msg = fmt.Sprint(r.Err)
}
msg`)
	for _, want := range []string{"payload", "not a session variable", "runtimes.Vars"} {
		if !strings.Contains(text(got.Value), want) {
			t.Errorf("r.Err = %s, want it to mention %q", text(got.Value), want)
		}
	}
	got = mustExec(t, s, `var out []any
for _, payload := range [][]byte{make([]byte, 10), make([]byte, 3)} {
	r := runtimes.Default().Processes(context.Background(), 1, "len(payload) + worker", runtimes.ProcessOptions{Vars: runtimes.Vars{"payload": payload}})
	out = append(out, r.Err, r.Workers[0].Result)
}
fmt.Sprint(out)`)
	if v := text(got.Value); v != `"[<nil> 10 <nil> 3]"` {
		t.Errorf("with Vars: %s, want [<nil> 10 <nil> 3]", v)
	}
	got = mustExec(t, s, `func sweep(n int) string {
	e := runtimes.Experiment{Snippet: "n * 2", Modes: []runtimes.Mode{runtimes.Process}, Workers: []int{1}, Trials: 1, Warmup: 0, Quiet: true}
	e.Process.Vars = runtimes.Vars{"n": n}
	r := e.Run()
	return fmt.Sprint(r.Err, r.Runs[0].Workers[0].Result)
}
sweep(21)`)
	if v := text(got.Value); v != `"<nil> 42"` {
		t.Errorf("Experiment with Process.Vars: %s", v)
	}
}
