package main

// The frame reader and writer of the worker protocol, a std-only copy of
// spinlab's internal/framing (a compiled program cannot import spinlab's
// internal packages): a 4-byte big-endian length, then that many bytes of
// JSON. frame_test.go round-trips frames between the two.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// spinlabMaxFrame bounds a frame, as runtimes' maxFrame does.
const spinlabMaxFrame = 1 << 30

func spinlabEncodeFrame(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(len(b)))
	copy(buf[4:], b)
	return buf, nil
}

func spinlabWriteFrame(w io.Writer, v any) error {
	buf, err := spinlabEncodeFrame(v)
	if err != nil {
		return err
	}
	_, err = w.Write(buf)
	return err
}

// spinlabReadFrame reads one frame into v; io.EOF when the parent has gone.
func spinlabReadFrame(r io.Reader, v any) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	size := binary.BigEndian.Uint32(hdr[:])
	if size > spinlabMaxFrame {
		return fmt.Errorf("frame of %d bytes is over the %d-byte limit: the channel is corrupt", size, spinlabMaxFrame)
	}
	var b bytes.Buffer
	if n, err := io.CopyN(&b, r, int64(size)); err != nil {
		return fmt.Errorf("short frame (%d of %d bytes): %w", n, size, err)
	}
	if err := json.Unmarshal(b.Bytes(), v); err != nil {
		return fmt.Errorf("bad frame: %w", err)
	}
	return nil
}

// spinlabWriteFrameWith writes v and, when attachment is not nil, the
// attachment after it (framing's format: the same 4-byte length, then the
// raw bytes), with v's Attached set to its length, in one write.
func spinlabWriteFrameWith(w io.Writer, v *spinlabFrame, attachment []byte) error {
	if attachment == nil {
		return spinlabWriteFrame(w, v)
	}
	v.Attached = len(attachment)
	buf, err := spinlabEncodeFrame(v)
	if err != nil {
		return err
	}
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(attachment)))
	_, err = w.Write(append(buf, attachment...))
	return err
}
