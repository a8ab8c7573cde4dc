package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// openFDs counts a process's open file descriptors.
func openFDs(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Skipf("cannot read the kernel's fds: %v", err)
	}
	return len(ents)
}

// threads counts a process's OS threads.
func threads(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

// TestHostileMessagesAgainstTheBinary floods the built kernel with bad
// messages (forged, replayed, truncated, garbage) on every channel: none
// is acted on, the session is intact, and the kernel process holds no
// more descriptors than before.
func TestHostileMessagesAgainstTheBinary(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 1000
	}
	c, kp := startKernel(t)
	pid := kp.cmd.Process.Pid
	c.Execute(`var hits int
func hit() int { hits++; return hits }`)
	fd0, th0 := openFDs(t, pid), threads(pid)

	wrong, _ := kernel.NewSigner("hmac-sha256", "not the key")
	forged, _ := wrong.Encode(c.Message("execute_request", map[string]any{"code": "hit()"}))
	replayed := c.Frames(c.Message("execute_request", map[string]any{"code": "hit()", "silent": true}))
	// The original runs once. (Wait for it: the replay check is shared by
	// the channels, so a copy that reached control first would burn it.)
	c.SendRaw(kernel.Shell, replayed...)
	if r := c.Execute(`hits`); hostileResult(r) != "1" {
		t.Fatalf("the original message: hits = %q", hostileResult(r))
	}
	kinds := [][][]byte{
		forged,
		replayed,
		{[]byte("garbage")},
		replayed[:4],
		{[]byte("<IDS|MSG>"), []byte("00"), []byte("{\xff"), {}, {}, {}},
	}
	for i := range n {
		ch := []kernel.Channel{kernel.Shell, kernel.Control, kernel.Stdin}[i%3]
		c.SendRaw(ch, kinds[i%len(kinds)]...)
	}
	r := c.Execute(`hits`)
	if hostileResult(r) != "1" {
		t.Errorf("hits = %q after %d bad messages: want 1 (the original of the replayed one)", hostileResult(r), n)
	}
	if err := c.Heartbeat(2 * time.Second); err != nil {
		t.Error(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for openFDs(t, pid) > fd0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%d bad messages: kernel fds %d -> %d, threads %s -> %s", n, fd0, openFDs(t, pid), th0, threads(pid))
	if fd := openFDs(t, pid); fd > fd0 {
		t.Errorf("the kernel holds %d more descriptors after the bad messages", fd-fd0)
	}

	// Connections that never speak ZMTP.
	info := c.ConnectionInfo()
	for range 50 {
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", info.ShellPort))
		if err != nil {
			t.Fatal(err)
		}
		conn.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
		conn.Close()
	}
	time.Sleep(500 * time.Millisecond)
	if r := c.Execute(`hits`); hostileResult(r) != "1" {
		t.Errorf("after junk connections hits = %q", hostileResult(r))
	}
	deadline = time.Now().Add(time.Second)
	for openFDs(t, pid) > fd0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if fd := openFDs(t, pid); fd > fd0+2 {
		t.Errorf("50 junk connections left the kernel with %d more descriptors", fd-fd0)
	}
}

// TestConnectionFileWithoutPortsOrKey starts the binary on a connection
// file that gives no ports and an empty key. The kernel used to listen on
// random ports that nobody learned, and to turn signing off without a
// word. Now it writes the ports it picked back to the file (keeping the
// file's other fields and mode), so a front end connects with the file;
// and it warns on stderr and in its banner that signing is off.
func TestConnectionFileWithoutPortsOrKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kernel.json")
	file := `{"transport": "tcp", "ip": "127.0.0.1", "key": "", "signature_scheme": "hmac-sha256", "kernel_name": "spinlab", "jupyter_session": "keep me"}`
	if err := os.WriteFile(path, []byte(file), 0o640); err != nil {
		t.Fatal(err)
	}
	kp := startKernelAt(t, path)
	var info kernel.ConnectionInfo
	deadline := time.Now().Add(30 * time.Second)
	for {
		var err error
		info, err = kernel.ReadConnectionFile(path)
		if err == nil && info.ShellPort != 0 && info.HBPort != 0 {
			break
		}
		select {
		case <-kp.exited:
			t.Fatalf("the kernel exited:\n%s", kp.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the connection file still has no ports after 30s (%v):\n%s\nstderr:\n%s", err, mustRead(t, path), kp.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("mode after writing the ports: %v, %v; want 0640", st.Mode(), err)
	}
	if b := mustRead(t, path); !strings.Contains(b, `"jupyter_session": "keep me"`) {
		t.Errorf("the file lost its other fields:\n%s", b)
	}
	c := kerneltest.Connect(t, path)
	if banner := c.KernelInfo().Banner; !strings.Contains(banner, "signing is off") {
		t.Errorf("the banner does not say that signing is off: %q", banner)
	}
	if !strings.Contains(kp.stderr.String(), "signing is off") {
		t.Errorf("no warning on stderr that signing is off:\n%s", kp.stderr)
	}
	if r := c.Execute(`1+1`); hostileResult(r) != "2" {
		t.Errorf("1+1 = %q", hostileResult(r))
	}
	c.Shutdown(false)
	waitKernelExit(t, kp, 10*time.Second)
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
