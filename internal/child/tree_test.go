package child_test

import (
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/internal/child"
)

// TestKillDescendants: an orphan (the shell that started it has exited)
// comes to a subreaper, and KillDescendants ends it with the rest of the
// tree and reaps it.
func TestKillDescendants(t *testing.T) {
	if err := child.BecomeSubreaper(); err != nil {
		t.Skip(err)
	}
	// The outer shell runs a subshell that backgrounds a sleep and exits
	// (orphaning it), then sleeps itself.
	cmd := exec.Command("sh", "-c", "(sleep 321 &); exec sleep 322")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var below []int
	deadline := time.Now().Add(5 * time.Second)
	for len(below) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		below = child.Descendants(os.Getpid())
	}
	if len(below) < 2 {
		t.Fatalf("descendants %v, want both sleeps", below)
	}
	if n := child.KillDescendants(os.Getpid()); n < 2 {
		t.Errorf("KillDescendants signalled %d, want at least 2", n)
	}
	cmd.Wait() // the direct child: ours to reap
	for _, pid := range below {
		if err := syscall.Kill(pid, 0); err != syscall.ESRCH && pid != cmd.Process.Pid {
			t.Errorf("process %d: kill(0) = %v, want ESRCH (killed and reaped)", pid, err)
		}
	}
	if left := child.Descendants(os.Getpid()); len(left) > 0 {
		t.Errorf("left: %v", left)
	}
}

// TestDescendantsFindsAChild: a child and its own child are found through
// the process table on every OS (/proc on Linux, sysctl on macOS), with
// no subreaper needed, and KillDescendants ends them.
func TestDescendantsFindsAChild(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 323 & wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	var below []int
	deadline := time.Now().Add(5 * time.Second)
	for len(below) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		below = child.Descendants(os.Getpid())
	}
	if len(below) < 2 || !slices.Contains(below, cmd.Process.Pid) {
		cmd.Process.Kill()
		t.Fatalf("descendants %v, want the shell %d first and its sleep", below, cmd.Process.Pid)
	}
	if n := child.KillDescendants(os.Getpid()); n < 2 {
		t.Errorf("KillDescendants signalled %d, want at least 2", n)
	}
}
