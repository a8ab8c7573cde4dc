package interp

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/runtimes"
)

func newTestSession(t testing.TB) (*Session, *lockedBuffer, *lockedBuffer) {
	t.Helper()
	var out, errb lockedBuffer
	s, err := New(Options{Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	return s, &out, &errb
}

func mustExec(t testing.TB, s *Session, code string) *Result {
	t.Helper()
	res, err := s.Execute(context.Background(), code)
	if err != nil {
		t.Fatalf("%q: %v", code, err)
	}
	return res
}

func text(b *display.Bundle) string {
	if b == nil {
		return "<no value>"
	}
	s, _ := b.Data["text/plain"].(string)
	return s
}

// recorder is a display.Publisher that keeps what it is given.
type recorder struct {
	mu      sync.Mutex
	bundles []display.Bundle
	updates []bool
}

func (r *recorder) Publish(b display.Bundle, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bundles = append(r.bundles, b)
	r.updates = append(r.updates, update)
}
func (r *recorder) Clear(bool)                         {}
func (r *recorder) Input(string, bool) (string, error) { return "", nil }

func TestDisplayShowInterpretedBundler(t *testing.T) {
	rec := &recorder{}
	display.SetPublisher(rec)
	defer display.SetPublisher(nil)
	s, _, _ := newTestSession(t)
	mustExec(t, s, `type badge struct{ N int }
func (b badge) Bundle() display.Bundle { return display.HTMLBundle(fmt.Sprintf("<b>%d</b>", b.N)) }
h := display.Show(badge{1})
h.Update(badge{2})
display.Show(42)`)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.bundles) != 3 {
		t.Fatalf("published %d bundles, want 3", len(rec.bundles))
	}
	if got := rec.bundles[0].Data["text/html"]; got != "<b>1</b>" {
		t.Errorf("Show(badge{1}) html = %v", got)
	}
	if got := rec.bundles[1].Data["text/html"]; got != "<b>2</b>" || !rec.updates[1] {
		t.Errorf("Update(badge{2}) html = %v update=%v", got, rec.updates[1])
	}
	if got := rec.bundles[2].Data["text/plain"]; got != "42" {
		t.Errorf("Show(42) = %v", got)
	}
}

func TestDefinitionsAndRestore(t *testing.T) {
	s, _, _ := newTestSession(t)
	var defs []Definition
	for _, c := range []string{
		"import \"strings\"\ntype T struct{ A int }\nconst K = 3\nn := 4\nfunc (t T) Twice() int { return 2 * t.A }\nfunc up(s string) string { return strings.ToUpper(s) }",
		"var m = map[string]T{}\nm[\"a\"] = T{1}",
		"func mk() *T { return &T{2} }\nmade := mk()",
	} {
		defs = append(defs, mustExec(t, s, c).Definitions...)
	}
	var got []string
	for _, d := range defs {
		got = append(got, d.Kind+" "+d.Name+": "+d.Source)
	}
	want := []string{
		`import strings: import "strings"`,
		"type T: type T struct{ A int }",
		"const K: const K = 3",
		"var n: var n int",
		"func T.Twice: func (t T) Twice() int { return 2 * t.A }",
		"func up: func up(s string) string { return strings.ToUpper(s) }",
		"var m: var m map[string]T",
		"func mk: func mk() *T { return &T{2} }",
		"var made: var made *T",
	}
	if !slices.Equal(got, want) {
		t.Errorf("definitions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A redefinition replaces the earlier one on replay.
	defs = append(defs, mustExec(t, s, "type T struct{ A, B int }\nfunc up(s string) string { return s + \"!\" }").Definitions...)
	// mk no longer compiles (T{2} lacks a field): it is dropped.
	if got, want := len(s.Definitions()), len(want)-1; got != want {
		t.Errorf("Definitions() has %d, want %d: %v", got, want, s.Definitions())
	}
	fresh, _, _ := newTestSession(t)
	if err := fresh.Restore(defs); err == nil || !strings.HasSuffix(err.Error(), "redefine mk") {
		t.Errorf("Restore: %v, want an error naming mk", err)
	}
	res := mustExec(t, fresh, `up("x") + fmt.Sprint(T{K, 1}.Twice(), n, len(m))`)
	if got := text(res.Value); got != `"x!6 0 0"` {
		t.Errorf("after restore: %s", got)
	}
}

func TestCompileConcurrent(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "func sq(n int) int { return n * n }")
	fn, err := s.Compile("x := sq(worker)\nx + workers")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]any, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := fn(context.Background(), w, 4)
			if err != nil {
				t.Error(err)
			}
			got[w] = v
		}()
	}
	wg.Wait()
	for w, v := range got {
		if v != w*w+4 {
			t.Errorf("worker %d: %v, want %d", w, v, w*w+4)
		}
	}
	// A snippet without a final value returns nil; a panic is an error.
	fn, err = s.Compile("_ = worker")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := fn(context.Background(), 0, 1); v != nil || err != nil {
		t.Errorf("no value: %v, %v", v, err)
	}
	fn, err = s.Compile(`panic("worker failed")`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fn(context.Background(), 0, 1); err == nil || !strings.Contains(err.Error(), "worker failed") {
		t.Errorf("panic: %v", err)
	}
	if _, err := s.Compile("func f() {}"); err == nil {
		t.Error("a func declaration in a snippet compiled")
	}
	if _, err := s.Compile("undefinedThing + 1"); err == nil {
		t.Error("an undefined name compiled")
	}
}

func TestCompileInterrupt(t *testing.T) {
	s, _, _ := newTestSession(t)
	fn, err := s.Compile("for {}")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := fn(ctx, 0, 1); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("interrupted snippet returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("snippet not interrupted")
	}
	// The session still works.
	if got := text(mustExec(t, s, "1 + 1").Value); got != "2" {
		t.Errorf("after interrupt: %s", got)
	}
}

func TestExportAndEvalProgram(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, `type P struct{ X, Y int }
func (p P) Sum() int { return p.X + p.Y }
const scale = 10
pts := []P{{1, 2}, {3, 4}}
label := "total"
unused := 99
ch := make(chan int)
var mu sync.Mutex`)
	p, err := s.Export("pts[worker].Sum() * scale")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Vars) != 1 || p.Vars[0].Name != "pts" || p.Vars[0].Type != "[]P" {
		t.Fatalf("vars: %+v", p.Vars)
	}
	// Not import "sync": the snippet does not reach mu.
	for _, want := range []string{"type P struct", "func (p P) Sum()", "const scale = 10"} {
		if !strings.Contains(p.Source, want) {
			t.Errorf("source lacks %q:\n%s", want, p.Source)
		}
	}
	// The program crosses a process boundary in the value encoding.
	data, err := runtimes.EncodeValue(p)
	if err != nil {
		t.Fatal(err)
	}
	var q runtimes.Program
	if err := runtimes.DecodeValueInto(data, &q); err != nil {
		t.Fatal(err)
	}
	v, err := EvalProgram(context.Background(), q, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if v != 70 {
		t.Errorf("EvalProgram = %v, want 70", v)
	}
	for _, bad := range []string{"ch <- worker", "mu.Lock()", "f := func() {}; _ = f; label"} {
		_, err := s.Export(bad)
		if bad == "f := func() {}; _ = f; label" {
			if err != nil {
				t.Errorf("Export(%q): %v", bad, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), strings.Fields(strings.NewReplacer("<-", " ", ".", " ").Replace(bad))[0]) {
			t.Errorf("Export(%q) = %v, want an error naming the variable", bad, err)
		}
	}
	mustExec(t, s, "fn := func() {}")
	if _, err := s.Export("fn()"); err == nil || !strings.Contains(err.Error(), "fn") {
		t.Errorf("func variable: %v", err)
	}
}

func TestSpinMagic(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "func work(n int) int { s := 0; for i := range n { s += i }; return s }")
	res, err := s.Execute(context.Background(), "%%spin modes=goroutine,thread workers=1,2 trials=1 quiet=true\nwork(1000)")
	if err != nil {
		t.Fatal(err)
	}
	if res.Value == nil || res.Value.Data["text/plain"] == nil {
		t.Fatalf("no results: %+v", res.Value)
	}
	if !strings.Contains(text(res.Value), "goroutine") {
		t.Errorf("results text: %s", text(res.Value))
	}
}

func TestExpression(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "x := 21")
	b, err := s.Expression(context.Background(), "x * 2")
	if err != nil {
		t.Fatal(err)
	}
	if b.Data["text/plain"] != "42" {
		t.Errorf("Expression = %v", b.Data)
	}
	if _, err := s.Expression(context.Background(), "nope"); err == nil {
		t.Error("undefined expression gave no error")
	}
}

func TestReset(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "x := 1")
	res := mustExec(t, s, "%reset")
	if !res.Reset {
		t.Error("Reset not set")
	}
	if _, err := s.Execute(context.Background(), "x"); err == nil {
		t.Error("x survived %reset")
	}
	if got := text(mustExec(t, s, "display.TextBundle(\"ok\").Data[\"text/plain\"]").Value); got != `"ok"` {
		t.Errorf("display after reset: %s", got)
	}
}

func TestExperimentFromCell(t *testing.T) {
	s, _, _ := newTestSession(t)
	runtimes.SetDefault(s.Lab())
	defer runtimes.SetDefault(nil)
	res := mustExec(t, s, `func work(w int) int { return w * 2 }
r := runtimes.Experiment{Snippet: "work(worker)", Modes: []runtimes.Mode{runtimes.Goroutine}, Workers: []int{1, 2}, Trials: 1, Quiet: true}.Run()
r.Err == nil`)
	if got := text(res.Value); got != "true" {
		t.Errorf("experiment error: %s", got)
	}
	res = mustExec(t, s, "r")
	if res.Value == nil || res.Value.Data["text/html"] == nil && res.Value.Data["image/png"] == nil {
		t.Errorf("results did not display richly: %v", res.Value)
	}
}

// A snippet that names a package the session has not imported yet gets it
// imported; a later cell (or snippet) naming it again must not import it a
// second time, which yaegi refuses ("redeclared in this block").
func TestSnippetImportIsRecorded(t *testing.T) {
	s, _, _ := newTestSession(t)
	runtimes.SetDefault(s.Lab())
	defer runtimes.SetDefault(nil)
	for i := 0; i < 2; i++ {
		res := mustExec(t, s, "r := runtimes.Experiment{Snippet: `time.Sleep(time.Microsecond)`, Modes: []runtimes.Mode{runtimes.Goroutine}, Workers: []int{1}, Trials: 1, Quiet: true}.Run()\nfmt.Sprint(r.Err)")
		if got := text(res.Value); got != `"<nil>"` {
			t.Fatalf("run %d: experiment error: %s", i, got)
		}
	}
	if got := text(mustExec(t, s, "time.Duration(1) == time.Nanosecond").Value); got != "true" {
		t.Errorf("time in a cell after a snippet imported it: %s", got)
	}
}

// A composite literal of an interpreted type as a cell's value, in a
// fresh session: yaegi mishandles one passed straight to a function.
func TestFinalCompositeLiteral(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "type point struct{ X, Y int }\n\nfunc (p point) String() string { return fmt.Sprintf(\"(%d, %d)\", p.X, p.Y) }\n")
	for _, c := range []struct{ code, want string }{{"point{3, 4}", "(3, 4)"}, {"(point{5, 6})", "(5, 6)"}, {"[]int{1, 2}", "[1 2]"}} {
		if got := text(mustExec(t, s, c.code).Value); got != c.want {
			t.Errorf("%s = %s, want %s", c.code, got, c.want)
		}
	}
}

// An interrupted time.Sleep ends at once: the cell unwinds instead of
// being abandoned in compiled code (which costs the evaluator under the
// kernel's interrupt grace).
func TestInterruptedSleepUnwinds(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, `state := "intact"`)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Execute(ctx, "time.Sleep(time.Hour)")
	if e, ok := err.(*Error); !ok || e.Name != "interrupted" {
		t.Fatalf("err = %v, want interrupted", err)
	}
	if d := time.Since(start); d > unwindWait/2 {
		t.Errorf("the interrupted sleep took %v to end: it was abandoned, not woken", d)
	}
	if got := text(mustExec(t, s, "state").Value); got != `"intact"` {
		t.Errorf("state after the interrupt: %s", got)
	}
	// A later sleep still sleeps.
	start = time.Now()
	mustExec(t, s, "time.Sleep(30 * time.Millisecond)")
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("a sleep after the interrupt took only %v", d)
	}
}

// The examples %help shows must run as shown.
func TestHelpExamplesRun(t *testing.T) {
	s, _, _ := newTestSession(t)
	res := mustExec(t, s, "%help")
	help := text(res.Value)
	for _, example := range []struct{ shown, code, want string }{
		{"sort.Ints(x)", "x := []int{3, 1, 2}\nsort.Ints(x)\nx", "[1 2 3]"},
		{"for i := range 1_000_000 { sum += i }", "sum := 0\nfor i := range 1_000_000 { sum += i }\nsum", "499999500000"},
	} {
		if !strings.Contains(help, example.shown) {
			t.Errorf("%%help no longer shows %q: update this test with it", example.shown)
			continue
		}
		if got := text(mustExec(t, s, example.code).Value); got != example.want {
			t.Errorf("%s = %s, want %s", example.code, got, example.want)
		}
	}
}
