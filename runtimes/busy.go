package runtimes

import (
	"bytes"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// machineCPU is a reading of the machine's busy CPU time (/proc/stat)
// and of this process's own, with its children's, for busy-machine
// detection: what others used is the difference of the two deltas.
type machineCPU struct {
	busy time.Duration // all CPUs: user, nice, system, irq, softirq, steal
	own  time.Duration // this process and its reaped children
	ok   bool
}

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
		c := rusageTimes(who)
		m.own += c.user + c.sys
	}
	m.ok = true
	return m
}

// othersCPU returns the CPU time others used between a and b (never
// negative: /proc/stat counts in ticks, rusage precisely).
func othersCPU(a, b machineCPU) (time.Duration, bool) {
	if !a.ok || !b.ok {
		return 0, false
	}
	return max(0, (b.busy-a.busy)-(b.own-a.own)), true
}
