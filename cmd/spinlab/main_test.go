package main

import (
	"bytes"
	"fmt"
	"github.com/spinlab/spinlab/internal/testbinary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// binary is the spinlab binary that TestMain builds; the tests run it as
// Jupyter would.
var binary string

func TestMain(m *testing.M) {
	os.Exit(testbinary.Main(m, &binary))
}

// spinlab runs the binary with args and returns its exit code and output.
func spinlab(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

// kernelProcess is a `spinlab kernel` started by a test.
type kernelProcess struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{}
}

// startKernel starts `spinlab kernel -f` on a fresh connection file and
// connects a client to it.
func startKernel(t *testing.T, args ...string) (*kerneltest.Client, *kernelProcess) {
	t.Helper()
	path, _ := kerneltest.NewConnectionFile(t)
	cmd := exec.Command(binary, append([]string{"kernel", "-f", path}, args...)...)
	kp := &kernelProcess{cmd: cmd, stderr: new(syncBuffer), exited: make(chan struct{})}
	cmd.Stderr = kp.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(kp.exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-kp.exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("the kernel did not stop on SIGTERM")
		}
		if t.Failed() {
			t.Logf("kernel stderr:\n%s", kp.stderr)
		}
	})
	return kerneltest.Connect(t, path), kp
}

// syncBuffer is a bytes.Buffer safe for the kernel's stderr copier and
// the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// childrenOf lists the live descendants of pid, from /proc.
func childrenOf(t *testing.T, pid int) []string {
	t.Helper()
	parent := map[string]string{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc")
	}
	for _, e := range entries {
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(st)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[0] != "Z" {
			parent[e.Name()] = f[1]
		}
	}
	var out []string
	var walk func(p string)
	walk = func(p string) {
		for c, pp := range parent {
			if pp == p {
				out = append(out, c)
				walk(c)
			}
		}
	}
	walk(fmt.Sprint(pid))
	return out
}

// binaryProcs lists live processes running the test's binary.
func binaryProcs(t *testing.T) []string {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	var pids []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.HasPrefix(b, []byte(binary+"\x00")) {
			continue
		}
		st, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if f := strings.Fields(string(st[bytes.LastIndexByte(st, ')')+1:])); len(f) > 0 && f[0] == "Z" {
			continue
		}
		pids = append(pids, e.Name())
	}
	return pids
}
