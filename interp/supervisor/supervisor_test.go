package supervisor_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/interp/supervisor"
	"github.com/spinlab/spinlab/kernel"
)

func TestStreamsAndResults(t *testing.T) {
	s := start(t, supervisor.Options{})
	tests := []struct {
		code           string
		stdout, stderr string
		result         string
	}{
		{code: `fmt.Println("hi")`, stdout: "hi\n"},
		{code: `6*7`, result: "42"},
		{code: `fmt.Fprintln(os.Stderr, "to stderr")`, stderr: "to stderr\n"},
		{code: `_, _ = os.Stdout.WriteString("direct\n")`, stdout: "direct\n"},
		{code: `log.SetFlags(0); log.Print("logged")`, stderr: "logged\n"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			rep, out := mustOK(t, s, tt.code)
			if got := out.stream("stdout"); tt.stdout != "" && got != tt.stdout {
				t.Errorf("stdout = %q, want %q", got, tt.stdout)
			}
			if got := out.stream("stderr"); tt.stderr != "" && got != tt.stderr {
				t.Errorf("stderr = %q, want %q", got, tt.stderr)
			}
			if got := resultText(rep); got != tt.result {
				t.Errorf("result = %q, want %q", got, tt.result)
			}
		})
	}
}

// A child process that inherits fds 1 and 2 writes straight into the
// evaluator's pipes: its output must arrive too.
func TestChildProcessOutput(t *testing.T) {
	s := start(t, supervisor.Options{})
	needExec(t, s)
	_, out := mustOK(t, s, `c := exec.Command("sh", "-c", "echo out-of-child; echo err-of-child >&2"); c.Stdout = os.Stdout; c.Stderr = os.Stderr; c.Run()`)
	out.waitStream(t, "stdout", "out-of-child\n", 2*time.Second)
	out.waitStream(t, "stderr", "err-of-child\n", 2*time.Second)
}

func TestOutputStreamsWhileTheCellRuns(t *testing.T) {
	s := start(t, supervisor.Options{})
	out := &recorder{}
	done := make(chan kernel.ExecuteReply, 1)
	began := time.Now()
	go func() {
		done <- s.Execute(context.Background(), kernel.ExecuteRequest{Code: `fmt.Println("first"); time.Sleep(2 * time.Second); fmt.Println("last")`}, out)
	}()
	out.waitStream(t, "stdout", "first\n", 1500*time.Millisecond)
	select {
	case <-done:
		t.Fatal("the cell ended before its first line arrived")
	default:
	}
	if d := time.Since(began); d > 1500*time.Millisecond {
		t.Errorf("first line took %s", d)
	}
	rep := <-done
	if rep.Status != kernel.StatusOK {
		t.Fatalf("status %s: %+v", rep.Status, rep.Error)
	}
	if got := out.stream("stdout"); got != "first\nlast\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestDisplayKeepsItsPlaceInTheOutput(t *testing.T) {
	s := start(t, supervisor.Options{})
	for i := range 5 { // ordering bugs are races: try a few times
		_, out := mustOK(t, s, `fmt.Println("a"); display.Text("b"); fmt.Fprintln(os.Stderr, "c"); display.HTML("<i>d</i>"); fmt.Print("e"); display.Clear(true); fmt.Print("f")`)
		got := strings.Join(out.sequence(), "|")
		want := "stdout:a\n|display:b|stderr:c\n|display:d|stdout:e|clear:|stdout:f"
		if got != want {
			t.Fatalf("run %d: output order\n got %s\nwant %s", i, got, want)
		}
	}
}

func TestDisplayUpdate(t *testing.T) {
	s := start(t, supervisor.Options{})
	_, out := mustOK(t, s, `h := display.Show("one"); h.Update("two")`)
	ev := out.all()
	if len(ev) != 2 || ev[0].id == "" || ev[1].id != ev[0].id || ev[0].upd || !ev[1].upd {
		t.Fatalf("want a display and its update with one display id, got %+v", ev)
	}
}

func TestInput(t *testing.T) {
	s := start(t, supervisor.Options{})
	out := &recorder{input: func(prompt string) string { return "gopher for " + prompt }}
	rep := s.Execute(context.Background(), kernel.ExecuteRequest{Code: `name := display.Input("who?"); fmt.Println("hello", name)`, AllowStdin: true}, out)
	if rep.Status != kernel.StatusOK {
		t.Fatalf("status %s: %+v", rep.Status, rep.Error)
	}
	if got := out.stream("stdout"); got != "hello gopher for who?\n" {
		t.Errorf("stdout = %q", got)
	}
}

// Output of goroutines after their cell returned goes to that cell until
// the next one starts.
func TestLateOutputGoesToTheLastCell(t *testing.T) {
	s := start(t, supervisor.Options{})
	_, first := mustOK(t, s, `go func() { time.Sleep(300 * time.Millisecond); fmt.Println("late") }()`)
	first.waitStream(t, "stdout", "late\n", 3*time.Second)
	_, second := mustOK(t, s, `go func() { time.Sleep(200 * time.Millisecond); fmt.Println("later") }(); fmt.Println("now")`)
	second.waitStream(t, "stdout", "later\n", 3*time.Second)
	if got := first.stream("stdout"); got != "late\n" {
		t.Errorf("first cell's stdout = %q", got)
	}
}

func TestCompleteInspectIsComplete(t *testing.T) {
	s := start(t, supervisor.Options{})
	ctx := context.Background()
	c, err := s.Complete(ctx, "fmt.Prin", 8)
	if err != nil {
		t.Fatal(err)
	}
	if !contains(c.Matches, "fmt.Println") && !contains(c.Matches, "Println") {
		t.Errorf("completions of fmt.Prin = %v", c.Matches)
	}
	ic, err := s.IsComplete(ctx, "func f() {")
	if err != nil {
		t.Fatal(err)
	}
	if ic.Status != "incomplete" {
		t.Errorf("is_complete of an open func = %+v", ic)
	}
	if ic, _ := s.IsComplete(ctx, `fmt.Println("x")`); ic.Status != "complete" {
		t.Errorf("is_complete of a call = %+v", ic)
	}
	in, err := s.Inspect(ctx, "fmt.Println", 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !in.Found || in.Data["text/plain"] == nil {
		t.Errorf("inspect fmt.Println = %+v", in)
	}
}

// Package members are answered in the kernel process from the session's
// definitions; a session name that shadows a package must still be
// answered by the evaluator, which knows its value.
func TestCompleteFollowsTheSessionsNames(t *testing.T) {
	s := start(t, supervisor.Options{})
	ctx := context.Background()
	mustOK(t, s, "import str \"strings\"\ntype box struct{ Size int }\nbytes := box{3}")
	for _, tt := range []struct {
		code string
		want []string
		not  string
	}{
		{"str.HasP", []string{"HasPrefix"}, ""},
		{"bytes.", []string{"Size"}, "Buffer"}, // the variable, not the package
		{"sort.Sli", []string{"Slice", "SliceStable"}, ""},
	} {
		c, err := s.Complete(ctx, tt.code, len(tt.code))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !contains(c.Matches, w) {
				t.Errorf("completions of %q = %v, want %q among them", tt.code, c.Matches, w)
			}
		}
		if tt.not != "" && contains(c.Matches, tt.not) {
			t.Errorf("completions of %q = %v, want no %q", tt.code, c.Matches, tt.not)
		}
		if c.CursorEnd != len(tt.code) || c.CursorStart != strings.LastIndex(tt.code, ".")+1 {
			t.Errorf("completions of %q replace [%d, %d)", tt.code, c.CursorStart, c.CursorEnd)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestUserExpressions(t *testing.T) {
	s := start(t, supervisor.Options{})
	rep := s.Execute(context.Background(), kernel.ExecuteRequest{
		Code:            `x := 20`,
		UserExpressions: map[string]string{"double": "x*2", "bad": "nosuch+1"},
	}, &recorder{})
	if rep.Status != kernel.StatusOK {
		t.Fatalf("status %s: %+v", rep.Status, rep.Error)
	}
	if r := rep.UserExpressions["double"]; r.Status != kernel.StatusOK || r.Data["text/plain"] != "40" {
		t.Errorf("double = %+v", r)
	}
	if r := rep.UserExpressions["bad"]; r.Status != kernel.StatusError || r.Error == nil {
		t.Errorf("bad = %+v", r)
	}
}

// Each line reaches the Output within a few tens of milliseconds of being
// printed, not batched until the cell ends.
func TestStreamLatency(t *testing.T) {
	s := start(t, supervisor.Options{})
	_, out := mustOK(t, s, `for range 5 { fmt.Println(time.Now().UnixNano()); time.Sleep(100 * time.Millisecond) }`)
	n := 0
	for _, e := range out.all() {
		if e.kind != "stream" {
			continue
		}
		for _, line := range strings.Fields(e.text) {
			printed, err := strconv.ParseInt(line, 10, 64)
			if err != nil {
				t.Fatalf("unexpected output %q", e.text)
			}
			n++
			if d := e.at.Sub(time.Unix(0, printed)); d > 200*time.Millisecond {
				t.Errorf("a line took %s to arrive", d)
			}
		}
	}
	if n != 5 {
		t.Errorf("got %d lines, want 5", n)
	}
}

// Front ends show only the traceback lines of an error, so they must say
// what happened, not only where.
func TestTracebackSaysWhat(t *testing.T) {
	s := start(t, supervisor.Options{})
	// A type error is in go/types' words ("cannot use"), or in yaegi's
	// ("cannot convert") when the type check did not finish in time.
	for code, want := range map[string]string{
		`panic("boom")`:   "boom",
		`var x int = "s"`: "cannot (use|convert)",
		`nosuch()`:        "undefined",
	} {
		rep, _ := run(t, s, code)
		if rep.Error == nil {
			t.Errorf("%s: no error", code)
			continue
		}
		if tb := strings.Join(rep.Error.Traceback, "\n"); !regexp.MustCompile(want).MatchString(tb) || !strings.Contains(tb, rep.Error.Name) && !strings.Contains(tb, rep.Error.Value) {
			t.Errorf("%s: traceback %q does not say %q", code, tb, want)
		}
	}
}

// A flood of output is cut at MaxCellOutput with one notice; the cell runs
// on, and the next cell's output arrives in full.
func TestOutputLimit(t *testing.T) {
	s := start(t, supervisor.Options{MaxCellOutput: 1000})
	rep, out := mustOK(t, s, `for i := range 10000 { fmt.Println("line", i) }; 6*7`)
	if got := resultText(rep); got != "42" {
		t.Errorf("result %q", got)
	}
	if n := len(out.stream("stdout")); n != 1000 {
		t.Errorf("stdout has %d bytes, want the limit of 1000", n)
	}
	if e := out.stream("stderr"); !strings.Contains(e, "output passed 1000 bytes") || !strings.Contains(e, "dropped") {
		t.Errorf("stderr %q does not say the output was cut", e)
	}
	_, out = mustOK(t, s, `fmt.Println("next")`)
	if got := out.stream("stdout"); got != "next\n" {
		t.Errorf("the next cell's stdout = %q", got)
	}
}

// A cell that closes os.Stdout and os.Stderr does not silence the cells
// after it.
func TestClosedStdioIsRepaired(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `var keep = 42`)
	run(t, s, `os.Stdout.Close(); os.Stderr.Close(); fmt.Println("lost")`)
	rep, out := mustOK(t, s, `fmt.Println("visible"); fmt.Fprintln(os.Stderr, "also visible"); _, _ = os.Stdout.WriteString("direct\n"); log.SetFlags(0); log.Print("logged"); keep`)
	if got := resultText(rep); got != "42" {
		t.Errorf("keep = %q: the session was lost", got)
	}
	if got := out.stream("stdout"); got != "visible\ndirect\n" {
		t.Errorf("stdout after closing it = %q", got)
	}
	if got := out.stream("stderr"); got != "also visible\nlogged\n" {
		t.Errorf("stderr after closing it = %q", got)
	}
}
