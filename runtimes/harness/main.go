// Command harness is the main package of every program that spinlab's
// compiled runner builds (runtimes.Compiled). runtimes generates one more
// file beside it, cell.go, with the snippet (spinlabSnippet), its body as
// a benchmark loop (spinlabBench), the session's definitions it uses and
// the variables it names (spinlabSetVar). The harness speaks the worker
// protocol of runtimes/protocol.go on fds 3 and 4 and measures what the
// interpreted runner measures, with the same meaning per field. Results
// go back in runtimes' value encoding, which keeps their Go types:
// value.go is a generated copy of runtimes/value.go (go generate).
//
// It imports only the standard library: the program is built in a module
// of its own, which cannot import spinlab's internal packages.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// spinlabFrame is a frame of the worker protocol (runtimes' frame and
// compiledFrame, with the same JSON names).
type spinlabFrame struct {
	Type string `json:"type"`
	PID  int    `json:"pid,omitempty"`

	// run and bench
	Program *spinlabProgram `json:"program,omitempty"`
	Worker  int             `json:"worker"`
	Workers int             `json:"workers,omitempty"`
	Mode    string          `json:"mode,omitempty"` // goroutine or thread: run in this process; empty: one worker, then exit
	// Sync asks for spinlabSyncLine on stderr before the reply, so that
	// the parent knows it has read all the run wrote there (race reports).
	Sync bool `json:"sync,omitempty"`

	// result
	Received int64  `json:"received,omitempty"`
	Decoded  int64  `json:"decoded,omitempty"`
	Start    int64  `json:"start,omitempty"`
	End      int64  `json:"end,omitempty"`
	Error    string `json:"error,omitempty"`
	PeakRSS  int64  `json:"peak_rss,omitempty"`
	PSS      int64  `json:"pss,omitempty"`
	Private  int64  `json:"private,omitempty"`

	// Attached is the length of the value that follows a result frame
	// as an attachment (framing's: 4-byte length, raw bytes), in
	// runtimes' value encoding (value.go, spinlabvEncodeValue).
	Attached int `json:"attached,omitempty"`

	// run-result and bench-result
	Run *spinlabRun `json:"run,omitempty"`
	// Results holds each in-process worker's result in the value
	// encoding (base64 in the JSON), nil where a worker had none.
	Results [][]byte `json:"results,omitempty"`

	// value is a result frame's attachment.
	value []byte
	Bench *spinlabBenchResult `json:"bench,omitempty"`
}

type spinlabProgram struct {
	Vars []struct {
		Name  string `json:"name"`
		Value []byte `json:"value"`
	} `json:"vars,omitempty"`
}

// spinlabRun and spinlabWorker carry the JSON names of runtimes.Run and
// runtimes.WorkerStats, which the parent decodes them into.
type spinlabRun struct {
	Mode         string          `json:"mode"`
	Wall         time.Duration   `json:"wall_ns"`
	User         time.Duration   `json:"cpu_user_ns"`
	System       time.Duration   `json:"cpu_system_ns"`
	CPUPerWorker bool            `json:"cpu_per_worker"`
	Allocated    uint64          `json:"allocated_bytes"`
	Stacks       uint64          `json:"stack_bytes,omitempty"`
	PeakThreads  int             `json:"peak_threads"`
	Workers      []spinlabWorker `json:"workers"`

	results [][]byte // each worker's, for the frame's Results
}

type spinlabWorker struct {
	Worker int           `json:"worker"`
	PID    int           `json:"pid"`
	TID    int           `json:"tid,omitempty"`
	Spawn  time.Duration `json:"spawn_ns"`
	Time   time.Duration `json:"run_ns"`
	User   time.Duration `json:"cpu_user_ns"`
	System time.Duration `json:"cpu_system_ns"`
	Memory uint64        `json:"memory_bytes"`
	Error  string        `json:"error,omitempty"`
	Stderr string        `json:"stderr,omitempty"`

	// value is the snippet's result until it is encoded into Result.
	value any
	// The padding keeps what workers running on different Ps write
	// during a run (Spawn to value) off one another's cache lines, also
	// when the slice does not start on a line: false sharing cost about
	// 0.1µs of a goroutine-mode run of 8 workers.
	_ [64]byte
}

type spinlabBenchResult struct {
	N           int           `json:"n"`
	Total       time.Duration `json:"total_ns"`
	NsPerOp     float64       `json:"ns_per_op"`
	BytesPerOp  int64         `json:"bytes_per_op"`
	AllocsPerOp int64         `json:"allocs_per_op"`
}

func main() {
	// syscall.Exit, not os.Exit: under -race, os.Exit(0) and returning
	// from main turn a run that found races into exit status 66, and the
	// parent reports races from stderr itself.
	syscall.Exit(spinlabMain())
}

func spinlabMain() int {
	in, out, err := spinlabOpenChannel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab compiled worker:", err)
		return 2
	}
	if err := spinlabWriteFrame(out, &spinlabFrame{Type: "ready", PID: os.Getpid()}); err != nil {
		return 2
	}
	for {
		var f spinlabFrame
		if err := spinlabReadFrame(in, &f); err != nil {
			if errors.Is(err, io.EOF) {
				return 0 // the parent is done with this program
			}
			fmt.Fprintln(os.Stderr, "spinlab compiled worker:", err)
			return 2
		}
		received := spinlabNanotime()
		if f.Program != nil {
			for _, v := range f.Program.Vars {
				if err := spinlabSetVar(v.Name, v.Value); err != nil {
					fmt.Fprintf(os.Stderr, "spinlab compiled worker: decode variable %s: %v\n", v.Name, err)
					return 2
				}
			}
		}
		decoded := spinlabNanotime()
		var reply *spinlabFrame
		switch {
		case f.Type == "bench":
			reply = spinlabRunBench()
		case f.Type == "run" && f.Mode == "":
			reply = spinlabRunOne(f.Worker, f.Workers)
			reply.Received, reply.Decoded = received, decoded
		case f.Type == "run":
			run := spinlabRunInProcess(f.Mode, f.Workers)
			reply = &spinlabFrame{Type: "run-result", Run: run, Results: run.results}
		default:
			fmt.Fprintf(os.Stderr, "spinlab compiled worker: unexpected %q frame\n", f.Type)
			return 2
		}
		if f.Sync {
			os.Stderr.WriteString(spinlabSyncLine)
		}
		if err := spinlabWriteFrameWith(out, reply, reply.value); err != nil {
			return 2
		}
		if f.Type == "run" && f.Mode == "" {
			if reply.Error != "" {
				return 1
			}
			return 0
		}
	}
}

// spinlabOpenChannel is internal/child.Open by hand (see its package
// doc): the channel is on fds 3 and 4 when SPINLAB_CHANNEL says "3,4";
// SPINLAB_MEMORY_LIMIT is applied; both variables are removed, the
// channel moves to close-on-exec descriptors and /dev/null takes fds 3
// and 4, so that nothing the snippet runs inherits the channel and a
// snippet that closes fd 3 closes a placeholder.
func spinlabOpenChannel() (in, out *os.File, err error) {
	if os.Getenv("SPINLAB_CHANNEL") != "3,4" {
		return nil, nil, errors.New("no channel to a parent on file descriptors 3 and 4: this program is started by spinlab's compiled runner, not by hand")
	}
	os.Unsetenv("SPINLAB_CHANNEL")
	if v, ok := os.LookupEnv("SPINLAB_MEMORY_LIMIT"); ok {
		os.Unsetenv("SPINLAB_MEMORY_LIMIT")
		n, err := strconv.ParseUint(v, 10, 64)
		if err == nil {
			err = syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: n, Max: n})
		}
		if err != nil {
			return nil, nil, fmt.Errorf("memory limit %q: %w", v, err)
		}
	}
	files := [2]*os.File{}
	for i, fd := range []int{3, 4} {
		nfd, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 10)
		if errno != 0 {
			return nil, nil, fmt.Errorf("move the channel off fd %d: %w", fd, errno)
		}
		null, err := syscall.Open("/dev/null", syscall.O_RDWR|syscall.O_CLOEXEC, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("open /dev/null: %w", err)
		}
		err = spinlabDupCloexecTo(null, fd)
		syscall.Close(null)
		if err != nil {
			return nil, nil, fmt.Errorf("replace fd %d: %w", fd, err)
		}
		// Through the runtime's poller: a read waiting for the next
		// request holds no thread the snippet could use.
		syscall.SetNonblock(int(nfd), true)
		files[i] = os.NewFile(nfd, []string{"spinlab-from-parent", "spinlab-to-parent"}[i])
	}
	return files[0], files[1], nil
}

// spinlabSyncLine marks the end of a request's output on stderr; the
// parent does not pass it on.
const spinlabSyncLine = "\x00spinlab-sync\n"

// spinlabCall runs the snippet as one worker, turning a panic into an
// error that names the cell line it came from, with the stack.
func spinlabCall(worker, workers int) (v any, errText, stack string) {
	defer func() {
		if p := recover(); p != nil {
			st := string(debug.Stack())
			errText = fmt.Sprintf("panic: %v", p)
			if at := spinlabCellFrame(st); at != "" {
				errText += " [" + at + "]"
			}
			stack = st
		}
	}()
	return spinlabSnippet(worker, workers), "", ""
}

// spinlabCellFrame returns the innermost position in a cell in a stack
// ("cell[3]:4"), or "": the //line directives of cell.go put the cells'
// own lines into the binary.
func spinlabCellFrame(stack string) string {
	for _, line := range strings.Split(stack, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "cell[") && !strings.HasPrefix(line, "snippet:") {
			continue
		}
		if i := strings.LastIndex(line, " +0x"); i >= 0 {
			line = line[:i]
		}
		return line
	}
	return ""
}

// spinlabEncodeValue encodes a result in runtimes' value encoding, which
// keeps its Go type (value.go is a generated copy of runtimes/value.go).
func spinlabEncodeValue(v any) ([]byte, string) {
	if v == nil {
		return nil, ""
	}
	b, err := spinlabvEncodeValue(v)
	if err != nil {
		return nil, fmt.Sprintf("the result, a %T, cannot be sent back to the parent: %v", v, err)
	}
	return b, ""
}

// spinlabRunOne runs the snippet once as process-mode worker `worker`.
func spinlabRunOne(worker, workers int) *spinlabFrame {
	start := spinlabNanotime()
	v, errText, stack := spinlabCall(worker, workers)
	end := spinlabNanotime()
	res := &spinlabFrame{Type: "result", Worker: worker, Start: start, End: end, Error: errText}
	if stack != "" {
		os.Stderr.WriteString(stack)
	}
	if errText == "" {
		res.value, res.Error = spinlabEncodeValue(v)
	}
	res.PeakRSS = spinlabPeakRSS()
	res.PSS, res.Private = spinlabSmapsRollup()
	return res
}

// spinlabRunInProcess runs n workers as goroutines or locked threads, as
// runtimes' runInProcess does. Between t0 and the end of wg.Wait it does
// no more than the figures need: the clock before each go statement (the
// first worker's is t0 itself) and around each worker's snippet.
func spinlabRunInProcess(mode string, n int) *spinlabRun {
	thread := mode == "thread"
	r := &spinlabRun{Mode: mode, CPUPerWorker: thread && spinlabThreadCPUKnown, Workers: make([]spinlabWorker, n), results: make([][]byte, n)}
	pid := os.Getpid()
	for i := range r.Workers {
		r.Workers[i].Worker, r.Workers[i].PID = i, pid
	}
	sampler := spinlabStartSampler()
	cpu0 := spinlabRusage(syscall.RUSAGE_SELF)
	alloc0 := spinlabHeapAllocs()
	stack0 := spinlabStackBytes()
	var wg sync.WaitGroup
	wg.Add(n)
	t0 := spinlabNanotime()
	for i := range n {
		ws, asked := &r.Workers[i], spinlabAsked(i, t0)
		go func() {
			defer wg.Done()
			var c0 spinlabCPU
			if thread {
				runtime.LockOSThread() // never unlocked: the thread exits with the worker
				ws.TID = spinlabGettid()
				c0 = spinlabThreadCPU()
			}
			start := spinlabNanotime()
			ws.Spawn = time.Duration(start - asked)
			v, errText, stack := spinlabCall(i, n)
			ws.Time = time.Duration(spinlabNanotime() - start)
			ws.value = v
			if errText != "" {
				ws.Error, ws.Stderr = errText, stack
			}
			if thread {
				c := spinlabThreadCPU().sub(c0)
				ws.User, ws.System = c.user, c.sys
				sampler.sample()
			}
		}()
	}
	wg.Wait()
	r.Wall = time.Duration(spinlabNanotime() - t0)
	cpu := spinlabRusage(syscall.RUSAGE_SELF).sub(cpu0)
	r.User, r.System = cpu.user, cpu.sys
	r.Allocated = spinlabHeapAllocs() - alloc0
	// Always with /proc's count: the runtime's leaves threads out in
	// goroutine mode too (runtimes' threadSampler.finish).
	r.PeakThreads = sampler.finish(true)
	// Stack memory as runtimes' Run.Stacks, without the peak sampling:
	// growth over the run, at least one starting stack per worker.
	r.Stacks = uint64(n) * spinlabStartingStack()
	if s := spinlabStackBytes(); s > stack0 {
		r.Stacks = max(r.Stacks, s-stack0)
	}
	for i := range r.Workers {
		ws := &r.Workers[i]
		ws.Memory = (r.Allocated + r.Stacks) / uint64(n)
		if ws.Error == "" {
			r.results[i], ws.Error = spinlabEncodeValue(ws.value)
		}
		ws.value = nil
	}
	return r
}

// spinlabAsked is when worker i was asked to start: t0 for the first,
// which is the same moment, else now. (A function, so that the closure
// captures asked by value: a variable assigned twice would be captured by
// reference and cost an allocation per worker.)
func spinlabAsked(i int, t0 int64) int64 {
	if i == 0 {
		return t0
	}
	return spinlabNanotime()
}

// spinlabRunBench runs the snippet's body as a Go benchmark loop, so that
// ns/op, B/op and allocs/op are Go's own.
func spinlabRunBench() *spinlabFrame {
	var failure string
	r := testing.Benchmark(func(b *testing.B) {
		defer func() {
			if p := recover(); p != nil {
				failure = fmt.Sprintf("panic: %v", p)
				if at := spinlabCellFrame(string(debug.Stack())); at != "" {
					failure += " [" + at + "]"
				}
			}
		}()
		spinlabBench(b)
	})
	res := &spinlabFrame{Type: "bench-result", Error: failure, Bench: &spinlabBenchResult{
		N: r.N, Total: r.T, BytesPerOp: r.AllocedBytesPerOp(), AllocsPerOp: r.AllocsPerOp(),
	}}
	if r.N > 0 {
		res.Bench.NsPerOp = float64(r.T.Nanoseconds()) / float64(r.N)
	}
	return res
}
