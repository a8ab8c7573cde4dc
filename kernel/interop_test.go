package kernel_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// interopScript drives a kernel with jupyter_client (libzmq underneath),
// the client that notebooks use, and prints what it saw as JSON.
const interopScript = `
import json, sys
from jupyter_client import BlockingKernelClient

kc = BlockingKernelClient(connection_file=sys.argv[1])
kc.load_connection_file()
kc.start_channels()
kc.wait_for_ready(timeout=20)
out = {}

def run(code, **kw):
    msgs = []
    reply = kc.execute_interactive(code, timeout=20, output_hook=lambda m: msgs.append([m["msg_type"], m["content"]]), **kw)
    return {"status": reply["content"]["status"], "count": reply["content"].get("execution_count"), "iopub": msgs}

out["execute"] = run("print hello\nvalue 42")
out["error"] = run("error ValueError bad")
out["input"] = run("input name?", allow_stdin=True, stdin_hook=lambda m: kc.input("bob " + m["content"]["prompt"]))

kc.complete("x := Pri", 8)
out["complete"] = kc.get_shell_msg(timeout=20)["content"]
kc.history(hist_access_type="tail", n=10)
out["history"] = kc.get_shell_msg(timeout=20)["content"]
kc.kernel_info()
out["kernel_info"] = kc.get_shell_msg(timeout=20)["content"]
out["beating"] = kc.hb_channel.is_beating()

out["shutdown"] = kc.shutdown(reply=True, timeout=20)["content"]
kc.stop_channels()
print(json.dumps(out))
`

// TestJupyterClientInterop checks the kernel against jupyter_client, when
// a python3 with jupyter_client is installed.
func TestJupyterClientInterop(t *testing.T) {
	python := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import jupyter_client").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		t.Skip("no python3 with jupyter_client")
	}
	path, info := kerneltest.NewConnectionFile(t)
	k, err := kernel.New(info, newFakeEngine(), kernel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- k.Serve(context.Background()) }()

	script := filepath.Join(t.TempDir(), "client.py")
	os.WriteFile(script, []byte(interopScript), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, script, path)
	cmd.Env = append(os.Environ(), "JUPYTER_PLATFORM_DIRS=1")
	outb, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("jupyter_client: %v\n%s", err, stderr)
	}
	var out struct {
		Execute, Error, Input struct {
			Status string
			Count  int
			IOPub  [][2]json.RawMessage
		}
		Complete struct {
			Status      string   `json:"status"`
			Matches     []string `json:"matches"`
			CursorStart int      `json:"cursor_start"`
		}
		History struct {
			History [][]any `json:"history"`
		}
		KernelInfo struct {
			ProtocolVersion string `json:"protocol_version"`
		} `json:"kernel_info"`
		Beating  bool
		Shutdown struct {
			Status string `json:"status"`
		}
	}
	if err := json.Unmarshal(outb, &out); err != nil {
		t.Fatalf("%v: %s", err, outb)
	}
	types := func(msgs [][2]json.RawMessage) []string {
		var ts []string
		for _, m := range msgs {
			var s string
			json.Unmarshal(m[0], &s)
			ts = append(ts, s)
		}
		return ts
	}
	if out.Execute.Status != "ok" || out.Execute.Count != 1 ||
		!slices.Equal(types(out.Execute.IOPub), []string{"status", "execute_input", "stream", "execute_result", "status"}) {
		t.Errorf("execute: %+v", out.Execute)
	}
	if out.Error.Status != "error" || !slices.Contains(types(out.Error.IOPub), "error") {
		t.Errorf("error: %+v", out.Error)
	}
	if out.Input.Status != "ok" || !slices.ContainsFunc(out.Input.IOPub, func(m [2]json.RawMessage) bool {
		return string(m[1]) == `{"name": "stdout", "text": "got: bob name?\n"}`
	}) {
		t.Errorf("input: %+v", out.Input)
	}
	if out.Complete.Status != "ok" || !slices.Equal(out.Complete.Matches, []string{"Println", "Printf"}) || out.Complete.CursorStart != 5 {
		t.Errorf("complete: %+v", out.Complete)
	}
	if len(out.History.History) != 3 {
		t.Errorf("history: %+v", out.History)
	}
	if out.KernelInfo.ProtocolVersion != "5.3" || !out.Beating || out.Shutdown.Status != "ok" {
		t.Errorf("kernel_info %+v beating %v shutdown %+v", out.KernelInfo, out.Beating, out.Shutdown)
	}
	select {
	case <-served:
	case <-time.After(10 * time.Second):
		t.Error("Serve did not return after jupyter_client's shutdown_request")
	}
}
