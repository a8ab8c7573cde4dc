package kernel_test

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// zmtpMessage encodes frames as one ZMTP message: every frame but the
// last has the MORE flag, and frames over 255 bytes the LONG one.
func zmtpMessage(frames [][]byte) []byte {
	var b []byte
	for i, f := range frames {
		var flags byte
		if i < len(frames)-1 {
			flags |= 0x01
		}
		if len(f) > 255 {
			b = append(b, zmtpLongHeader(flags, uint64(len(f)))...)
		} else {
			b = append(b, flags, byte(len(f)))
		}
		b = append(b, f...)
	}
	return b
}

// stalledDealer connects a raw ZMTP DEALER to a ROUTER channel of the
// kernel, finishes the handshake, sends the requests all at once, and
// from then on never reads: a front end stopped with Ctrl-Z whose
// pending replies pile up in the kernel's socket buffers.
func stalledDealer(t *testing.T, c *kerneltest.Client, ch kernel.Channel, requests [][][]byte) net.Conn {
	t.Helper()
	// Over tcp, a small receive buffer fills up soon. It is set before
	// connecting: shrunk on an open connection, below the window already
	// advertised, it made the stack drop the kernel's segments and the
	// ACKs they carry. Even so, a loopback client whose receive queue
	// overflows now and then leaves its own requests in retransmission
	// back-off (seen with ss: rto 56 s, cwnd 1), so that the kernel never
	// gets them; that is TCP, not the kernel, and the flood of small
	// requests goes over a unix socket, whose back-pressure is exact.
	info := c.ConnectionInfo()
	network, addr := "tcp", net.JoinHostPort(info.IP, strconv.Itoa(info.Port(ch)))
	if info.Transport == "ipc" {
		network, addr = "unix", info.IP+"-"+strconv.Itoa(info.Port(ch))
	}
	d := net.Dialer{Timeout: 2 * time.Second, Control: func(network, _ string, rc syscall.RawConn) error {
		if network != "tcp4" && network != "tcp6" {
			return nil
		}
		var err error
		rc.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 256<<10)
		})
		return err
	}}
	conn, err := d.Dial(network, addr)
	if err != nil {
		t.Fatalf("dial %s: %v", ch, err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(append(zmtpGreeting(), zmtpReady("DEALER")...)); err != nil {
		t.Fatalf("stalled %s client: %v", ch, err)
	}
	// The kernel's greeting and READY: the handshake is done.
	buf := make([]byte, 64+2+28)
	for got := 0; got < len(buf); {
		n, err := conn.Read(buf[got:])
		if err != nil {
			t.Fatalf("stalled %s client: handshake: %v", ch, err)
		}
		got += n
	}
	var all []byte
	for _, r := range requests {
		all = append(all, zmtpMessage(r)...)
	}
	// The kernel may take the requests slower than they come (or, if
	// the stalled replies block it, never), so they are written from a
	// goroutine of their own; the write ends, at the latest, when the
	// test closes the connection.
	conn.SetDeadline(time.Time{})
	written := make(chan struct{})
	go func() {
		conn.Write(all)
		close(written)
	}()
	// Wait until the kernel has taken every request: the requests are
	// small, and a kernel that keeps serving takes them all.
	select {
	case <-written:
	case <-time.After(time.Minute):
		t.Fatalf("the kernel stopped taking the %s client's requests", ch)
	}
	return conn
}

// TestStalledRouterClientHoldsNoOneUp connects a shell (then a control)
// client that sends many requests with large (or many) replies and never
// reads them, then has another client run cells, ask kernel_info on
// control, interrupt and ping the heartbeat, each within a bound. zmq4
// v0.17.0's ROUTER writes each reply under one lock with no deadline:
// once the stalled client's socket buffers were full, its reply blocked
// that lock, and every reply on the channel after it, for every client,
// waited for ever. Now replies for the stalled client are queued up to a
// bound and then dropped (logged once), as libzmq's ROUTER does at its
// high-water mark.
func TestStalledRouterClientHoldsNoOneUp(t *testing.T) {
	t.Run("shell history_reply", func(t *testing.T) {
		c := kerneltest.NewServer(t, &hostileEngine{forget: true})
		c.Timeout = 60 * time.Second
		// A history of 2 MiB: each history_reply carries all of it.
		cell := "// " + strings.Repeat("x", 256<<10)
		for range 8 {
			c.Execute(cell)
		}
		var reqs [][][]byte
		// 48 MiB of replies: more than the 32 MiB queue plus socket
		// buffers, so replies are dropped, and not much more, since the
		// kernel still builds each reply it drops, in order, before the
		// other client's execute_request (over 15 s for 18 of them under -race
		// on a loaded CI machine).
		for range 24 {
			reqs = append(reqs, c.Frames(c.Message("history_request", map[string]any{"hist_access_type": "tail", "n": 1000, "output": true, "raw": true})))
		}
		testStalledRouterClient(t, c, kernel.Shell, reqs)
	})
	t.Run("control kernel_info_reply over ipc", func(t *testing.T) {
		c := kerneltest.NewServerWith(t, &hostileEngine{forget: true}, kerneltest.ServerOptions{Transport: "ipc"})
		c.Timeout = 60 * time.Second
		c.Execute("warm up")
		var reqs [][][]byte
		for range 20000 { // some 15 MiB of small replies
			reqs = append(reqs, c.Frames(c.Message("kernel_info_request", nil)))
		}
		testStalledRouterClient(t, c, kernel.Control, reqs)
	})
}

func testStalledRouterClient(t *testing.T, c *kerneltest.Client, ch kernel.Channel, reqs [][][]byte) {
	g0, fd0 := hostileResources(t)
	began := time.Now()
	stalled := stalledDealer(t, c, ch, reqs)
	// What the kernel writes to the stalled client has filled its socket
	// buffers, then its queue; what came after was dropped, and logged.
	// Under -race on a loaded machine the kernel answers ten times
	// slower, so the test waits for that line, not for a fixed time.
	for !strings.Contains(c.KernelLog(), "a client is not reading") {
		if time.Since(began) > time.Minute {
			t.Fatalf("the kernel never dropped replies for the %s client that does not read\n%s", ch, c.KernelLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
	const bound = 15 * time.Second // a loaded machine; a blocked kernel never answers
	within := func(ch kernel.Channel, msgType string, content any) time.Duration {
		t.Helper()
		began := time.Now()
		req := c.Send(ch, msgType, content)
		if _, ok := c.Next(ch, func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }, bound); !ok {
			t.Fatalf("no %s reply on %s within %v while a %s client does not read", msgType, ch, bound, ch)
		}
		return time.Since(began)
	}
	var slowest time.Duration
	for i := range 5 {
		d := within(kernel.Shell, "execute_request", map[string]any{"code": fmt.Sprintf("echo %d", i), "store_history": false})
		slowest = max(slowest, d)
		d = within(kernel.Control, "kernel_info_request", nil)
		slowest = max(slowest, d)
		d = within(kernel.Control, "interrupt_request", nil)
		slowest = max(slowest, d)
		if err := c.Heartbeat(bound); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("slowest reply while a %s client does not read: %v", ch, slowest.Round(time.Millisecond))
	if n := strings.Count(c.KernelLog(), "a client is not reading"); n != 1 {
		t.Errorf("the kernel logged the stalled client %d times, want once\n%s", n, c.KernelLog())
	}
	stalled.Close()
	// (Replies only: the control flood's status messages, two per
	// request, can outrun this test client's iopub reader, and the
	// kernel then rightly drops some of them for it.)
	within(kernel.Shell, "execute_request", map[string]any{"code": "after", "store_history": false})
	within(kernel.Control, "kernel_info_request", nil)
	hostileWaitSettled(t, "after the stalled client left", g0, fd0, 5)
}
