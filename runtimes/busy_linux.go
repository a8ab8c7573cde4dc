package runtimes

import (
	"bytes"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/spinlab/spinlab/internal/cputime"
)

// busyUncheckedNote is the busy note of an experiment whose machine CPU
// could not be read.
const busyUncheckedNote = "busy machine: not checked (/proc/stat unreadable)"

// userHZ is the unit of /proc/stat: fixed at 100 by the Linux ABI.
const userHZ = 100

func readMachineCPU() machineCPU {
	var m machineCPU
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return m
	}
	line, _, _ := bytes.Cut(data, []byte{'\n'})
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return m
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} { // user nice system (idle iowait) irq softirq steal
		v, _ := strconv.ParseInt(string(f[i]), 10, 64)
		ticks += v
	}
	m.busy = time.Duration(ticks) * time.Second / userHZ
	for _, who := range []int{unix.RUSAGE_SELF, unix.RUSAGE_CHILDREN} {
		m.own += cputime.Of(who).Total()
	}
	m.ok = true
	return m
}
