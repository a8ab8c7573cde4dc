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
//     as internal/framing documents.
//   - The child sends {"type":"ready","pid":P} as soon as it starts.
//     The parent sends one {"type":"run", program, worker, workers}.
//     The child evaluates it and answers {"type":"result", start, end,
//     value or error}, then exits. A pool child just waits for its run
//     frame; end of file on fd 3 tells it to exit quietly.
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
	Received int64           `json:"received,omitempty"` // run frame read (monotonic ns)
	Decoded  int64           `json:"decoded,omitempty"`  // its program decoded
	Start    int64           `json:"start,omitempty"`    // first instruction of the snippet
	End      int64           `json:"end,omitempty"`      // snippet done
	Value    json.RawMessage `json:"value,omitempty"`
	Error    string          `json:"error,omitempty"`
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

// readFrame reads the next frame with receive (a channel end's Receive).
func readFrame(receive func(any) error) (*frame, error) {
	f := new(frame)
	if err := receive(f); err != nil {
		if err == io.EOF {
			return nil, err
		}
		return nil, fmt.Errorf("worker protocol: %w", err)
	}
	return f, nil
}
