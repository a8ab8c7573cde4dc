package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
	"github.com/spinlab/spinlab/runtimes"
)

// hostileCell is one entry of the hostile-cell corpus.
type hostileCell struct {
	name string
	code string
	// interrupt, if set, is how long the cell runs before the test
	// interrupts it (checking the heartbeat first).
	interrupt time.Duration
	// restarts says the cell may cost the evaluator (a crash, or a cell
	// stuck where an interrupt cannot reach): the kernel must then say so
	// and name the lost variable, and functions must survive. Otherwise
	// the earlier variable must be intact.
	restarts bool
	// signal, if set, is sent to the evaluator process 200ms after the
	// cell starts.
	signal syscall.Signal
	// long marks cases left out with -short (they cost an evaluator
	// restart after the 2s interrupt grace and repeat another case).
	long bool
	// check looks at the cell's result; nil accepts any reply.
	check func(t *testing.T, r *kerneltest.Result)
}

func wantHostileError(substrs ...string) func(t *testing.T, r *kerneltest.Result) {
	return func(t *testing.T, r *kerneltest.Result) {
		t.Helper()
		if r.Status != kernel.StatusError || r.Error == nil {
			t.Fatalf("status %s, want an error mentioning %q (stdout %.200q)", r.Status, substrs, r.Stdout)
		}
		for _, s := range substrs {
			if !strings.Contains(r.Error.Name+": "+r.Error.Value, s) {
				t.Errorf("error %s: %q does not mention %q", r.Error.Name, r.Error.Value, s)
			}
		}
	}
}

func wantHostileText(substrs ...string) func(t *testing.T, r *kerneltest.Result) {
	return func(t *testing.T, r *kerneltest.Result) {
		t.Helper()
		var text string
		if r.ExecuteResult != nil {
			text, _ = r.ExecuteResult.Data["text/plain"].(string)
		}
		text += r.Stdout
		if r.Status != kernel.StatusOK {
			t.Fatalf("status %s %+v, want ok", r.Status, r.Error)
		}
		for _, s := range substrs {
			if !strings.Contains(text, s) {
				t.Errorf("result and stdout %q do not mention %q", text, s)
			}
		}
	}
}

// hostileResult returns the text/plain result of a cell, or "" with its error.
func hostileResult(r *kerneltest.Result) string {
	if r.ExecuteResult == nil {
		if r.Error != nil {
			return r.Error.Name + ": " + r.Error.Value
		}
		return "(no result; status " + string(r.Status) + ")"
	}
	s, _ := r.ExecuteResult.Data["text/plain"].(string)
	return s
}

// evaluatorPID returns the pid of the kernel's evaluator (`spinlab eval`).
func evaluatorPID(t *testing.T, kernelPID int) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, pid := range childrenOf(t, kernelPID) {
			cmd, _ := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
			if string(cmd) == binary+"\x00eval\x00" {
				return atoi(pid)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no evaluator under the kernel %d", kernelPID)
	return 0
}

// replyWithin reports whether the reply to req arrives within d, leaving
// it in the client's inbox.
func replyWithin(c *kerneltest.Client, req *kernel.Message, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		seen := false
		c.Next(kernel.Shell, func(m *kernel.Message) bool {
			seen = seen || m.Parent.MsgID == req.Header.MsgID
			return false
		}, 0)
		if seen || time.Now().After(deadline) {
			return seen
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHostileCells runs a corpus of hostile cells through a real client
// against the built binary. After each one the kernel must answer the
// heartbeat and a following cell, and the variable defined before must be
// intact, or (for cells that may cost the evaluator) the kernel must have
// said which variables were lost, and functions must still be defined.
func TestHostileCells(t *testing.T) {
	goroutines := 100_000
	if testing.Short() {
		goroutines = 10_000
	}
	limit := runtimes.DefaultMaxChildren()
	corpus := []hostileCell{
		{name: "infinite loop", code: `for {}`, interrupt: 300 * time.Millisecond, check: wantHostileError()},
		{name: "empty select", code: `select {}`, interrupt: 300 * time.Millisecond, check: wantHostileError()},
		{name: "a loop with a goroutine blocked on a channel", code: `ch := make(chan int)
go func() { <-ch }()
n := 0
for {
	n++
}`, interrupt: 300 * time.Millisecond, check: wantHostileError()},
		{name: "WaitGroup never done", code: `var wg sync.WaitGroup
wg.Add(1)
wg.Wait()`, interrupt: 300 * time.Millisecond, restarts: true, check: wantHostileError()},
		{name: "mutex locked twice", code: `var mu2 sync.Mutex
mu2.Lock()
mu2.Lock()`, interrupt: 300 * time.Millisecond, restarts: true, long: true, check: wantHostileError()},
		{name: "goroutine bomb", code: fmt.Sprintf(`for i := 0; i < %d; i++ {
	go func() {
		for {
		}
	}()
}
select {}`, goroutines), interrupt: time.Second, restarts: true, check: wantHostileError()},
		{name: "after the goroutine bomb", code: `runtime.NumGoroutine() < 50`, check: wantHostileText("true")},
		{name: "fork bomb over the cap", code: `runtimes.Processes(100000, "1").Err`, check: wantHostileText(fmt.Sprintf("limit of %d", limit))},
		{name: "fork bomb in a loop", code: `var errs []string
for i := 0; i < 20; i++ {
	if r := runtimes.Processes(1000, "1"); r.Err != nil {
		errs = append(errs, r.Err.Error())
	}
}
len(errs)`, check: wantHostileText("20")},
		{name: "nested processes", code: "r := runtimes.Processes(2, `runtimes.Processes(2, \"1\").Err`)\nr.Err == nil", check: wantHostileText("true")},
		{name: "no children left", code: `len(runtimes.LiveChildren())`, check: wantHostileText("0")},
		{name: "memory hog under a limit", code: `r := runtimes.Default().Processes(context.Background(), 1, "b := make([]byte, 3<<30)\nb[len(b)-1] = 1\nlen(b)", runtimes.ProcessOptions{MemoryLimit: 1 << 30})
r.Workers[0].Error`, check: wantHostileText("memory limit", "1.00 GiB")},
		{name: "os.Exit in a worker", code: `r := runtimes.Processes(2, "os.Exit(3)")
r.Workers[0].Error + " | " + r.Workers[1].Error`, check: wantHostileText("3")},
		{name: "processes interrupted", code: "runtimes.Processes(8, `time.Sleep(time.Minute)`)", interrupt: 1500 * time.Millisecond, check: wantHostileError()},
		{name: "an experiment interrupted", code: "runtimes.Experiment{Snippet: `time.Sleep(time.Minute)`, Modes: []runtimes.Mode{runtimes.Process}, Workers: []int{2}, Trials: 1}.Run()", interrupt: 1500 * time.Millisecond, check: wantHostileError(), long: true},
		{name: "goroutines interrupted", code: "runtimes.Go(4, func(worker int) {\n\tfor {\n\t}\n})", interrupt: 500 * time.Millisecond, check: wantHostileError()},
		{name: "no children after the interrupt", code: `len(runtimes.LiveChildren())`, check: wantHostileText("0")},
		{name: "a worker that closes its channel", code: "r := runtimes.Processes(1, `os.NewFile(4, \"x\").Close()`)\nr.Workers[0].Error", check: wantHostileText("")},
		{name: "a worker that writes a huge length", code: "r := runtimes.Processes(1, `os.NewFile(4, \"x\").Write([]byte{0x3f, 0xff, 0xff, 0xff})`)\nr.Workers[0].Error", check: wantHostileText("")},
		{name: "a worker that writes garbage", code: "r := runtimes.Processes(1, `os.NewFile(4, \"x\").Write([]byte{0, 0, 0, 2, '{', '{'})`)\nr.Workers[0].Error", check: wantHostileText("")},
		{name: "a worker with a 64 MB result", code: "r := runtimes.Processes(1, `strings.Repeat(\"x\", 64<<20)`)\nlen(fmt.Sprint(r.Workers[0].Result)) >= 64<<20", check: wantHostileText("true")},
		{name: "panic while holding a lock", code: `var mu sync.Mutex
func lockAndPanic() { mu.Lock(); panic("boom") }
lockAndPanic()`, check: wantHostileError("boom")},
		{name: "the next cell that takes the lock", code: `mu.Lock()
"got the lock"`, interrupt: 500 * time.Millisecond, restarts: true, check: wantHostileError()},
		{name: "the lock after the restart", code: `mu.Lock(); mu.Unlock(); "free"`, check: wantHostileText("free")},
		// Cells cannot signal their own process: yaegi's restricted
		// standard library leaves out syscall and os/exec, and
		// os.FindProcess fails with "restricted". So the test sends the
		// signals to the evaluator while a cell sleeps in it.
		{name: "SIGKILL", code: "time.Sleep(time.Minute)", signal: syscall.SIGKILL, restarts: true, check: wantHostileError("SIGKILL", "keep")},
		{name: "SIGSEGV", code: "time.Sleep(time.Minute)", signal: syscall.SIGSEGV, restarts: true, check: wantHostileError("keep")},
		{name: "SIGTERM", code: "time.Sleep(time.Minute)", signal: syscall.SIGTERM, restarts: true, check: wantHostileError("SIGTERM", "keep")},
		{name: "SIGQUIT", code: "time.Sleep(time.Minute)", signal: syscall.SIGQUIT, restarts: true, long: true, check: wantHostileError("keep")},
		{name: "SIGABRT", code: "time.Sleep(time.Minute)", signal: syscall.SIGABRT, restarts: true, check: wantHostileError("keep")},
		{name: "SIGSTOP then interrupt", code: "time.Sleep(time.Minute)", signal: syscall.SIGSTOP, interrupt: time.Second, restarts: true, check: wantHostileError()},
		{name: "SIGINT", code: "time.Sleep(time.Minute)", signal: syscall.SIGINT, check: wantHostileError()},
		{name: "SIGHUP", code: "time.Sleep(time.Minute)", signal: syscall.SIGHUP, restarts: true, long: true, check: wantHostileError("keep")},
		{name: "SIGPIPE", code: `time.Sleep(500 * time.Millisecond)
"still running"`, signal: syscall.SIGPIPE, restarts: true},
		{name: "os.Exit in the cell", code: `os.Exit(4)`, restarts: true, check: wantHostileError()},
		{name: "a long time.Sleep", code: `time.Sleep(time.Hour)`, interrupt: 300 * time.Millisecond, check: wantHostileError()},
		{name: "close the event channel", code: `os.NewFile(4, "events").Close()
time.Sleep(time.Second)`, interrupt: 3 * time.Second, restarts: true},
		{name: "garbage on the event channel", code: `os.NewFile(4, "events").Write([]byte{0, 0, 0, 3, '{', 'x', '}'})
time.Sleep(time.Second)`, interrupt: 3 * time.Second, restarts: true, long: true},
		{name: "a huge length on the event channel", code: `os.NewFile(4, "events").Write([]byte{0x3f, 0xff, 0xff, 0xff})
time.Sleep(time.Second)`, interrupt: 3 * time.Second, restarts: true},
		// fds 3 and 4 hold placeholders once the evaluator has moved its
		// channel off them: closing or overwriting them costs nothing.
		{name: "syscall.Close(3) on the event channel", code: `syscall.Close(3)`, check: wantHostileText("")},
		{name: "syscall.Close(4) on the event channel", code: `syscall.Close(4)`, check: wantHostileText("")},
		{name: "syscall.Dup2(1, 3) on the event channel", code: `syscall.Dup2(1, 3)`, check: wantHostileText("")},
	}

	// Five kernels, one per group, run side by side: most of the time
	// goes to waiting (interrupt grace, evaluator restarts), not to CPU.
	groups := map[string]func(name string) bool{
		"interrupts": func(n string) bool {
			return !strings.HasPrefix(n, "fork") && strings.Contains(n, "loop") || strings.Contains(n, "select") || strings.Contains(n, "WaitGroup") || strings.Contains(n, "mutex") || strings.Contains(n, "goroutine bomb")
		},
		"signals":         func(n string) bool { return strings.HasPrefix(n, "SIG") || strings.Contains(n, "os.Exit in the cell") },
		"private channel": func(n string) bool { return strings.Contains(n, "event channel") },
		"compiled calls":  func(n string) bool { return strings.Contains(n, "time.Sleep") },
	}
	parts := map[string][]hostileCell{}
	for _, hc := range corpus {
		group := "processes and locks"
		for name, in := range groups {
			if in(hc.name) {
				group = name
			}
		}
		parts[group] = append(parts[group], hc)
	}
	for group, cells := range parts {
		t.Run(strings.ReplaceAll(group, " ", "_"), func(t *testing.T) {
			t.Parallel()
			runHostileCells(t, cells)
		})
	}
}

// runHostileCells runs cells in one kernel, in order, with the checks
// TestHostileCells describes.
func runHostileCells(t *testing.T, corpus []hostileCell) {
	c, kp := startKernel(t)
	c.Timeout = 60 * time.Second
	setup := c.Execute(`var keep = 42
func helper() int { return 7 }`)
	if setup.Status != kernel.StatusOK {
		t.Fatalf("setup: %s %+v", setup.Status, setup.Error)
	}
	for _, hc := range corpus {
		if hc.long && testing.Short() {
			continue
		}
		began := time.Now()
		req := c.SendExecute(hc.code)
		if hc.signal != 0 {
			time.Sleep(200 * time.Millisecond)
			pid := evaluatorPID(t, kp.cmd.Process.Pid)
			if err := syscall.Kill(pid, hc.signal); err != nil {
				t.Fatalf("%s: signal the evaluator %d: %v", hc.name, pid, err)
			}
		}
		if hc.interrupt > 0 && !replyWithin(c, req, hc.interrupt) {
			if err := c.Heartbeat(3 * time.Second); err != nil {
				t.Errorf("%s: heartbeat while it runs: %v", hc.name, err)
			}
			c.Interrupt()
		}
		r := c.WaitExecute(req)
		took := time.Since(began)
		t.Logf("%-45s %6.2fs %s %s", hc.name, took.Seconds(), r.Status, strings.Join(strings.Fields(hostileResult(r)), " "))
		if hc.check != nil {
			t.Run(strings.ReplaceAll(hc.name, " ", "_"), func(t *testing.T) { hc.check(t, r) })
		}
		if err := c.Heartbeat(5 * time.Second); err != nil {
			t.Fatalf("%s: no heartbeat after it: %v\n%s", hc.name, err, kp.stderr)
		}
		after := c.Execute(`fmt.Sprint(keep, helper())`)
		switch got := hostileResult(after); {
		case got == `"42 7"`:
		case hc.restarts && got == `"0 7"`:
			// The evaluator was replaced: the reply must have said so and
			// named the variable it lost.
			if r.Error == nil || !strings.Contains(r.Error.Value, "keep") {
				var msgs []string
				for _, m := range r.IOPub {
					if m.Header.MsgType == "stream" {
						msgs = append(msgs, string(m.Content))
					}
				}
				if !strings.Contains(strings.Join(msgs, ""), "keep") {
					t.Errorf("%s: the evaluator restarted but nothing named the lost variable keep: %+v", hc.name, r.Error)
				}
			}
			if r := c.Execute(`keep = 42`); r.Status != kernel.StatusOK {
				t.Fatalf("%s: restoring keep: %+v", hc.name, r.Error)
			}
		default:
			t.Fatalf("%s: after it, keep and helper() = %s (restart allowed: %v)", hc.name, got, hc.restarts)
		}
	}
	// Nothing the corpus started is still running: the kernel's only
	// descendant is the evaluator.
	deadline := time.Now().Add(10 * time.Second)
	for len(childrenOf(t, kp.cmd.Process.Pid)) > 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if kids := childrenOf(t, kp.cmd.Process.Pid); len(kids) > 1 {
		t.Errorf("descendants of the kernel after the corpus: %v (want only the evaluator)", kids)
	}
}

// TestHostileOutputFlood prints a flood of output from one cell. The
// kernel must keep answering the heartbeat and control while it streams,
// deliver the output (or a clear notice of what it dropped), and answer
// the next cell.
func TestHostileOutputFlood(t *testing.T) {
	// 100 MB as the issue asks; less where the test's own client (with
	// the race detector, or -short) is the slow part.
	mb := 100
	if testing.Short() || hostileRace {
		mb = 20
	}
	c, kp := startKernel(t)
	c.Timeout = 120 * time.Second
	c.Execute(`var keep = 42`)
	began := time.Now()
	req := c.SendExecute(fmt.Sprintf(`line := strings.Repeat("x", 1023) + "\n"
for i := 0; i < %d*1024; i++ {
	fmt.Print(line)
}`, mb))
	var (
		got       int
		replied   *kernel.Message
		worstBeat time.Duration
		worstCtl  time.Duration
		lastProbe time.Time
		notices   []string // stderr lines from spinlab itself
	)
	for replied == nil {
		if time.Since(began) > 120*time.Second {
			t.Fatalf("the flood did not end in 120s (%d MB received)\n%s", got>>20, kp.stderr)
		}
		for {
			m, ok := c.Next(kernel.IOPub, func(m *kernel.Message) bool {
				return m.Header.MsgType == "stream" && m.Parent.MsgID == req.Header.MsgID
			}, 0)
			if !ok {
				break
			}
			var s struct{ Name, Text string }
			json.Unmarshal(m.Content, &s)
			got += len(s.Text)
			if s.Name == "stderr" && strings.Contains(s.Text, "spinlab:") {
				notices = append(notices, strings.TrimSpace(s.Text))
			}
		}
		if time.Since(lastProbe) > 500*time.Millisecond {
			lastProbe = time.Now()
			b := time.Now()
			if err := c.Heartbeat(5 * time.Second); err != nil {
				t.Errorf("heartbeat during the flood: %v", err)
			}
			worstBeat = max(worstBeat, time.Since(b))
			b = time.Now()
			info := c.Send(kernel.Control, "kernel_info_request", nil)
			if _, ok := c.Next(kernel.Control, func(m *kernel.Message) bool { return m.Parent.MsgID == info.Header.MsgID }, 10*time.Second); !ok {
				t.Errorf("no kernel_info_reply on control during the flood")
			}
			worstCtl = max(worstCtl, time.Since(b))
		}
		replied, _ = c.Next(kernel.Shell, func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }, 20*time.Millisecond)
	}
	// Output may still be on its way after the reply, up to status idle.
	for {
		m, ok := c.Next(kernel.IOPub, func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }, 10*time.Second)
		if !ok {
			t.Fatal("no status idle after the flood")
		}
		if m.Header.MsgType == "stream" {
			var s struct{ Name, Text string }
			json.Unmarshal(m.Content, &s)
			got += len(s.Text)
			if s.Name == "stderr" && strings.Contains(s.Text, "spinlab:") {
				notices = append(notices, strings.TrimSpace(s.Text))
			}
		}
		if m.Header.MsgType == "status" && strings.Contains(string(m.Content), "idle") {
			break
		}
	}
	t.Logf("%d MB printed, %.1f MB received in %v; worst heartbeat %v, worst control round trip %v",
		mb, float64(got)/(1<<20), time.Since(began).Round(time.Millisecond), worstBeat, worstCtl)
	if worstBeat > 2*time.Second {
		t.Errorf("the heartbeat took %v during the flood", worstBeat)
	}
	if r := c.Execute(`keep`); hostileResult(r) != "42" {
		t.Errorf("after the flood keep = %q", hostileResult(r))
	}

	// An endless flood stops at the interrupt, like any loop.
	req = c.SendExecute(`line := strings.Repeat("y", 1023) + "\n"
for {
	fmt.Print(line)
}`)
	if testing.Short() || hostileRace {
		time.Sleep(200 * time.Millisecond)
	} else {
		time.Sleep(time.Second)
	}
	if err := c.Heartbeat(2 * time.Second); err != nil {
		t.Errorf("heartbeat during an endless flood: %v", err)
	}
	stopAt := time.Now()
	c.Interrupt()
	// The reply comes on shell, not behind the queued output on iopub.
	if !replyWithin(c, req, 10*time.Second) {
		t.Errorf("no execute_reply within 10s of interrupting an endless flood")
	}
	stopped := time.Since(stopAt)
	endless := 0
	for {
		m, ok := c.Next(kernel.IOPub, func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }, 60*time.Second)
		if !ok {
			t.Fatal("no status idle after interrupting an endless flood")
		}
		if m.Header.MsgType == "stream" {
			var s struct{ Text string }
			json.Unmarshal(m.Content, &s)
			endless += len(s.Text)
		}
		if m.Header.MsgType == "status" && strings.Contains(string(m.Content), "idle") {
			break
		}
	}
	t.Logf("endless flood: the reply came %v after the interrupt; %.1f MB received, the last %v after it; the kernel's peak RSS %s",
		stopped.Round(time.Millisecond), float64(endless)/(1<<20), time.Since(stopAt).Round(time.Millisecond), peakRSS(kp.cmd.Process.Pid))
	c.WaitReply(req)
	if r := c.Execute(`keep`); hostileResult(r) != "42" && hostileResult(r) != "0" {
		t.Errorf("after the endless flood keep = %q", hostileResult(r))
	}
	// The supervisor cuts a cell's output at 10 MB
	// (supervisor.DefaultMaxCellOutput) with one notice on stderr.
	t.Logf("notices: %q", notices)
	if got > 11<<20 && mb > 11 {
		t.Errorf("%d MB printed, %.1f MB reached the client: nothing limits a cell's output", mb, float64(got)/(1<<20))
	}
	if mb > 10 && (len(notices) == 0 || !strings.Contains(strings.Join(notices, " "), "dropped")) {
		t.Errorf("the output was cut without a notice that says so: %q", notices)
	}
	if endless > 11<<20 {
		t.Errorf("an endless flood sent %.1f MB: nothing limits a cell's output", float64(endless)/(1<<20))
	}
}

// TestHostileClosedStdout closes the evaluator's stdout and stderr from a
// cell. The output of later cells must still reach the notebook.
func TestHostileClosedStdout(t *testing.T) {
	c, _ := startKernel(t)
	c.Execute(`var keep = 42`)
	r := c.Execute(`os.Stdout.Close()
os.Stderr.Close()
fmt.Println("lost")`)
	t.Logf("closing: %s %q %q", r.Status, r.Stdout, hostileResult(r))
	if err := c.Heartbeat(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	r = c.Execute(`fmt.Println("visible"); fmt.Fprintln(os.Stderr, "also visible"); keep`)
	if hostileResult(r) != "42" {
		t.Errorf("keep = %q after closing stdout", hostileResult(r))
	}
	if r.Stdout != "visible\n" || r.Stderr != "also visible\n" {
		t.Errorf("after a cell closed os.Stdout and os.Stderr: stdout %q, stderr %q, want the next cell's output", r.Stdout, r.Stderr)
	}
}

// TestHostileFoundOrdinaryCells holds ordinary Go that writing the hostile
// corpus tripped over (yaegi losing a multi-value := in a nested block at
// top level; a blank assignment at top level writing into the prelude's
// `_`): each must run.
func TestHostileFoundOrdinaryCells(t *testing.T) {
	c, _ := startKernel(t)
	c.Execute(`func two() (int, int) { return 1, 2 }`)
	for _, tc := range []struct {
		name, code, want string
	}{
		{"multi-value := in a block", "{\n\tl, _ := two()\n\tfmt.Println(l)\n}", "1\n"},
		{"multi-value := in a for body", "for _, s := range []string{\"7\"} {\n\tn, err := strconv.Atoi(s)\n\tfmt.Println(n, err)\n}", "7 <nil>\n"},
		{"nested range-over-int loops", "for i := range 3 {\n\tfor j := range 2 {\n\t\t_ = i * j\n\t}\n}\nfmt.Println(\"done\")", "done\n"},
		{"a top-level assignment to the blank identifier", "x := 6\n_ = x * 7\n_ = len(\"abc\")\nfmt.Println(\"done\")", "done\n"},
		{"nested three-clause loops", "for i := 0; i < 3; i++ {\n\tfor j := 0; j < 2; j++ {\n\t\t_ = i * j\n\t}\n}\nfmt.Println(\"done\")", "done\n"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			r := c.Execute(tc.code)
			if r.Status != kernel.StatusOK || r.Stdout != tc.want {
				t.Errorf("got %s %q %q, want stdout %q", r.Status, r.Stdout, hostileResult(r), tc.want)
			}
		})
	}
}

// peakRSS returns a process's peak resident set size (VmHWM), as text.
func peakRSS(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return "unknown"
}
