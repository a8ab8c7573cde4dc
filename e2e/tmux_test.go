package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// terminal is a program running in a detached tmux session on a private tmux
// server: the test types into it with send-keys and reads the rendered
// screen with capture-pane, as a person at a terminal would.
type terminal struct {
	t      *testing.T
	socket string // the private server's socket path
	env    []string
}

// startTerminal starts argv in a 160x50 terminal. The pane stays after the
// program exits, so its last screen can still be read.
func startTerminal(t *testing.T, env []string, dir string, argv ...string) *terminal {
	t.Helper()
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\nset -g history-limit 10000\nset -g status off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, socket: filepath.Join(dir, "tmux.sock"), env: env}
	args := append([]string{"-f", conf, "new-session", "-d", "-s", "e2e", "-x", "160", "-y", "50", "--"}, argv...)
	if out, err := term.tmux(args...); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { term.tmux("kill-server") })
	return term
}

func (term *terminal) tmux(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-S", term.socket}, args...)...)
	cmd.Env = term.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Type sends text literally, as typed keys.
func (term *terminal) Type(text string) {
	term.t.Helper()
	if out, err := term.tmux("send-keys", "-t", "e2e", "-l", "--", text); err != nil {
		term.t.Fatalf("tmux send-keys %q: %v\n%s", text, err, out)
	}
}

// Key sends named keys: Enter, Tab, C-c, C-d, Escape.
func (term *terminal) Key(keys ...string) {
	term.t.Helper()
	if out, err := term.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...); err != nil {
		term.t.Fatalf("tmux send-keys %q: %v\n%s", keys, err, out)
	}
}

// Screen is the visible screen and its scrollback, without colours, trailing
// spaces kept.
func (term *terminal) Screen() string {
	term.t.Helper()
	out, err := term.tmux("capture-pane", "-p", "-N", "-t", "e2e", "-S", "-10000")
	if err != nil {
		term.t.Fatalf("tmux capture-pane: %v\n%s", err, out)
	}
	return strings.TrimRight(out, "\n")
}

// Cursor returns the cursor's column and the visible line it is on.
func (term *terminal) Cursor() (x int, line string) {
	term.t.Helper()
	out, err := term.tmux("display-message", "-p", "-t", "e2e", "#{cursor_x} #{cursor_y}")
	if err != nil {
		term.t.Fatalf("tmux display-message: %v\n%s", err, out)
	}
	var y int
	fmt.Sscan(out, &x, &y)
	vis, err := term.tmux("capture-pane", "-p", "-N", "-t", "e2e")
	if err != nil {
		term.t.Fatalf("tmux capture-pane: %v\n%s", err, vis)
	}
	if lines := strings.Split(vis, "\n"); y < len(lines) {
		line = lines[y]
	}
	return x, line
}

// Dead reports whether the program in the terminal has exited.
func (term *terminal) Dead() bool {
	out, err := term.tmux("display-message", "-p", "-t", "e2e", "#{pane_dead}")
	return err == nil && strings.TrimSpace(out) == "1"
}

// WaitFor polls the screen until ok returns true, and returns that screen.
// It fails the test with the screen when timeout passes.
func (term *terminal) WaitFor(what string, timeout time.Duration, ok func(screen string) bool) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		s := term.Screen()
		if ok(s) {
			return s, nil
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("waiting %v for %s; the terminal shows:\n%s", timeout, what, tail(s, 40))
		}
		if term.Dead() {
			return s, fmt.Errorf("waiting for %s: the program exited; the terminal shows:\n%s", what, tail(s, 40))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// lastScreenLine returns the last line of the screen that is not blank, with
// its trailing spaces (an indent the cursor sits after).
func lastScreenLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) != "" {
			return lines[i]
		}
	}
	return ""
}
