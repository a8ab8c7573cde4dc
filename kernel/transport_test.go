package kernel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"testing"
	"time"
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

// TestInboundBounds feeds inbound ZMTP streams split at every byte and
// checks where it stops: before the last byte of a header that claims
// too much (before its first byte when the header comes in one read), so
// that zmq4 never has the whole header; and nowhere for streams within
// the bounds.
func TestInboundBounds(t *testing.T) {
	greeting := make([]byte, zmtpGreetingLen)
	ready := []byte{zmtpCommand, 5, 'R', 'E', 'A', 'D', 'Y'}
	long := func(flags byte, n uint64) []byte {
		return binary.BigEndian.AppendUint64([]byte{flags | zmtpLong}, n)
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name   string
		stream []byte
		cutAt  int // -1: no cut
	}{
		{"handshake and small message", cat(greeting, ready, []byte{zmtpMore, 1, 'a', 0, 0}), -1},
		{"huge command before the handshake", cat(greeting, long(zmtpCommand, 1<<50)), zmtpGreetingLen},
		{"command just over its bound", cat(greeting, long(zmtpCommand, maxCommandSize+1)), zmtpGreetingLen},
		{"huge frame after the handshake", cat(greeting, ready, long(0, 1<<36)), zmtpGreetingLen + len(ready)},
		{"frame at the bound", cat(greeting, ready, long(0, maxMessageSize-frameCost)), -1},
		{"frame over the bound", cat(greeting, ready, long(0, maxMessageSize-frameCost+1)), zmtpGreetingLen + len(ready)},
		{"max uint64", cat(greeting, ready, long(0, ^uint64(0))), zmtpGreetingLen + len(ready)},
		{"message over the bound in its second frame", cat(greeting, ready, []byte{zmtpMore, 0}, long(0, maxMessageSize-frameCost)), zmtpGreetingLen + len(ready) + 2},
		{"message bound resets after the last frame", cat(greeting, ready, []byte{0, 0}, long(0, maxMessageSize-frameCost)), -1},
	}
	for _, tc := range tests {
		for _, step := range []int{1, 3, 9, len(tc.stream)} {
			in := newInbound()
			passed, cut := 0, false
			for i := 0; i < len(tc.stream) && !cut; i += step {
				n, err := in.feed(tc.stream[i:min(i+step, len(tc.stream))])
				passed += n
				if err != nil {
					cut = true
					var fe *frameTooLargeError
					if !errors.As(err, &fe) {
						t.Errorf("%s: error %v is no frameTooLargeError", tc.name, err)
					}
				}
			}
			switch {
			case tc.cutAt < 0 && cut:
				t.Errorf("%s (step %d): cut after %d bytes of a stream within the bounds", tc.name, step, passed)
			case tc.cutAt >= 0 && !cut:
				t.Errorf("%s (step %d): not cut", tc.name, step)
			case cut && passed >= tc.cutAt+9:
				t.Errorf("%s (step %d): %d bytes handed on, the whole header at %d", tc.name, step, passed, tc.cutAt)
			case cut && step == len(tc.stream) && passed != tc.cutAt:
				t.Errorf("%s (step %d): %d bytes handed on, past the header at %d", tc.name, step, passed, tc.cutAt)
			}
		}
	}
}

// TestSendQueueCutsAStalledPeer checks the write deadline: a peer that
// takes no bytes for the stall time is cut, and later pushes fail so that
// zmq4 forgets the connection; until then the queue drops whole messages
// at its bound.
func TestSendQueueCutsAStalledPeer(t *testing.T) {
	a, b := net.Pipe() // synchronous: b never reads, so writes stall at once
	defer b.Close()
	q := newSendQueue(a, slog.New(slog.DiscardHandler), IOPub, 100*time.Millisecond)
	for range queueMessages + 10 {
		if err := q.push([]byte("m")); err != nil {
			t.Fatalf("push before the cut: %v", err)
		}
	}
	q.mu.Lock()
	queued, dropped := len(q.msgs), q.dropped
	q.mu.Unlock()
	// The drain may hold one message in hand, stuck in its write.
	if queued > queueMessages || dropped < 9 || queued+int(dropped) < queueMessages+9 {
		t.Errorf("%d queued and %d dropped of %d, want at most %d queued and the rest dropped", queued, dropped, queueMessages+10, queueMessages)
	}
	select {
	case <-q.done:
	case <-time.After(5 * time.Second):
		t.Fatal("a peer that reads nothing was not cut")
	}
	var ne net.Error
	if err := q.push([]byte("m")); !errors.As(err, &ne) || ne.Timeout() {
		t.Errorf("push after the cut: %v, want a net.Error that is no timeout", err)
	}
	q.close()
}
