package child

import (
	"errors"
	"os"

	"github.com/spinlab/spinlab/internal/framing"
)

// Conn is one end of a framed channel: Send writes frames to the other
// end, Receive reads the frames it wrote. Send is safe for concurrent
// use; one goroutine owns Receive.
type Conn struct {
	in  *os.File
	out *os.File
	r   *framing.Reader
	w   *framing.Writer
}

func newConn(in, out *os.File, max uint32) *Conn {
	return &Conn{in: in, out: out, r: framing.NewReader(in, max), w: framing.NewWriter(out)}
}

// Send writes v as one frame.
func (c *Conn) Send(v any) error { return c.w.WriteFrame(v) }

// Receive reads the next frame into v. io.EOF means the other end closed
// the channel (or exited) between frames.
func (c *Conn) Receive(v any) error { return c.r.ReadFrame(v) }

// SendWith writes v as one frame followed by attached as its attachment
// (see internal/framing); an empty attached sends the frame alone.
//
// A large attachment first grows the pipe's buffer (up to 1 MiB on Linux):
// with the default 64 KiB, each 64 KiB costs both ends a wake-up, which
// made the pipe the largest part of a payload's trip. Only then, so that
// many children with small frames do not take the user's pipe quota.
func (c *Conn) SendWith(v any, attached []byte) error {
	if len(attached) >= bigAttachment {
		growPipe(c.out, 1<<20)
	}
	return c.w.WriteFrameWith(v, attached)
}

// bigAttachment is the size from which SendWith grows the pipe.
const bigAttachment = 256 << 10

// ReceiveAttachment reads the attachment that the last frame Receive read
// announced.
func (c *Conn) ReceiveAttachment() ([]byte, error) { return c.r.ReadAttachment() }

// CloseSend closes the sending direction: the other end reads io.EOF
// after the frames already sent.
func (c *Conn) CloseSend() error { return c.out.Close() }

// Close closes both directions (what CloseSend closed already is no
// error).
func (c *Conn) Close() error {
	err1, err2 := c.in.Close(), c.out.Close()
	if errors.Is(err2, os.ErrClosed) {
		err2 = nil
	}
	return errors.Join(err1, err2)
}
