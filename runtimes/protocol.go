package runtimes

// The worker protocol, between a parent running process mode and each
// `spinlab worker` child it starts:
//
//   - The child's stdin is /dev/null; its stdout and stderr are pipes
//     whose lines the parent forwards (tagged "[wN] " when a run has
//     more than one worker). They carry only the user's output.
//   - fd 3 in the child reads frames from the parent; fd 4 writes frames
//     to the parent. A frame is a 4-byte big-endian length followed by
//     that many bytes of JSON (a frame value below).
//   - The child sends {"type":"ready","pid":P} as soon as it starts.
//     The parent sends one {"type":"run", program, worker, workers}.
//     The child evaluates it and answers {"type":"result", start, end,
//     value or error}, then exits. A pool child just waits for its run
//     frame; end of file on fd 3 tells it to exit quietly.
//   - Timestamps are CLOCK_MONOTONIC nanoseconds, which every process on
//     the machine shares, so the parent can measure spawn latency.
//   - $SPINLAB_WORKER_MEMORY (bytes), when set, is applied by the child
//     to itself with setrlimit(RLIMIT_AS) before anything else.

import (
	"encoding/binary"
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

	envMemoryLimit = "SPINLAB_WORKER_MEMORY"
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
}

func writeFrame(w io.Writer, f *frame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode %s frame: %w", f.Type, err)
	}
	buf := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(len(b)))
	copy(buf[4:], b)
	_, err = w.Write(buf)
	return err
}

func readFrame(r io.Reader) (*frame, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return nil, fmt.Errorf("worker protocol: frame of %d bytes is too large", n)
	}
	// Read what arrives rather than allocate what the header claims, so
	// that a lying length cannot make the reader allocate up to maxFrame.
	b, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, fmt.Errorf("worker protocol: short frame: %w", err)
	}
	if len(b) < int(n) {
		return nil, fmt.Errorf("worker protocol: short frame: %d of %d bytes", len(b), n)
	}
	f := new(frame)
	if err := json.Unmarshal(b, f); err != nil {
		return nil, fmt.Errorf("worker protocol: bad frame: %w", err)
	}
	return f, nil
}
