package cell

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spinlab/spinlab/runtimes"
)

// Magics: a cell that starts with % or %% is a command to the session,
// not Go (the session runs them; ParseMagic only reads them).

// A Magic is a magic command: %name args (a line magic) or %%name args
// followed by a body (a cell magic), which a session runs instead of Go.
type Magic struct {
	Name string
	Cell bool   // %%name
	Args string // the rest of the first line
	Body string // the lines after the first
	Line int    // the line of the magic in the cell
}

// A MagicDoc is a magic's name ("%%spin"), usage and help.
type MagicDoc struct{ Name, Usage, Help string }

// knownMagics lists the magics with their usage, in the order %help shows them.
var knownMagics = []MagicDoc{
	{"%help", "%help", "show this help"},
	{"%env", "%env [NAME[=VALUE]]", "list the environment, show NAME, or set it"},
	{"%reset", "%reset", "start a fresh interpreter: forget every definition and variable, kill child processes"},
	{"%time", "%time STATEMENT", "run the statement once and print its wall and CPU time"},
	{"%%spin", "%%spin modes=goroutine,thread,process workers=1,2,4 trials=3 warmup=1 pool=false divide=false runner=interpreted,compiled race=false", "run the cell body as a runtimes.Experiment (workers see worker and workers), show its charts and table, and bind the results to _spinN (N: the cell's number); runner=compiled builds it with the Go toolchain for Go's own numbers, race=true with the race detector"},
	{"%%bench", "%%bench runner=interpreted,compiled", "run the cell body as a Go benchmark loop: ns/op, B/op, allocs/op of the body alone (interpreted: the empty loop's cost, measured in the same run, is subtracted and shown; runner=compiled: Go's own testing.Benchmark loop; both: one row each)"},
}

// Magics lists the magics with their usage and help, in the order %help
// shows them.
func Magics() []MagicDoc { return append([]MagicDoc(nil), knownMagics...) }

// magicNames lists the magics' names, for a message.
func magicNames() string {
	names := make([]string, len(knownMagics))
	for i, m := range knownMagics {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}

// ParseMagic recognises a cell that starts (after blank lines) with % or
// %%. It returns ok == false for ordinary Go, and an error for a malformed
// or unknown magic. It never panics, whatever the input.
func ParseMagic(code string) (m Magic, ok bool, err error) {
	rest := code
	line := 1
	for {
		nl := strings.IndexByte(rest, '\n')
		first := rest
		if nl >= 0 {
			first = rest[:nl]
		}
		if strings.TrimSpace(first) != "" || nl < 0 {
			break
		}
		rest = rest[nl+1:]
		line++
	}
	trimmed := strings.TrimLeft(rest, " \t\r")
	if !strings.HasPrefix(trimmed, "%") {
		return Magic{}, false, nil
	}
	first, body, _ := strings.Cut(trimmed, "\n")
	first = strings.TrimRight(first, " \t\r")
	m.Line = line
	if strings.HasPrefix(first, "%%") {
		m.Cell = true
		first = first[2:]
	} else {
		first = first[1:]
	}
	name, args, _ := strings.Cut(first, " ")
	if i := strings.IndexByte(name, '\t'); i >= 0 {
		name, args = name[:i], name[i+1:]+" "+args
	}
	m.Name, m.Args, m.Body = name, strings.TrimSpace(args), body
	prefix := "%"
	if m.Cell {
		prefix = "%%"
	}
	known := false
	for _, k := range knownMagics {
		if k.Name == prefix+name {
			known = true
		}
	}
	if !known {
		for _, k := range knownMagics {
			if strings.TrimLeft(k.Name, "%") == name {
				return m, true, fmt.Errorf("%s%s is a %s magic: write %s", prefix, name, map[bool]string{true: "cell", false: "line"}[strings.HasPrefix(k.Name, "%%")], k.Name)
			}
		}
		return m, true, fmt.Errorf("unknown magic %s%s; the magics are %s (see %%help)", prefix, name, magicNames())
	}
	switch m.Name {
	case "help", "reset":
		if m.Args != "" || strings.TrimSpace(m.Body) != "" {
			return m, true, fmt.Errorf("%%%s takes no arguments and must be alone in its cell", m.Name)
		}
	case "env":
		if strings.TrimSpace(m.Body) != "" {
			return m, true, fmt.Errorf("%%env must be alone in its cell")
		}
	case "time":
		if strings.TrimSpace(m.Args) == "" && strings.TrimSpace(m.Body) == "" {
			return m, true, fmt.Errorf("%%time needs a statement: %%time f()")
		}
	case "spin":
		if _, err := ParseSpinOptions(m.Args); err != nil {
			return m, true, err
		}
		if strings.TrimSpace(m.Body) == "" {
			return m, true, fmt.Errorf("%%%%spin needs a snippet in the cell body, after the first line")
		}
	case "bench":
		if _, err := ParseBenchOptions(m.Args); err != nil {
			return m, true, err
		}
		if strings.TrimSpace(m.Body) == "" {
			return m, true, fmt.Errorf("%%%%bench needs code in the cell body, after the first line")
		}
	}
	return m, true, nil
}

// SpinOptions are the options of %%spin.
type SpinOptions struct {
	Modes   []runtimes.Mode
	Workers []int
	Trials  int
	Warmup  int
	Pool    bool
	Divide  bool
	Quiet   bool
	Runners []runtimes.Runner
	Race    bool
}

// ParseBenchOptions parses the options of %%bench: runner=.
func ParseBenchOptions(args string) ([]runtimes.Runner, error) {
	runners := []runtimes.Runner{runtimes.Interpreted}
	for _, f := range strings.Fields(args) {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k != "runner" && k != "runners" {
			return nil, fmt.Errorf("%%%%bench: unknown option %q; the option is runner=interpreted,compiled", f)
		}
		rs, err := runtimes.ParseRunners(v)
		if err != nil {
			return nil, fmt.Errorf("%%%%bench: runner=%s: %w", v, err)
		}
		runners = rs
	}
	return runners, nil
}

// ParseSpinOptions parses key=value options of %%spin.
func ParseSpinOptions(args string) (SpinOptions, error) {
	var o SpinOptions
	for _, f := range strings.Fields(args) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return o, fmt.Errorf("%%%%spin: option %q is not key=value; options are modes, workers, trials, warmup, pool, divide, quiet, runner, race", f)
		}
		var err error
		switch k {
		case "modes", "mode":
			o.Modes, err = runtimes.ParseModes(v)
		case "workers":
			o.Workers = nil
			for _, w := range strings.Split(v, ",") {
				if strings.TrimSpace(w) == "" {
					continue
				}
				n, err2 := strconv.Atoi(strings.TrimSpace(w))
				if err2 != nil || n < 1 || n > 1<<16 {
					return o, fmt.Errorf("%%%%spin: workers=%s: want a comma-separated list of positive counts like 1,2,4", v)
				}
				o.Workers = append(o.Workers, n)
			}
		case "trials":
			o.Trials, err = positive(v, 1)
		case "warmup":
			o.Warmup, err = positive(v, 0)
		case "pool":
			o.Pool, err = strconv.ParseBool(v)
		case "divide":
			o.Divide, err = strconv.ParseBool(v)
		case "quiet":
			o.Quiet, err = strconv.ParseBool(v)
		case "runner", "runners":
			o.Runners, err = runtimes.ParseRunners(v)
		case "race":
			o.Race, err = strconv.ParseBool(v)
		default:
			return o, fmt.Errorf("%%%%spin: unknown option %q; options are modes, workers, trials, warmup, pool, divide, quiet, runner, race", k)
		}
		if err != nil {
			return o, fmt.Errorf("%%%%spin: %s=%s: %w", k, v, err)
		}
	}
	return o, nil
}

func positive(v string, min int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > 1<<20 {
		return 0, fmt.Errorf("want an integer of at least %d", min)
	}
	return n, nil
}
