package kernelbench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
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

// Descendants returns the pids of the children of pid, their children
// and so on, from /proc/PID/task/*/children.
func Descendants(pid int) []int {
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", p))
		for _, t := range tasks {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", p, t.Name()))
			if err != nil {
				continue
			}
			for _, f := range bytes.Fields(b) {
				if c, err := strconv.Atoi(string(f)); err == nil {
					out = append(out, c)
					queue = append(queue, c)
				}
			}
		}
	}
	return out
}
