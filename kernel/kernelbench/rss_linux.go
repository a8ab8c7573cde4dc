package kernelbench

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spinlab/spinlab/internal/child"
)

// RSS returns the resident set size of a process in bytes, from VmRSS in
// /proc/PID/status.
func RSS(pid int) (int64, error) {
	return procKB(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:")
}

// PSS returns the proportional set size of a process in bytes, from Pss
// in /proc/PID/smaps_rollup: its private pages plus, for every page it
// shares with other processes, its share of that page. Summed over
// processes that share pages (spinlab's kernel and evaluator are one
// binary, whose pages both map), PSS counts each shared page once where
// a sum of RSS counts it in every process that maps it.
func PSS(pid int) (int64, error) {
	return procKB(fmt.Sprintf("/proc/%d/smaps_rollup", pid), "Pss:")
}

// procKB reads the "key   N kB" line of a /proc file, in bytes.
func procKB(path, key string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, key); ok {
			fields := strings.Fields(v)
			if len(fields) != 2 || fields[1] != "kB" {
				return 0, fmt.Errorf("%s: unexpected %q", path, line)
			}
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			return kb << 10, err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s has no %s line", path, strings.TrimSuffix(key, ":"))
}

// Descendants returns the pids below pid, at any depth (internal/child
// reads them from /proc).
func Descendants(pid int) []int { return child.Descendants(pid) }

// DistinctResident returns the bytes of the distinct physical pages that
// the processes pids have resident: the union of their resident pages,
// each page counted once however many of them map it, and counted in
// full if processes outside pids map it too. It reads each process's
// mappings from /proc/PID/maps and the physical frame of each page from
// /proc/PID/pagemap. Linux shows frame numbers only to a reader with
// CAP_SYS_ADMIN; without it, ok is false and the total means nothing.
func DistinctResident(pids []int) (bytes int64, ok bool, err error) {
	const presentBit, pfnMask = 1 << 63, 1<<55 - 1
	page := int64(os.Getpagesize())
	frames := map[uint64]struct{}{}
	buf := make([]byte, 8*4096)
	for _, pid := range pids {
		maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
		if err != nil {
			return 0, false, err
		}
		pm, err := os.Open(fmt.Sprintf("/proc/%d/pagemap", pid))
		if err != nil {
			return 0, false, err
		}
		for line := range strings.Lines(string(maps)) {
			lo, hi, found := strings.Cut(strings.Fields(line)[0], "-")
			if !found {
				continue
			}
			start, err1 := strconv.ParseUint(lo, 16, 64)
			end, err2 := strconv.ParseUint(hi, 16, 64)
			// Mappings without access (Go's reserved address space) have
			// no pages to read.
			if f := strings.Fields(line); len(f) < 2 || f[1] == "---p" {
				continue
			}
			if err1 != nil || err2 != nil || strings.Contains(line, "[vsyscall]") {
				continue
			}
			for addr := start; addr < end; {
				n := min((end-addr)/uint64(page), uint64(len(buf)/8))
				got, err := pm.ReadAt(buf[:n*8], int64(addr/uint64(page)*8))
				if err != nil && got == 0 {
					break
				}
				for i := 0; i+8 <= got; i += 8 {
					e := binary.LittleEndian.Uint64(buf[i:])
					if e&presentBit == 0 {
						continue
					}
					pfn := e & pfnMask
					if pfn == 0 {
						pm.Close()
						return 0, false, nil
					}
					frames[pfn] = struct{}{}
				}
				addr += n * uint64(page)
			}
		}
		pm.Close()
	}
	return int64(len(frames)) * page, true, nil
}
