// Package framing is the wire format of spinlab's private channels
// (kernel ↔ evaluator, evaluator ↔ process-mode or compiled worker).
//
// # Wire format
//
// A channel is a pair of byte streams (pipes), one per direction. On each,
// a frame is:
//
//	+----------------------------+---------------------------+
//	| length: 4 bytes, unsigned, | payload: length bytes,    |
//	| big-endian                 | one JSON value (RFC 8259, |
//	|                            | UTF-8), no trailing '\n'  |
//	+----------------------------+---------------------------+
//
// Frames follow each other with nothing in between. The payload is always
// a JSON object whose "type" member (a string) names the frame; the
// members beside it are defined by the protocol that uses the channel
// (interp/supervisor's evaluator protocol, runtimes' worker protocol).
// Unknown members are ignored. A length of 0 is not a valid frame (an
// empty payload is not JSON). A reader rejects a length above its
// protocol's bound (the evaluator protocol: 256 MiB, the worker protocol:
// 1 GiB) as a corrupt channel, and treats end of file before the first
// length byte as the peer having closed the channel; end of file inside a
// frame is an error.
//
// A writer must send each frame with a single write(2) call or hold a lock
// across its writes, so that frames from several goroutines never
// interleave. Encode returns the whole frame for that reason.
//
// A program that speaks a protocol without importing this package (the
// Go source that the compiled runner generates) matches it with
// encoding/binary.BigEndian.PutUint32 on a 4-byte header followed by
// json.Marshal's output, and reads with io.ReadFull of 4 bytes then of the
// length.
//
// # Attachments
//
// A protocol may follow a frame with an attachment: the same 4-byte
// length, then that many bytes that are not JSON (a binary payload, sent
// as it is rather than base64-encoded inside the JSON). The frame before
// it says that an attachment follows (the worker protocol: a non-zero
// "attached" member, its length); a reader reads it with ReadAttachment
// under the same bound, and a writer sends the frame and its attachment
// with WriteFrameWith, which holds the lock across both.
//
// How the two streams reach a child (file descriptors 3 and 4 and the
// environment variable that vouches for them) is internal/child's
// contract, documented there.
package framing

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sync"
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

// readRaw reads a 4-byte length of at most max and that many bytes,
// allocating what arrives.
func readRaw(r io.Reader, max uint32) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(hdr[:])
	if size > max {
		return nil, fmt.Errorf("frame of %d bytes is over the %d-byte limit: the channel is corrupt", size, max)
	}
	// Up to 16 MiB at once (virtual memory until the bytes arrive),
	// then doubling as they arrive, never beyond size: a lying length
	// costs at most 16 MiB more than what arrives, and a true one at
	// most one more copy of the payload.
	b := make([]byte, 0, min(size, 16<<20))
	for uint32(len(b)) < size {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), min(2*uint64(cap(b)), uint64(size)))
			copy(nb, b)
			b = nb
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil && uint32(len(b)) < size {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("short frame (%d of %d bytes): %w", len(b), size, err)
		}
	}
	return b, nil
}

// Writer writes frames to one stream; it is safe for concurrent use.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewWriter returns a Writer of frames to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// WriteFrame encodes v and writes it as one frame.
func (w *Writer) WriteFrame(v any) error {
	buf, err := Encode(v)
	if err != nil {
		return fmt.Errorf("encode a frame: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err = w.w.Write(buf)
	return err
}

// WriteFrameWith writes v as one frame and attached, when not empty, as
// the attachment that follows it, with no other frame in between.
func (w *Writer) WriteFrameWith(v any, attached []byte) error {
	buf, err := Encode(v)
	if err != nil {
		return fmt.Errorf("encode a frame: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(attached) == 0 {
		_, err = w.w.Write(buf)
		return err
	}
	if uint64(len(attached)) > 1<<32-1 {
		return fmt.Errorf("an attachment of %d bytes is over the 4 GiB frame limit", len(attached))
	}
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(attached)))
	if _, err := w.w.Write(buf); err != nil {
		return err
	}
	_, err = w.w.Write(attached)
	return err
}

// Reader reads frames of at most a given size from one stream, buffered.
// One goroutine owns it.
type Reader struct {
	r   *bufio.Reader
	max uint32
}

// NewReader returns a Reader of frames of at most max bytes from r.
func NewReader(r io.Reader, max uint32) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// ReadFrame reads the next frame into v, with Read's error contract.
func (r *Reader) ReadFrame(v any) error { return Read(r.r, r.max, v) }

// ReadAttachment reads the attachment that the last frame announced, of
// at most the Reader's bound. End of file before it is an error.
func (r *Reader) ReadAttachment() ([]byte, error) {
	b, err := readRaw(r.r, r.max)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return b, err
}
