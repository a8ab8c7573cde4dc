package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"

	"github.com/spinlab/spinlab/kernel/kernelbench"
)

// benchKernelCommand is `spinlab bench-kernel`: it measures installed
// kernels side by side over the Jupyter protocol.
func benchKernelCommand(args []string) int {
	fs := flag.NewFlagSet("bench-kernel", flag.ContinueOnError)
	rounds := fs.Int("n", 5, "rounds: each kernel is started and measured `N` times, the kernels taking turns")
	executes := fs.Int("executes", 40, "trivial cells per kernel and round")
	completes := fs.Int("completes", 20, "complete_requests per kernel and round")
	streams := fs.Int("streams", 2, "10,000-line cells per kernel and round")
	plots := fs.Int("plots", 2, "plot cells per kernel and round (after a first one, reported apart)")
	timeout := fs.Duration("timeout", time.Minute, "bound on each request")
	quiet := fs.Bool("q", false, "no progress lines on stderr")
	fs.Usage = usageFunc("bench-kernel", `
Bench-kernel starts each KERNEL (a kernelspec name, as 'jupyter kernelspec
list' shows it, or a kernelspec directory) from its kernel.json with a
fresh connection file, as Jupyter does, and measures it over the Jupyter
protocol: memory of all the kernel's processes (the one its kernelspec
starts and every process below it) idle and after a round, as the sum of
their PSS (pages they share, such as one binary's, counted once) and of
their RSS (counted in each), then the RSS of the kernel process alone; cold start to kernel_info_reply, a
trivial cell's round trip, a cell printing 10,000 lines (each line
checked), complete_request and a 1,000-point line chart. The kernels take
turns round by round. The Markdown table (the README's) gives medians and
95th percentiles, their ratios against the first KERNEL, spinlab's target
for each ratio and whether it is met. A kernel whose plotting library is
missing (ipykernel without matplotlib) gets "–" in the plot rows and a
note saying what to install.

Example:
  spinlab install --prefix /tmp/sl
  JUPYTER_PATH=/tmp/sl/share/jupyter spinlab bench-kernel --n 5 python3 spinlab`, fs.PrintDefaults)
	if err := fs.Parse(args); err != nil {
		return helpOrUsage(err)
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "spinlab bench-kernel: name at least one KERNEL (see 'jupyter kernelspec list'); ratios are against the first")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg := kernelbench.Config{
		Kernels: fs.Args(), Rounds: *rounds, Executes: *executes, Completes: *completes,
		Streams: *streams, Plots: *plots, Timeout: *timeout,
	}
	if !*quiet {
		cfg.Progress = os.Stderr
	}
	start := time.Now()
	rep, err := kernelbench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "spinlab bench-kernel: %v\n", err)
		return 1
	}
	host, _ := os.Hostname()
	fmt.Printf("%s, %s, %d CPUs (%s), %s/%s, %d rounds in %.0fs\n\n",
		start.UTC().Format("2006-01-02 15:04 MST"), host, runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH,
		rep.Rounds, time.Since(start).Seconds())
	rep.WriteTable(os.Stdout)
	return 0
}

// cpuModel is the CPU's model name from /proc/cpuinfo, if known.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
