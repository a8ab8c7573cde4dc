package kernel

import (
	"bytes"
	"net"
	"testing"
)

// recordConn is a net.Conn that records each Write.
type recordConn struct {
	net.Conn
	writes [][]byte
}

func (c *recordConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

// TestZMTPConnHoldsWritesUntilTheMessageEnds feeds zmtpConn the writes
// zmq4 makes (greeting, then a header and a body per frame, headers
// split too) and checks that it writes the greeting at once, each
// complete message with one write, and every byte in order.
func TestZMTPConnHoldsWritesUntilTheMessageEnds(t *testing.T) {
	rc := &recordConn{}
	c := &zmtpConn{Conn: rc, greeting: zmtpGreetingLen}
	var all []byte
	write := func(p []byte) {
		t.Helper()
		all = append(all, p...)
		if n, err := c.Write(p); n != len(p) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	write(bytes.Repeat([]byte{'g'}, zmtpGreetingLen))
	if len(rc.writes) != 1 {
		t.Fatalf("greeting: %d writes, want 1", len(rc.writes))
	}
	// A command (READY): flag 0x04, short.
	write([]byte{0x04, 3})
	write([]byte("abc"))
	// A message of three frames: short, empty, long (split header).
	long := bytes.Repeat([]byte{'x'}, 300)
	write([]byte{zmtpMore, 2})
	write([]byte("id"))
	write([]byte{zmtpMore, 0})
	write([]byte{zmtpLong, 0, 0, 0})
	write([]byte{0, 0, 0, 1, 44})
	write(long[:100])
	write(long[100:])
	if len(rc.writes) != 3 {
		t.Fatalf("%d writes, want 3 (greeting, command, message)", len(rc.writes))
	}
	// A body beyond zmtpDirect goes out without being copied whole.
	big := bytes.Repeat([]byte{'y'}, zmtpDirect+10)
	write([]byte{zmtpLong, 0, 0, 0, 0, 0, 4, 0, 10})
	write(big)
	if got := bytes.Join(rc.writes, nil); !bytes.Equal(got, all) {
		t.Fatalf("the bytes written differ from the bytes given (%d vs %d)", len(got), len(all))
	}
	if c.inBody || len(c.out) != 0 {
		t.Fatal("bytes held back after the last frame")
	}
}

func TestBufferedEndpoint(t *testing.T) {
	for ep, want := range map[string]string{
		"tcp://127.0.0.1:5555": "spinlab-tcp://127.0.0.1:5555",
		"ipc:///tmp/k-1":       "spinlab-ipc:///tmp/k-1",
		"inproc://x":           "inproc://x",
	} {
		if got := bufferedEndpoint(ep); got != want {
			t.Errorf("bufferedEndpoint(%q) = %q, want %q", ep, got, want)
		}
	}
}
