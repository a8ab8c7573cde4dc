package supervisor_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/interp/supervisor"
	"github.com/spinlab/spinlab/kernel"
)

const concurrentMapWrites = `
m := map[int]int{}
var wg sync.WaitGroup
for range 8 {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 1000000; i++ {
			m[i%100] = i
		}
	}()
}
wg.Wait()
`

func TestFatalErrorRestartsTheSession(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `import "strings"
type point struct{ X, Y int }
func double(x int) int { return 2 * x }
const answer = 42
var counter = 5
var names []string`)
	mustOK(t, s, `counter++; names = append(names, "a")`)

	rep, _ := run(t, s, concurrentMapWrites)
	if rep.Status != kernel.StatusError || rep.Error == nil {
		t.Fatalf("a concurrent map write: status %s, want an error", rep.Status)
	}
	if !strings.Contains(rep.Error.Value, "concurrent map writes") {
		t.Errorf("the error does not quote the fatal error: %q", rep.Error.Value)
	}
	for _, name := range []string{"counter", "names"} {
		if !strings.Contains(rep.Error.Value, name) {
			t.Errorf("the error does not name the lost variable %s: %q", name, rep.Error.Value)
		}
	}

	// The session is back with its definitions, and its variables at zero.
	for code, want := range map[string]string{
		`double(21)`:                  "42",
		`answer`:                      "42",
		`point{1, 2}.X`:               "1",
		`counter`:                     "0",
		`len(names)`:                  "0",
		`strings.ToUpper("restored")`: `"RESTORED"`,
	} {
		rep, out := mustOK(t, s, code)
		if got := resultText(rep); got != want {
			t.Errorf("%s = %q after the restart, want %q (stderr %q)", code, got, want, out.stream("stderr"))
		}
	}
	defs := s.Definitions()
	if !slices.ContainsFunc(defs, func(d supervisor.Definition) bool { return d.Name == "double" }) {
		t.Errorf("definitions after the restart: %+v", defs)
	}
}

func TestStackOverflow(t *testing.T) {
	if testing.Short() {
		t.Skip("a stack overflow takes a gigabyte of stack")
	}
	s := start(t, supervisor.Options{})
	rep, _ := run(t, s, `func f(n int) int { return f(n+1) + 1 }; f(0)`)
	if rep.Status != kernel.StatusError || rep.Error == nil || !strings.Contains(rep.Error.Value, "stack") {
		t.Fatalf("stack overflow: %+v %+v", rep.Status, rep.Error)
	}
	if rep, _ := mustOK(t, s, `1+1`); resultText(rep) != "2" {
		t.Errorf("after the overflow 1+1 = %q", resultText(rep))
	}
}

func TestExit(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `var kept = 1`)
	rep, _ := run(t, s, `os.Exit(3)`)
	if rep.Status != kernel.StatusError || rep.Error == nil {
		t.Fatalf("os.Exit(3): status %s", rep.Status)
	}
	if !strings.Contains(rep.Error.Value+rep.Error.Name, "3") && !strings.Contains(strings.ToLower(rep.Error.Value+rep.Error.Name), "exit") {
		t.Errorf("os.Exit(3) error does not say so: %+v", rep.Error)
	}
	rep, _ = mustOK(t, s, `kept + 1`)
	if got := resultText(rep); got != "2" && got != "1" {
		t.Errorf("after os.Exit, kept+1 = %q", got)
	}
}

// A signal from outside (the out-of-memory killer's SIGKILL, a stray
// SIGQUIT) is a death like any other; the reply says what killed it.
func TestKilled(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		want string
	}{
		{syscall.SIGKILL, "killed by SIGKILL"},
		{syscall.SIGQUIT, "SIGQUIT: quit"},
		{syscall.SIGHUP, "killed by SIGHUP"},
	} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			s := start(t, supervisor.Options{})
			mustOK(t, s, `func five() int { return 5 }`)
			evaluators := procsMatching(t, func(cmd []string) bool { return len(cmd) == 2 && cmd[0] == binary && cmd[1] == "eval" })
			time.AfterFunc(300*time.Millisecond, func() {
				for _, pid := range evaluators {
					if n, err := strconv.Atoi(pid); err == nil && parentOf(pid) == os.Getpid() {
						syscall.Kill(n, tt.sig)
					}
				}
			})
			rep, out := run(t, s, `time.Sleep(time.Minute)`)
			if rep.Status != kernel.StatusError || rep.Error == nil || !strings.Contains(rep.Error.Value, tt.want) {
				t.Fatalf("reply %s %+v", rep.Status, rep.Error)
			}
			if strings.Contains(out.stream("stderr"), "goroutine ") {
				t.Errorf("the goroutine dump reached the cell's output: %q", out.stream("stderr"))
			}
			if rep, _ := mustOK(t, s, `five()`); resultText(rep) != "5" {
				t.Errorf("five() = %q after the kill", resultText(rep))
			}
		})
	}
}

// A cell that breaks the private channel (fd 4) ends its evaluator; the
// reply says so, not that something else killed it.
func TestBrokenChannel(t *testing.T) {
	for name, code := range map[string]string{
		"closed":  `os.NewFile(4, "events").Close(); time.Sleep(time.Second)`,
		"garbage": `os.NewFile(4, "events").Write([]byte{0, 0, 0, 3, '{', 'x', '}'}); time.Sleep(time.Second)`,
	} {
		t.Run(name, func(t *testing.T) {
			s := start(t, supervisor.Options{})
			mustOK(t, s, `func six() int { return 6 }`)
			rep, _ := run(t, s, code)
			if rep.Status != kernel.StatusError || rep.Error == nil || !strings.Contains(rep.Error.Value, "channel") {
				t.Fatalf("reply %s %+v", rep.Status, rep.Error)
			}
			if rep, _ := mustOK(t, s, `six()`); resultText(rep) != "6" {
				t.Errorf("six() = %q after the kill", resultText(rep))
			}
		})
	}
}

// A panic in a goroutine ends the process between cells: the next cell
// finds a new evaluator, and the last cell's output says what happened.
func TestCrashBetweenCells(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `func triple(x int) int { return 3 * x }`)
	_, out := mustOK(t, s, `go func() {
	time.Sleep(100 * time.Millisecond)
	m := map[int]int{}
	for range 4 {
		go func() {
			for i := 0; ; i++ {
				m[i%10] = i
			}
		}()
	}
}()`)
	out.waitStream(t, "stderr", "spinlab: the evaluator process died", 10*time.Second)
	rep, _ := mustOK(t, s, `triple(3)`)
	if got := resultText(rep); got != "9" {
		t.Errorf("triple(3) = %q after the crash", got)
	}
}

func TestInterrupt(t *testing.T) {
	for _, tt := range []struct {
		code  string
		stuck bool // blocked in compiled code: the evaluator is replaced
	}{
		{code: `for {}`},
		{code: `select {}`},
		{code: `for i := range 1 << 62 { _ = i }`},
		{code: `ch := make(chan int); <-ch`},
		{code: `time.Sleep(time.Hour)`}, // the session's Sleep wakes on an interrupt
		{code: `var mu sync.Mutex; mu.Lock(); mu.Lock()`, stuck: true},
	} {
		t.Run(tt.code, func(t *testing.T) {
			s := start(t, supervisor.Options{})
			mustOK(t, s, `func quadruple(x int) int { return 4 * x }`)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(300*time.Millisecond, cancel)
			began := time.Now()
			rep := s.Execute(ctx, kernel.ExecuteRequest{Code: tt.code}, &recorder{})
			if d := time.Since(began); d > 5*time.Second {
				t.Errorf("the interrupt took %s", d)
			}
			if rep.Status != kernel.StatusError || rep.Error == nil {
				t.Fatalf("interrupted cell: status %s", rep.Status)
			}
			if killed := rep.Error.Name == "Interrupted" && strings.Contains(rep.Error.Value, "killed"); killed != tt.stuck {
				t.Errorf("evaluator killed = %v, want %v: %s: %s", killed, tt.stuck, rep.Error.Name, rep.Error.Value)
			}
			rep, _ = mustOK(t, s, `quadruple(2)`)
			if got := resultText(rep); got != "8" {
				t.Errorf("after the interrupt quadruple(2) = %q", got)
			}
		})
	}
}

// A cell that ignores the interrupt (stuck in a native call) costs the
// evaluator: it is killed and replaced, and the reply says so.
func TestInterruptIgnored(t *testing.T) {
	s, err := supervisor.New(supervisor.Options{
		Command:        []string{os.Args[0]},
		Env:            append(os.Environ(), "SPINLAB_FAKE_EVALUATOR=1"),
		InterruptGrace: 300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	began := time.Now()
	rep := s.Execute(ctx, kernel.ExecuteRequest{Code: "stuck"}, &recorder{})
	if d := time.Since(began); d > 3*time.Second {
		t.Errorf("the reply took %s", d)
	}
	if rep.Status != kernel.StatusError || rep.Error == nil || rep.Error.Name != "Interrupted" || !strings.Contains(rep.Error.Value, "killed") {
		t.Fatalf("reply %+v %+v", rep.Status, rep.Error)
	}
	// The next request goes to a new evaluator.
	if _, err := s.IsComplete(context.Background(), "x"); err != nil {
		t.Errorf("after the kill: %v", err)
	}
}

func TestShutdownKillsEverything(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `var x = 1`)
	// Process-mode workers, busy when the restart comes.
	mustOK(t, s, "go runtimes.Processes(2, `time.Sleep(time.Minute)`)")
	// A child process in the evaluator's group, if the interpreter can.
	sleeps := func() []string {
		return procsMatching(t, func(cmd []string) bool {
			return len(cmd) == 2 && cmd[0] == "sleep" && strings.HasPrefix(cmd[1], "1234.")
		})
	}
	if rep, _ := run(t, s, `import "os/exec"`); rep.Status == kernel.StatusOK {
		mustOK(t, s, `exec.Command("sleep", "1234.5").Start()`)
		if got := sleeps(); len(got) != 1 {
			t.Fatalf("children before the restart: %v", got)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(evaluatorPIDs(t)) < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	before := evaluatorPIDs(t)
	if len(before) < 3 {
		t.Errorf("want an evaluator and two workers, got %v", before)
	}
	if err := s.Shutdown(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	// The restarted session is fresh.
	if rep, _ := run(t, s, `x`); rep.Status != kernel.StatusError {
		t.Errorf("x survived a restart: %+v", rep)
	}
	if rep, _ := mustOK(t, s, `6*7`); resultText(rep) != "42" {
		t.Errorf("after the restart 6*7 = %q", resultText(rep))
	}
	after := evaluatorPIDs(t)
	for _, pid := range before {
		if slices.Contains(after, pid) {
			t.Errorf("process %s (evaluator or worker) outlived the restart", pid)
		}
	}
	if err := s.Shutdown(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	waitGone(t, func() []string { return evaluatorPIDs(t) }, "evaluator")
	waitGone(t, sleeps, "child")
	rep := s.Execute(context.Background(), kernel.ExecuteRequest{Code: "1"}, &recorder{})
	if rep.Status != kernel.StatusError {
		t.Errorf("Execute after Shutdown: %+v", rep)
	}
}

// parentOf returns the parent pid of a process, from /proc.
func parentOf(pid string) int {
	st, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
	if len(f) < 2 {
		return -1
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

func waitGone(t *testing.T, list func() []string, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if len(list()) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("%s processes left: %v", what, list())
}

// The replay log follows the session: a redefinition replaces the earlier
// definition, and %reset forgets everything.
func TestReplayLog(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `func version() int { return 1 }`)
	mustOK(t, s, `func version() int { return 2 }`)
	if n := len(s.Definitions()); n != 1 {
		t.Errorf("after a redefinition the log holds %d definitions: %+v", n, s.Definitions())
	}
	run(t, s, concurrentMapWrites)
	if rep, _ := mustOK(t, s, `version()`); resultText(rep) != "2" {
		t.Errorf("version() = %q after the restart, want the redefinition", resultText(rep))
	}
	mustOK(t, s, `%reset`)
	if defs := s.Definitions(); len(defs) != 0 {
		t.Errorf("after %%reset the log holds %+v", defs)
	}
}

// Positions name a cell by the execution count the front end shows, also
// after the evaluator was replaced (a new evaluator used to count from 1).
func TestCellNumbersFollowTheExecutionCount(t *testing.T) {
	s := start(t, supervisor.Options{})
	exec := func(code string, count int) kernel.ExecuteReply {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		return s.Execute(ctx, kernel.ExecuteRequest{Code: code, ExecutionCount: count}, &recorder{})
	}
	if rep := exec("x := 1\nnosuch()", 7); rep.Error == nil || !strings.Contains(rep.Error.Value, "cell[7]:2:1") {
		t.Errorf("cell 7: error %+v, want it at cell[7]:2:1", rep.Error)
	}
	if rep := exec(concurrentMapWrites, 8); rep.Status != kernel.StatusError {
		t.Fatalf("a concurrent map write: status %s", rep.Status)
	}
	if rep := exec("y := 2\n\npanic(\"after the restart\")", 9); rep.Error == nil || !strings.Contains(strings.Join(rep.Error.Traceback, "\n"), "cell[9]:3:1") {
		t.Errorf("cell 9 after the restart: error %+v, want its traceback at cell[9]:3:1", rep.Error)
	}
}

// A variable of a cell that was interrupted exists in the session; when
// the evaluator is lost later it is named as lost and declared again at
// its zero value, like the variables of cells that finished.
func TestInterruptedCellsVariablesAreNamedWhenLost(t *testing.T) {
	s := start(t, supervisor.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	rep := s.Execute(ctx, kernel.ExecuteRequest{Code: "b1 := 2\ntime.Sleep(time.Hour)"}, &recorder{})
	cancel()
	if rep.Status != kernel.StatusError {
		t.Fatalf("interrupted cell: status %s", rep.Status)
	}
	if rep, _ := mustOK(t, s, "b1"); resultText(rep) != "2" {
		t.Errorf("b1 = %q after the interrupt, want 2", resultText(rep))
	}
	rep, _ = run(t, s, concurrentMapWrites)
	if rep.Error == nil || !strings.Contains(rep.Error.Value, "b1") {
		t.Errorf("the crash does not name the lost variable b1: %+v", rep.Error)
	}
	if rep, _ := mustOK(t, s, "b1"); resultText(rep) != "0" {
		t.Errorf("b1 = %q after the restart, want 0", resultText(rep))
	}
}

// An interrupt delivers os.Interrupt to a cell that asked for it with
// signal.Notify: the cell handles it and ends normally.
func TestInterruptDeliversOsInterrupt(t *testing.T) {
	s := start(t, supervisor.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out := &recorder{}
	rep := s.Execute(ctx, kernel.ExecuteRequest{Code: "ch := make(chan os.Signal, 1)\nsignal.Notify(ch, os.Interrupt)\nfmt.Println(\"handled\", <-ch)"}, out)
	if rep.Status != kernel.StatusOK {
		t.Fatalf("status %s, error %+v; want the cell to handle the interrupt", rep.Status, rep.Error)
	}
	if got := out.stream("stdout"); got != "handled interrupt\n" {
		t.Errorf("stdout %q", got)
	}
	if rep, _ := mustOK(t, s, "1 + 1"); resultText(rep) != "2" {
		t.Errorf("after the handled interrupt: %q", resultText(rep))
	}
}
