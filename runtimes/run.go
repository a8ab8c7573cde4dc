package runtimes

import (
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spinlab/spinlab/display"
)

// Run is one measured run: n workers started together, waited for, and
// measured. Go, Threads and Processes return one; an Experiment collects
// one per mode, worker count and trial. A Run displays itself as a table.
type Run struct {
	Mode   Mode   `json:"mode"`
	Runner Runner `json:"runner"` // who ran the snippet: the interpreter or the compiled program
	Trial  int    `json:"trial"`  // trial number within an Experiment, from 0

	// Race says the run was built with -race (Experiment.Race); Races
	// are the DATA RACE reports its workers printed, their frames at the
	// cells' lines. A run is racy when Races is not empty.
	Race  bool     `json:"race,omitempty"`
	Races []string `json:"races,omitempty"`

	// Wall is the time from asking the first worker to start until the
	// last one finished.
	Wall time.Duration `json:"wall_ns"`
	// User and System are the CPU time of the whole run: this process's
	// delta for the in-process modes (including the Go runtime's own
	// work, such as garbage collection), the children's sum in process mode.
	User   time.Duration `json:"cpu_user_ns"`
	System time.Duration `json:"cpu_system_ns"`
	// CPUPerWorker reports whether each worker's User and System are its
	// own: true in thread mode (RUSAGE_THREAD on the worker's thread) and
	// process mode (the child's rusage), false in goroutine mode, where
	// goroutines migrate between threads and CPU time cannot be
	// attributed to one of them.
	CPUPerWorker bool `json:"cpu_per_worker"`
	// Allocated is the number of heap bytes allocated by this process
	// during an in-process run (by the workers and anything else running
	// at the time). Zero in process mode.
	Allocated uint64 `json:"allocated_bytes"`
	// Stacks is the stack memory the in-process workers took: the
	// largest growth of the runtime's stack memory (goroutine stacks and
	// the system stacks of new threads, runtime/metrics) seen during the
	// run, and at least one starting stack (/gc/stack/starting-size) per
	// worker, since the runtime serves stacks from caches it already
	// counts. Zero in process mode.
	Stacks uint64 `json:"stack_bytes,omitempty"`
	// PeakThreads is the largest OS thread count of this process (the
	// parent in process mode) seen while the run was going on.
	PeakThreads int `json:"peak_threads"`
	// ChildThreads is, in process mode, the largest total of the live
	// children's OS threads seen at one moment (sampled from
	// /proc/<pid>/status every 2ms); PeakThreads does not include them.
	ChildThreads int `json:"peak_child_threads,omitempty"`
	// CopyBytes and CopyTime are the parent's side of process mode's
	// IPC cost: the size of the encoded Program sent to each child and
	// the time to export and encode it. WorkerStats.CopyIn is the whole
	// trip.
	CopyBytes int           `json:"copy_bytes,omitempty"`
	CopyTime  time.Duration `json:"copy_ns,omitempty"`
	// Pooled reports whether process workers came from a warm pool
	// (pre-started children), so that Spawn excludes process start-up.
	Pooled bool `json:"pooled,omitempty"`

	Workers []WorkerStats `json:"workers"`
	Machine Machine       `json:"machine"`

	// Err is set when the run as a whole could not happen (no session,
	// too many children, a variable that cannot be copied) or was
	// interrupted. Failures of single workers are on the worker.
	Err error `json:"-"`
}

// WorkerStats are one worker's measurements.
type WorkerStats struct {
	Worker int `json:"worker"`
	// PID is the process that ran the worker: a child's pid in process
	// mode, this process's otherwise.
	PID int `json:"pid"`
	// TID is the OS thread id (gettid) of a thread-mode worker.
	TID int `json:"tid,omitempty"`
	// NewThread reports that a thread-mode worker ran on an OS thread
	// created for it (its tid did not exist before the run), so that its
	// Spawn includes creating the thread. Thread mode ends the runtime's
	// idle threads before it starts, to make that so.
	NewThread bool `json:"new_thread,omitempty"`
	// Spawn is the latency from asking the worker to start until the
	// first instruction of its work. In goroutine mode with more than
	// one worker it includes queueing: a worker waits for a free P
	// while earlier workers' code runs (GOMAXPROCS at a time). In thread
	// mode it includes creating the OS thread when NewThread. In
	// process mode it is from asking for the process (or, pooled,
	// sending the program) to the snippet's first instruction.
	Spawn time.Duration `json:"spawn_ns"`
	// Decode is the time a child took to decode the Program it was sent
	// and set its variables from it (process mode's share of the IPC
	// cost; it is also part of Spawn).
	Decode time.Duration `json:"decode_ns,omitempty"`
	// CopyIn is the whole trip of the program into a process-mode
	// child: the parent's export and encoding (Run.CopyTime), the pipe
	// (from the parent's first write to the child having read it all;
	// the child is ready and reading by then), and the child's decoding
	// (Decode). Both ends are read from CLOCK_MONOTONIC, which processes
	// share.
	CopyIn time.Duration `json:"copy_in_ns,omitempty"`
	// CopyOut is the whole trip of the Result back: the child's
	// encoding, the pipe and the parent's decoding; ResultBytes is its
	// size on the wire.
	CopyOut     time.Duration `json:"copy_out_ns,omitempty"`
	ResultBytes int           `json:"result_bytes,omitempty"`
	// Time is the worker's own run time, first instruction to last.
	Time time.Duration `json:"run_ns"`
	// User and System are the worker's CPU time when Run.CPUPerWorker.
	User   time.Duration `json:"cpu_user_ns"`
	System time.Duration `json:"cpu_system_ns"`
	// Memory is, in process mode, the peak resident set size of the
	// child (VmHWM; 0 when unknown: it died before any sample), which
	// counts the binary's pages that all children share. In the
	// in-process modes it is the run's heap bytes allocated plus the
	// stack memory its workers took, divided by the number of workers
	// (an average, not attributable): see Run.Stacks.
	Memory uint64 `json:"memory_bytes"`
	// PSS and Private are a child's proportional set size and private
	// resident memory at the end of its run (process mode; 0 when it
	// died first): what one more child costs is nearer Private than RSS.
	PSS     uint64 `json:"pss_bytes,omitempty"`
	Private uint64 `json:"private_bytes,omitempty"`
	// Result is the value of the snippet's last expression, or nil.
	// From a child or a compiled program it crossed in the value
	// encoding and keeps its Go type where both sides know it (see
	// EncodeValue).
	Result any `json:"result,omitempty"`
	// Error says why the worker failed: a panic, an error, a non-zero
	// exit, a signal. Empty when it succeeded.
	Error string `json:"error,omitempty"`
	// Stderr is the tail of a failed child's standard error.
	Stderr string `json:"stderr,omitempty"`
}

// MarshalJSON encodes the run with its error, if any, as "error".
func (r *Run) MarshalJSON() ([]byte, error) {
	type plain Run // without this method
	v := struct {
		*plain
		Error string `json:"error,omitempty"`
	}{plain: (*plain)(r)}
	if r.Err != nil {
		v.Error = r.Err.Error()
	}
	return json.Marshal(v)
}

// Racy reports whether the race detector reported a data race in the run.
func (r *Run) Racy() bool { return len(r.Races) > 0 }

// raceLocations are the distinct cell lines of the run's race reports.
func (r *Run) raceLocations() []string {
	var out []string
	for _, rep := range r.Races {
		for _, l := range raceLocations(rep) {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	return out
}

// newThreads counts the workers that ran on an OS thread created for them.
func (r *Run) newThreads() int {
	n := 0
	for _, w := range r.Workers {
		if w.NewThread {
			n++
		}
	}
	return n
}

// N returns the number of workers.
func (r *Run) N() int { return len(r.Workers) }

// Results returns each worker's result, indexed by worker.
func (r *Run) Results() []any {
	out := make([]any, len(r.Workers))
	for i, w := range r.Workers {
		out[i] = w.Result
	}
	return out
}

// Failed returns the workers that failed.
func (r *Run) Failed() []WorkerStats {
	var out []WorkerStats
	for _, w := range r.Workers {
		if w.Error != "" {
			out = append(out, w)
		}
	}
	return out
}

// medianOf returns the median of f over the workers (0 without workers).
func (r *Run) medianOf(f func(WorkerStats) float64) float64 {
	vs := make([]float64, 0, len(r.Workers))
	for _, w := range r.Workers {
		vs = append(vs, f(w))
	}
	return median(vs)
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	vs = slices.Clone(vs)
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2]
	}
	return (vs[n/2-1] + vs[n/2]) / 2
}

// summary is the one-line description of the run.
func (r *Run) summary() string {
	if r.Err != nil && len(r.Workers) == 0 {
		return fmt.Sprintf("%s run failed: %v", r.Mode, r.Err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s × %d (%s): wall %s, CPU user %s sys %s, peak %d OS threads",
		r.Mode, len(r.Workers), r.Runner, formatDuration(r.Wall), cpuText(r.User, r.Wall), cpuText(r.System, r.Wall), r.PeakThreads)
	if r.Mode == Process {
		if childThreadsSampled {
			fmt.Fprintf(&b, " in this process + %d in the children", r.ChildThreads)
		} else {
			b.WriteString(" in this process (the children's are not counted: that needs Linux's /proc)")
		}
	}
	if r.Mode == Thread && threadIDsKnown {
		fmt.Fprintf(&b, ", %d of %d workers on a new OS thread (only their spawn includes creating it)", r.newThreads(), len(r.Workers))
	}
	if r.Mode == Process {
		fmt.Fprintf(&b, ", program copy %s exported in %s, decoded in %s", formatBytes(uint64(r.CopyBytes)), formatDuration(r.CopyTime),
			formatDuration(time.Duration(r.medianOf(func(w WorkerStats) float64 { return float64(w.Decode) }))))
		if r.Pooled {
			b.WriteString(", warm pool")
		}
	} else {
		fmt.Fprintf(&b, ", heap allocated %s", formatBytes(r.Allocated))
	}
	if f := len(r.Failed()); f > 0 {
		fmt.Fprintf(&b, ", %d of %d workers failed", f, len(r.Workers))
	}
	if r.Racy() {
		fmt.Fprintf(&b, ", RACY: %d data race reports at %s", len(r.Races), strings.Join(r.raceLocations(), ", "))
	}
	if r.Err != nil {
		fmt.Fprintf(&b, " (error: %v)", r.Err)
	}
	return b.String()
}

// noCPUPerWorkerNote says why a run has no per-worker CPU times.
func (r *Run) noCPUPerWorkerNote() string {
	if r.Mode == Thread && !threadCPUKnown {
		return "per-thread CPU time needs Linux (RUSAGE_THREAD); the run's CPU is the process total"
	}
	return "per-worker CPU is not attributable in goroutine mode; the run's CPU is the process total"
}

func (r *Run) cpuCell(d time.Duration) string {
	if !r.CPUPerWorker {
		return "–"
	}
	return formatDuration(d)
}

func (r *Run) memoryHeader() string {
	if r.Mode == Process {
		return "peak RSS"
	}
	return "heap/worker"
}

func (r *Run) idHeader() string {
	switch r.Mode {
	case Thread:
		return "tid"
	case Process:
		return "pid"
	}
	return ""
}

func (r *Run) id(w WorkerStats) string {
	switch r.Mode {
	case Thread:
		if w.TID == 0 && !threadIDsKnown {
			return "–"
		}
		return fmt.Sprint(w.TID)
	case Process:
		return fmt.Sprint(w.PID)
	}
	return ""
}

// String renders the run as a text table.
func (r *Run) String() string {
	var b strings.Builder
	b.WriteString(r.summary())
	b.WriteString("\n")
	if len(r.Workers) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "worker\t%s\tspawn\trun\tuser\tsys\t%s\tresult\t\n", r.idHeader(), r.memoryHeader())
		for _, w := range r.Workers {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", w.Worker, r.id(w),
				formatDuration(w.Spawn), formatDuration(w.Time), r.cpuCell(w.User), r.cpuCell(w.System),
				formatBytes(w.Memory), resultText(w))
		}
		tw.Flush()
	}
	if !r.CPUPerWorker && len(r.Workers) > 0 {
		b.WriteString(r.noCPUPerWorkerNote() + "\n")
	}
	if cpuNoisy(r.Wall) && len(r.Workers) > 0 {
		b.WriteString(cpuNote + "\n")
	}
	b.WriteString(r.Machine.String())
	return b.String()
}

func resultText(w WorkerStats) string {
	if w.Error != "" {
		return "error: " + firstLine(w.Error)
	}
	if w.Result == nil {
		return ""
	}
	s := fmt.Sprint(w.Result)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Bundle displays the run as a compact HTML table with text/plain.
func (r *Run) Bundle() display.Bundle {
	var b strings.Builder
	b.WriteString(`<div class="spinlab-run">`)
	fmt.Fprintf(&b, `<div style="margin-bottom:4px"><span style="color:%s;font-weight:bold">■</span> %s</div>`,
		modeColorHex(r.Mode), html.EscapeString(r.summary()))
	if len(r.Workers) > 0 {
		b.WriteString(`<table style="font-size:90%;border-collapse:collapse"><thead><tr>`)
		for _, h := range []string{"worker", r.idHeader(), "spawn", "run", "CPU user", "CPU sys", r.memoryHeader(), "result"} {
			if h == "" {
				continue
			}
			fmt.Fprintf(&b, `<th style="text-align:right;padding:1px 8px">%s</th>`, h)
		}
		b.WriteString("</tr></thead><tbody>")
		for _, w := range r.Workers {
			b.WriteString("<tr>")
			cells := []string{fmt.Sprint(w.Worker)}
			if r.idHeader() != "" {
				cells = append(cells, r.id(w))
			}
			cells = append(cells, formatDuration(w.Spawn), formatDuration(w.Time), r.cpuCell(w.User),
				r.cpuCell(w.System), formatBytes(w.Memory))
			for _, c := range cells {
				fmt.Fprintf(&b, `<td style="text-align:right;padding:1px 8px">%s</td>`, html.EscapeString(c))
			}
			if w.Error != "" {
				fmt.Fprintf(&b, `<td style="text-align:left;padding:1px 8px;color:#b00"><details><summary>%s</summary><pre>%s</pre></details></td>`,
					html.EscapeString(firstLine(w.Error)), html.EscapeString(w.Error+"\n"+w.Stderr))
			} else {
				fmt.Fprintf(&b, `<td style="text-align:left;padding:1px 8px">%s</td>`, html.EscapeString(resultText(w)))
			}
			b.WriteString("</tr>")
		}
		b.WriteString("</tbody></table>")
	}
	fmt.Fprintf(&b, `<div style="color:#666;font-size:85%%;margin-top:4px">%s`, html.EscapeString(r.Machine.String()))
	if !r.CPUPerWorker && len(r.Workers) > 0 {
		b.WriteString(" · " + r.noCPUPerWorkerNote()) // no character to escape
	}
	if cpuNoisy(r.Wall) && len(r.Workers) > 0 {
		b.WriteString(" · " + html.EscapeString(cpuNote))
	}
	b.WriteString("</div>")
	if r.Racy() {
		fmt.Fprintf(&b, `<details style="margin-top:4px"><summary style="color:#b00;font-weight:bold">DATA RACE at %s</summary><pre>%s</pre></details>`,
			html.EscapeString(strings.Join(r.raceLocations(), ", ")), html.EscapeString(strings.Join(r.Races, "\n==================\n")))
	}
	b.WriteString("</div>")
	return display.Bundle{Data: map[string]any{
		"text/plain": r.String(),
		"text/html":  b.String(),
	}}
}
