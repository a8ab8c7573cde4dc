package runtimes

import "time"

// machineCPU is a reading of the machine's busy CPU time (/proc/stat)
// and of this process's own, with its children's, for busy-machine
// detection: what others used is the difference of the two deltas.
type machineCPU struct {
	busy time.Duration // all CPUs: user, nice, system, irq, softirq, steal
	own  time.Duration // this process and its reaped children
	ok   bool
}

// othersCPU returns the CPU time others used between a and b (never
// negative: /proc/stat counts in ticks, rusage precisely).
func othersCPU(a, b machineCPU) (time.Duration, bool) {
	if !a.ok || !b.ok {
		return 0, false
	}
	return max(0, (b.busy-a.busy)-(b.own-a.own)), true
}
