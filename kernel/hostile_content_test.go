package kernel_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// TestWrongContentTypesGetErrorReplies sends, for every request whose
// content the kernel decodes, a signed request with a field of the wrong
// JSON type. The kernel used to log and drop it, leaving its client
// waiting for a reply that never came; now each gets an error reply on
// its own channel, with itself as parent, naming the field, between
// status busy and idle, and nothing runs.
func TestWrongContentTypesGetErrorReplies(t *testing.T) {
	tests := []struct {
		ch      kernel.Channel
		msgType string
		content map[string]any
		field   string
	}{
		{kernel.Shell, "execute_request", map[string]any{"code": "forged", "silent": "no"}, "silent"},
		{kernel.Shell, "execute_request", map[string]any{"code": []int{1}}, "code"},
		{kernel.Shell, "execute_request", map[string]any{"code": "forged", "user_expressions": "no"}, "user_expressions"},
		{kernel.Shell, "execute_request", map[string]any{"code": "forged", "store_history": 1}, "store_history"},
		{kernel.Shell, "complete_request", map[string]any{"code": "ab", "cursor_pos": "2"}, "cursor_pos"},
		{kernel.Shell, "inspect_request", map[string]any{"code": "ab", "cursor_pos": 1, "detail_level": 0.5}, "detail_level"},
		{kernel.Shell, "is_complete_request", map[string]any{"code": 5}, "code"},
		{kernel.Shell, "history_request", map[string]any{"hist_access_type": "tail", "n": "10"}, "n"},
		{kernel.Control, "shutdown_request", map[string]any{"restart": "yes"}, "restart"},
		{kernel.Shell, "shutdown_request", map[string]any{"restart": []bool{true}}, "restart"},
	}
	eng := &hostileEngine{}
	c := kerneltest.NewServer(t, eng)
	for _, tc := range tests {
		t.Run(tc.msgType+"/"+tc.field, func(t *testing.T) {
			req := c.Send(tc.ch, tc.msgType, tc.content)
			reply := c.WaitReply(req)
			want := strings.TrimSuffix(tc.msgType, "_request") + "_reply"
			var r struct {
				Status, Ename, Evalue string
				Traceback             []string
				ExecutionCount        *int `json:"execution_count"`
			}
			if err := json.Unmarshal(reply.Content, &r); err != nil {
				t.Fatal(err)
			}
			if reply.Header.MsgType != want || r.Status != "error" || r.Ename == "" || !strings.Contains(r.Evalue, `"`+tc.field+`"`) {
				t.Errorf("reply %s %s, want a %s with status error naming %q", reply.Header.MsgType, reply.Content, want, tc.field)
			}
			if tc.msgType == "execute_request" && r.ExecutionCount == nil {
				t.Errorf("execute_reply without execution_count: %s", reply.Content)
			}
			statuses := c.WaitIdle(req)
			if len(statuses) < 2 || statuses[0].Header.MsgType != "status" {
				t.Errorf("iopub for it: %d messages, want busy ... idle", len(statuses))
			}
			if err := c.Heartbeat(5 * time.Second); err != nil {
				t.Fatal(err)
			}
		})
	}
	if r := c.Execute("good"); r.Status != kernel.StatusOK {
		t.Fatalf("a good cell after them: %s", r.Status)
	}
	if ran := eng.ran(); len(ran) != 1 {
		t.Errorf("the engine ran %q; the malformed requests must not run", ran)
	}
}

// TestMalformedInputReplyFailsTheInput answers an input_request with an
// input_reply whose value is a number: the cell waiting for input used to
// wait until interrupted; now its input call fails and says why.
func TestMalformedInputReplyFailsTheInput(t *testing.T) {
	c := kerneltest.NewServer(t, newFakeEngine())
	c.OnInput(func(prompt string) string {
		// Sent before kerneltest's own answer: the kernel takes the
		// first reply for the only waiting input.
		c.SendRaw(kernel.Stdin, c.Frames(c.Message("input_reply", map[string]any{"value": 5}))...)
		return "too late"
	})
	r := c.Execute("input name?")
	if r.Status != kernel.StatusError || r.Error == nil || !strings.Contains(r.Error.Value, `"value"`) {
		t.Fatalf("cell: %s %+v, want an input error naming the field", r.Status, r.Error)
	}
}

// TestUnsignedKernelSaysSo starts kernels with and without a key: an
// empty key turns signing off, which the kernel used to do without a
// word; now it logs a warning and says so in its banner.
func TestUnsignedKernelSaysSo(t *testing.T) {
	for _, unsigned := range []bool{false, true} {
		c := kerneltest.NewServerWith(t, newFakeEngine(), kerneltest.ServerOptions{Unsigned: unsigned})
		banner := c.KernelInfo().Banner
		warned := strings.Contains(c.KernelLog(), "level=WARN") && strings.Contains(c.KernelLog(), "signing is off")
		if strings.Contains(banner, "signing is off") != unsigned || warned != unsigned {
			t.Errorf("unsigned %v: banner %q, warning logged %v", unsigned, banner, warned)
		}
		if unsigned && !strings.HasPrefix(banner, "fake engine") {
			t.Errorf("the engine's banner is lost: %q", banner)
		}
	}
}

// TestPortsWrittenBack starts kernels from connection files without
// ports (0 or missing), tcp and ipc, and writes the ports they picked
// back with WritePorts: the file keeps its other fields and its mode,
// and a client connects with it.
func TestPortsWrittenBack(t *testing.T) {
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			dir, err := os.MkdirTemp("", "kp") // short: unix socket paths
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			ip := "127.0.0.1"
			if transport == "ipc" {
				ip = filepath.Join(dir, "k")
				// A path already there is not taken.
				os.WriteFile(ip+"-1", nil, 0o600)
			}
			path := filepath.Join(dir, "kernel.json")
			file := `{"transport":"` + transport + `","ip":"` + ip + `","shell_port":0,"key":"secret","signature_scheme":"hmac-sha256","kernel_name":"spinlab","jupyter_session":"keep me"}`
			if err := os.WriteFile(path, []byte(file), 0o640); err != nil {
				t.Fatal(err)
			}
			info, err := kernel.ReadConnectionFile(path)
			if err != nil {
				t.Fatal(err)
			}
			k, err := kernel.New(info, newFakeEngine(), kernel.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- k.Serve(ctx) }()
			t.Cleanup(func() { cancel(); <-served })
			if err := kernel.WritePorts(path, k.ConnectionInfo()); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(path)
			var fields map[string]any
			if err := json.Unmarshal(b, &fields); err != nil {
				t.Fatal(err)
			}
			seen := map[float64]bool{}
			for _, ch := range []string{"shell", "control", "stdin", "iopub", "hb"} {
				p, _ := fields[ch+"_port"].(float64)
				if p <= 0 || seen[p] || transport == "ipc" && p == 1 {
					t.Errorf("%s_port = %v in %s", ch, fields[ch+"_port"], b)
				}
				seen[p] = true
			}
			if fields["jupyter_session"] != "keep me" || fields["key"] != "secret" || fields["ip"] != ip {
				t.Errorf("other fields lost: %s", b)
			}
			if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o640 {
				t.Errorf("mode after writing: %v, %v; want 0640", st.Mode(), err)
			}
			c := kerneltest.Connect(t, path)
			if r := c.KernelInfo(); r.Status != kernel.StatusOK {
				t.Errorf("kernel_info through the written file: %+v", r)
			}
		})
	}
}
