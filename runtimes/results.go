package runtimes

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spinlab/spinlab/display"
)

// Results are the runs of an Experiment, kept for later cells: Runs holds
// every measured trial with its per-worker stats, Summaries aggregates
// them per mode and worker count. Results display themselves as four
// charts and a table of medians, and export as CSV and JSON.
type Results struct {
	Snippet string        `json:"snippet,omitempty"`
	Machine Machine       `json:"machine"`
	Divide  bool          `json:"divide"` // speedup is T(1)/T(n) rather than n·T(1)/T(n)
	Trials  int           `json:"trials"`
	Started time.Time     `json:"started"`
	Elapsed time.Duration `json:"elapsed_ns"`
	// Compiled describes the compiled program when the Compiled runner ran.
	Compiled *CompiledInfo `json:"compiled,omitempty"`
	// OtherCPU is the CPU time other processes used while the experiment
	// ran (/proc/stat's busy time minus this process's and its
	// children's); BusyChecked says it could be read. A busy machine
	// slows runs and lowers speedups.
	OtherCPU    time.Duration `json:"other_cpu_ns"`
	BusyChecked bool          `json:"busy_checked"`
	// Runs are the measured runs (warm-ups excluded) in the order they ran.
	Runs []*Run `json:"runs"`
	// Err is set when the experiment stopped early (interrupted, or a
	// run that could not start); Runs holds what finished before.
	Err error `json:"-"`
}

// CompiledInfo describes the program the compiled runner built.
type CompiledInfo struct {
	GoVersion string        `json:"go_version"`
	Race      bool          `json:"race,omitempty"`
	Binary    string        `json:"binary"`   // in the build cache, with its sources beside it
	Cached    bool          `json:"cached"`   // no build was needed
	BuildTime time.Duration `json:"build_ns"` // 0 when cached
}

// Summary aggregates the trials of one mode and worker count. Durations
// are medians over trials unless named otherwise.
type Summary struct {
	Mode    Mode   `json:"mode"`
	Runner  Runner `json:"runner"`
	Workers int    `json:"workers"`
	Trials  int    `json:"trials"`
	// Wall is the median wall time; WallMin and WallMax its range.
	Wall    time.Duration `json:"wall_ns"`
	WallMin time.Duration `json:"wall_min_ns"`
	WallMax time.Duration `json:"wall_max_ns"`
	// Speedup compares with the same mode's one-worker runs (0 when the
	// sweep has none): n·T(1)/T(n), or T(1)/T(n) for Divide experiments.
	Speedup float64 `json:"speedup"`
	// Spawn and Time are medians over every worker of every trial.
	Spawn time.Duration `json:"spawn_ns"`
	Time  time.Duration `json:"run_ns"`
	// User and System are the median CPU time of a whole run.
	User   time.Duration `json:"cpu_user_ns"`
	System time.Duration `json:"cpu_system_ns"`
	// Memory is the median memory per worker: heap bytes allocated plus
	// stack memory per worker in-process, peak RSS per child in process
	// mode (children whose RSS is unknown left out; 0 when none is known).
	Memory uint64 `json:"memory_bytes"`
	// PSS is the median proportional set size per child in process mode:
	// its RSS with the pages it shares (the binary) divided among the
	// processes that map them.
	PSS         uint64 `json:"pss_bytes,omitempty"`
	PeakThreads int    `json:"peak_threads"` // the largest over trials, of this process (the parent in process mode)
	// ChildThreads is the largest over trials of the children's total
	// OS threads at one moment, in process mode.
	ChildThreads int  `json:"peak_child_threads,omitempty"`
	Failed       int  `json:"failed"`         // failed workers over all trials
	Race         bool `json:"race,omitempty"` // built with -race
	Races        int  `json:"races"`          // DATA RACE reports over all trials (race builds)
}

// Summaries aggregates the runs per mode, runner and worker count, in mode
// order, then runner (interpreted first), then by worker count.
func (res *Results) Summaries() []Summary {
	type key struct {
		m Mode
		r Runner
		n int
	}
	groups := map[key][]*Run{}
	var keys []key
	for _, r := range res.Runs {
		k := key{r.Mode, r.Runner, r.N()}
		if r.N() == 0 {
			continue
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.m != b.m {
			return int(a.m) - int(b.m)
		}
		if a.r != b.r {
			return int(a.r) - int(b.r)
		}
		return a.n - b.n
	})
	type series struct {
		m Mode
		r Runner
	}
	out := make([]Summary, 0, len(keys))
	base := map[series]float64{}
	for _, k := range keys {
		runs := groups[k]
		s := Summary{Mode: k.m, Runner: k.r, Workers: k.n, Trials: len(runs)}
		var walls, users, syss, spawns, times, mems, psss []float64
		for _, r := range runs {
			walls = append(walls, float64(r.Wall))
			users = append(users, float64(r.User))
			syss = append(syss, float64(r.System))
			s.PeakThreads = max(s.PeakThreads, r.PeakThreads)
			s.ChildThreads = max(s.ChildThreads, r.ChildThreads)
			s.Races += len(r.Races)
			s.Race = s.Race || r.Race
			for _, w := range r.Workers {
				spawns = append(spawns, float64(w.Spawn))
				times = append(times, float64(w.Time))
				if w.Memory > 0 || k.m != Process { // 0 is unknown for a child
					mems = append(mems, float64(w.Memory))
				}
				if w.PSS > 0 {
					psss = append(psss, float64(w.PSS))
				}
				if w.Error != "" {
					s.Failed++
				}
			}
		}
		s.Wall = time.Duration(median(walls))
		s.WallMin = time.Duration(slices.Min(walls))
		s.WallMax = time.Duration(slices.Max(walls))
		s.User = time.Duration(median(users))
		s.System = time.Duration(median(syss))
		s.Spawn = time.Duration(median(spawns))
		s.Time = time.Duration(median(times))
		s.Memory = uint64(median(mems))
		s.PSS = uint64(median(psss))
		if k.n == 1 {
			base[series{k.m, k.r}] = float64(s.Wall)
		}
		out = append(out, s)
	}
	for i := range out {
		s := &out[i]
		if t1, ok := base[series{s.Mode, s.Runner}]; ok && s.Wall > 0 {
			s.Speedup = t1 / float64(s.Wall)
			if !res.Divide {
				s.Speedup *= float64(s.Workers)
			}
		}
	}
	return out
}

// csvHeader names the columns of CSV: one row per measured run.
var csvHeader = []string{"mode", "runner", "workers", "trial", "wall_ns", "cpu_user_ns", "cpu_system_ns",
	"spawn_median_ns", "spawn_max_ns", "run_median_ns", "memory_per_worker_bytes", "allocated_bytes",
	"peak_threads", "peak_child_threads", "failed", "pooled", "races", "error"}

// WriteCSV writes one row per measured run (see CSV).
func (res *Results) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, r := range res.Runs {
		var spawnMax time.Duration
		for _, w := range r.Workers {
			spawnMax = max(spawnMax, w.Spawn)
		}
		errText := ""
		if r.Err != nil {
			errText = r.Err.Error()
		}
		cw.Write([]string{
			r.Mode.String(), r.Runner.String(), strconv.Itoa(r.N()), strconv.Itoa(r.Trial),
			i64(r.Wall), i64(r.User), i64(r.System),
			f64(r.medianOf(func(w WorkerStats) float64 { return float64(w.Spawn) })), i64(spawnMax),
			f64(r.medianOf(func(w WorkerStats) float64 { return float64(w.Time) })),
			f64(r.medianOf(func(w WorkerStats) float64 { return float64(w.Memory) })),
			strconv.FormatUint(r.Allocated, 10), strconv.Itoa(r.PeakThreads), strconv.Itoa(r.ChildThreads),
			strconv.Itoa(len(r.Failed())), strconv.FormatBool(r.Pooled), strconv.Itoa(len(r.Races)), errText,
		})
	}
	cw.Flush()
	return cw.Error()
}

func i64(d time.Duration) string { return strconv.FormatInt(int64(d), 10) }
func f64(v float64) string       { return strconv.FormatFloat(v, 'f', 0, 64) }

// CSV returns the runs as CSV, one row per measured run, durations in
// nanoseconds and memory in bytes (columns: mode, runner, workers, trial, wall_ns,
// cpu_user_ns, cpu_system_ns, spawn_median_ns, spawn_max_ns,
// run_median_ns, memory_per_worker_bytes, allocated_bytes, peak_threads,
// peak_child_threads,
// failed, pooled, races, error).
func (res *Results) CSV() string {
	var b bytes.Buffer
	res.WriteCSV(&b)
	return b.String()
}

// JSON returns the results as indented JSON: the machine, every run with
// its workers, and the summaries. Durations are nanoseconds. A worker
// result that has no JSON form is written as its fmt %v text.
func (res *Results) JSON() string {
	type doc struct {
		*Results
		Error     string    `json:"error,omitempty"`
		Summaries []Summary `json:"summaries"`
	}
	d := doc{Results: res, Summaries: res.Summaries()}
	if res.Err != nil {
		d.Error = res.Err.Error()
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		c := *res
		c.Runs = nil
		for _, r := range res.Runs {
			r2 := *r
			r2.Workers = slices.Clone(r.Workers)
			for i := range r2.Workers {
				if v := r2.Workers[i].Result; v != nil {
					if _, err := json.Marshal(v); err != nil {
						r2.Workers[i].Result = fmt.Sprint(v)
					}
				}
			}
			c.Runs = append(c.Runs, &r2)
		}
		d.Results = &c
		b, _ = json.MarshalIndent(d, "", "  ")
	}
	return string(b)
}

// String renders the table of medians as text.
func (res *Results) String() string {
	var b strings.Builder
	if res.Err != nil {
		fmt.Fprintf(&b, "error: %v\n", res.Err)
	}
	sums := res.Summaries()
	if len(sums) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "mode\trunner\tworkers\twall\tmin\tmax\tspeedup\tspawn\tCPU user\tCPU sys\tmemory/worker\tthreads (parent+children)\tfailed\traces\t")
		for _, s := range sums {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t\n", s.Mode, s.Runner, s.Workers,
				formatDuration(s.Wall), formatDuration(s.WallMin), formatDuration(s.WallMax), speedupText(s.Speedup),
				formatDuration(s.Spawn), cpuText(s.User, s.Wall), cpuText(s.System, s.Wall), memoryText(s),
				threadsText(s.Mode, s.PeakThreads, s.ChildThreads), s.Failed, racesText(s))
		}
		tw.Flush()
	}
	fmt.Fprintf(&b, "medians of %d trials · %s · %s%s\n%s", res.Trials, res.Machine, res.runnerNote(), res.poolNote(), memoryNote)
	if res.cpuNoisy() {
		b.WriteString("\n" + cpuNote)
	}
	b.WriteString("\n" + res.busyNote())
	for _, r := range res.racyRuns() {
		fmt.Fprintf(&b, "\nDATA RACE in %s × %d (%s), trial %d, at %s", r.Mode, r.N(), r.Runner, r.Trial, strings.Join(r.raceLocations(), ", "))
	}
	for _, f := range res.firstErrors() {
		b.WriteString("\n" + f.String())
	}
	return b.String()
}

func speedupText(v float64) string {
	if v == 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + "×"
}

// tableHTML renders the medians as an HTML table with the machine line.
// It fits a notebook's 850 px column: width:100% with cells that wrap,
// one column per figure a reader compares (wall with its range, CPU
// user/sys together, failures with races), headers that break.
func (res *Results) tableHTML() string {
	var b strings.Builder
	sums := res.Summaries()
	th := `<th style="text-align:right;padding:2px 4px;vertical-align:bottom">`
	td := `<td style="text-align:right;padding:2px 4px">` // wraps at spaces only
	tdn := `<td style="text-align:right;padding:2px 4px;white-space:nowrap">`
	b.WriteString(`<table style="width:100%;max-width:850px;font-size:85%;border-collapse:collapse"><thead><tr>`)
	for _, h := range tableHeads {
		b.WriteString(th + h + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, s := range sums {
		b.WriteString("<tr>")
		fmt.Fprintf(&b, `<td style="text-align:left;padding:2px 6px;white-space:nowrap"><span style="color:%s">■</span> %s</td>`, modeColorHex(s.Mode), s.Mode)
		for _, c := range []string{s.Runner.String(), strconv.Itoa(s.Workers)} {
			b.WriteString(tdn + html.EscapeString(c) + "</td>")
		}
		fmt.Fprintf(&b, `%s%s <span style="color:#666;white-space:nowrap">(%s–%s)</span></td>`, td, html.EscapeString(formatDuration(s.Wall)),
			html.EscapeString(formatDuration(s.WallMin)), html.EscapeString(formatDuration(s.WallMax)))
		for _, c := range []string{speedupText(s.Speedup), formatDuration(s.Spawn)} {
			b.WriteString(tdn + html.EscapeString(c) + "</td>")
		}
		for _, c := range []string{cpuText(s.User, s.Wall) + " / " + cpuText(s.System, s.Wall), memoryText(s),
			threadsText(s.Mode, s.PeakThreads, s.ChildThreads)} {
			b.WriteString(td + html.EscapeString(c) + "</td>")
		}
		failed := strconv.Itoa(s.Failed)
		if s.Failed > 0 {
			failed = `<span style="color:#b00;font-weight:bold">` + failed + "</span>"
		}
		races := html.EscapeString(racesText(s))
		if s.Races > 0 {
			races = `<span style="color:#b00;font-weight:bold">` + races + "</span>"
		}
		b.WriteString(tdn + failed + " / " + races + "</td></tr>")
	}
	b.WriteString("</tbody></table>")
	fmt.Fprintf(&b, `<div style="color:#666;font-size:85%%;margin-top:4px">medians of %d trials · %s · %s · %s%s</div>`,
		res.Trials, html.EscapeString(res.Machine.String()), html.EscapeString(res.runnerNote()), memoryNote, res.poolNote())
	if res.cpuNoisy() {
		fmt.Fprintf(&b, `<div style="color:#666;font-size:85%%">%s</div>`, html.EscapeString(cpuNote))
	}
	color := "#666"
	if res.busy() {
		color = "#b00"
	}
	fmt.Fprintf(&b, `<div style="color:%s;font-size:85%%">%s</div>`, color, html.EscapeString(res.busyNote()))
	for _, f := range res.firstErrors() {
		fmt.Fprintf(&b, `<details style="margin-top:4px"><summary style="color:#b00">%s</summary><pre style="white-space:pre-wrap">%s</pre></details>`,
			html.EscapeString(f.String()), html.EscapeString(f.w.Error+"\n"+f.w.Stderr))
	}
	for _, r := range res.racyRuns() {
		fmt.Fprintf(&b, `<details style="margin-top:4px"><summary style="color:#b00;font-weight:bold">DATA RACE in %s × %d (%s), trial %d, at %s</summary><pre style="white-space:pre-wrap">%s</pre></details>`,
			r.Mode, r.N(), r.Runner, r.Trial, html.EscapeString(strings.Join(r.raceLocations(), ", ")),
			html.EscapeString(strings.Join(r.Races, "\n==================\n")))
	}
	return b.String()
}

// tableHeads are the columns of the HTML table.
var tableHeads = []string{"mode", "runner", "workers", "wall median (min–max)", "speedup", "spawn",
	"CPU user / sys", "memory / worker", "peak threads (parent+ children)", "failed / races"}

// Bundle displays the results as the table of medians with the machine
// line (text/html) and the text table (text/plain). The charts are a
// separate output, [Results.ChartBundle]; [Results.Bundles] gives both,
// and a notebook shows both for a Results that is a cell's final value
// or a %%spin cell's result.
func (res *Results) Bundle() display.Bundle {
	var b strings.Builder
	b.WriteString(`<div class="spinlab-results">`)
	if res.Err != nil {
		fmt.Fprintf(&b, `<div style="color:#b00;margin-bottom:4px">%s</div>`, html.EscapeString(res.Err.Error()))
	}
	b.WriteString(res.tableHTML())
	b.WriteString("</div>")
	return display.Bundle{Data: map[string]any{"text/plain": res.String(), "text/html": b.String()}}
}

// ChartBundle is the four charts as one image/png output: a 2× PNG of
// 1920×1392 pixels with metadata asking for 960×696 CSS pixels, so that
// it is crisp on HiDPI screens, and a text/plain description. A PNG of
// its own (not an <img> inside HTML) survives nbconvert to PDF and
// Markdown and front ends that sanitise HTML.
func (res *Results) ChartBundle() (display.Bundle, error) {
	png, err := res.chartsPNG()
	if err != nil {
		return display.Bundle{}, err
	}
	b := display.PNGBundle(png)
	b.Data["text/plain"] = fmt.Sprintf("<charts: wall time, speedup, memory per worker and spawn latency of %d configurations, %d×%d px>",
		len(res.Summaries()), gridPixelsW, gridPixelsH)
	b.Metadata = map[string]any{"image/png": map[string]any{"width": gridPixelsW, "height": gridPixelsH}}
	return b, nil
}

// Bundles are the outputs that display the results, in order: the charts
// (when there are runs to chart) and then [Results.Bundle]. When the
// charts cannot be drawn, the table says why.
func (res *Results) Bundles() []display.Bundle {
	if len(res.Summaries()) == 0 {
		return []display.Bundle{res.Bundle()}
	}
	chart, err := res.ChartBundle()
	if err != nil {
		b := res.Bundle()
		b.Data["text/html"] = fmt.Sprintf(`<div style="color:#b00">charts: %s</div>`, html.EscapeString(err.Error())) + b.Data["text/html"].(string)
		return []display.Bundle{b}
	}
	return []display.Bundle{chart, res.Bundle()}
}

// runnerNote says which runner made the figures: where only the
// interpreter ran, that they are yaegi's.
func (res *Results) runnerNote() string {
	interp, compiled := false, false
	for _, r := range res.Runs {
		interp = interp || r.Runner == Interpreted
		compiled = compiled || r.Runner == Compiled
	}
	note := ""
	switch {
	case compiled && interp:
		note = "interpreted by yaegi and compiled"
	case compiled:
		note = "compiled"
	default:
		return "interpreted by yaegi (runner=compiled for Go's own numbers)"
	}
	if c := res.Compiled; c != nil {
		note += " with " + c.GoVersion
		if c.Race {
			note += " -race (race-detector builds run 2–20× slower)"
		}
		if c.Cached {
			note += ", build cached"
		} else if c.BuildTime > 0 {
			note += ", built in " + roundDuration(c.BuildTime)
		}
	}
	return note
}

// racyRuns are the runs in which the race detector reported races.
func (res *Results) racyRuns() []*Run {
	var out []*Run
	for _, r := range res.Runs {
		if r.Racy() {
			out = append(out, r)
		}
	}
	return out
}

func racesText(s Summary) string {
	if !s.Race {
		return "–" // no race detector ran
	}
	return strconv.Itoa(s.Races)
}

func (res *Results) poolNote() string {
	for _, r := range res.Runs {
		if r.Pooled {
			return " · process workers came from a warm pool: spawn excludes process start-up"
		}
	}
	return ""
}

// threadsText is a peak thread count: in process mode the parent's and
// the children's, as "parent+children".
func threadsText(m Mode, parent, children int) string {
	if m != Process {
		return strconv.Itoa(parent)
	}
	if !childThreadsSampled {
		return strconv.Itoa(parent) + "+?"
	}
	return strconv.Itoa(parent) + "+" + strconv.Itoa(children)
}

// memoryNote says what the memory column counts.
const memoryNote = "memory/worker: heap allocated + stacks in-process; a child's peak RSS (with the binary's shared pages) and its PSS (its share of them) in process mode"

// memoryText is a summary's memory per worker: in process mode peak RSS
// and PSS, "?" when no child's RSS is known.
func memoryText(s Summary) string {
	if s.Mode != Process {
		return formatBytes(s.Memory)
	}
	rss := "?"
	if s.Memory > 0 {
		rss = formatBytes(s.Memory)
	}
	if s.PSS == 0 {
		return rss + " RSS"
	}
	return rss + " RSS, " + formatBytes(s.PSS) + " PSS"
}

// cpuNote is the caveat under tables with CPU figures below the noise floor.
var cpuNote = "~ CPU user/sys of runs under " + formatDuration(5*cpuTick) + " is clock-tick noise: the kernel splits CPU time into user and system per tick (" +
	formatDuration(cpuTick) + " at USER_HZ 100), so only their sum is exact"

// cpuText is a CPU time, marked "~" when the run is too short for its
// user/system split to mean anything.
func cpuText(d, wall time.Duration) string {
	if cpuNoisy(wall) {
		return "~" + formatDuration(d)
	}
	return formatDuration(d)
}

// cpuNoisy reports whether some summary's CPU split is below the noise floor.
func (res *Results) cpuNoisy() bool {
	for _, s := range res.Summaries() {
		if cpuNoisy(s.Wall) {
			return true
		}
	}
	return false
}

// firstError is the first failed worker of one configuration.
type firstError struct {
	r *Run
	w WorkerStats
}

func (f firstError) String() string {
	s := fmt.Sprintf("first error in %s × %d (%s), trial %d, worker %d: %s", f.r.Mode, f.r.N(), f.r.Runner, f.r.Trial, f.w.Worker, firstLine(f.w.Error))
	if at := errorLocation(f.w); at != "" && !strings.Contains(s, at) {
		s += " at " + at
	}
	return s
}

// errorLocation is the first cell or snippet position in a worker's error
// or stack ("cell[3]:2:5"), or "".
func errorLocation(w WorkerStats) string {
	for _, text := range []string{w.Error, w.Stderr} {
		if l := raceLocations(text); len(l) > 0 {
			return l[0]
		}
		for _, f := range strings.Fields(text) {
			if strings.HasPrefix(f, "cell[") || strings.HasPrefix(f, "snippet:") {
				return strings.TrimRight(f, ":,;)")
			}
		}
	}
	return ""
}

// firstErrors returns, per mode, runner and worker count, the first worker
// that failed, in the order the runs happened.
func (res *Results) firstErrors() []firstError {
	type key struct {
		m Mode
		r Runner
		n int
	}
	seen := map[key]bool{}
	var out []firstError
	for _, r := range res.Runs {
		k := key{r.Mode, r.Runner, r.N()}
		if seen[k] {
			continue
		}
		for _, w := range r.Workers {
			if w.Error != "" {
				seen[k] = true
				out = append(out, firstError{r, w})
				break
			}
		}
	}
	return out
}

// busyShare is above this share of the machine's CPU time, others' use
// makes the machine busy.
const busyShare = 0.10

// busy reports whether others used more than busyShare of the machine
// while the experiment ran.
func (res *Results) busy() bool {
	capacity := float64(res.Elapsed) * float64(max(1, res.Machine.NumCPU))
	return res.BusyChecked && capacity > 0 && float64(res.OtherCPU)/capacity > busyShare
}

// busyNote says how much CPU others used during the experiment.
func (res *Results) busyNote() string {
	if !res.BusyChecked || res.Elapsed <= 0 {
		return busyUncheckedNote
	}
	share := float64(res.OtherCPU) / (float64(res.Elapsed) * float64(max(1, res.Machine.NumCPU)))
	s := fmt.Sprintf("other processes used %s of CPU (%.0f%% of %d CPUs) during the %s experiment", formatDuration(res.OtherCPU), 100*share, res.Machine.NumCPU, roundDuration(res.Elapsed))
	if res.busy() {
		s += ": a BUSY machine, timings and speedups are lowered and claims about them not checked"
	}
	return s
}
