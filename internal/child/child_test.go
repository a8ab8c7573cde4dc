package child_test

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/internal/child"
)

// envRole makes the test binary play a child; see TestMain.
const envRole = "SPINLAB_CHILD_TEST_ROLE"

// message is the frame the test children and parents exchange.
type message struct {
	Type string `json:"type"`
	Text string `json:"text,omitempty"`
}

func TestMain(m *testing.M) {
	switch os.Getenv(envRole) {
	case "":
		os.Exit(m.Run())
	case "echo":
		os.Exit(echoMain())
	case "hostile":
		os.Exit(hostileMain())
	default:
		os.Exit(3)
	}
}

// echoMain answers each frame with the same frame, until end of file.
func echoMain() int {
	conn, err := child.Open(0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for {
		var m message
		if err := conn.Receive(&m); err != nil {
			return 0
		}
		if m.Type == "fds" {
			// What a process the child starts inherits.
			out, err := exec.Command("sh", "-c", "ls -l /proc/$$/fd").CombinedOutput()
			m.Text = string(out)
			if err != nil {
				m.Text += err.Error()
			}
		}
		if m.Type == "env" {
			m.Text = os.Getenv(child.EnvChannel) + "|" + os.Getenv(child.EnvMemoryLimit)
		}
		if err := conn.Send(&m); err != nil {
			return 2
		}
	}
}

// hostileMain does to fds 3 and 4 what a cell might, then echoes.
func hostileMain() int {
	conn, err := child.Open(0)
	if err != nil {
		return 2
	}
	syscall.Close(3)
	syscall.Dup2(1, 4)
	syscall.Write(4, []byte("written to fd 4\n"))
	var m message
	if err := conn.Receive(&m); err != nil {
		return 2
	}
	if err := conn.Send(&m); err != nil {
		return 2
	}
	return 0
}

func start(t *testing.T, role string, spec child.Spec) *child.Process {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	spec.Argv = []string{exe}
	spec.Env = append(os.Environ(), envRole+"="+role)
	p, err := child.Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Kill()
		p.Wait()
		p.Close()
	})
	go io.Copy(os.Stderr, p.Stderr)
	return p
}

func roundTrip(t *testing.T, p *child.Process, typ string) message {
	t.Helper()
	if err := p.Send(&message{Type: typ}); err != nil {
		t.Fatal(err)
	}
	var m message
	if err := p.Receive(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestGrandchildrenDoNotInheritTheChannel: a process the child starts has
// nothing on fds 3 and 4 (before, a worker's snippet saw its protocol
// pipes there).
func TestGrandchildrenDoNotInheritTheChannel(t *testing.T) {
	p := start(t, "echo", child.Spec{})
	go io.Copy(io.Discard, p.Stdout)
	listing := roundTrip(t, p, "fds").Text
	if !strings.Contains(listing, " 0 -> ") {
		t.Fatalf("no fd listing: %q", listing)
	}
	for _, line := range strings.Split(listing, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[len(f)-2] == "->" && (f[len(f)-3] == "3" || f[len(f)-3] == "4") {
			t.Errorf("the grandchild inherited %s", line)
		}
	}
}

// TestOpenClearsTheEnvironment: the variables of the channel are not
// for the processes the child starts.
func TestOpenClearsTheEnvironment(t *testing.T) {
	p := start(t, "echo", child.Spec{MemoryLimit: 8 << 30})
	go io.Copy(io.Discard, p.Stdout)
	if got := roundTrip(t, p, "env").Text; got != "|" {
		t.Errorf("the child still has %q", got)
	}
}

// TestClosingFD3DoesNotBreakTheChannel: fds 3 and 4 are placeholders
// after Open; closing or replacing them leaves the channel alone.
func TestClosingFD3DoesNotBreakTheChannel(t *testing.T) {
	p := start(t, "hostile", child.Spec{})
	out := make(chan string, 1)
	go func() { b, _ := io.ReadAll(p.Stdout); out <- string(b) }()
	if got := roundTrip(t, p, "ping"); got.Type != "ping" {
		t.Errorf("echo: %+v", got)
	}
	if st := p.Wait(); !st.Success() {
		t.Errorf("the child ended with %v", st)
	}
	if got := <-out; got != "written to fd 4\n" {
		t.Errorf("stdout %q", got)
	}
}

// TestKillTakesTheGroup: Kill ends the child and what it started in its
// process group; Wait reaps it.
func TestKillTakesTheGroup(t *testing.T) {
	p := start(t, "echo", child.Spec{})
	go io.Copy(io.Discard, p.Stdout)
	p.Kill()
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the killed child was not reaped")
	}
	ws := p.Wait().Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("wait status %v", ws)
	}
	if err := syscall.Kill(p.Pid, 0); err != syscall.ESRCH {
		t.Errorf("kill(%d, 0) = %v after Wait, want ESRCH", p.Pid, err)
	}
}

// TestOpenWithoutChannel: a command run by hand says so.
func TestOpenWithoutChannel(t *testing.T) {
	t.Setenv(child.EnvChannel, "")
	if _, err := child.Open(0); err != child.ErrNoChannel {
		t.Errorf("Open = %v, want ErrNoChannel", err)
	}
}
