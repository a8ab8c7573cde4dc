package runtimes_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// parentMain plays an evaluator that starts two sleeping workers, prints
// their pids and waits to be killed.
func parentMain() int {
	h := &testHost{i: newInterp(), vars: map[string]bool{}}
	if _, err := h.i.Eval(`import "time"`); err != nil {
		fmt.Println("error", err)
		return 1
	}
	h.defs = append(h.defs, `import "time"`)
	runtimes.SetDefault(runtimes.NewLab(h))
	go runtimes.Processes(2, `time.Sleep(time.Minute)`)
	for len(runtimes.LiveChildren()) < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Println("children", strings.Trim(fmt.Sprint(runtimes.LiveChildren()), "[]"))
	select {}
}

// TestWorkersDieWithTheirParent kills a process that has workers running
// with SIGKILL, which no cleanup code sees, and checks that Pdeathsig took
// the workers along.
func TestWorkersDieWithTheirParent(t *testing.T) {
	exe, _ := os.Executable()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envTestParent+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "children ") {
		t.Fatalf("parent said %q, %v", line, err)
	}
	var pids []int
	for _, f := range strings.Fields(strings.TrimPrefix(line, "children ")) {
		pid, _ := strconv.Atoi(f)
		pids = append(pids, pid)
	}
	// Let the parent's runtime do other work with its threads first: the
	// children must survive that, and die only with the process.
	time.Sleep(100 * time.Millisecond)
	for _, pid := range pids {
		if syscall.Kill(pid, 0) != nil {
			t.Fatalf("worker %d died while its parent lived", pid)
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("worker %d outlived its parent", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && len(s) > i+2 && s[i+2] != 'Z'
}
