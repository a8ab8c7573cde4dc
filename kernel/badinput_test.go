package kernel_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// TestBadInputDropped sends hostile frames, then a good request: the
// hostile ones must never be acted on (the fake engine would record a side
// effect), must be logged, and the good one must be answered. (A signed
// request whose content has a field of the wrong type is not dropped but
// answered with an error: TestWrongContentTypesGetErrorReplies.)
func TestBadInputDropped(t *testing.T) {
	forge := func(c *kerneltest.Client, key string) [][]byte {
		signer, err := kernel.NewSigner("hmac-sha256", key)
		if err != nil {
			t.Fatal(err)
		}
		frames, err := signer.Encode(c.Message("execute_request", map[string]any{"code": "side forged"}))
		if err != nil {
			t.Fatal(err)
		}
		return frames
	}
	good := func(c *kerneltest.Client) [][]byte {
		return c.Frames(c.Message("execute_request", map[string]any{"code": "side forged"}))
	}
	tests := []struct {
		name    string
		channel kernel.Channel
		frames  func(c *kerneltest.Client) [][]byte
		log     string
	}{
		{"wrong key", kernel.Shell, func(c *kerneltest.Client) [][]byte { return forge(c, "not the key") }, "does not match"},
		{"wrong key on control", kernel.Control, func(c *kerneltest.Client) [][]byte {
			f := forge(c, "not the key")
			return f
		}, "does not match"},
		{"missing signature", kernel.Shell, func(c *kerneltest.Client) [][]byte {
			f := good(c)
			f[1] = nil
			return f
		}, "missing"},
		{"tampered content", kernel.Shell, func(c *kerneltest.Client) [][]byte {
			f := good(c)
			f[5] = []byte(`{"code": "side forged2"}`)
			return f
		}, "does not match"},
		{"no delimiter", kernel.Shell, func(c *kerneltest.Client) [][]byte {
			f := good(c)
			return f[1:]
		}, "no <IDS|MSG>"},
		{"too few frames", kernel.Shell, func(c *kerneltest.Client) [][]byte { return good(c)[:4] }, "want at least 5"},
		{"single empty frame", kernel.Shell, func(c *kerneltest.Client) [][]byte { return [][]byte{{}} }, "no <IDS|MSG>"},
		{"invalid JSON", kernel.Shell, func(c *kerneltest.Client) [][]byte {
			signer, _ := kernel.NewSigner("hmac-sha256", c.ConnectionInfo().Key)
			h, p, m, content := []byte(`{"msg_type": "execute_request",`), []byte(`{}`), []byte(`{}`), []byte(`{"code": "side forged"}`)
			return [][]byte{[]byte("<IDS|MSG>"), signer.Sign(h, p, m, content), h, p, m, content}
		}, "malformed header"},
		{"content not an object", kernel.Shell, func(c *kerneltest.Client) [][]byte {
			m := c.Message("execute_request", nil)
			m.Content = []byte(`["side forged"]`)
			return c.Frames(m)
		}, "malformed content"},
		{"no msg_type", kernel.Shell, func(c *kerneltest.Client) [][]byte {
			m := c.Message("", map[string]any{"code": "side forged"})
			return c.Frames(m)
		}, "no msg_type"},
		{"stdin garbage", kernel.Stdin, func(c *kerneltest.Client) [][]byte { return [][]byte{[]byte("garbage")} }, "no <IDS|MSG>"},
		{"unknown on stdin", kernel.Stdin, func(c *kerneltest.Client) [][]byte {
			return c.Frames(c.Message("execute_request", map[string]any{"code": "side forged"}))
		}, "unknown msg_type"},
		{"execute on control", kernel.Control, func(c *kerneltest.Client) [][]byte {
			return c.Frames(c.Message("execute_request", map[string]any{"code": "side forged"}))
		}, "unknown msg_type on control"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng := newFakeEngine()
			c := kerneltest.NewServer(t, eng)
			c.SendRaw(tc.channel, tc.frames(c)...)
			// Shell handles requests in order: by the time the good cell
			// is answered, a forged one before it would have run.
			r := c.Execute("side good")
			if r.Status != kernel.StatusOK {
				t.Fatalf("good request after bad input: %s", r.Status)
			}
			if tc.channel == kernel.Control {
				c.Interrupt() // control is answered too
			}
			if got := eng.Effects(); !slices.Equal(got, []string{"good"}) {
				t.Errorf("effects %v: the bad message was acted on", got)
			}
			waitLog(t, c, "dropped message", tc.log)
		})
	}
}

func TestReplayDropped(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	frames := c.Frames(c.Message("execute_request", map[string]any{"code": "side once"}))
	c.SendRaw(kernel.Shell, frames...)
	c.SendRaw(kernel.Shell, frames...)
	c.Execute("side good")
	if got := eng.Effects(); !slices.Equal(got, []string{"once", "good"}) {
		t.Errorf("effects %v, want [once good]: a replayed message ran", got)
	}
	waitLog(t, c, "replayed")
}

func TestUnknownMessageType(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	req := c.Send(kernel.Shell, "frobnicate_request", map[string]any{})
	// ipykernel still reports busy and idle for it, and sends no reply.
	checkWrapped(t, req, c.WaitIdle(req))
	c.Execute("side good")
	if m, ok := c.Next(kernel.Shell, func(m *kernel.Message) bool { return m.Parent.MsgID == req.Header.MsgID }, 0); ok {
		t.Errorf("unknown msg_type got a reply: %s", m.Header.MsgType)
	}
	ctl := c.Send(kernel.Control, "frobnicate_request", map[string]any{})
	c.WaitIdle(ctl)
	c.Interrupt()
	waitLog(t, c, "unknown msg_type", "frobnicate_request")
}

func TestWrongKeyClient(t *testing.T) {
	// A whole client with the wrong key: nothing it sends is acted on.
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	forger := c.Message("execute_request", map[string]any{"code": "side forged"})
	signer, _ := kernel.NewSigner("hmac-sha256", "wrong")
	frames, _ := signer.Encode(forger)
	for range 3 {
		c.SendRaw(kernel.Shell, frames...)
	}
	if _, ok := c.Next(kernel.Shell, func(*kernel.Message) bool { return true }, 300*time.Millisecond); ok {
		t.Error("the kernel replied to a forged request")
	}
	if got := eng.Effects(); len(got) != 0 {
		t.Errorf("effects %v", got)
	}
	if err := c.Heartbeat(2 * time.Second); err != nil {
		t.Error(err)
	}
}

// waitLog waits for the kernel to log all of want (stdin messages are
// handled apart from shell, so their log line may come a little later).
func waitLog(t *testing.T, c *kerneltest.Client, want ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		log := c.KernelLog()
		missing := slices.IndexFunc(want, func(w string) bool { return !strings.Contains(log, w) })
		if missing < 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("kernel log does not say %q:\n%s", want[missing], log)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
