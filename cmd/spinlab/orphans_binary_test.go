package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
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

// The orphan tests start two sleeps in a session: one a cell starts with
// os/exec, one a process-mode worker starts. Each stops the session in
// another way and checks that both sleeps end within a bound. Their
// command lines carry a tag unique to the test, so that the tests can
// find them in /proc whoever their parent is by then.

// sleepTag returns a tag for the sleeps of one test: "sleep 7777.<tag>N".
func sleepTag() string { return strconv.Itoa(int(time.Now().UnixNano() % 1e8)) }

// sessionSleepCells are the cells that start the two sleeps; the second
// cell's value is the pid of the first sleep.
func sessionSleepCells(tag string) []string {
	return []string{
		`import "os/exec"`,
		fmt.Sprintf(`sleeper := exec.Command("sleep", "7777.%s1")
if err := sleeper.Start(); err != nil {
	panic(err)
}
sleeper.Process.Pid`, tag),
		fmt.Sprintf("go runtimes.Processes(1, `c := exec.Command(\"sleep\", \"7777.%s2\")\nif err := c.Start(); err != nil {\n\tpanic(err)\n}\ntime.Sleep(time.Hour)`)", tag),
	}
}

// startSessionSleeps runs sessionSleepCells and returns the two sleeps'
// pids: the cell's from its output, the worker's from /proc.
func startSessionSleeps(t *testing.T, c *kerneltest.Client, tag string) []int {
	t.Helper()
	var cellPID int
	for i, code := range sessionSleepCells(tag) {
		r := c.Execute(code)
		if r.Status != kernel.StatusOK {
			t.Fatalf("cell %d: %s %+v", i, r.Status, r.Error)
		}
		if i == 1 {
			cellPID = atoi(hostileResult(r))
		}
	}
	if cellPID <= 0 {
		t.Fatal("the cell did not say its sleep's pid")
	}
	return []int{cellPID, waitTaggedSleep(t, tag+"2")}
}

// waitTaggedSleep returns the pid of the live process "sleep 7777.<tag>".
func waitTaggedSleep(t *testing.T, tag string) int {
	t.Helper()
	want := "sleep\x007777." + tag + "\x00"
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, pid := range allPIDs() {
			if cmd, _ := os.ReadFile(filepath.Join("/proc", pid, "cmdline")); string(cmd) == want && !isZombie(pid) {
				return atoi(pid)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no process %q", strings.ReplaceAll(want, "\x00", " "))
	return 0
}

// requireEnded waits up to within for each pid to be gone or a zombie
// (kill(pid, 0) == ESRCH once its parent reaped it), killing any left and
// failing the test.
func requireEnded(t *testing.T, pids []int, within time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for _, pid := range pids {
		for time.Now().Before(deadline) && !isZombie(strconv.Itoa(pid)) {
			time.Sleep(20 * time.Millisecond)
		}
		if !isZombie(strconv.Itoa(pid)) {
			t.Errorf("process %d (%s) still runs %v after %s", pid, procCmdline(pid), within, what)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func procCmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
}

// TestOrphansKernelKilled: kill -9 of the kernel alone (no cleanup code
// of its own runs) ends both sleeps: the evaluator's parent-death signal
// is one it catches to kill everything below it.
func TestOrphansKernelKilled(t *testing.T) {
	c, kp := startKernel(t)
	c.Timeout = 60 * time.Second
	pids := startSessionSleeps(t, c, sleepTag())
	kp.cmd.Process.Kill()
	<-kp.exited
	requireEnded(t, pids, 5*time.Second, "kill -9 of the kernel")
}

// TestOrphansEvaluatorKilled: an evaluator that dies without a word
// (SIGKILL, as the OOM killer sends) leaves its worker's child to the
// kernel, a subreaper, which ends it; the session goes on.
func TestOrphansEvaluatorKilled(t *testing.T) {
	c, kp := startKernel(t)
	c.Timeout = 60 * time.Second
	pids := startSessionSleeps(t, c, sleepTag())
	syscall.Kill(evaluatorPID(t, kp.cmd.Process.Pid), syscall.SIGKILL)
	requireEnded(t, pids, 5*time.Second, "the evaluator was killed")
	// The first cell may be the one that learns of the death.
	if r := c.Execute(`6 * 7`); hostileResult(r) != "42" {
		if r.Error == nil || r.Error.Name != "EvaluatorDied" {
			t.Errorf("after the evaluator's death: %s %+v", r.Status, r.Error)
		}
		if r := c.Execute(`6 * 7`); hostileResult(r) != "42" {
			t.Errorf("no new evaluator after the death: %s %+v", r.Status, r.Error)
		}
	}
}

// TestOrphansReset: %reset kills the cells' own children, not only
// process-mode workers, as %help says.
func TestOrphansReset(t *testing.T) {
	c, _ := startKernel(t)
	c.Timeout = 60 * time.Second
	pids := startSessionSleeps(t, c, sleepTag())
	if r := c.Execute(`%reset`); r.Status != kernel.StatusOK {
		t.Fatalf("%%reset: %s %+v", r.Status, r.Error)
	}
	requireEnded(t, pids, 5*time.Second, "%reset")
	if r := c.Execute(`6 * 7`); hostileResult(r) != "42" {
		t.Errorf("after %%reset: %s %+v", r.Status, r.Error)
	}
}

// TestOrphansSetsid: a child that calls setsid (leaves the evaluator's
// process group and session) is still found by its parent links and
// ended on shutdown.
func TestOrphansSetsid(t *testing.T) {
	c, kp := startKernel(t)
	c.Timeout = 60 * time.Second
	tag := sleepTag()
	if r := c.Execute(`import "os/exec"`); r.Status != kernel.StatusOK {
		t.Fatal(r.Error)
	}
	// setsid(1) forks when it is a group leader; either way the sleep
	// ends up in a session of its own, its parent (sh) gone.
	r := c.Execute(fmt.Sprintf(`exec.Command("sh", "-c", "setsid sleep 7777.%s3 &").Run()`, tag))
	if r.Status != kernel.StatusOK {
		t.Fatal(r.Error)
	}
	pid := waitTaggedSleep(t, tag+"3")
	kp.cmd.Process.Kill()
	<-kp.exited
	requireEnded(t, []int{pid}, 5*time.Second, "kill -9 of the kernel")
}

// jupyterOrphans drives a kernel with Jupyter's own client: it starts the
// two sleeps, says their pids, waits for a line on stdin, stops the
// kernel with KernelManager's method named by argv[1] (now=True: the
// process group is sent SIGKILL), checks a restarted kernel runs a cell,
// says STOPPED and waits for another line before shutting down.
const jupyterOrphans = `
import json, sys
from jupyter_client.manager import start_new_kernel

how = sys.argv[1]
cells = json.loads(sys.argv[2])
km, kc = start_new_kernel(kernel_name="spinlab", startup_timeout=60)
print("KERNEL", km.provisioner.process.pid, flush=True)
for code in cells:
    results = []
    def hook(msg):
        if msg["msg_type"] == "execute_result":
            results.append(msg["content"]["data"]["text/plain"])
    reply = kc.execute_interactive(code, timeout=60, output_hook=hook)
    if reply["content"]["status"] != "ok":
        print("ERROR", json.dumps(reply["content"]), flush=True)
        sys.exit(1)
    if results:
        print("RESULT", results[0], flush=True)
sys.stdin.readline()
if how == "shutdown":
    km.shutdown_kernel(now=True)
else:
    km.restart_kernel(now=True)
    kc.wait_for_ready(timeout=60)
    results = []
    kc.execute_interactive("6 * 7", timeout=60, output_hook=lambda m: m["msg_type"] == "execute_result" and results.append(m["content"]["data"]["text/plain"]))
    print("AFTER", results, flush=True)
print("STOPPED", flush=True)
sys.stdin.readline()
if km.is_alive():
    km.shutdown_kernel(now=True)
`

// TestOrphansJupyterNow: shutdown_kernel(now=True) and
// restart_kernel(now=True) from jupyter_client (a SIGKILL to the
// kernel's process group, which the evaluator is not in) end both
// sleeps.
func TestOrphansJupyterNow(t *testing.T) {
	requirePython(t, "jupyter_client", "jupyter-client")
	for _, how := range []string{"shutdown", "restart"} {
		t.Run(how, func(t *testing.T) {
			env, dir := installForJupyter(t)
			script := filepath.Join(dir, "orphans.py")
			if err := os.WriteFile(script, []byte(jupyterOrphans), 0o644); err != nil {
				t.Fatal(err)
			}
			tag := sleepTag()
			cells, _ := json.Marshal(sessionSleepCells(tag))
			cmd := exec.Command(python, script, how, string(cells))
			cmd.Env = append(os.Environ(), env...)
			cmd.Stderr = os.Stderr
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				stdin.Close()
				cmd.Process.Kill()
				cmd.Wait()
			}()
			lines := bufio.NewScanner(stdout)
			next := func(prefix string) string {
				t.Helper()
				for lines.Scan() {
					if line := lines.Text(); line == prefix {
						return ""
					} else if rest, ok := strings.CutPrefix(line, prefix+" "); ok {
						return rest
					}
					if strings.HasPrefix(lines.Text(), "ERROR") {
						t.Fatal(lines.Text())
					}
				}
				t.Fatalf("the script ended before %s", prefix)
				return ""
			}
			kernelPID := atoi(next("KERNEL"))
			pids := []int{atoi(next("RESULT")), waitTaggedSleep(t, tag+"2")}
			io.WriteString(stdin, "go\n")
			if how == "restart" {
				if after := next("AFTER"); !strings.Contains(after, "42") {
					t.Errorf("the restarted kernel answered %s", after)
				}
			}
			next("STOPPED")
			if !isZombie(strconv.Itoa(kernelPID)) {
				t.Errorf("the kernel %d still runs", kernelPID)
			}
			requireEnded(t, pids, 5*time.Second, how+"_kernel(now=True)")
			io.WriteString(stdin, "go\n")
		})
	}
}

// TestEvaluatorSurvivesBrokenStderr: a write to a broken fd 2 fails with
// EPIPE and the evaluator lives on. Once the kernel is gone its stdio
// pipes are broken, and Go's default (death by SIGPIPE on such a write)
// killed the evaluator while it was killing its descendants: the notice
// of a run whose workers it had killed was such a write, and the sleeps
// of TestOrphansKernelKilled then lived on under init. The cell breaks
// fd 2 itself (a pipe whose reader is closed), writes, and restores it.
func TestEvaluatorSurvivesBrokenStderr(t *testing.T) {
	c, kp := startKernel(t)
	c.Timeout = 60 * time.Second
	before := evaluatorPID(t, kp.cmd.Process.Pid)
	r := c.Execute(`import ("os"; "syscall")
saved, _ := syscall.Dup(2)
pr, pw, _ := os.Pipe()
pr.Close()
syscall.Dup2(int(pw.Fd()), 2)
_, werr := os.Stderr.Write([]byte("into a broken pipe\n"))
syscall.Dup2(saved, 2)
syscall.Close(saved)
pw.Close()
werr != nil`)
	if got := hostileResult(r); got != "true" {
		t.Fatalf("the write to a broken fd 2: %s %+v, want the result true (the write failed, the evaluator lives)", got, r.Error)
	}
	if after := evaluatorPID(t, kp.cmd.Process.Pid); after != before {
		t.Errorf("the evaluator changed from %d to %d", before, after)
	}
	if r := c.Execute(`6 * 7`); hostileResult(r) != "42" {
		t.Errorf("after the write: %s %+v", r.Status, r.Error)
	}
}
