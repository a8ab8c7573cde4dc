package kernelbench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
)

// The tests start the test binary itself as a kernel (TestMain serves a
// fake engine when fakeKernelEnv is set), from a kernelspec in a temporary
// JUPYTER_PATH, as bench-kernel starts real kernels.
const fakeKernelEnv = "KERNELBENCH_FAKE_KERNEL"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeKernelEnv); mode != "" {
		os.Exit(serveFake(mode, os.Args[len(os.Args)-1]))
	}
	os.Exit(m.Run())
}

// fakeGo answers the cells of the go workload as spinlab would; with
// mode "drop" its 10,000-line cell loses a line.
type fakeGo struct{ mode string }

func (f fakeGo) Info() kernel.Info {
	return kernel.Info{Implementation: "fake", Language: kernel.LanguageInfo{Name: "go"}}
}

func (f fakeGo) Execute(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) kernel.ExecuteReply {
	w, _ := WorkloadFor("go")
	switch req.Code {
	case w.Lines:
		var b strings.Builder
		for i := range LineCount {
			if f.mode == "drop" && i == 5000 {
				continue
			}
			fmt.Fprintln(&b, i)
		}
		out.Stream("stdout", b.String())
	case w.Plot:
		out.Display(kernel.DisplayData{Bundle: display.Bundle{Data: map[string]any{"image/png": "iVBOR", "text/plain": "plot"}}})
	case w.PlotSetup:
		if f.mode == "noplot" {
			return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{Name: "ImportError", Value: "no plotting here"}}
		}
	case w.Trivial:
	default:
		return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{Name: "Unknown", Value: req.Code}}
	}
	return kernel.ExecuteReply{Status: kernel.StatusOK}
}

func (fakeGo) Complete(ctx context.Context, code string, cursor int) (kernel.Completion, error) {
	return kernel.Completion{Matches: []string{"Printf", "Println"}, CursorStart: 4, CursorEnd: cursor}, nil
}

func (fakeGo) Inspect(ctx context.Context, code string, cursor, detail int) (kernel.Inspection, error) {
	return kernel.Inspection{}, nil
}

func (fakeGo) IsComplete(ctx context.Context, code string) (kernel.Completeness, error) {
	return kernel.Completeness{Status: "complete"}, nil
}

func (fakeGo) Shutdown(ctx context.Context, restart bool) error { return nil }

func serveFake(mode, connectionFile string) int {
	if mode == "sleep" {
		time.Sleep(10 * time.Minute)
		return 0
	}
	if mode == "twin" {
		// A kernel whose child is the same binary, as spinlab's
		// evaluator is: the two share its pages.
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		child := exec.Command(self, "sleep")
		child.Env = append(os.Environ(), fakeKernelEnv+"=sleep")
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer child.Process.Kill()
	}
	if mode == "child" {
		// A kernel with a process below it, as spinlab has its evaluator
		// and ipykernel may have subprocesses: the test ends it with the
		// kernel's process group.
		child := exec.Command("sleep", "600")
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer child.Process.Kill()
	}
	info, err := kernel.ReadConnectionFile(connectionFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	k, err := kernel.New(info, fakeGo{mode}, kernel.Options{ExitOnRestart: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := k.Serve(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// installFake writes a kernelspec for the fake kernel and points
// JUPYTER_PATH at it.
func installFake(t *testing.T, name, mode string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	dir := filepath.Join(data, "kernels", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	spec, _ := json.Marshal(map[string]any{
		"argv":         []string{exe, "-test.run=^$", "{connection_file}"},
		"display_name": "fake " + name,
		"language":     "go",
		"env":          map[string]string{fakeKernelEnv: mode},
	})
	if err := os.WriteFile(filepath.Join(dir, "kernel.json"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	old := os.Getenv("JUPYTER_PATH")
	t.Setenv("JUPYTER_PATH", data+string(os.PathListSeparator)+old)
	t.Setenv("JUPYTER_DATA_DIR", t.TempDir()) // not the user's own kernels
}

func TestRunMeasuresEveryFigure(t *testing.T) {
	installFake(t, "fake-a", "ok")
	installFake(t, "fake-b", "ok")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, Config{Kernels: []string{"fake-a", "fake-b"}, Rounds: 2, Executes: 3, Completes: 2, Streams: 1, Plots: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		FigColdStart: 2, FigFirstCell: 2, FigExecute: 6, FigComplete: 4, FigLines: 2,
		FigFirstPlot: 2, FigPlot: 2, FigRSSKernel: 2, FigRSSChild: 2, FigRSSTotal: 2, FigRSSAfter: 2, FigRSSAfterT: 2,
		FigPSSTotal: 2, FigPSSAfterT: 2,
	}
	if _, ok, _ := DistinctResident([]int{os.Getpid()}); ok {
		want[FigMemTotal], want[FigMemAfterT] = 2, 2
	}
	for _, k := range []string{"fake-a", "fake-b"} {
		for fig, n := range want {
			if got := len(rep.Samples[k][fig]); got != n {
				t.Errorf("%s: %d samples of %q, want %d", k, got, fig, n)
			}
		}
		if rss := rep.Samples[k][FigRSSKernel][0]; rss < 1<<20 {
			t.Errorf("%s: kernel RSS %v bytes", k, rss)
		}
	}
	var b strings.Builder
	rep.WriteTable(&b)
	for _, s := range []string{
		"| figure | fake-a p50 / p95 | fake-b p50 / p95 | ratio fake-b/fake-a p50 / p95 | target | met |\n| --- | ---: | ---: | ---: | --- | --- |\n",
		"| " + FigColdStart + " | ", " MB |", "× / ", "| ≤ 0.2× both | ", "Samples per kernel: ", FigPSSTotal + " 2, ", "Memory rows: \"each page once\" is",
	} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, b.String())
		}
	}
}

func TestRunFailsOnAMissingLine(t *testing.T) {
	installFake(t, "fake-drop", "drop")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := Run(ctx, Config{Kernels: []string{"fake-drop"}, Rounds: 1, Executes: 1, Completes: 1, Streams: 1, Plots: 1})
	if err == nil || !strings.Contains(err.Error(), "9999 lines arrived, want 10000") {
		t.Fatalf("Run = %v, want an error about the missing line", err)
	}
}

func TestRunSkipsPlotsWithoutAPlottingLibrary(t *testing.T) {
	installFake(t, "fake-noplot", "noplot")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, Config{Kernels: []string{"fake-noplot"}, Rounds: 1, Executes: 1, Completes: 1, Streams: 1, Plots: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rep.Samples["fake-noplot"][FigPlot]); n != 0 {
		t.Errorf("%d plot samples without a plotting library", n)
	}
	if len(rep.Samples["fake-noplot"][FigLines]) != 1 {
		t.Error("the rows before the plot are missing")
	}
	var b strings.Builder
	rep.WriteTable(&b)
	if !strings.Contains(b.String(), "plot rows skipped") || strings.Contains(b.String(), FigPlot) {
		t.Errorf("table:\n%s", b.String())
	}
}

func TestFindSpec(t *testing.T) {
	installFake(t, "fake-find", "ok")
	s, err := FindSpec("fake-find")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "fake-find" || s.Language != "go" || s.Env[fakeKernelEnv] != "ok" {
		t.Errorf("spec %+v", s)
	}
	if argv := s.command("/c.json"); argv[len(argv)-1] != "/c.json" {
		t.Errorf("argv %q: {connection_file} not filled in", argv)
	}
	if byDir, err := FindSpec(s.Dir); err != nil || byDir.Name != "fake-find" {
		t.Errorf("FindSpec(%q) = %+v, %v", s.Dir, byDir, err)
	}
	if _, err := FindSpec("no-such-kernel"); err == nil || !strings.Contains(err.Error(), "jupyter kernelspec list") {
		t.Errorf("missing kernel: %v", err)
	}
}

func TestCheckLines(t *testing.T) {
	var b strings.Builder
	for i := range LineCount {
		fmt.Fprintln(&b, i)
	}
	if err := checkLines(b.String()); err != nil {
		t.Error(err)
	}
	if err := checkLines(strings.Replace(b.String(), "\n42\n", "\n24\n", 1)); err == nil {
		t.Error("a wrong line passed")
	}
	if err := checkLines("0\n1\n"); err == nil {
		t.Error("two lines passed")
	}
}

func TestPercentile(t *testing.T) {
	s := []float64{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	for p, want := range map[float64]float64{50: 5, 95: 10, 10: 1, 100: 10, 0: 1} {
		if got := Percentile(s, p); got != want {
			t.Errorf("Percentile(%v) = %v, want %v", p, got, want)
		}
	}
	if s[0] != 5 {
		t.Error("Percentile sorted its input")
	}
}

func TestWorkloads(t *testing.T) {
	for _, lang := range []string{"go", "python", "Python"} {
		if w, err := WorkloadFor(lang); err != nil || w.Trivial == "" || w.Lines == "" || w.Complete == "" || w.Plot == "" {
			t.Errorf("WorkloadFor(%q) = %+v, %v", lang, w, err)
		}
	}
	if _, err := WorkloadFor("cobol"); err == nil {
		t.Error("cobol has a workload")
	}
}

// TestMemoryRowsComeFirstAndAddUp runs a kernel that has a child process:
// the all-process rows lead the table, and each total is the kernel's
// reading plus its children's, taken in the same pass.
func TestMemoryRowsComeFirstAndAddUp(t *testing.T) {
	installFake(t, "fake-parent", "child")
	installFake(t, "fake-base", "ok")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, Config{Kernels: []string{"fake-base", "fake-parent"}, Rounds: 2, Executes: 1, Completes: 1, Streams: 1, Plots: 1})
	if err != nil {
		t.Fatal(err)
	}
	mems := rep.Memory["fake-parent"]
	if len(mems) != 4 { // idle and after the round, two rounds
		t.Fatalf("%d memory readings, want 4", len(mems))
	}
	for i, m := range mems {
		if len(m.ChildPIDs) != 1 || len(m.ChildRSS) != 1 || m.ChildRSS[0] <= 0 {
			t.Errorf("reading %d: children %v %v, want the one sleep process", i, m.ChildPIDs, m.ChildRSS)
			continue
		}
		if m.Children != m.ChildRSS[0] || m.Total() != m.Kernel+m.ChildRSS[0] {
			t.Errorf("reading %d: total %d, kernel %d + child %d (children %d)", i, m.Total(), m.Kernel, m.ChildRSS[0], m.Children)
		}
	}
	s := rep.Samples["fake-parent"]
	for i, m := range mems {
		if !m.HasPSS || m.KernelPSS <= 0 || len(m.ChildPSS) != 1 || m.ChildPSS[0] <= 0 {
			t.Errorf("reading %d: PSS %v: kernel %d, children %v", i, m.HasPSS, m.KernelPSS, m.ChildPSS)
		}
		if m.TotalPSS() != m.KernelPSS+m.ChildPSS[0] {
			t.Errorf("reading %d: PSS total %d, kernel %d + child %d", i, m.TotalPSS(), m.KernelPSS, m.ChildPSS[0])
		}
	}
	if got, want := s[FigPSSTotal][0], float64(mems[0].TotalPSS()); got != want {
		t.Errorf("%s: %v, want the first reading's %v", FigPSSTotal, got, want)
	}
	for _, rows := range [][3]string{{FigRSSTotal, FigRSSKernel, FigRSSChild}, {FigRSSAfterT, FigRSSAfter, FigRSSChildAfter}} {
		for i := range s[rows[0]] {
			if tot, k, c := s[rows[0]][i], s[rows[1]][i], s[rows[2]][i]; tot != k+c || c <= 0 {
				t.Errorf("round %d: %s %v != %s %v + %s %v", i+1, rows[0], tot, rows[1], k, rows[2], c)
			}
		}
	}
	var b strings.Builder
	rep.WriteTable(&b)
	lines := strings.Split(b.String(), "\n")
	wantOrder := []string{FigPSSTotal, FigPSSAfterT, FigRSSTotal, FigRSSAfterT, FigRSSKernel, FigRSSAfter, FigRSSChild, FigRSSChildAfter, FigColdStart}
	if mems[0].HasDistinct {
		wantOrder = append([]string{FigMemTotal, FigMemAfterT}, wantOrder...)
	}
	for i, fig := range wantOrder {
		if row := lines[2+i]; !strings.HasPrefix(row, "| "+fig+" |") {
			t.Errorf("row %d is %q, want %q", i+1, row, fig)
		}
	}
}

// TestMemoryAgreesWithPs cross-checks ReadMemory against ps(1), which
// reads each process's resident pages from /proc/PID/stat, at the same
// moment.
func TestMemoryAgreesWithPs(t *testing.T) {
	if _, err := exec.LookPath("ps"); err != nil {
		t.Skip("no ps")
	}
	installFake(t, "fake-ps", "child")
	spec, err := FindSpec("fake-ps")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k, err := Start(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Stop()
	m, err := k.Memory()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.ChildPIDs) != 1 {
		t.Fatalf("children %v, want the sleep process", m.ChildPIDs)
	}
	type reading struct {
		PID int
		RSS int64
	}
	procs := []reading{{m.PID, m.Kernel}}
	var pids []string
	for i, pid := range m.ChildPIDs {
		procs = append(procs, reading{pid, m.ChildRSS[i]})
	}
	for _, p := range procs {
		pids = append(pids, strconv.Itoa(p.PID))
	}
	out, err := exec.Command("ps", "-o", "pid=,rss=", "-p", strings.Join(pids, ",")).Output()
	if err != nil {
		t.Fatal(err)
	}
	ps := map[int]int64{}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		pid, _ := strconv.Atoi(f[0])
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		ps[pid] = kb << 10
	}
	var psTotal int64
	for _, p := range procs {
		got, ok := ps[p.PID]
		if !ok {
			t.Fatalf("ps does not list pid %d:\n%s", p.PID, out)
		}
		psTotal += got
		// The two readings are moments apart; the kernel may touch a
		// few pages in between.
		if d := got - p.RSS; d > 1<<20 || d < -1<<20 {
			t.Errorf("pid %d: VmRSS %d kB, ps %d kB", p.PID, p.RSS>>10, got>>10)
		}
	}
	if d := psTotal - m.Total(); d > 2<<20 || d < -2<<20 {
		t.Errorf("total: ours %d kB, ps %d kB", m.Total()>>10, psTotal>>10)
	}
	// ps and VmRSS share the kernel's per-process counters;
	// smaps_rollup walks the page tables instead.
	for _, p := range procs {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", p.PID))
		if err != nil {
			t.Logf("no smaps_rollup: %v", err)
			break
		}
		var kb int64
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "Rss:"); ok {
				kb, _ = strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			}
		}
		if d := kb<<10 - p.RSS; d > 2<<20 || d < -2<<20 {
			t.Errorf("pid %d: VmRSS %d kB, smaps_rollup Rss %d kB", p.PID, p.RSS>>10, kb)
		}
		t.Logf("pid %d: VmRSS %d kB, smaps_rollup %d kB", p.PID, p.RSS>>10, kb)
	}
	t.Logf("ours %d kB (kernel %d kB + %d children), ps %d kB", m.Total()>>10, m.Kernel>>10, len(m.ChildPIDs), psTotal>>10)
}

// TestSharedPagesCountOnce runs a kernel whose child is the same
// binary, as spinlab's evaluator is: the sum of RSS counts the binary's
// pages that both map twice, the sum of PSS once, and each process's PSS
// agrees with the Pss of its mappings in /proc/PID/smaps (a reading of
// its own, mapping by mapping).
func TestSharedPagesCountOnce(t *testing.T) {
	installFake(t, "fake-twin", "twin")
	spec, err := FindSpec("fake-twin")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k, err := Start(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Stop()
	// Readings of a process that still starts would not agree: wait
	// until the twin sleeps (its RSS the same over three readings).
	kids := Descendants(k.PID)
	if len(kids) != 1 {
		t.Fatalf("children %v, want the twin", kids)
	}
	for last, same := int64(-1), 0; same < 3; time.Sleep(50 * time.Millisecond) {
		rss, err := RSS(kids[0])
		if err != nil {
			t.Fatal(err)
		}
		if rss == last {
			same++
		} else {
			last, same = rss, 0
		}
	}
	m, err := k.Memory()
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasPSS || len(m.ChildPIDs) != 1 {
		t.Fatalf("PSS %v, children %v: want the PSS of the kernel and its twin", m.HasPSS, m.ChildPIDs)
	}
	// Pages both processes map (the binary's, libc's): at least what
	// the smaller of the two maps from the binary, minus what it
	// touched alone, is counted twice by RSS. A megabyte is far below
	// what the Go runtime and package initialisation touch in each.
	if m.Total()-m.TotalPSS() < 1<<20 {
		t.Errorf("RSS total %d kB, PSS total %d kB: want PSS to count the shared binary once", m.Total()>>10, m.TotalPSS()>>10)
	}
	pids := append([]int{m.PID}, m.ChildPIDs...)
	pss := append([]int64{m.KernelPSS}, m.ChildPSS...)
	rss := append([]int64{m.Kernel}, m.ChildRSS...)
	for i, pid := range pids {
		if pss[i] > rss[i] {
			t.Errorf("pid %d: PSS %d kB above RSS %d kB", pid, pss[i]>>10, rss[i]>>10)
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
		if err != nil {
			t.Fatal(err)
		}
		var kb int64
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "Pss:"); ok {
				n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
				kb += n
			}
		}
		// Moments apart, and smaps rounds each mapping's share down.
		if d := kb<<10 - pss[i]; d > 1<<20 || d < -1<<20 {
			t.Errorf("pid %d: PSS %d kB, smaps mappings %d kB", pid, pss[i]>>10, kb)
		}
	}
	t.Logf("RSS %d + %d kB, PSS %d + %d kB", m.Kernel>>10, m.ChildRSS[0]>>10, m.KernelPSS>>10, m.ChildPSS[0]>>10)

	if !m.HasDistinct {
		t.Skip("no physical page numbers in /proc/PID/pagemap (needs CAP_SYS_ADMIN)")
	}
	// The union of the two processes' pages: at least either one's,
	// below their sum by what they share.
	if m.Distinct < max(m.Kernel, m.ChildRSS[0])-1<<20 || m.Distinct > m.Total()-1<<20 {
		t.Errorf("distinct pages %d kB; RSS %d + %d kB", m.Distinct>>10, m.Kernel>>10, m.ChildRSS[0]>>10)
	}
	// One process alone: its distinct pages are its RSS.
	child := m.ChildPIDs[0]
	one, ok, err := DistinctResident([]int{child})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if rss, _ := RSS(child); one-rss > 256<<10 || rss-one > 256<<10 {
		t.Errorf("pid %d: distinct pages %d kB, VmRSS %d kB", child, one>>10, rss>>10)
	}
	t.Logf("distinct pages %d kB", m.Distinct>>10)
}
