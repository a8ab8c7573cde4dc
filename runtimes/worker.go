package runtimes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// WorkerMain is the body of the `spinlab worker` command: it reads one
// Program from its parent over the worker protocol, runs it with eval as
// worker `worker` of `workers`, sends back the value of its last
// expression and its timings, and returns the process exit code (0 on
// success, 1 if the snippet failed, 2 if the worker could not talk to its
// parent). cmd/spinlab calls os.Exit(runtimes.WorkerMain(ctx, interp.EvalProgram)).
func WorkerMain(ctx context.Context, eval Evaluator) int {
	return WorkerMainPrepared(ctx, func(context.Context) (Evaluator, error) { return eval, nil })
}

// WorkerMainPrepared is WorkerMain for an evaluator that is worth
// preparing before the program arrives (an interpreter with the standard
// library loaded): prepare runs before the worker says it is ready, so a
// warm-pool child has done that work when the clock starts, as Python's
// forkserver has imported its modules. A prepare error ends the worker
// with exit code 2.
func WorkerMainPrepared(ctx context.Context, prepare func(context.Context) (Evaluator, error)) int {
	in, out, err := controlFiles()
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker:", err)
		return 2
	}
	defer in.Close()
	defer out.Close()
	if s := os.Getenv(envMemoryLimit); s != "" {
		if err := limitMemory(s); err != nil {
			fmt.Fprintln(os.Stderr, "spinlab worker:", err)
			return 2
		}
	}
	eval, err := prepare(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker: prepare the evaluator:", err)
		return 2
	}
	if err := writeFrame(out, &frame{Type: frameReady, PID: os.Getpid()}); err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker: parent gone:", err)
		return 2
	}
	f, err := readFrame(in)
	if errors.Is(err, io.EOF) {
		return 0 // an idle pool child told to go away
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker:", err)
		return 2
	}
	received := monotonic()
	if f.Type != frameRun {
		fmt.Fprintf(os.Stderr, "spinlab worker: expected a run frame, got %q\n", f.Type)
		return 2
	}
	var p Program
	if err := json.Unmarshal(f.Program, &p); err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker: bad program:", err)
		return 2
	}

	decoded := monotonic()
	m := &startMark{}
	ctx = context.WithValue(ctx, startKey{}, m)
	v, evalErr := eval(ctx, p, f.Worker, f.Workers)
	end := monotonic()
	start := m.get()
	if start == 0 {
		start = received
	}
	res := &frame{Type: frameResult, Worker: f.Worker, Received: received, Decoded: decoded, Start: start, End: end, PeakRSS: peakRSS()}
	if evalErr != nil {
		res.Error = evalErr.Error()
	} else if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			res.Error = fmt.Sprintf("the result, a %T, cannot be sent back to the parent: %v", v, err)
		} else {
			res.Value = b
		}
	}
	if err := writeFrame(out, res); err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker: parent gone:", err)
		return 2
	}
	if res.Error != "" {
		return 1
	}
	return 0
}

// controlFiles returns the protocol's fds 3 (from the parent) and 4 (to
// the parent), checking that they exist.
func controlFiles() (in, out *os.File, err error) {
	for _, fd := range []int{3, 4} {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			return nil, nil, fmt.Errorf("no control channel on fd %d: the worker command is started by spinlab's process mode, not by hand", fd)
		}
	}
	// Through the runtime's poller, so that a read waiting for the next
	// request does not hold a thread the snippet's goroutines could use.
	unix.SetNonblock(3, true)
	unix.SetNonblock(4, true)
	return os.NewFile(3, "spinlab-from-parent"), os.NewFile(4, "spinlab-to-parent"), nil
}

func limitMemory(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("bad %s=%q: %w", envMemoryLimit, s, err)
	}
	lim := &unix.Rlimit{Cur: n, Max: n}
	if err := unix.Setrlimit(unix.RLIMIT_AS, lim); err != nil {
		return fmt.Errorf("setrlimit(RLIMIT_AS, %d): %w", n, err)
	}
	return nil
}

type startKey struct{}

type startMark struct {
	once sync.Once
	at   int64
	mu   sync.Mutex
}

func (m *startMark) get() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.at
}

// MarkStart records, for spawn latency, that the snippet's first
// instruction is about to run. An Evaluator calls it with the context
// WorkerMain gave it, after setting up its interpreter and just before
// running the snippet; without it, spawn latency ends when the worker
// received its program (so it excludes interpreter set-up). Elsewhere it
// does nothing.
func MarkStart(ctx context.Context) {
	m, ok := ctx.Value(startKey{}).(*startMark)
	if !ok {
		return
	}
	m.once.Do(func() {
		m.mu.Lock()
		m.at = monotonic()
		m.mu.Unlock()
	})
}

// peakRSS returns this process's peak resident memory in bytes, from the
// VmHWM line of /proc/self/status, or 0 if it cannot be read.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				return 0
			}
			kib, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				return 0
			}
			return kib * 1024
		}
	}
	return 0
}
