package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

func TestKernelRunsCells(t *testing.T) {
	c, _ := startKernel(t)
	if r := c.Execute(`fmt.Println("hi")`); r.Status != kernel.StatusOK || r.Stdout != "hi\n" {
		t.Errorf("fmt.Println: status %s, stdout %q, error %+v", r.Status, r.Stdout, r.Error)
	}
	r := c.Execute(`6*7`)
	if r.ExecuteResult == nil || r.ExecuteResult.Data["text/plain"] != "42" {
		t.Errorf("6*7: result %+v, error %+v", r.ExecuteResult, r.Error)
	}
	if r := c.Execute(`fmt.Fprintln(os.Stderr, "warn")`); r.Stderr != "warn\n" {
		t.Errorf("stderr = %q", r.Stderr)
	}
	info := c.KernelInfo()
	if info.LanguageInfo.Name != "go" {
		t.Errorf("language_info = %+v", info.LanguageInfo)
	}
}

func TestKernelInput(t *testing.T) {
	c, _ := startKernel(t)
	c.OnInput(func(prompt string) string { return "gopher" })
	r := c.Execute(`name := display.Input("name? "); fmt.Println("hello,", name)`)
	if r.Status != kernel.StatusOK || r.Stdout != "hello, gopher\n" {
		t.Errorf("status %s stdout %q error %+v", r.Status, r.Stdout, r.Error)
	}
	if p := c.Prompts(); len(p) != 1 || p[0] != "name? " {
		t.Errorf("prompts %q", p)
	}
}

func TestKernelStreamsWhileTheCellRuns(t *testing.T) {
	c, _ := startKernel(t)
	req := c.SendExecute(`fmt.Println("early"); time.Sleep(2 * time.Second); fmt.Println("late")`)
	began := time.Now()
	m, ok := c.Next(kernel.IOPub, func(m *kernel.Message) bool {
		return m.Header.MsgType == "stream" && m.Parent.MsgID == req.Header.MsgID
	}, 1500*time.Millisecond)
	if !ok {
		t.Fatal("no stream message within 1.5s of a cell that prints at once and then sleeps 2s")
	}
	if !strings.Contains(string(m.Content), "early") {
		t.Errorf("first stream message: %s", m.Content)
	}
	if d := time.Since(began); d > 1500*time.Millisecond {
		t.Errorf("the first line took %s", d)
	}
	r := c.WaitExecute(req)
	if r.Status != kernel.StatusOK || !strings.Contains(r.Stdout, "late") {
		t.Errorf("status %s stdout %q", r.Status, r.Stdout)
	}
}

func TestKernelDisplayOrder(t *testing.T) {
	c, _ := startKernel(t)
	r := c.Execute(`fmt.Println("before"); display.HTML("<b>shown</b>"); fmt.Println("after")`)
	var seq []string
	for _, m := range r.IOPub {
		switch m.Header.MsgType {
		case "stream", "display_data":
			seq = append(seq, m.Header.MsgType)
		}
	}
	if strings.Join(seq, ",") != "stream,display_data,stream" {
		t.Errorf("iopub order %v (want the display between the two lines)", r.Types())
	}
}

func TestKernelSurvivesAFatalError(t *testing.T) {
	c, _ := startKernel(t)
	c.Execute(`func greet(name string) string { return "hello, " + name }
var visits = 3`)
	r := c.Execute(`
m := map[int]int{}
for g := 0; g < 8; g++ {
	go func() {
		for i := 0; ; i++ {
			m[i%64] = i
		}
	}()
}
select {}`)
	if r.Status != kernel.StatusError || r.Error == nil {
		t.Fatalf("concurrent map writes: status %s", r.Status)
	}
	if !strings.Contains(r.Error.Value, "concurrent map writes") {
		t.Errorf("the error does not quote the fatal error: %q", r.Error.Value)
	}
	if !strings.Contains(r.Error.Value, "visits") {
		t.Errorf("the error does not name the lost variable: %q", r.Error.Value)
	}
	if err := c.Heartbeat(2 * time.Second); err != nil {
		t.Errorf("heartbeat after the crash: %v", err)
	}
	r = c.Execute(`greet("gopher")`)
	if r.ExecuteResult == nil || r.ExecuteResult.Data["text/plain"] != `"hello, gopher"` {
		t.Errorf("a function defined before the crash: result %+v error %+v", r.ExecuteResult, r.Error)
	}
	r = c.Execute(`visits`)
	if r.ExecuteResult == nil || r.ExecuteResult.Data["text/plain"] != "0" {
		t.Errorf("a variable after the crash: result %+v error %+v", r.ExecuteResult, r.Error)
	}
}

func TestKernelSurvivesExit(t *testing.T) {
	c, _ := startKernel(t)
	r := c.Execute(`os.Exit(3)`)
	if r.Status != kernel.StatusError {
		t.Fatalf("os.Exit(3): status %s", r.Status)
	}
	if r := c.Execute(`1+2`); r.ExecuteResult == nil || r.ExecuteResult.Data["text/plain"] != "3" {
		t.Errorf("after os.Exit: %+v %+v", r.ExecuteResult, r.Error)
	}
}

func TestKernelInterrupt(t *testing.T) {
	c, kp := startKernel(t)
	for _, tt := range []struct {
		code   string
		signal bool // SIGINT to the kernel process instead of interrupt_request
	}{
		{`for {}`, false},
		{`select {}`, false},
		{`select {}`, true},
	} {
		req := c.SendExecute(tt.code)
		time.Sleep(500 * time.Millisecond)
		if err := c.Heartbeat(time.Second); err != nil {
			t.Errorf("%s: heartbeat while busy: %v", tt.code, err)
		}
		began := time.Now()
		if tt.signal {
			kp.cmd.Process.Signal(syscall.SIGINT)
		} else {
			c.Interrupt()
		}
		r := c.WaitExecute(req)
		if r.Status != kernel.StatusError {
			t.Errorf("%s: interrupted cell has status %s", tt.code, r.Status)
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Errorf("%s: the interrupt took %s", tt.code, d)
		}
		if r := c.Execute(`"still here"`); r.ExecuteResult == nil {
			t.Fatalf("%s: no result after the interrupt: %+v", tt.code, r.Error)
		}
	}
}

func TestKernelShutdownLeavesNothing(t *testing.T) {
	c, kp := startKernel(t)
	c.Execute(`var x = 1`)
	want := 3 // an evaluator and two workers
	c.Execute("go runtimes.Processes(2, `time.Sleep(time.Minute)`)")
	if r := c.Execute(`import "os/exec"`); r.Status == kernel.StatusOK {
		c.Execute(`exec.Command("sleep", "4321.5").Start()`)
		want++
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(childrenOf(t, kp.cmd.Process.Pid)) < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if kids := childrenOf(t, kp.cmd.Process.Pid); len(kids) < want {
		t.Errorf("want %d descendants of the kernel (evaluator, workers, a cell's child), got %v", want, kids)
	}
	// Jupyter restarts a kernel by asking it to shut down with restart
	// set and then starting a new process (jupyter_client waits 5 s for
	// the old one to exit, then kills it): the kernel exits as on a
	// plain shutdown, taking everything it started along.
	if rep := c.Shutdown(true); !rep.Restart {
		t.Errorf("shutdown reply %+v", rep)
	}
	select {
	case <-kp.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("the kernel did not exit after a restart request")
	}
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && len(binaryProcs(t)) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	if left := binaryProcs(t); len(left) > 0 {
		t.Errorf("processes of the binary left after shutdown: %v", left)
	}
	if b, err := os.ReadFile("/proc/self/stat"); err == nil && len(b) > 0 {
		for _, pid := range allPIDs() {
			if cmd, _ := os.ReadFile(filepath.Join("/proc", pid, "cmdline")); strings.Contains(string(cmd), "4321.5") && !isZombie(pid) {
				t.Errorf("a cell's child process outlived the kernel: %s", pid)
			}
		}
	}
}

func allPIDs() []string {
	entries, _ := os.ReadDir("/proc")
	var pids []string
	for _, e := range entries {
		if e.Name()[0] >= '0' && e.Name()[0] <= '9' {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

func isZombie(pid string) bool {
	st, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return true
	}
	s := string(st)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) == 0 || f[0] == "Z"
}

func TestKernelBadStart(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o600)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy, info := kerneltest.NewConnectionFile(t)
	info.ShellPort = l.Addr().(*net.TCPAddr).Port
	writeConnection(t, busy, info)

	for name, args := range map[string][]string{
		"missing file": {"kernel", "-f", filepath.Join(dir, "nope.json")},
		"bad json":     {"kernel", "-f", bad},
		"no -f":        {"kernel"},
		"port in use":  {"kernel", "-f", busy},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := spinlab(t, nil, args...)
			if code == 0 {
				t.Errorf("exit code 0")
			}
			if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || lines[0] == "" {
				t.Errorf("want one line on stderr, got %q", stderr)
			}
		})
	}
	if left := binaryProcs(t); len(left) > 0 {
		time.Sleep(time.Second)
		if left := binaryProcs(t); len(left) > 0 {
			t.Errorf("processes left after failed starts: %v", left)
		}
	}
}

// A kernel whose parent dies (Jupyter killed with SIGKILL) exits by itself
// and takes its evaluator along.
func TestKernelExitsWithItsParent(t *testing.T) {
	path, _ := kerneltest.NewConnectionFile(t)
	sh := exec.Command("sh", "-c", `"$0" kernel -f "$1" >/dev/null 2>&1 & echo $!; sleep 1`, binary, path)
	out, err := sh.Output()
	if err != nil {
		t.Fatal(err)
	}
	pid := strings.TrimSpace(string(out))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && !isZombie(pid) {
		time.Sleep(50 * time.Millisecond)
	}
	if !isZombie(pid) {
		syscall.Kill(atoi(pid), syscall.SIGKILL)
		t.Fatalf("the kernel %s still runs 10s after its parent exited", pid)
	}
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && len(binaryProcs(t)) > 0 {
		time.Sleep(50 * time.Millisecond)
	}
	if left := binaryProcs(t); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// SIGTERM (what Jupyter sends when shutdown_request is not answered) shuts
// the kernel down with its evaluator and workers.
func TestKernelSIGTERM(t *testing.T) {
	c, kp := startKernel(t)
	c.Execute("go runtimes.Processes(2, `time.Sleep(time.Minute)`)")
	deadline := time.Now().Add(30 * time.Second)
	for len(childrenOf(t, kp.cmd.Process.Pid)) < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	kids := childrenOf(t, kp.cmd.Process.Pid)
	if len(kids) < 3 {
		t.Errorf("want an evaluator and two workers, got %v", kids)
	}
	kp.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-kp.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the kernel did not exit on SIGTERM")
	}
	if code := kp.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d after SIGTERM", code)
	}
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && len(binaryProcs(t)) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	for _, pid := range kids {
		if !isZombie(pid) {
			t.Errorf("process %s outlived the kernel", pid)
		}
	}
}

// A kernel killed outright (SIGKILL, no chance to clean up) still leaves
// no evaluator or worker behind: they have parent-death signals.
func TestKernelSIGKILLLeavesNoOrphans(t *testing.T) {
	c, kp := startKernel(t)
	c.Execute("go runtimes.Processes(2, `time.Sleep(time.Minute)`)")
	deadline := time.Now().Add(30 * time.Second)
	for len(childrenOf(t, kp.cmd.Process.Pid)) < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	kids := childrenOf(t, kp.cmd.Process.Pid)
	if len(kids) < 3 {
		t.Errorf("want an evaluator and two workers, got %v", kids)
	}
	kp.cmd.Process.Kill()
	<-kp.exited
	requireGone(t, kids, "outlived the killed kernel")
}

// requireGone waits up to 5 s for each process to end (a zombie of a
// dead parent counts as ended) and kills any left, failing the test.
func requireGone(t *testing.T, pids []string, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for time.Now().Before(deadline) && !isZombie(pid) {
			time.Sleep(20 * time.Millisecond)
		}
		if !isZombie(pid) {
			t.Errorf("process %s %s", pid, what)
			syscall.Kill(atoi(pid), syscall.SIGKILL)
		}
	}
}
