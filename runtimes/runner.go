package runtimes

import (
	"fmt"
	"strings"
)

// Runner is what executes a snippet: the yaegi interpreter inside spinlab,
// or the Go toolchain's compiler. Every Run, Summary and BenchResult says
// which runner produced it, because the two answer different questions:
// the interpreter's numbers are about yaegi, the compiled ones about Go.
type Runner int

const (
	// Interpreted runs the snippet in spinlab's interpreter (yaegi): no
	// toolchain needed, goroutine and thread workers share the session's
	// memory. Its timings are the interpreter's, often 10–1000× Go's.
	Interpreted Runner = iota
	// Compiled builds the snippet, the session definitions it uses and
	// copies of the variables it names into a Go program with the
	// machine's Go toolchain (see CompiledOptions) and runs that: the
	// numbers are Go's own. Every mode runs in child processes of the
	// built program, so goroutine and thread workers see copies of the
	// session's variables, as process workers do.
	Compiled
)

// String returns the runner's name as the magics spell it.
func (r Runner) String() string {
	switch r {
	case Interpreted:
		return "interpreted"
	case Compiled:
		return "compiled"
	}
	return fmt.Sprintf("Runner(%d)", int(r))
}

// ParseRunner parses interpreted (or interp, yaegi) and compiled (or go).
func ParseRunner(s string) (Runner, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "interpreted", "interpreter", "interp", "yaegi", "i":
		return Interpreted, nil
	case "compiled", "compiler", "go", "c":
		return Compiled, nil
	}
	return 0, fmt.Errorf("unknown runner %q: use interpreted or compiled", s)
}

// ParseRunners parses a comma-separated list of runners.
func ParseRunners(s string) ([]Runner, error) {
	var rs []Runner
	for _, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		r, err := ParseRunner(f)
		if err != nil {
			return nil, err
		}
		if !containsRunner(rs, r) {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("no runners in %q: use interpreted, compiled or both", s)
	}
	return rs, nil
}

func containsRunner(rs []Runner, r Runner) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// MarshalText encodes the runner as its name, so JSON and CSV carry names.
func (r Runner) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes a runner name.
func (r *Runner) UnmarshalText(b []byte) error {
	v, err := ParseRunner(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Position says where a snippet's first line is, so that compile errors,
// panics and race reports of compiled runs name the cell's own lines
// ("cell[3]:5"). The zero Position names the snippet's lines "snippet:L".
type Position struct {
	File string // "cell[3]"
	Line int    // the line of the snippet's first line in File, from 1
}
