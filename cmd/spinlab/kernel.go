package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spinlab/spinlab/cmd/spinlab/internal/earlysignal"
	"github.com/spinlab/spinlab/kernel"
)

// kernelMemoryLimit is the kernel process's soft memory limit
// (runtime/debug.SetMemoryLimit): idle, the kernel holds about 25 MB.
const kernelMemoryLimit = 128 << 20

// kernelIdleRelease is how long the kernel waits, idle, before it
// collects its garbage and returns the free pages to the OS: with
// GOGC=400 the garbage of a large output would otherwise stay until the
// next requests allocate four times the live heap. Requests sent back to
// back start within it and cancel it.
const kernelIdleRelease = 200 * time.Millisecond

func kernelCommand(args []string) int {
	// Signals before anything else (package earlysignal has caught them
	// since the binary's init): a SIGINT or SIGTERM while the kernel
	// starts must not kill it.
	sigs := catchKernelSignals()
	defer earlysignal.Release()
	defer sigs.cancel()

	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	file := fs.String("f", "", "the `CONNECTION_FILE` Jupyter wrote (ports, key, transport)")
	level := fs.String("log-level", "warn", "what to log on stderr: `debug`, info, warn or error")
	fs.Usage = usageFunc("kernel", `
Kernel serves one Jupyter front end over the sockets of the connection file.
Cells run in a separate evaluator process that the kernel restarts when a
cell crashes it. Jupyter starts this command (see 'spinlab install'); SIGINT
interrupts the running cell, SIGTERM shuts the kernel down.`, fs.PrintDefaults)
	if err := fs.Parse(args); err != nil {
		return helpOrUsage(err)
	}
	if *file == "" {
		fmt.Fprintln(os.Stderr, "spinlab kernel: -f CONNECTION_FILE is required (Jupyter passes it; see 'spinlab kernel --help')")
		return 2
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(os.Stderr, "spinlab kernel: --log-level %q: want debug, info, warn or error\n", *level)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
	sigs.setLogger(logger)

	info, err := kernel.ReadConnectionFile(*file)
	if err != nil {
		fmt.Fprintf(os.Stderr, "spinlab kernel: %s\n", oneLine(err))
		return 1
	}
	if sigs.stopped() {
		return 0
	}

	// The kernel process only moves messages: collect its garbage less
	// often (trivial execute p95 1.0 → 0.7 ms; docs/performance.md).
	debug.SetGCPercent(400)
	// But not 400% of a large heap: big outputs, or an iopub subscriber
	// that stopped reading (its queue holds up to 32 MiB), would make
	// that hundreds of MB of garbage. Past this soft limit the collector
	// runs as often as it must to stay near it.
	debug.SetMemoryLimit(kernelMemoryLimit)
	engine, closeEngine := newEngineWith(logger)
	defer closeEngine()
	if sigs.stopped() {
		return 0
	}
	// jupyter_client restarts a kernel by a shutdown_request with restart
	// set, then a new process: exit on it, or every restart from a front
	// end would wait out jupyter_client's 5 s and a kill.
	// Idle after a request, the kernel gives back what it allocated
	// (a 10,000-line cell's messages): see kernelIdleRelease.
	k, err := kernel.New(info, engine, kernel.Options{Logger: logger, ExitOnRestart: true, IdleRelease: kernelIdleRelease})
	if err != nil {
		fmt.Fprintf(os.Stderr, "spinlab kernel: %s\n", oneLine(err))
		return 1
	}
	// A file without ports (0 or missing): the kernel picked its own,
	// which nobody could learn unless they are written back (ipykernel
	// does the same).
	if picked := k.ConnectionInfo(); picked != info {
		if err := kernel.WritePorts(*file, picked); err != nil {
			fmt.Fprintf(os.Stderr, "spinlab kernel: %s\n", oneLine(err))
			k.Close()
			return 1
		}
		logger.Info("wrote the ports the kernel picked to the connection file", "file", *file)
	}
	sigs.serving(k)
	if sigs.stopped() {
		k.Close()
		return 0
	}
	go watchParent(sigs.ctx, sigs.cancel, logger)

	if err := k.Serve(sigs.ctx); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "spinlab kernel: %s\n", oneLine(err))
		return 1
	}
	return 0
}

// kernelSignals is what SIGINT, SIGTERM and SIGHUP do to the kernel
// command, from its first line on: SIGINT interrupts the running cell
// (before the kernel serves there is none, and it is ignored); SIGTERM
// and SIGHUP cancel ctx, which ends the command cleanly at whatever step
// it is.
type kernelSignals struct {
	ctx    context.Context
	cancel context.CancelFunc
	log    atomic.Pointer[slog.Logger]
	k      atomic.Pointer[kernel.Kernel]
}

func catchKernelSignals() *kernelSignals {
	s := &kernelSignals{}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	// Until --log-level is read: warnings and errors, as its default.
	s.log.Store(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ints, stop := earlysignal.Handle(s.handle)
	if ints > 0 {
		s.log.Load().Info("SIGINT before the kernel started: no cell to interrupt", "count", ints)
	}
	if stop != nil {
		s.handle(stop)
	}
	return s
}

func (s *kernelSignals) setLogger(l *slog.Logger) { s.log.Store(l) }

// serving hands SIGINT on to k from now on.
func (s *kernelSignals) serving(k *kernel.Kernel) { s.k.Store(k) }

// stopped reports whether a SIGTERM or SIGHUP came.
func (s *kernelSignals) stopped() bool { return s.ctx.Err() != nil }

func (s *kernelSignals) handle(sig os.Signal) {
	log := s.log.Load()
	if sig == syscall.SIGINT {
		k := s.k.Load()
		if k == nil {
			log.Info("SIGINT while the kernel starts: no cell to interrupt")
			return
		}
		log.Info("SIGINT: interrupting the running cell")
		k.Interrupt()
		return
	}
	log.Info("shutting down", "signal", sig.String())
	s.cancel()
}

// watchParent cancels the kernel when the process that started it is gone
// (its parent changes), so that a kernel whose Jupyter died does not run
// on forever.
func watchParent(ctx context.Context, cancel context.CancelFunc, logger *slog.Logger) {
	ppid := os.Getppid()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != ppid {
				logger.Warn("the kernel's parent process is gone; shutting down", "parent", ppid)
				cancel()
				return
			}
		}
	}
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
