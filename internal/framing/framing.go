// Package framing is the wire format of spinlab's private channels (kernel
// ↔ evaluator, evaluator ↔ process-mode worker): each frame is a 4-byte
// big-endian length followed by that many bytes of JSON.
package framing

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// Encode returns v as one frame, ready for a single Write.
func Encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(len(b)))
	copy(buf[4:], b)
	return buf, nil
}

// Read reads one frame of at most max bytes from r and decodes it into v.
// It allocates what arrives rather than what the length prefix claims, so
// that four bad bytes cannot make a reader allocate up to max. An error
// before the first byte of the prefix is the reader's own (io.EOF when the
// peer has gone).
func Read(r io.Reader, max uint32, v any) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	size := binary.BigEndian.Uint32(hdr[:])
	if size > max {
		return fmt.Errorf("frame of %d bytes is over the %d-byte limit: the channel is corrupt", size, max)
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
