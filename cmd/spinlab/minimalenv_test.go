package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// minimalEnvClient starts the installed kernel through jupyter_client's
// KernelManager, as every Jupyter front end does, runs two cells and
// prints what came back.
const minimalEnvClient = `
import sys
import time
from jupyter_client.manager import start_new_kernel

km, kc = start_new_kernel(kernel_name="spinlab", startup_timeout=30)
try:
    out = []
    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "execute_result":
            out.append(msg["content"]["data"]["text/plain"] + "\n")
    def run(code):
        reply = kc.execute_interactive(code, timeout=30, output_hook=hook)
        if reply["content"]["status"] != "ok":
            print("status", reply["content"]["status"], reply["content"].get("evalue"))
            sys.exit(1)
    for code in ['fmt.Println("hi")', "6*7", 'os.Getenv("HOME") + "|" + os.Getenv("PATH")']:
        run(code)
    # A restart as the notebook's Restart button does it: jupyter_client
    # asks for shutdown with restart, waits for the process to end (up to
    # 5 s, then kills it) and starts a new one on the same ports.
    began = time.time()
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    took = time.time() - began
    run("6*7")
    sys.stdout.write("".join(out))
    print("restart", "prompt" if took < 1.5 else "slow: %.1f s" % took)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
`

// TestMinimalEnvironment starts the kernel the way Jupyter does, from
// another working directory, with an environment that has no HOME and no
// PATH (so no go toolchain): only the kernelspec and Jupyter's own
// variables. A notebook server started by a service manager looks like
// that. It also restarts the kernel as Jupyter does, which must not wait
// out jupyter_client's shutdown timeout.
func TestMinimalEnvironment(t *testing.T) {
	requirePython(t, "jupyter_client", "jupyter-client")
	jupyterEnv, dir := installForJupyter(t)
	script := filepath.Join(dir, "client.py")
	if err := os.WriteFile(script, []byte(minimalEnvClient), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, script)
	cmd.Dir = "/"
	cmd.Env = jupyterEnv // nothing else: no HOME, no PATH
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("a kernel started with a minimal environment: %v\n%s%s", err, out, stderr.String())
	}
	if got, want := string(out), "hi\n42\n\"|\"\n42\nrestart prompt\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
