package runtimes

// The worker protocol, between a parent running process mode and each
// `spinlab worker` child it starts:
//
//   - The child's stdin is /dev/null; its stdout and stderr are pipes
//     whose lines the parent forwards (tagged "[wN] " when a run has
//     more than one worker). They carry only the user's output.
//   - The child has an internal/child channel to the parent (fds 3 and
//     4, vouched for by $SPINLAB_CHANNEL, moved to close-on-exec
//     descriptors by child.Open); each frame is a 4-byte big-endian
//     length followed by that many bytes of JSON (a frame value below),
//     as internal/framing documents. A frame whose "attached" member is
//     n > 0 is followed by an attachment of n bytes (internal/framing):
//     a payload in the binary value encoding of runtimes/value.go, sent
//     raw rather than base64 inside JSON.
//   - The child sends {"type":"ready","pid":P} once it has started and
//     prepared its interpreter; the parent waits for it before it sends
//     the program, so that the time the program spends in the pipe is
//     the pipe's, not the child's start-up.
//   - The parent sends one {"type":"run", worker, workers, attached}
//     with the Program attached (EncodeValue of a Program, each Var's
//     Value itself encoded by EncodeValue). A compiled child (the
//     harness) gets its variables as the JSON "program" member instead.
//   - The child evaluates it and answers {"type":"result", received,
//     decoded, start, end, encode_ns, sent, attached or error} with the
//     value of the snippet's last expression attached (EncodeValue:
//     it keeps its Go type; a compiled child encodes it with the
//     harness's generated copy of value.go), then exits. A pool child
//     just waits for its run frame; end of file on fd 3 tells it to
//     exit quietly.
//   - Timestamps are CLOCK_MONOTONIC nanoseconds, which every process on
//     the machine shares, so the parent can measure spawn latency.
//   - $SPINLAB_MEMORY_LIMIT (bytes), when set, is applied by the child
//     to itself with setrlimit(RLIMIT_AS) before anything else
//     (child.Open does it).

import (
	"encoding/json"
	"fmt"
	"io"
)

const (
	frameReady  = "ready"
	frameRun    = "run"
	frameResult = "result"

	// maxFrame bounds a frame so that a corrupt length cannot make the
	// reader allocate without limit.
	maxFrame = 1 << 30

	// EnvWorkerBin names the environment variable that overrides the
	// worker binary: when set (and ProcessOptions.Command is empty),
	// process mode runs "$SPINLAB_WORKER_BIN worker".
	EnvWorkerBin = "SPINLAB_WORKER_BIN"

	// envWorkerPooled is set to "1" in the environment of a pool child:
	// it prepares its evaluator before the clock starts, so it may do
	// more than a cold child, whose start-up is its spawn time
	// (WorkerPooled). The worker removes it from its environment.
	envWorkerPooled = "SPINLAB_WORKER_POOLED"
)

// frame is one message of the worker protocol.
type frame struct {
	Type string `json:"type"`
	PID  int    `json:"pid,omitempty"`

	// run
	Program json.RawMessage `json:"program,omitempty"`
	Worker  int             `json:"worker"`
	Workers int             `json:"workers,omitempty"`

	// result
	Received int64  `json:"received,omitempty"` // run frame read (monotonic ns)
	Decoded  int64  `json:"decoded,omitempty"`  // its program decoded
	Start    int64  `json:"start,omitempty"`    // first instruction of the snippet
	End      int64  `json:"end,omitempty"`      // snippet done
	Error    string `json:"error,omitempty"`
	// Attached is the length of the attachment that follows the frame:
	// a run frame's Program, a result frame's value.
	Attached int `json:"attached,omitempty"`
	// Encode is the child's time to encode its result (ns), Sent its
	// clock just before it wrote the result frame: with the parent's
	// decoding, the whole trip of a result.
	Encode int64 `json:"encode_ns,omitempty"`
	Sent   int64 `json:"sent,omitempty"`
	// PeakRSS is the child's own peak resident memory in bytes (VmHWM).
	// The parent prefers it to wait4's ru_maxrss, which on Linux also
	// counts the parent's memory that the child shared between fork and
	// exec.
	PeakRSS int64 `json:"peak_rss,omitempty"`
	// PSS and Private are the child's proportional set size and private
	// (clean+dirty) resident memory in bytes at the end of its run, from
	// /proc/self/smaps_rollup: RSS counts the binary's pages that every
	// child shares, PSS charges each child its share of them, Private
	// only what no other process maps.
	PSS     int64 `json:"pss,omitempty"`
	Private int64 `json:"private,omitempty"`
}

// readFrame reads the next frame with receive (a channel end's Receive)
// and, when it announces one, its attachment with attachment.
func readFrame(receive func(any) error, attachment func() ([]byte, error)) (*frame, []byte, error) {
	f := new(frame)
	if err := receive(f); err != nil {
		if err == io.EOF {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("worker protocol: %w", err)
	}
	if f.Attached < 0 {
		return nil, nil, fmt.Errorf("worker protocol: a %q frame announces an attachment of %d bytes", f.Type, f.Attached)
	}
	if f.Attached == 0 {
		return f, nil, nil
	}
	b, err := attachment()
	if err != nil {
		return nil, nil, fmt.Errorf("worker protocol: the attachment of a %q frame: %w", f.Type, err)
	}
	if len(b) != f.Attached {
		return nil, nil, fmt.Errorf("worker protocol: a %q frame announced %d attached bytes and %d came", f.Type, f.Attached, len(b))
	}
	return f, b, nil
}

// encodeProgram is the attachment of a run frame, in one allocation.
func encodeProgram(p Program) ([]byte, error) {
	size := 64 + len(p.Source) + len(p.Snippet)
	for _, v := range p.Vars {
		size += 16 + len(v.Name) + len(v.Type) + len(v.Value)
	}
	return appendValue(make([]byte, 0, size), p)
}

// decodeProgram reads a run frame's attachment.
func decodeProgram(b []byte) (Program, error) {
	var p Program
	err := DecodeValueInto(b, &p)
	return p, err
}
