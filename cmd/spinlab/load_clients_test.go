package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// TestLoadClientsOnTheBinary has several clients share one built kernel
// and its real evaluator, each sending execute, complete, kernel_info and
// is_complete requests (and kernel_info on control) for a bounded time.
// Every request is answered exactly once, in order per channel, with the
// request as parent; every execute's result is its own; the session's
// state is intact afterwards.
func TestLoadClientsOnTheBinary(t *testing.T) {
	clients, duration := 5, 2*time.Second
	if testing.Short() {
		clients, duration = 3, time.Second
	}
	path, _ := kerneltest.NewConnectionFile(t)
	kp := startKernelAt(t, path)
	cs := []*kerneltest.Client{}
	for range clients {
		c := kerneltest.Connect(t, path)
		c.Timeout = 30 * time.Second
		cs = append(cs, c)
	}
	cs[0].Execute(`var total int
func add(n int) int { total += n; return total }`)

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		added int
		count int
	)
	stop := time.Now().Add(duration)
	for n, c := range cs {
		wg.Go(func() {
			for i := 0; time.Now().Before(stop); i++ {
				type sent struct {
					req  *kernel.Message
					want string // for execute: the text/plain result
				}
				pending := map[kernel.Channel][]sent{}
				send := func(ch kernel.Channel, msgType string, content map[string]any, want string) {
					pending[ch] = append(pending[ch], sent{c.Send(ch, msgType, content), want})
				}
				v := n*1_000_000 + i
				send(kernel.Shell, "execute_request", map[string]any{"code": fmt.Sprintf("add(0)\n%d", v), "silent": false, "store_history": true, "user_expressions": map[string]string{}, "allow_stdin": false, "stop_on_error": false}, fmt.Sprint(v))
				send(kernel.Shell, "complete_request", map[string]any{"code": "fmt.Prin", "cursor_pos": 8}, "")
				send(kernel.Control, "kernel_info_request", map[string]any{}, "")
				send(kernel.Shell, "is_complete_request", map[string]any{"code": "for {"}, "")
				send(kernel.Shell, "execute_request", map[string]any{"code": "add(1)", "silent": true, "store_history": false, "user_expressions": map[string]string{}, "allow_stdin": false, "stop_on_error": false}, "")
				send(kernel.Shell, "kernel_info_request", map[string]any{}, "")
				for ch, reqs := range pending {
					for _, s := range reqs {
						reply, ok := c.Next(ch, func(*kernel.Message) bool { return true }, 30*time.Second)
						if !ok {
							t.Errorf("client %d: no reply to %s", n, s.req.Header.MsgType)
							return
						}
						want := strings.TrimSuffix(s.req.Header.MsgType, "_request") + "_reply"
						if reply.Parent.MsgID != s.req.Header.MsgID || reply.Header.MsgType != want {
							t.Errorf("client %d on %s: %s to %s, want %s to %s", n, ch, reply.Header.MsgType, reply.Parent.MsgID, want, s.req.Header.MsgID)
							return
						}
						if s.want == "" {
							continue
						}
						// The execute_result with this request as parent
						// carries this client's value.
						res, ok := c.Next(kernel.IOPub, func(m *kernel.Message) bool {
							return m.Header.MsgType == "execute_result" && m.Parent.MsgID == s.req.Header.MsgID
						}, 10*time.Second)
						if !ok || !strings.Contains(string(res.Content), `"text/plain":"`+s.want+`"`) {
							t.Errorf("client %d: result of %s: %v %s", n, s.want, ok, res.Content)
							return
						}
					}
				}
				mu.Lock()
				added++
				count += 6
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("%d clients, %d requests in %v", clients, count, duration)
	if r := cs[0].Execute(`total`); hostileResult(r) != fmt.Sprint(added) {
		t.Errorf("total = %s after %d silent add(1) cells", hostileResult(r), added)
	}
	if err := cs[0].Heartbeat(2 * time.Second); err != nil {
		t.Error(err)
	}
	_ = kp
}
