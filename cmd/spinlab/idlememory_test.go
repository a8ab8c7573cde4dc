package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kernelbench"
)

// TestKernelGivesMemoryBackWhenIdle runs a cell that leaves garbage
// behind in the evaluator (64 MiB in 4 KiB pieces, live until the cell
// ends, so that the collector's goal has grown past it) and in the kernel
// process (8 MiB of output, turned into messages): idle afterwards, both
// processes collect it and hand the pages back to the OS, where the
// runtime alone keeps them until something allocates again. It reads
// RssAnon, the resident memory that is not the binary's or other files'
// pages: the code a first burst of output runs through stays resident,
// and on a loaded machine that alone could pass the bound.
func TestKernelGivesMemoryBackWhenIdle(t *testing.T) {
	c, kp := startKernel(t)
	if r := c.Execute("x := 1"); r.Status != kernel.StatusOK {
		t.Fatalf("first cell: %s", r.Status)
	}
	kpid := kp.cmd.Process.Pid
	kids := kernelbench.Descendants(kpid)
	if len(kids) != 1 {
		t.Fatalf("children of the kernel %v, want the evaluator", kids)
	}
	eval := kids[0]
	time.Sleep(time.Second) // past the start-up's own release
	evalBefore, _ := rssAnon(eval)
	kernelBefore, _ := rssAnon(kpid)

	r := c.Execute(`func() {
	var keep [][]byte
	for i := 0; i < 16384; i++ {
		b := make([]byte, 4096)
		b[0] = 1
		keep = append(keep, b)
	}
}()
for i := 0; i < 8; i++ {
	fmt.Print(strings.Repeat("x", 1<<20))
}`)
	if r.Status != kernel.StatusOK || len(r.Stdout) != 8<<20 || strings.Trim(r.Stdout, "x") != "" {
		t.Fatalf("cell: status %s, %d bytes of stdout", r.Status, len(r.Stdout))
	}
	evalAfter, _ := rssAnon(eval)
	kernelAfter, _ := rssAnon(kpid)
	var evalIdle, kernelIdle int64
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		evalIdle, _ = rssAnon(eval)
		kernelIdle, _ = rssAnon(kpid)
		if evalIdle < evalBefore+16<<20 && kernelIdle < kernelBefore+12<<20 {
			break
		}
	}
	t.Logf("evaluator RssAnon %d MiB before the cell, %d MiB after it, %d MiB idle; kernel process %d, %d, %d MiB",
		evalBefore>>20, evalAfter>>20, evalIdle>>20, kernelBefore>>20, kernelAfter>>20, kernelIdle>>20)
	if evalIdle >= evalBefore+16<<20 {
		t.Errorf("evaluator: RssAnon %d MiB before the cell, %d MiB idle after it: its 64 MiB of garbage were not given back", evalBefore>>20, evalIdle>>20)
	}
	// The kernel keeps some 7 MiB of an 8 MiB burst on a loaded machine
	// (not in package kernel's heap: an in-process kernel keeps none of
	// it); what is bounded here is that the burst's peak is given back.
	if kernelIdle >= kernelBefore+12<<20 || kernelAfter-kernelBefore > 24<<20 && kernelIdle-kernelBefore > (kernelAfter-kernelBefore)/3 {
		t.Errorf("kernel process: RssAnon %d MiB before the cell, %d MiB idle after it: the output's garbage was not given back", kernelBefore>>20, kernelIdle>>20)
	}
}

// rssAnon returns a process's anonymous resident memory (RssAnon in
// /proc/PID/status), in bytes.
func rssAnon(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no RssAnon", pid)
}
