package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	be "encoding/binary"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// rawZMTP opens a raw connection to a kernel's port and sends a ZMTP 3.0
// greeting for the NULL mechanism; with socketType it also sends READY
// and reads the kernel's greeting and READY, so the handshake is done.
func rawZMTP(t *testing.T, port int, socketType string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	g := make([]byte, 64)
	g[0], g[9], g[10] = 0xff, 0x7f, 3
	copy(g[12:], "NULL")
	if socketType != "" {
		body := append([]byte("\x05READY\x0bSocket-Type"), be.BigEndian.AppendUint32(nil, uint32(len(socketType)))...)
		body = append(body, socketType...)
		g = append(append(g, 0x04, byte(len(body))), body...)
	}
	if _, err := conn.Write(g); err != nil {
		t.Fatal(err)
	}
	if socketType != "" {
		hs := make([]byte, 64+2)
		if _, err := io.ReadFull(conn, hs); err != nil {
			t.Fatalf("the kernel's greeting: %v", err)
		}
		if _, err := io.ReadFull(conn, make([]byte, hs[65])); err != nil {
			t.Fatalf("the kernel's READY: %v", err)
		}
	}
	conn.SetDeadline(time.Time{})
	return conn
}

// TestOversizedFramesAgainstTheBinary sends each port of the built
// kernel a frame header claiming 2^50 bytes, before the handshake and
// after it. zmq4 v0.17.0 allocated it at once: the kernel process died
// (makeslice panic on the accept goroutine) and took the session with it.
// Now the connections are cut and the session lives on.
func TestOversizedFramesAgainstTheBinary(t *testing.T) {
	c, kp := startKernel(t)
	c.Execute(`kept := 42`)
	info := c.ConnectionInfo()
	peers := map[kernel.Channel]string{kernel.Shell: "DEALER", kernel.Control: "DEALER", kernel.Stdin: "DEALER", kernel.IOPub: "SUB", kernel.Heartbeat: "REQ"}
	for _, handshake := range []bool{false, true} {
		for ch, peer := range peers {
			flags := byte(0x02) // a long message frame
			if !handshake {
				peer, flags = "", 0x06 // a long command: READY's place
			}
			conn := rawZMTP(t, info.Port(ch), peer)
			conn.Write(be.BigEndian.AppendUint64([]byte{flags}, 1<<50))
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.Copy(io.Discard, conn); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					t.Errorf("%s (handshake %v): the connection was not cut", ch, handshake)
				}
			}
			select {
			case <-kp.exited:
				t.Fatalf("the kernel died of a 2^50-byte frame on %s (handshake %v):\n%s", ch, handshake, tail(kp.stderr.String(), 2000))
			default:
			}
		}
	}
	if r := c.Execute(`kept`); hostileResult(r) != "42" {
		t.Errorf("kept = %q after the oversized frames", hostileResult(r))
	}
	if n := strings.Count(kp.stderr.String(), "frame is too large"); n != 2*len(peers) {
		t.Errorf("the kernel logged %d cut connections on stderr, want %d", n, 2*len(peers))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// vmRSS returns a process's resident set size in bytes.
func vmRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("cannot read /proc/%d/status: %v", pid, err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmRSS")
	return 0
}

// TestStalledSubscriberAgainstTheBinary is the Ctrl-Z'd jupyter console:
// an iopub subscriber that stops reading. With zmq4's PUB, output
// stopped after a few MB for every front end, idle never came, and the
// kernel's memory grew with each cell. Now a reading client gets all its
// output and idle for every cell, and the kernel's VmRSS levels off.
func TestStalledSubscriberAgainstTheBinary(t *testing.T) {
	cells := 12
	if testing.Short() {
		cells = 6
	}
	const size = 8 << 20 // under the supervisor's 10 MB per cell
	c, kp := startKernel(t)
	c.Timeout = 60 * time.Second
	pid := kp.cmd.Process.Pid
	c.Execute(`big := strings.Repeat("x", 1<<20)`)
	stalled := rawZMTP(t, c.ConnectionInfo().IOPubPort, "SUB")
	if tc, ok := stalled.(*net.TCPConn); ok {
		tc.SetReadBuffer(4 << 10)
	}
	stalled.Write([]byte{0x00, 0x01, 0x01}) // subscribe to everything
	// Wait until the subscription is in: the kernel's messages arrive.
	buf := make([]byte, 4096)
	for got, began := 0, time.Now(); got < 64; {
		c.KernelInfo()
		stalled.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		n, _ := stalled.Read(buf)
		got += n
		if time.Since(began) > 10*time.Second {
			t.Fatal("the raw subscriber receives nothing")
		}
	}
	rss0 := vmRSS(t, pid)
	var rss []int64
	for i := range cells {
		began := time.Now()
		r := c.Execute(fmt.Sprintf(`for range %d { fmt.Print(big) }`, size>>20))
		if r.Status != kernel.StatusOK || len(r.Stdout) != size {
			t.Fatalf("cell %d: %s with %d bytes of stdout, want ok with %d", i, r.Status, len(r.Stdout), size)
		}
		rss = append(rss, vmRSS(t, pid))
		t.Logf("cell %d: %d MiB in %v; kernel VmRSS %.1f MiB (%+.1f)", i, size>>20, time.Since(began).Round(time.Millisecond), float64(rss[i])/(1<<20), float64(rss[i]-rss0)/(1<<20))
	}
	// Bounded: the second half of the cells adds no more than slack to
	// the most the first half reached (the stalled subscriber's queue is
	// full by then), although each cell publishes another 8 MiB.
	// (Without the soft memory limit, GOGC=400 made 400% of the queue's
	// 32 MiB garbage: 350 MiB after 16 cells and still growing.) And
	// all of it stays within the soft limit plus what is not heap.
	half := cells / 2
	first, second := maxOf(rss[:half]), maxOf(rss[half:])
	if second > first+24<<20 || second > kernelMemoryLimit+64<<20 {
		t.Errorf("the kernel's VmRSS keeps growing with a stalled subscriber: %d MiB after %d cells, %d MiB after %d", first>>20, half, second>>20, cells)
	}
	if !strings.Contains(kp.stderr.String(), "a subscriber is not reading") {
		t.Errorf("no warning about the stalled subscriber on stderr")
	}
	kerneltestStillServes(t, c)
}

func maxOf(xs []int64) int64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = max(m, x)
	}
	return m
}

func kerneltestStillServes(t *testing.T, c *kerneltest.Client) {
	t.Helper()
	if r := c.Execute(`1+1`); hostileResult(r) != "2" {
		t.Errorf("1+1 = %q", hostileResult(r))
	}
	if err := c.Heartbeat(5 * time.Second); err != nil {
		t.Error(err)
	}
}
