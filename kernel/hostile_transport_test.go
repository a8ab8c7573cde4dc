package kernel_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// zmtpGreeting is a ZMTP 3.0 greeting for the NULL mechanism, as a
// client sends it: signature, version 3.0, "NULL", as-server 0, filler.
func zmtpGreeting() []byte {
	g := make([]byte, 64)
	g[0], g[9] = 0xff, 0x7f
	g[10], g[11] = 3, 0
	copy(g[12:32], "NULL")
	return g
}

// zmtpReady is a READY command frame announcing a socket type.
func zmtpReady(socketType string) []byte {
	body := []byte("\x05READY")
	body = append(body, byte(len("Socket-Type")))
	body = append(body, "Socket-Type"...)
	body = binary.BigEndian.AppendUint32(body, uint32(len(socketType)))
	body = append(body, socketType...)
	return append([]byte{0x04, byte(len(body))}, body...)
}

// zmtpLongHeader is the header of a long frame claiming size bytes.
func zmtpLongHeader(flags byte, size uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{flags | 0x02}, size)
}

// peerSocketType is the socket type a front end connects to a channel with.
var peerSocketType = map[kernel.Channel]string{
	kernel.Shell: "DEALER", kernel.Control: "DEALER", kernel.Stdin: "DEALER",
	kernel.IOPub: "SUB", kernel.Heartbeat: "REQ",
}

// dialChannel opens a raw connection to one of a kernel's sockets.
func dialChannel(t *testing.T, info kernel.ConnectionInfo, ch kernel.Channel) net.Conn {
	t.Helper()
	network, addr := "tcp", net.JoinHostPort(info.IP, strconv.Itoa(info.Port(ch)))
	if info.Transport == "ipc" {
		network, addr = "unix", info.IP+"-"+strconv.Itoa(info.Port(ch))
	}
	conn, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", ch, err)
	}
	return conn
}

// TestOversizedFramesAreCut sends, to each of the five sockets, a ZMTP
// greeting and then a frame header claiming more bytes than any message
// has: before the handshake (a command of 2^50 bytes) and after a
// complete NULL handshake (messages of 2^50 and 2^36 bytes). zmq4
// v0.17.0 allocated the claimed size at once: the first panicked
// (makeslice: len out of range) and the last ended the process (out of
// memory), with no key needed. Now the kernel cuts each connection, logs
// it, keeps answering, and leaks nothing.
func TestOversizedFramesAreCut(t *testing.T) {
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			c := kerneltest.NewServerWith(t, &hostileEngine{}, kerneltest.ServerOptions{Transport: transport})
			info := c.ConnectionInfo()
			c.KernelInfo()
			g0, fd0 := hostileResources(t)
			cases := []struct {
				name      string
				handshake bool
				header    []byte
			}{
				{"command of 2^50 bytes before the handshake", false, zmtpLongHeader(0x04, 1<<50)},
				{"message frame of 2^50 bytes after the handshake", true, zmtpLongHeader(0, 1<<50)},
				{"message frame of 2^36 bytes after the handshake", true, zmtpLongHeader(0, 1<<36)},
				{"second frame of 2^36 bytes after the handshake", true, append([]byte{0x01, 1, 'x'}, zmtpLongHeader(0, 1<<36)...)},
			}
			cuts := 0
			for _, tc := range cases {
				for _, ch := range []kernel.Channel{kernel.Shell, kernel.Control, kernel.Stdin, kernel.IOPub, kernel.Heartbeat} {
					conn := dialChannel(t, info, ch)
					conn.SetDeadline(time.Now().Add(10 * time.Second))
					if _, err := conn.Write(zmtpGreeting()); err != nil {
						t.Fatalf("%s, %s: greeting: %v", tc.name, ch, err)
					}
					if tc.handshake {
						if _, err := conn.Write(zmtpReady(peerSocketType[ch])); err != nil {
							t.Fatalf("%s, %s: READY: %v", tc.name, ch, err)
						}
						// The kernel's greeting and READY: the handshake is done.
						buf := make([]byte, 64+2)
						if _, err := io.ReadFull(conn, buf); err != nil {
							t.Fatalf("%s, %s: the kernel's greeting: %v", tc.name, ch, err)
						}
						if _, err := io.ReadFull(conn, make([]byte, buf[65])); err != nil || buf[64] != 0x04 {
							t.Fatalf("%s, %s: the kernel's READY (flags %#x): %v", tc.name, ch, buf[64], err)
						}
					}
					if _, err := conn.Write(tc.header); err != nil {
						t.Fatalf("%s, %s: header: %v", tc.name, ch, err)
					}
					// The kernel must close the connection (EOF or reset),
					// not wait for the claimed bytes.
					_, err := io.Copy(io.Discard, conn)
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						t.Errorf("%s, %s: the kernel kept the connection open, waiting for the claimed bytes", tc.name, ch)
					}
					conn.Close()
					cuts++
					if r := c.KernelInfo(); r.Status != kernel.StatusOK {
						t.Fatalf("%s, %s: kernel_info after it: %+v", tc.name, ch, r)
					}
				}
			}
			if r := c.Execute("after"); r.Status != kernel.StatusOK {
				t.Fatalf("a cell after the oversized frames: %s", r.Status)
			}
			if err := c.Heartbeat(5 * time.Second); err != nil {
				t.Error(err)
			}
			if got := strings.Count(c.KernelLog(), "frame is too large"); got != cuts {
				t.Errorf("the kernel logged %d cut connections, want %d:\n%s", got, cuts, c.KernelLog())
			}
			hostileWaitSettled(t, fmt.Sprintf("after %d oversized frames", cuts), g0, fd0, 5)
		})
	}
}

// TestLargeMessageUnderTheBoundPasses checks that the bound cuts nothing
// real: a message of 1,000 routing identities of 1,000 bytes and a
// frame of 32 MiB of code reaches the engine.
func TestLargeMessageUnderTheBoundPasses(t *testing.T) {
	size := 32 << 20
	if testing.Short() || hostileRace() {
		size = 8 << 20
	}
	eng := &hostileEngine{}
	c := kerneltest.NewServer(t, eng)
	c.Timeout = 60 * time.Second
	code := strings.Repeat("x", size)
	m := c.Message("execute_request", map[string]any{"code": code})
	ids := make([][]byte, 1000)
	for i := range ids {
		ids[i] = bytes.Repeat([]byte{'i'}, 1000)
	}
	c.SendRaw(kernel.Shell, append(ids, c.Frames(m)...)...)
	r := c.Execute("after")
	if r.Status != kernel.StatusOK {
		t.Fatalf("after: %s", r.Status)
	}
	if ran := eng.ran(); len(ran) != 2 || len(ran[0]) != len(code) {
		t.Fatalf("the engine ran %d cells (first %d bytes), want the %d MiB cell then the next", len(ran), len(ran[0]), size>>20)
	}
}

// stalledSubscriber connects to iopub with a raw ZMTP SUB that subscribes
// to everything, waits until the kernel's messages reach it (so the
// kernel knows the subscription), and then never reads again: a front
// end stopped with Ctrl-Z.
func stalledSubscriber(t *testing.T, c *kerneltest.Client) net.Conn {
	t.Helper()
	conn := dialChannel(t, c.ConnectionInfo(), kernel.IOPub)
	t.Cleanup(func() { conn.Close() })
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetReadBuffer(4 << 10) // fill up soon
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	msg := append(zmtpGreeting(), zmtpReady("SUB")...)
	msg = append(msg, 0x00, 0x01, 0x01) // subscribe to every topic
	if _, err := conn.Write(msg); err != nil {
		t.Fatalf("stalled subscriber: %v", err)
	}
	// The kernel's greeting and READY, then status messages once the
	// subscription is in: run cells until some arrive.
	buf := make([]byte, 4096)
	got, began := 0, time.Now()
	for got < 64+2+64 {
		c.KernelInfo()
		conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		n, err := conn.Read(buf)
		got += n
		if ne, ok := err.(net.Error); err != nil && !(ok && ne.Timeout()) {
			t.Fatalf("stalled subscriber: read: %v", err)
		}
		if time.Since(began) > 10*time.Second {
			t.Fatal("stalled subscriber: no iopub messages")
		}
	}
	conn.SetDeadline(time.Time{})
	return conn
}

// heapInUse returns the live heap after a GC, and VmRSS of this process
// (the cross-check that the operating system sees the same).
func heapInUse(t *testing.T) (heap, rss int64) {
	t.Helper()
	// FreeOSMemory collects and returns freed pages, so that VmRSS
	// follows the live heap instead of what the GC has not yet given back.
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				rss = kb << 10
			}
		}
	}
	return int64(m.HeapAlloc), rss
}

// TestStalledSubscriberHoldsNoOneUp connects an iopub subscriber that
// stops reading, then runs cells that print 20 MiB each from a client
// that reads. zmq4 v0.17.0's PUB wrote to each subscriber in turn with
// no deadline behind an unbounded queue: output stopped after a few MB
// for everyone, idle never came, and the queue grew with every message.
// Now the reading client gets all its output and idle, the stalled one's
// messages are dropped (logged once), and the kernel's memory stays
// bounded.
func TestStalledSubscriberHoldsNoOneUp(t *testing.T) {
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) { testStalledSubscriber(t, transport) })
	}
}

func testStalledSubscriber(t *testing.T, transport string) {
	cells, size := 4, 20<<20
	if testing.Short() || hostileRace() {
		cells, size = 2, 8<<20
	}
	c := kerneltest.NewServerWith(t, &hostileEngine{forget: true}, kerneltest.ServerOptions{Transport: transport})
	c.Timeout = 60 * time.Second
	c.Execute("warm up")
	g0, fd0 := hostileResources(t)
	heap0, rss0 := heapInUse(t)
	stalled := stalledSubscriber(t, c)
	var maxHeap, maxRSS int64
	for i := range cells {
		began := time.Now()
		r := c.Execute(fmt.Sprintf("flood %d", size))
		if r.Status != kernel.StatusOK || len(r.Stdout) != size {
			t.Fatalf("cell %d: %s with %d bytes of stdout, want ok with %d", i, r.Status, len(r.Stdout), size)
		}
		r = nil
		heap, rss := heapInUse(t)
		maxHeap, maxRSS = max(maxHeap, heap-heap0), max(maxRSS, rss-rss0)
		t.Logf("cell %d: %d MiB of output in %v; heap +%.1f MiB, VmRSS +%.1f MiB", i, size>>20, time.Since(began).Round(time.Millisecond), float64(heap-heap0)/(1<<20), float64(rss-rss0)/(1<<20))
	}
	// What the stalled subscriber may hold: its queue's byte bound (32
	// MiB), 1000 small messages, and one message in hand; plus slack.
	if limit := int64(80 << 20); maxHeap > limit || maxRSS > limit {
		t.Errorf("the heap grew by %d MiB (VmRSS by %d MiB) with a stalled subscriber after %d MiB of output (bound %d MiB)", maxHeap>>20, maxRSS>>20, cells*size>>20, limit>>20)
	}
	if total := cells * size; total > 40<<20 {
		if n := strings.Count(c.KernelLog(), "a subscriber is not reading"); n != 1 {
			t.Errorf("the kernel logged the stalled subscriber %d times, want once", n)
		}
	}
	stalled.Close()
	if r := c.Execute("after"); r.Status != kernel.StatusOK {
		t.Fatalf("after: %s", r.Status)
	}
	hostileWaitSettled(t, "after the stalled subscriber left", g0, fd0, 5)
}
