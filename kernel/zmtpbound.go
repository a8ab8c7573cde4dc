package kernel

import (
	"encoding/binary"
	"fmt"
)

// zmq4 v0.17.0 allocates a frame's body as soon as it has read the
// frame's header: a header that claims 2^50 bytes panics its accept or
// reader goroutine (makeslice: len out of range), one that claims 2^36
// bytes ends the process (runtime: out of memory). Neither needs a key:
// the header comes before any signature is checked, and even before the
// handshake. So every connection of the kernel's sockets follows the
// ZMTP framing of what it reads and cuts the connection at a header that
// claims more than the bounds below, before zmq4 has read that header
// in full.

const (
	// maxMessageSize bounds one ZMTP message: the sizes of its frames plus
	// frameCost for each. It is the bound of the evaluator's private
	// channel (interp/supervisor's maxFrame), through which every cell's
	// code and every output passes: a bigger Jupyter message could not
	// be carried further anyway. Real messages stay far below it (the
	// hostile tests send 64 MiB of code; stream output goes out in 1 MiB
	// pieces).
	maxMessageSize = 256 << 20
	// frameCost is what a frame costs zmq4 beyond its body: the slice
	// header it keeps per frame and the allocation's rounding. Counting
	// it bounds a message of millions of empty frames as well.
	frameCost = 64
	// maxCommandSize bounds a ZMTP command frame (READY, PING, ERROR):
	// their bodies are a socket type, an identity of at most 255 bytes,
	// a few properties, a ping context of at most 16 bytes.
	maxCommandSize = 64 << 10
	zmtpCommand    = 0x04
)

// inbound follows the ZMTP 3 stream a peer sends, as it is read: the
// 64-byte greeting, then frames (a flags byte, a 1- or 8-byte length, the
// body). It checks each frame's claimed length before the frame's header
// is handed on.
type inbound struct {
	greeting int     // greeting bytes still to come
	hdr      [9]byte // the frame header read so far
	nhdr     int
	body     uint64 // body bytes of the current frame still to come
	command  bool   // the current frame is a command
	more     bool   // the current frame is not the last of its message
	msg      uint64 // what the current message costs so far
	commands int    // commands read in full; the first ends the handshake
}

func newInbound() inbound { return inbound{greeting: zmtpGreetingLen} }

// frameTooLargeError reports a frame header that claims more than the
// bounds allow.
type frameTooLargeError struct {
	command   bool
	claimed   uint64 // the frame's claimed length
	message   uint64 // what the message claimed before this frame
	limit     uint64
	handshake bool // before the peer's handshake ended
}

func (e *frameTooLargeError) Error() string {
	kind := "message frame"
	if e.command {
		kind = "command frame"
	}
	when := "after the handshake"
	if e.handshake {
		when = "during the handshake"
	}
	if e.message > 0 {
		return fmt.Sprintf("zmtp %s %s claims %d bytes after %d bytes of its message; the limit is %d", kind, when, e.claimed, e.message, e.limit)
	}
	return fmt.Sprintf("zmtp %s %s claims %d bytes; the limit is %d", kind, when, e.claimed, e.limit)
}

// feed checks the next bytes read and returns how many of them may be
// handed on: all of them, or, when a frame header claims too much, those
// before that header (none, if the header began in an earlier read) with
// a *frameTooLargeError. After an error the stream is not to be read on.
func (in *inbound) feed(p []byte) (int, error) {
	i := 0
	for i < len(p) {
		switch {
		case in.greeting > 0:
			k := min(in.greeting, len(p)-i)
			in.greeting -= k
			i += k
		case in.body > 0:
			k := int(min(in.body, uint64(len(p)-i)))
			in.body -= uint64(k)
			i += k
			if in.body == 0 {
				in.endFrame()
			}
		default:
			in.hdr[in.nhdr] = p[i]
			in.nhdr++
			i++
			want := 2
			if in.hdr[0]&zmtpLong != 0 {
				want = 9
			}
			if in.nhdr < want {
				continue
			}
			in.nhdr = 0
			flags := in.hdr[0]
			size := uint64(in.hdr[1])
			if want == 9 {
				size = binary.BigEndian.Uint64(in.hdr[1:9])
			}
			if err := in.admit(flags, size); err != nil {
				return max(i-want, 0), err
			}
			in.body = size
			if size == 0 {
				in.endFrame()
			}
		}
	}
	return len(p), nil
}

// admit checks a frame header against the bounds and starts its frame.
func (in *inbound) admit(flags byte, size uint64) error {
	if flags&zmtpCommand != 0 {
		if size > maxCommandSize {
			return &frameTooLargeError{command: true, claimed: size, limit: maxCommandSize, handshake: in.commands == 0}
		}
		in.command, in.more = true, false
		return nil
	}
	// size is checked alone first: size+in.msg could overflow.
	if size > maxMessageSize || in.msg+size+frameCost > maxMessageSize {
		return &frameTooLargeError{claimed: size, message: in.msg, limit: maxMessageSize, handshake: in.commands == 0}
	}
	in.command, in.more = false, flags&zmtpMore != 0
	in.msg += size + frameCost
	return nil
}

func (in *inbound) endFrame() {
	switch {
	case in.command:
		in.commands++
	case !in.more:
		in.msg = 0
	}
}

// handshook reports whether the peer's greeting and first command (READY,
// for the NULL mechanism) have been read.
func (in *inbound) handshook() bool { return in.commands > 0 }
