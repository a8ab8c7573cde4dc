//go:build !linux

package runtimes

// busyUncheckedNote is the busy note outside Linux, where the machine's
// busy CPU time is not read.
const busyUncheckedNote = "busy machine: not checked (that needs Linux's /proc/stat)"

// readMachineCPU reads nothing here (machineCPU.ok false): the machine's
// busy time comes from Linux's /proc/stat, and without it an experiment
// says the check was not made rather than that the machine was idle.
func readMachineCPU() machineCPU { return machineCPU{} }
