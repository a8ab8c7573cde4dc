package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// process is a running process found by leftovers.
type process struct {
	PID     int
	Cmdline string
}

func (p process) String() string { return fmt.Sprintf("pid %d: %s", p.PID, p.Cmdline) }

// leftovers lists processes, other than this one, whose command line
// mentions one of marks or whose executable is one of them.
func leftovers(marks ...string) []process {
	var found []process
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(b) == 0 {
			continue
		}
		cmdline := strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
			// A zombie has no exe and is already dead; its parent reaps it.
			if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 0 && f[0] == "Z" {
				continue
			}
		}
		for _, m := range marks {
			if m != "" && (strings.Contains(cmdline, m) || exe == m) {
				found = append(found, process{pid, cmdline})
				break
			}
		}
	}
	return found
}

// checkNoLeftovers fails the test if processes that mention marks (the
// test's private directory, the spinlab binary) outlive the front end that
// started them, giving them a few seconds to exit, and kills them.
func checkNoLeftovers(t *testing.T, marks ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := leftovers(marks...)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, p := range left {
				syscall.Kill(p.PID, syscall.SIGKILL)
			}
			t.Errorf("processes left running after the front end shut down (killed now):\n%v", left)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}
