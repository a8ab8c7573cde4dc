// Package earlysignal catches SIGINT, SIGTERM and SIGHUP for `spinlab
// kernel` from the binary's package initialisation on, long before main.
//
// Until a Go program calls signal.Notify, SIGINT and SIGTERM end it. The
// spinlab binary imports yaegi's symbol tables, gonum/plot and their
// dependencies, whose package initialisation takes 60-90 ms of CPU; on a
// loaded machine main ran 180-390 ms after exec (GODEBUG=inittrace=1),
// and kernelCommand's own signal.Notify came later still, after the
// connection file was read. A SIGINT or SIGTERM in that window killed the
// kernel. Go initialises packages in the order of their import paths,
// each as soon as its imports are: this package needs only os, os/signal
// and syscall, so its init runs right after os/signal's, among the first
// of the binary's 170 packages. What remains is the runtime's own start
// and the few packages before it.
//
// The signals caught before the kernel command takes them over are kept
// for it: SIGINTs are counted (there is no cell to interrupt yet), and
// the first SIGTERM or SIGHUP is handed over, for a clean exit.
package earlysignal

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

var (
	mu      sync.Mutex
	ch      chan os.Signal // nil when not catching
	handler func(os.Signal)
	ints    int       // SIGINTs before a handler was set
	stop    os.Signal // the first SIGTERM or SIGHUP before a handler was set
)

func init() {
	// Only the kernel: eval and worker have signal handling of their own,
	// and the other commands want Go's default (Ctrl-C ends them).
	if len(os.Args) > 1 && os.Args[1] == "kernel" {
		catch()
	}
}

// catch starts catching the signals, unless it already does. Called by
// init (no lock needed) or with mu held.
func catch() {
	if ch != nil {
		return
	}
	// Buffered: signal.Notify drops what does not fit, and the goroutine
	// below may not have run yet when a burst comes.
	c := make(chan os.Signal, 16)
	ch = c
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for s := range c {
			mu.Lock()
			h := handler
			if h == nil {
				switch {
				case s == syscall.SIGINT:
					ints++
				case stop == nil:
					stop = s
				}
			}
			mu.Unlock()
			if h != nil {
				h(s)
			}
		}
	}()
}

// Handle makes f the handler of SIGINT, SIGTERM and SIGHUP from now on,
// catching them from now on if init did not (the kernel command run
// in-process). f is called from one goroutine, one signal at a time. It
// returns what came before: how many SIGINTs, and the first SIGTERM or
// SIGHUP (nil if none), which the caller is to act on.
func Handle(f func(os.Signal)) (earlyInterrupts int, earlyStop os.Signal) {
	mu.Lock()
	defer mu.Unlock()
	catch()
	handler = f
	earlyInterrupts, earlyStop = ints, stop
	ints, stop = 0, nil
	return earlyInterrupts, earlyStop
}

// Release gives the signals back to Go's default handling.
func Release() {
	mu.Lock()
	defer mu.Unlock()
	if ch == nil {
		return
	}
	signal.Stop(ch)
	close(ch)
	ch, handler = nil, nil
}
