package kernel_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// loadConnectionFile writes info where kerneltest.Connect can read it.
func loadConnectionFile(t *testing.T, info kernel.ConnectionInfo) string {
	t.Helper()
	b, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kernel.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadRequest is one request of the mix a load client sends.
type loadRequest struct {
	ch      kernel.Channel
	msgType string
	content map[string]any
}

func loadMix(client, i int) loadRequest {
	switch i % 5 {
	case 0:
		return loadRequest{kernel.Shell, "execute_request", map[string]any{"code": fmt.Sprintf("echo c%d-%d\n", client, i), "silent": false, "store_history": true, "user_expressions": map[string]string{}, "allow_stdin": false, "stop_on_error": false}}
	case 1:
		return loadRequest{kernel.Shell, "complete_request", map[string]any{"code": "fmt.Pr", "cursor_pos": 6}}
	case 2:
		return loadRequest{kernel.Shell, "kernel_info_request", map[string]any{}}
	case 3:
		return loadRequest{kernel.Shell, "is_complete_request", map[string]any{"code": "x := 1"}}
	default:
		return loadRequest{kernel.Control, "kernel_info_request", map[string]any{}}
	}
}

// TestLoadManyClients has 10 clients on one kernel send interleaved
// execute, complete, kernel_info and is_complete requests (and
// kernel_info on control) for a few seconds, a few in flight at a time.
// Every request is answered exactly once, to the client that sent it, in
// the order sent on each channel, with the request's header as parent;
// each execute's output reaches iopub with its parent; and once the
// clients are gone the kernel's goroutines and fds are back where they
// were.
func TestLoadManyClients(t *testing.T) {
	const clients, window = 10, 4
	duration := 3 * time.Second
	if testing.Short() {
		duration = time.Second
	}
	eng := &hostileEngine{}
	first := kerneltest.NewServer(t, eng)
	path := loadConnectionFile(t, first.ConnectionInfo())
	g0, fd0 := hostileResources(t)

	cs := []*kerneltest.Client{first}
	for range clients - 1 {
		cs = append(cs, kerneltest.Connect(t, path))
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
		execs = make([][]*kernel.Message, clients)
	)
	stop := time.Now().Add(duration)
	for n, c := range cs {
		wg.Go(func() {
			sent := 0
			for time.Now().Before(stop) {
				// A window of requests in flight, then their replies in
				// the order they arrive on each channel.
				pending := map[kernel.Channel][]*kernel.Message{}
				for range window {
					r := loadMix(n, sent)
					sent++
					m := c.Send(r.ch, r.msgType, r.content)
					pending[r.ch] = append(pending[r.ch], m)
					if r.msgType == "execute_request" {
						execs[n] = append(execs[n], m)
					}
				}
				for ch, reqs := range pending {
					for _, req := range reqs {
						reply, ok := c.Next(ch, func(*kernel.Message) bool { return true }, 20*time.Second)
						if !ok {
							t.Errorf("client %d: no reply to %s on %s", n, req.Header.MsgType, ch)
							return
						}
						want := strings.TrimSuffix(req.Header.MsgType, "_request") + "_reply"
						if reply.Parent.MsgID != req.Header.MsgID || reply.Parent.Session != req.Header.Session || reply.Header.MsgType != want {
							t.Errorf("client %d on %s: got %s to %s (session %s), want %s to %s: out of order or misrouted",
								n, ch, reply.Header.MsgType, reply.Parent.MsgID, reply.Parent.Session, want, req.Header.MsgID)
							return
						}
						// is_complete_reply's status is the completeness.
						if want != "is_complete_reply" && !strings.Contains(string(reply.Content), `"status":"ok"`) {
							t.Errorf("client %d: %s %s", n, reply.Header.MsgType, reply.Content)
						}
					}
				}
			}
			mu.Lock()
			total += sent
			mu.Unlock()
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	t.Logf("%d clients, %d requests answered in %v", clients, total, duration)
	for n, c := range cs {
		// Exactly once: nothing more arrives.
		for _, ch := range []kernel.Channel{kernel.Shell, kernel.Control} {
			if m, ok := c.Next(ch, func(*kernel.Message) bool { return true }, 0); ok {
				t.Errorf("client %d: an extra %s on %s (parent %s)", n, m.Header.MsgType, ch, m.Parent.MsgID)
			}
		}
		// Each execute's stream output went to iopub with its request as
		// parent (every client sees every client's iopub; check its own).
		for _, req := range execs[n] {
			var code struct {
				Code string `json:"code"`
			}
			json.Unmarshal(req.Content, &code)
			m, ok := c.Next(kernel.IOPub, func(m *kernel.Message) bool {
				return m.Header.MsgType == "stream" && m.Parent.MsgID == req.Header.MsgID
			}, 10*time.Second)
			if !ok {
				t.Fatalf("client %d: no stream output for %q", n, code.Code)
			}
			if !strings.Contains(string(m.Content), strings.TrimPrefix(code.Code, "echo ")[:4]) {
				t.Errorf("client %d: stream %s for %q", n, m.Content, code.Code)
			}
		}
	}
	for _, c := range cs[1:] {
		c.Close()
	}
	if r := first.Execute("echo still here\n"); r.Stdout != "still here\n" {
		t.Errorf("after the load: %s %q", r.Status, r.Stdout)
	}
	hostileWaitSettled(t, "after 9 clients left", g0, fd0, 5)
}
