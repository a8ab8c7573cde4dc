package child

import "golang.org/x/sys/unix"

// szomb is a zombie's p_stat (SZOMB in <sys/proc.h>).
const szomb = 5

// readProcs reads the parent link and state of every process from the
// kernel's process table (sysctl kern.proc.all): macOS has no /proc.
func readProcs() []proc {
	kps, err := unix.SysctlKinfoProcSlice("kern.proc.all")
	if err != nil {
		return nil
	}
	procs := make([]proc, 0, len(kps))
	for _, kp := range kps {
		procs = append(procs, proc{pid: int(kp.Proc.P_pid), ppid: int(kp.Eproc.Ppid), zombie: kp.Proc.P_stat == szomb})
	}
	return procs
}
