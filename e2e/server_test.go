package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// notebookServer is a running Jupyter server: Notebook (classic),
// jupyter_server, or JupyterHub's proxy in front of its hub.
type notebookServer struct {
	URL   string // http://127.0.0.1:PORT
	Token string
	Dir   string // the notebook directory it serves
	Log   string // path of its combined stdout and stderr
	// Stop ends the server and waits for it (idempotent; also a cleanup).
	Stop func()
}

// startNotebookServer starts `python3 -m notebook` on a free port of
// 127.0.0.1 with a random token, serving a fresh directory, and waits until
// its API answers. The server and its kernels stop when the test ends.
func startNotebookServer(t *testing.T, je *jupyterEnv) *notebookServer {
	t.Helper()
	s := newServer(t, je, "notebook-server")
	return startServer(t, je, s, "/api/status", func(port int) []string {
		args := []string{"-m", "notebook",
			"--no-browser",
			"--ip=127.0.0.1",
			"--port=" + strconv.Itoa(port),
			"--NotebookApp.port_retries=0",
			"--NotebookApp.token=" + s.Token,
			"--NotebookApp.notebook_dir=" + s.Dir,
			// No MathJax from a CDN, no update checks: the page must load offline.
			"--NotebookApp.enable_mathjax=False",
		}
		if os.Geteuid() == 0 {
			args = append(args, "--allow-root")
		}
		return args
	})
}

// newServer makes a server's random token, its directory and its log
// file name under je; name tells servers of one test apart.
func newServer(t *testing.T, je *jupyterEnv, name string) *notebookServer {
	t.Helper()
	tok := make([]byte, 16)
	rand.Read(tok)
	s := &notebookServer{
		Token: hex.EncodeToString(tok),
		Dir:   filepath.Join(je.Dir, name),
		Log:   filepath.Join(je.Dir, name+".log"),
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return s
}

// startServer runs /usr/bin/python3 with args(port) for a free port of
// 127.0.0.1 in s.Dir, and waits until GET readyPath answers 200 (with
// s.Token) at s.URL. The server runs in its own process group and stops
// when the test ends (SIGTERM, which shuts its kernels down; then SIGKILL of
// the group after 10 s); s.Stop stops it earlier.
func startServer(t *testing.T, je *jupyterEnv, s *notebookServer, readyPath string, args func(port int) []string) *notebookServer {
	t.Helper()
	logf, err := os.Create(s.Log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })

	// The port is free now but could be taken before the server binds it;
	// then the server exits (port_retries=0) and we try another.
	for attempt := 0; ; attempt++ {
		port := freePort(t)
		s.URL = "http://127.0.0.1:" + strconv.Itoa(port)
		cmd := exec.Command(python, args(port)...)
		cmd.Dir = s.Dir
		cmd.Env = je.Env
		cmd.Stdout = logf
		cmd.Stderr = logf
		// Its own process group, so that stopping it takes its kernels along.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatalf("start %s: %v", python, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var once sync.Once
		stop := func() {
			once.Do(func() {
				// SIGTERM shuts the kernels down. Kill the group if it lingers.
				syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
				select {
				case <-exited:
				case <-time.After(10 * time.Second):
					syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					<-exited
				}
				// Kernels run in their own sessions; the server shut them down on
				// SIGTERM. Anything left in the group goes now.
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			})
		}
		err := s.waitReady(readyPath, exited, 60*time.Second)
		if err == nil {
			s.Stop = stop
			t.Cleanup(stop)
			return s
		}
		stop()
		if attempt < 2 && err == errServerExited {
			continue
		}
		t.Fatalf("server at %s: %v\n%s", s.URL, err, readFile(s.Log))
	}
}

var errServerExited = fmt.Errorf("server exited")

func (s *notebookServer) waitReady(path string, exited <-chan error, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+path, nil)
		req.Header.Set("Authorization", "token "+s.Token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errServerExited
		case <-ctx.Done():
			return fmt.Errorf("not ready after %v", timeout)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	const max = 8000
	if len(b) > max {
		b = append([]byte("...\n"), b[len(b)-max:]...)
	}
	return string(b)
}
