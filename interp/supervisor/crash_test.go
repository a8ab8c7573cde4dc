package supervisor_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/interp"
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
	if !slices.ContainsFunc(defs, func(d interp.Definition) bool { return d.Name == "double" }) {
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

// A cell that closes or writes to fds 3 and 4, where the evaluator's
// channel arrived, touches placeholders: the channel lives on elsewhere
// and the session keeps its state.
func TestChannelFDsAreNotTheChannel(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `var kept = 6`)
	for _, code := range []string{
		`os.NewFile(3, "requests").Close()`,
		`os.NewFile(4, "events").Close()`,
		`os.NewFile(4, "events").Write([]byte{0, 0, 0, 3, '{', 'x', '}'})`,
		`os.NewFile(3, "requests").Read(make([]byte, 10))`,
		`syscall.Close(3)`,
		`syscall.Close(4)`,
		`syscall.Dup2(1, 3)`,
		`syscall.Dup2(2, 4)`,
	} {
		mustOK(t, s, code)
		if rep, _ := mustOK(t, s, `kept`); resultText(rep) != "6" {
			t.Fatalf("after %s: kept = %q", code, resultText(rep))
		}
	}
}

// A cell that finds the channel where it moved and breaks it ends its
// evaluator; the reply says so, not that something else killed it.
func TestBrokenChannel(t *testing.T) {
	// The channel's descriptors are the pipes above 4 that are not the
	// evaluator's dups of stdout and stderr (below 64: go test may leave
	// a pipe of its own on a high descriptor).
	const find = `func channelFDs() []int {
	var fds []int
	for fd := 5; fd < 64; fd++ {
		link, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
		if err != nil || !strings.HasPrefix(link, "pipe:") {
			continue
		}
		out, _ := os.Readlink("/proc/self/fd/1")
		errs, _ := os.Readlink("/proc/self/fd/2")
		if link != out && link != errs {
			fds = append(fds, fd)
		}
	}
	return fds
}`
	for name, code := range map[string]string{
		"closed":  `for _, fd := range channelFDs() { os.NewFile(uintptr(fd), "channel").Close() }; time.Sleep(time.Second)`,
		"garbage": `for _, fd := range channelFDs() { os.NewFile(uintptr(fd), "channel").Write([]byte{0, 0, 0, 3, '{', 'x', '}'}) }; time.Sleep(time.Second)`,
	} {
		t.Run(name, func(t *testing.T) {
			s := start(t, supervisor.Options{})
			mustOK(t, s, `func six() int { return 6 }`)
			mustOK(t, s, find)
			if rep, _ := mustOK(t, s, `len(channelFDs())`); resultText(rep) != "2" {
				t.Fatalf("found %s channel descriptors, want 2", resultText(rep))
			}
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

// A cell that closes only the end the evaluator reads requests from
// leaves an evaluator that can still reply but never hears another
// request: the next cell must not hang. The supervisor's send fails, it
// replaces the evaluator and says why.
func TestRequestEndClosed(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `func seven() int { return 7 }`)
	// (Not the evaluator's read end of its own stdout pipe, which it has
	// where the stdout ring is.)
	mustOK(t, s, `func readEnds() (fds []int) {
	for fd := 5; fd < 64; fd++ {
		link, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
		out, _ := os.Readlink("/proc/self/fd/1")
		if err != nil || !strings.HasPrefix(link, "pipe:") || link == out {
			continue
		}
		info, _ := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", fd))
		for _, line := range strings.Split(string(info), "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == "flags:" && strings.HasSuffix(f[1], "0") {
				fds = append(fds, fd) // O_RDONLY
			}
		}
	}
	return fds
}`)
	if rep, _ := mustOK(t, s, `len(readEnds())`); resultText(rep) != "1" {
		t.Fatalf("found %s read ends, want the channel's one", resultText(rep))
	}
	mustOK(t, s, `syscall.Close(readEnds()[0])`)
	done := make(chan kernel.ExecuteReply, 1)
	go func() { rep, _ := run(t, s, `seven()`); done <- rep }()
	select {
	case rep := <-done:
		if rep.Status != kernel.StatusError || rep.Error == nil || !strings.Contains(rep.Error.Value, "channel") {
			t.Errorf("reply %s %+v, want one saying the channel broke", rep.Status, rep.Error)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the cell after the channel broke hangs")
	}
	if rep, _ := mustOK(t, s, `seven()`); resultText(rep) != "7" {
		t.Errorf("seven() = %q after the replacement", resultText(rep))
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
	// The interrupt must find the cell running, not the evaluator still
	// starting (under -race on a loaded machine that takes longer than
	// the 200 ms below): an inspection of an unknown name waits for it.
	if _, err := s.Inspect(context.Background(), "notDefinedAnywhere", 18, 0); err != nil {
		t.Fatalf("the fake evaluator did not start: %v", err)
	}
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
	// The next request that needs an evaluator gets a new one.
	if _, err := s.Inspect(context.Background(), "notDefinedAnywhere", 18, 0); err != nil {
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

// TestCrashWithManyGoroutines: a fatal error while many goroutines are
// alive makes the runtime dump every one of them (GOTRACEBACK does not
// hold for runtime throws); the reply must still name the real cause, and
// come within a few seconds, with a new evaluator ready.
func TestCrashWithManyGoroutines(t *testing.T) {
	manyGoroutines := 20000
	if n, err := strconv.Atoi(os.Getenv("SPINLAB_TEST_GOROUTINES")); err == nil {
		manyGoroutines = n
	}
	s := start(t, supervisor.Options{})
	mustOK(t, s, `func deep(n int) int { return deep(n+1) + 1 }`)
	mustOK(t, s, fmt.Sprintf("const goroutines = %d", manyGoroutines))
	mustOK(t, s, `for i := 0; i < goroutines; i++ { go func() { select {} }() }`)
	began := time.Now()
	rep, out := run(t, s, `deep(0)`)
	took := time.Since(began)
	t.Logf("reply after %v: %+v", took, rep.Error)
	if rep.Status != kernel.StatusError || rep.Error == nil ||
		!(strings.Contains(rep.Error.Value, "stack overflow") || strings.Contains(rep.Error.Value, "goroutine stack exceeds")) {
		t.Errorf("reply %s %+v, want one naming the stack overflow", rep.Status, rep.Error)
	}
	if regexp.MustCompile(`goroutine \d+ \[`).MatchString(out.stream("stderr")) {
		t.Errorf("the goroutine dump reached the cell's output: %.600q", out.stream("stderr"))
	}
	// The recursion itself takes seconds to fill 256 MB of stack (more on
	// a loaded machine); the bound is on what follows the crash.
	crashed := time.Time{}
	for _, e := range out.events {
		if e.kind == "stream" && strings.Contains(e.text, "stack") {
			crashed = e.at
			break
		}
	}
	if crashed.IsZero() {
		t.Fatal("the crash line did not reach the cell")
	}
	after := began.Add(took).Sub(crashed)
	t.Logf("crash line after %v, reply %v later", crashed.Sub(began), after)
	if after > 5*time.Second {
		t.Errorf("the reply came %v after the crash line, want a few seconds", after)
	}
	began = time.Now()
	if rep, _ := mustOK(t, s, `deep != nil`); resultText(rep) != "true" {
		t.Errorf("after the crash: %q", resultText(rep))
	}
	t.Logf("next cell after %v", time.Since(began))
}

// TestOutOfMemoryWithManyGoroutines: a million goroutines under an
// address-space limit end in "fatal error: out of memory" followed by a
// dump of every goroutine; the reply must say so promptly.
func TestOutOfMemoryWithManyGoroutines(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a million goroutines")
	}
	s := start(t, supervisor.Options{Env: append(os.Environ(), "SPINLAB_MEMORY_LIMIT=3221225472")})
	mustOK(t, s, `var keepFive = 5`)
	began := time.Now()
	rep, out := run(t, s, `for i := 0; i < 1000000; i++ { go func() { select {} }() }
for {
	go func() { select {} }()
}`)
	took := time.Since(began)
	t.Logf("reply after %v: %+v", took, rep.Error)
	if rep.Status != kernel.StatusError || rep.Error == nil || !strings.Contains(rep.Error.Value, "out of memory") {
		t.Errorf("reply %s %+v, want one naming out of memory", rep.Status, rep.Error)
	}
	crashed := time.Time{}
	for _, e := range out.events {
		if e.kind == "stream" && strings.Contains(e.text, "out of memory") {
			crashed = e.at
			break
		}
	}
	if crashed.IsZero() {
		t.Fatal("the crash line did not reach the cell")
	}
	after := began.Add(took).Sub(crashed)
	t.Logf("crash line after %v, reply %v later", crashed.Sub(began), after)
	if after > 5*time.Second {
		t.Errorf("the reply came %v after the crash line, want a few seconds", after)
	}
	if rep, _ := mustOK(t, s, `6 * 7`); resultText(rep) != "42" {
		t.Errorf("after the crash: %q", resultText(rep))
	}
}

// TestCrashTextIsNotACrash: a crash report with a goroutine dump that
// reaches the evaluator's stderr from a cell (or a process-mode worker's
// crash, forwarded) does not cost the evaluator: it answers the
// supervisor's ping, and its stderr is passed on again afterwards.
func TestCrashTextIsNotACrash(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `var kept = 8`)
	rep, _ := run(t, s, `fmt.Fprint(os.Stderr, "fatal error: not really\n\ngoroutine 1 gp=0xc000002380 m=0 mp=0x5812a0 [running]:\nmain.main()\n")
time.Sleep(2 * time.Second)
kept`)
	if resultText(rep) != "8" {
		t.Fatalf("the cell that printed a crash report: %s %+v", rep.Status, rep.Error)
	}
	_, out := mustOK(t, s, `fmt.Fprintln(os.Stderr, "still heard")`)
	if !strings.Contains(out.stream("stderr"), "still heard") {
		t.Errorf("stderr after the false report: %q", out.stream("stderr"))
	}
}

// TestWorkerCrashIsNotTheEvaluators: a process-mode worker that dies of
// a runtime throw with a dump (forwarded to the evaluator's stderr) does
// not cost the evaluator.
func TestWorkerCrashIsNotTheEvaluators(t *testing.T) {
	s := start(t, supervisor.Options{})
	mustOK(t, s, `var kept = 9`)
	rep, _ := run(t, s, "r := runtimes.Processes(1, `m := map[int]int{}\nfor i := 0; i < 4; i++ {\n\tgo func() {\n\t\tfor j := 0; ; j++ {\n\t\t\tm[j%10] = j\n\t\t}\n\t}()\n}\nselect {}`)\ntime.Sleep(2 * time.Second)\nr.Workers[0].Error")
	if rep.Status != kernel.StatusOK || !strings.Contains(resultText(rep), "status 2") {
		t.Errorf("the worker's crash: %s %q %+v", rep.Status, resultText(rep), rep.Error)
	}
	if rep, _ := mustOK(t, s, `kept`); resultText(rep) != "9" {
		t.Errorf("kept = %q after a worker's crash", resultText(rep))
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
