package kernel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// hostileEngine records what it runs; its result is the length of the
// code, and it echoes user_expressions. It is this file's own engine so
// that these tests do not depend on the protocol tests' fake.
type hostileEngine struct {
	mu     sync.Mutex
	codes  []string
	forget bool // record nothing (for memory measurements)
}

func (e *hostileEngine) ran() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.codes...)
}

func (e *hostileEngine) Info() kernel.Info {
	return kernel.Info{Implementation: "hostile", Language: kernel.LanguageInfo{Name: "go"}}
}

func (e *hostileEngine) Execute(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) kernel.ExecuteReply {
	e.mu.Lock()
	if !e.forget {
		e.codes = append(e.codes, req.Code)
	}
	e.mu.Unlock()
	if text, ok := strings.CutPrefix(req.Code, "echo "); ok {
		out.Stream("stdout", text)
	}
	if n, ok := strings.CutPrefix(req.Code, "flood "); ok {
		// flood N: N bytes on stdout, in 64 KiB writes.
		left, _ := strconv.Atoi(n)
		chunk := strings.Repeat("x", 64<<10)
		for left > 0 {
			k := min(left, len(chunk))
			out.Stream("stdout", chunk[:k])
			left -= k
		}
	}
	rep := kernel.ExecuteReply{Status: kernel.StatusOK, Result: &display.Bundle{Data: map[string]any{"text/plain": fmt.Sprint(len(req.Code))}}}
	if len(req.UserExpressions) > 0 {
		rep.UserExpressions = map[string]kernel.ExpressionResult{}
		for name, expr := range req.UserExpressions {
			rep.UserExpressions[name] = kernel.ExpressionResult{Status: kernel.StatusOK, Data: map[string]any{"text/plain": expr}}
		}
	}
	return rep
}

func (e *hostileEngine) Complete(ctx context.Context, code string, cursor int) (kernel.Completion, error) {
	return kernel.Completion{Matches: []string{"x"}, CursorStart: cursor, CursorEnd: cursor}, nil
}

func (e *hostileEngine) Inspect(ctx context.Context, code string, cursor, detail int) (kernel.Inspection, error) {
	return kernel.Inspection{}, nil
}

func (e *hostileEngine) IsComplete(ctx context.Context, code string) (kernel.Completeness, error) {
	return kernel.Completeness{Status: "complete"}, nil
}

func (e *hostileEngine) Shutdown(ctx context.Context, restart bool) error { return nil }

// hostileSigned signs header, parent, metadata and content as they are
// (whatever bytes they hold) with the client's key.
func hostileSigned(t *testing.T, c *kerneltest.Client, header, parent, metadata, content []byte) [][]byte {
	t.Helper()
	s, err := kernel.NewSigner("hmac-sha256", c.ConnectionInfo().Key)
	if err != nil {
		t.Fatal(err)
	}
	return [][]byte{[]byte("<IDS|MSG>"), s.Sign(header, parent, metadata, content), header, parent, metadata, content}
}

// nestedJSON returns n levels of JSON arrays around 1.
func nestedJSON(n int) []byte {
	return append(append(bytes.Repeat([]byte("["), n), '1'), bytes.Repeat([]byte("]"), n)...)
}

// TestHostileMessages sends one hostile message per case, then a good
// cell. A message is either dropped (never acted on: the engine does not
// see it, no reply comes) or answered properly; either way the kernel
// keeps serving and the good cell after it is answered.
func TestHostileMessages(t *testing.T) {
	big := 64 << 20
	if testing.Short() || hostileRace() {
		big = 8 << 20
	}
	tests := []struct {
		name   string
		ch     kernel.Channel
		frames func(t *testing.T, c *kerneltest.Client) (frames [][]byte, msgID string)
		// answered: the request must be answered (and check is run on
		// the reply); otherwise it must be dropped.
		answered bool
		check    func(t *testing.T, reply *kernel.Message)
	}{
		{name: "wrong key", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			s, _ := kernel.NewSigner("hmac-sha256", "not the key")
			m := c.Message("execute_request", map[string]any{"code": "forged"})
			f, _ := s.Encode(m)
			return f, m.Header.MsgID
		}},
		{name: "header and content swapped", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("execute_request", map[string]any{"code": "forged"})
			f := c.Frames(m)
			f[2], f[5] = f[5], f[2]
			return f, m.Header.MsgID
		}},
		{name: "parent and metadata swapped", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("execute_request", map[string]any{"code": "forged"})
			m.Metadata = map[string]any{"a": 1}
			f := c.Frames(m)
			f[3], f[4] = f[4], f[3]
			return f, m.Header.MsgID
		}},
		{name: "signature after the header", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("execute_request", map[string]any{"code": "forged"})
			f := c.Frames(m)
			f[1], f[2] = f[2], f[1]
			return f, m.Header.MsgID
		}},
		{name: "deeply nested content", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("execute_request", nil)
			content := append(append([]byte(`{"code":"forged","extra":`), nestedJSON(100_000)...), '}')
			h, _ := json.Marshal(m.Header)
			return hostileSigned(t, c, h, []byte("{}"), []byte("{}"), content), m.Header.MsgID
		}},
		{name: "deeply nested header", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			h := append(append([]byte(`{"msg_type":"execute_request","msg_id":"deep","x":`), nestedJSON(100_000)...), '}')
			return hostileSigned(t, c, h, []byte("{}"), []byte("{}"), []byte(`{"code":"forged"}`)), "deep"
		}},
		{name: "deeply nested metadata on control", ch: kernel.Control, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("kernel_info_request", nil)
			h, _ := json.Marshal(m.Header)
			meta := append(append([]byte(`{"x":`), nestedJSON(100_000)...), '}')
			return hostileSigned(t, c, h, []byte("{}"), meta, []byte("{}")), m.Header.MsgID
		}},
		{name: "invalid UTF-8 in header", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			h := []byte("{\"msg_type\":\"execute_request\",\"msg_id\":\"bad\xff\xfeid\",\"session\":\"\xc3\x28\",\"username\":\"\xed\xa0\x80\",\"version\":\"5.3\"}")
			return hostileSigned(t, c, h, []byte("{}"), []byte("{}"), []byte(`{"code":"utf8 header"}`)), "bad\ufffd\ufffdid"
		}, answered: true},
		{name: "invalid UTF-8 in code", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("execute_request", nil)
			h, _ := json.Marshal(m.Header)
			return hostileSigned(t, c, h, []byte("{}"), []byte("{}"), []byte("{\"code\":\"x\xff\xfe\xc3\x28\",\"user_expressions\":{\"\xff\":\"\xfe\"}}")), m.Header.MsgID
		}, answered: true},
		{name: "unknown fields everywhere", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("execute_request", nil)
			var h map[string]any
			b, _ := json.Marshal(m.Header)
			json.Unmarshal(b, &h)
			h["future_field"] = map[string]any{"a": []int{1, 2}}
			hb, _ := json.Marshal(h)
			content := []byte(`{"code":"unknown fields","silent":false,"store_history":true,"user_expressions":{},"allow_stdin":false,"stop_on_error":true,"cell_id":"abc","future":{"x":[null,true]}}`)
			return hostileSigned(t, c, hb, []byte(`{"whatever":1}`), []byte(`{"deletedCells":[],"recordTiming":false,"zzz":{}}`), content), m.Header.MsgID
		}, answered: true},
		{name: "10k user_expressions", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			exprs := map[string]string{}
			for i := range 10_000 {
				exprs[fmt.Sprintf("e%d", i)] = fmt.Sprintf("%d+%d", i, i)
			}
			m := c.Message("execute_request", map[string]any{"code": "exprs", "user_expressions": exprs})
			return c.Frames(m), m.Header.MsgID
		}, answered: true, check: func(t *testing.T, reply *kernel.Message) {
			var r struct {
				UserExpressions map[string]kernel.ExpressionResult `json:"user_expressions"`
			}
			reply.DecodeContent(&r)
			if len(r.UserExpressions) != 10_000 || r.UserExpressions["e9999"].Data["text/plain"] != "9999+9999" {
				t.Errorf("user_expressions: %d entries, e9999 = %+v", len(r.UserExpressions), r.UserExpressions["e9999"])
			}
		}},
		{name: fmt.Sprintf("%d MB of code", big>>20), ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("execute_request", map[string]any{"code": strings.Repeat("x", big)})
			return c.Frames(m), m.Header.MsgID
		}, answered: true, check: func(t *testing.T, reply *kernel.Message) {
			if !strings.Contains(string(reply.Content), `"status":"ok"`) {
				t.Errorf("reply %s", reply.Content)
			}
		}},
		{name: fmt.Sprintf("%d MB unsigned junk", big>>20), ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			return [][]byte{[]byte("<IDS|MSG>"), []byte("00"), bytes.Repeat([]byte("{"), big), {}, {}, {}}, ""
		}},
		{name: "wrong content types", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("execute_request", map[string]any{"code": []int{1}, "user_expressions": "no", "silent": "yes"})
			return c.Frames(m), m.Header.MsgID
		}, answered: true, check: func(t *testing.T, reply *kernel.Message) {
			// Answered with an error naming the field (TestWrongContentTypesGetErrorReplies checks that nothing runs).
			if !strings.Contains(string(reply.Content), `"status":"error"`) {
				t.Errorf("reply %s", reply.Content)
			}
		}},
		{name: "complete with a cursor past the end", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("complete_request", map[string]any{"code": "ab", "cursor_pos": 1 << 40})
			return c.Frames(m), m.Header.MsgID
		}, answered: true},
		{name: "complete with a negative cursor", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("complete_request", map[string]any{"code": "ab", "cursor_pos": -5})
			return c.Frames(m), m.Header.MsgID
		}, answered: true},
		{name: "ten thousand identity frames", ch: kernel.Shell, frames: func(t *testing.T, c *kerneltest.Client) ([][]byte, string) {
			m := c.Message("kernel_info_request", nil)
			var f [][]byte
			for i := range 10_000 {
				f = append(f, []byte(fmt.Sprint(i)))
			}
			return append(f, c.Frames(m)...), m.Header.MsgID
		}, answered: true}, // routed back through the same identities, like ipykernel
	}
	eng := &hostileEngine{}
	c := kerneltest.NewServer(t, eng)
	c.Timeout = 60 * time.Second
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			frames, id := tc.frames(t, c)
			before := len(eng.ran())
			c.SendRaw(tc.ch, frames...)
			// Shell runs requests in order: once the good cell is answered,
			// the hostile one before it has been handled or dropped.
			r := c.Execute("good")
			if r.Status != kernel.StatusOK {
				t.Fatalf("the good cell after it: %s %+v", r.Status, r.Error)
			}
			// Shell replies keep the order of requests, so a reply to the
			// hostile message would have come before the good cell's.
			wait := time.Duration(0)
			switch {
			case tc.answered:
				wait = 10 * time.Second
			case tc.ch != kernel.Shell:
				wait = 500 * time.Millisecond
			}
			reply, got := c.Next(tc.ch, func(m *kernel.Message) bool { return id != "" && m.Parent.MsgID == id }, wait)
			ran := eng.ran()[before:]
			switch {
			case tc.answered && !got:
				t.Errorf("no reply (the engine ran %d cells)", len(ran))
			case !tc.answered && got:
				t.Errorf("a message that should be dropped got a reply: %s", reply.Content)
			case !tc.answered && len(ran) != 1:
				t.Errorf("a dropped message was acted on: the engine ran %d cells", len(ran))
			case got && tc.check != nil:
				tc.check(t, reply)
			}
			if err := c.Heartbeat(5 * time.Second); err != nil {
				t.Error(err)
			}
		})
	}
}

// hostileResources counts this process's goroutines and open file descriptors.
func hostileResources(t *testing.T) (goroutines, fds int) {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return runtime.NumGoroutine(), len(ents)
}

// hostileWaitSettled waits until goroutines and fds come back to at most the
// baseline plus slack, and fails the test with the counts otherwise.
func hostileWaitSettled(t *testing.T, what string, g0, fd0, slack int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g, fd := hostileResources(t)
		if g <= g0+slack && fd <= fd0+slack {
			t.Logf("%s: goroutines %d -> %d, fds %d -> %d", what, g0, g, fd0, fd)
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Errorf("%s: goroutines %d -> %d, fds %d -> %d: a leak\n%s", what, g0, g, fd0, fd, buf)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBadMessageFloodLeaksNothing sends 10,000 bad messages of every kind
// on shell, control and stdin: none is acted on, the kernel answers the
// good request after them, and goroutines and open fds come back to
// where they were.
func TestBadMessageFloodLeaksNothing(t *testing.T) {
	n := 10_000
	if testing.Short() {
		n = 2_000
	}
	eng := &hostileEngine{}
	c := kerneltest.NewServer(t, eng)
	c.Timeout = 60 * time.Second
	c.Execute("warm up")
	g0, fd0 := hostileResources(t)

	wrong, _ := kernel.NewSigner("hmac-sha256", "wrong key")
	replayed := c.Frames(c.Message("execute_request", map[string]any{"code": "replayed"}))
	c.SendRaw(kernel.Shell, replayed...) // the original, acted on once
	kinds := []func(i int) (kernel.Channel, [][]byte){
		func(i int) (kernel.Channel, [][]byte) {
			f, _ := wrong.Encode(c.Message("execute_request", map[string]any{"code": "forged"}))
			return kernel.Shell, f
		},
		func(i int) (kernel.Channel, [][]byte) { return kernel.Shell, replayed },
		func(i int) (kernel.Channel, [][]byte) { return kernel.Shell, [][]byte{[]byte("garbage")} },
		func(i int) (kernel.Channel, [][]byte) {
			f := c.Frames(c.Message("execute_request", map[string]any{"code": "forged"}))
			f[2], f[5] = f[5], f[2]
			return kernel.Control, f
		},
		func(i int) (kernel.Channel, [][]byte) {
			f := c.Frames(c.Message("execute_request", map[string]any{"code": "forged"}))
			return kernel.Shell, f[:4]
		},
		func(i int) (kernel.Channel, [][]byte) {
			f, _ := wrong.Encode(c.Message("input_reply", map[string]any{"value": "x"}))
			return kernel.Stdin, f
		},
		func(i int) (kernel.Channel, [][]byte) {
			// Signed but meaningless on stdin: logged and dropped.
			return kernel.Stdin, c.Frames(c.Message("input_reply", map[string]any{"value": "nobody asked"}))
		},
		func(i int) (kernel.Channel, [][]byte) {
			return kernel.Control, [][]byte{[]byte("<IDS|MSG>"), []byte("sig"), []byte("{\xff"), {}, {}, {}}
		},
	}
	began := time.Now()
	for i := range n {
		ch, f := kinds[i%len(kinds)](i)
		c.SendRaw(ch, f...)
	}
	if r := c.Execute("after the flood"); r.Status != kernel.StatusOK {
		t.Fatalf("after the flood: %s", r.Status)
	}
	t.Logf("%d bad messages handled in %v", n, time.Since(began))
	if got := eng.ran(); len(got) != 3 || got[1] != "replayed" {
		t.Errorf("the engine ran %q, want [warm up replayed after the flood]", got)
	}
	if err := c.Heartbeat(5 * time.Second); err != nil {
		t.Error(err)
	}
	hostileWaitSettled(t, "after the bad messages", g0, fd0, 5)
}

// TestRawConnectionsLeakNothing opens many TCP connections to the
// kernel's ports that speak no ZMTP at all (junk, a half handshake, or
// nothing before closing): the kernel must drop them all and free their
// goroutines and descriptors.
func TestRawConnectionsLeakNothing(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	c := kerneltest.NewServer(t, &hostileEngine{})
	c.Execute("warm up")
	g0, fd0 := hostileResources(t)
	info := c.ConnectionInfo()
	ports := []int{info.ShellPort, info.ControlPort, info.StdinPort, info.IOPubPort, info.HBPort}
	// The first bytes of a ZMTP 3 greeting, then nonsense.
	half := append([]byte{0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0}, []byte("NULL")...)
	payloads := [][]byte{nil, []byte("GET / HTTP/1.1\r\n\r\n"), half, bytes.Repeat([]byte{0xff}, 4096)}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", ports[i%len(ports)]), 2*time.Second)
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(500 * time.Millisecond))
			conn.Write(payloads[i%len(payloads)])
			conn.Read(make([]byte, 64))
		})
	}
	wg.Wait()
	if r := c.Execute("after"); r.Status != kernel.StatusOK {
		t.Fatalf("after raw connections: %s", r.Status)
	}
	if err := c.Heartbeat(5 * time.Second); err != nil {
		t.Error(err)
	}
	if g, fd := hostileSettle(g0, fd0, 5); g > g0+5 || fd > fd0+5 {
		runtime.GC() // the net.Conn finalizer is all that closes them
		_, afterGC := hostileSettle(g0, fd0, 5)
		t.Errorf("a connection whose ZMTP handshake fails is never closed: %d connections left goroutines %d -> %d and open fds %d -> %d (%d after a forced GC)", n, g0, g, fd0, fd, afterGC)
	}
}

// hostileSettle waits up to 2s for goroutines and fds to come back to the
// baseline plus slack, and returns the last counts.
func hostileSettle(g0, fd0, slack int) (g, fd int) {
	deadline := time.Now().Add(2 * time.Second)
	for {
		g = runtime.NumGoroutine()
		ents, _ := os.ReadDir("/proc/self/fd")
		fd = len(ents)
		if (g <= g0+slack && fd <= fd0+slack) || time.Now().After(deadline) {
			return g, fd
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSilentConnectionDoesNotBlockClients opens a TCP connection to the
// shell port that never speaks, then connects a real ZMTP peer: the
// kernel must still accept it (a port scanner, a health check or a
// hostile local user must not lock Jupyter out of its own kernel).
func TestSilentConnectionDoesNotBlockClients(t *testing.T) {
	c := kerneltest.NewServer(t, &hostileEngine{})
	info := c.ConnectionInfo()
	silent, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", info.ShellPort))
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	time.Sleep(100 * time.Millisecond) // let the kernel accept it
	dealer := zmq4.NewDealer(context.Background(), zmq4.WithLogger(log.New(io.Discard, "", 0)))
	defer dealer.Close()
	dialed := make(chan error, 1)
	go func() { dialed <- dealer.Dial(info.Endpoint(kernel.Shell)) }()
	select {
	case err := <-dialed:
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
	case <-time.After(1500 * time.Millisecond):
		silent.Close() // unblocks the kernel's accept loop, and the dial
		<-dialed
		t.Fatal("a silent TCP connection to the shell port blocks a real client's handshake")
	}
	if r := c.Execute("after"); r.Status != kernel.StatusOK {
		t.Fatalf("after: %s", r.Status)
	}
}

// TestHostileHistoryIsBounded runs cells with large code: the kernel's
// in-memory history must not keep growing with them (ipykernel keeps
// history on disk; a kernel that keeps every input in memory grows by
// each big cell a notebook runs, for as long as it lives).
func TestHostileHistoryIsBounded(t *testing.T) {
	cells, size := 8, 8<<20
	if testing.Short() || hostileRace() {
		cells, size = 4, 2<<20
	}
	c := kerneltest.NewServer(t, &hostileEngine{forget: true})
	c.Timeout = 60 * time.Second
	c.Execute("warm up")
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	run := func(store bool) int64 {
		before := heap()
		for i := range cells {
			code := fmt.Sprintf("%d", i) + strings.Repeat("x", size)
			if r := c.Execute(code, kerneltest.StoreHistory(store)); r.Status != kernel.StatusOK {
				t.Fatalf("cell %d: %s", i, r.Status)
			}
		}
		return int64(heap()) - int64(before)
	}
	// Cells kept out of history are the control: what else they leave.
	// A control that shrank freed something of an earlier test's (a
	// kernel shutting down in the background), which says nothing about
	// history: it is not subtracted.
	control := run(false)
	grew := run(true) - max(control, 0)
	t.Logf("%d cells of %d MB: the heap grew by %.1f MB more with store_history than without (%.1f MB)", cells, size>>20, float64(grew)/(1<<20), float64(control)/(1<<20))
	// The history keeps at most 1 MB of a cell and 32 MB in all; allow
	// for the last request still being referenced, and a MB of slack.
	if limit := int64(min(cells, 32))<<20 + int64(size) + 1<<20; grew > limit {
		t.Errorf("the kernel keeps every cell's input in memory: %d cells of %d MB grew the heap by %d MB (bound %d MB)", cells, size>>20, grew>>20, limit>>20)
	}
}
