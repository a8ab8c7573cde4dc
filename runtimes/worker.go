package runtimes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spinlab/spinlab/internal/child"
)

// WorkerMain is the body of the `spinlab worker` command: it prepares
// its evaluator with prepare (an interpreter with the standard library
// loaded) before it says it is ready, so that a warm-pool child has done
// that work when the clock starts, as Python's forkserver has imported its
// modules (a cold child's prepare may do less: WorkerPooled tells them
// apart); then it reads one Program from its parent over the worker
// protocol, runs it as worker `worker` of `workers`, sends back the value
// of its last expression and its timings, and returns the process exit
// code: 0 on success, 1 if the snippet failed, 2 if the worker could not
// prepare or talk to its parent. cmd/spinlab calls
// os.Exit(runtimes.WorkerMain(ctx, interp.PrepareEvaluator)).
func WorkerMain(ctx context.Context, prepare func(context.Context) (Evaluator, error)) int {
	// The channel moves to close-on-exec descriptors: what the snippet
	// starts does not inherit it.
	conn, err := child.Open(maxFrame)
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker:", err)
		return 2
	}
	defer conn.Close()
	if os.Getenv(envWorkerPooled) == "1" {
		ctx = context.WithValue(ctx, pooledKey{}, true)
	}
	os.Unsetenv(envWorkerPooled) // not the snippet's
	eval, err := prepare(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker: prepare the evaluator:", err)
		return 2
	}
	if err := conn.Send(&frame{Type: frameReady, PID: os.Getpid()}); err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker: parent gone:", err)
		return 2
	}
	f, att, err := readFrame(conn.Receive, conn.ReceiveAttachment)
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
	p, err := decodeProgram(att)
	if err != nil {
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
	// The evaluator's decoding of the variables counts as decoding.
	decoded += m.decoding()
	res := &frame{Type: frameResult, Worker: f.Worker, Received: received, Decoded: decoded, Start: start, End: end, PeakRSS: peakRSS()}
	res.PSS, res.Private = smapsRollup()
	var value []byte
	if evalErr != nil {
		res.Error = evalErr.Error()
	} else if v != nil {
		t0 := monotonic()
		b, err := EncodeValue(v)
		res.Encode = monotonic() - t0
		if err != nil {
			res.Error = fmt.Sprintf("the result cannot be sent back to the parent: %v", err)
		} else {
			value, res.Attached = b, len(b)
		}
	}
	res.Sent = monotonic()
	if err := conn.SendWith(res, value); err != nil {
		fmt.Fprintln(os.Stderr, "spinlab worker: parent gone:", err)
		return 2
	}
	if res.Error != "" {
		return 1
	}
	return 0
}

type startKey struct{}

type pooledKey struct{}

// WorkerPooled reports whether the context WorkerMain gave prepare is a
// pool child's (ProcessOptions.Pool), which prepares before the clock
// starts; a cold child's start-up is its spawn time, so its prepare does
// only what the program cannot do without.
func WorkerPooled(ctx context.Context) bool {
	pooled, _ := ctx.Value(pooledKey{}).(bool)
	return pooled
}

type startMark struct {
	once   sync.Once
	at     int64
	decode int64
	mu     sync.Mutex
}

func (m *startMark) decoding() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.decode
}

// CountDecode adds d to the worker's decoding time (WorkerStats.Decode):
// an Evaluator reports with it, under the context WorkerMain gave it, the
// time it took to decode the program's variables and set its own. Elsewhere
// it does nothing.
func CountDecode(ctx context.Context, d time.Duration) {
	m, ok := ctx.Value(startKey{}).(*startMark)
	if !ok {
		return
	}
	m.mu.Lock()
	m.decode += int64(d)
	m.mu.Unlock()
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
