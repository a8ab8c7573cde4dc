package kerneltest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
)

// ServerOptions configures NewServerWith.
type ServerOptions struct {
	// Transport is "tcp" (the default) or "ipc".
	Transport string
	// Unsigned runs the kernel with an empty key: no signatures.
	Unsigned bool
	// Kernel configures the kernel; its Logger is replaced by one that
	// Client.KernelLog reads.
	Kernel kernel.Options
}

// server is an in-process kernel and what it logged.
type server struct {
	k   *kernel.Kernel
	log *syncBuffer
}

// NewServer starts a kernel in-process for eng on free tcp ports of
// 127.0.0.1, and returns a client connected to it. Both stop when the
// test ends.
func NewServer(t testing.TB, eng kernel.Engine) *Client {
	t.Helper()
	return NewServerWith(t, eng, ServerOptions{})
}

// NewServerWith is NewServer with options.
func NewServerWith(t testing.TB, eng kernel.Engine, opts ServerOptions) *Client {
	t.Helper()
	info := kernel.ConnectionInfo{
		Transport:       "tcp",
		IP:              "127.0.0.1",
		Key:             newKey(),
		SignatureScheme: "hmac-sha256",
		KernelName:      "spinlab",
	}
	if opts.Unsigned {
		info.Key = ""
	}
	if opts.Transport == "ipc" {
		// Unix socket paths are short (108 bytes): stay out of t.TempDir.
		dir, err := os.MkdirTemp("", "kt")
		if err != nil {
			t.Fatalf("kerneltest: %v", err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		info.Transport, info.IP = "ipc", filepath.Join(dir, "k")
		info.ShellPort, info.ControlPort, info.StdinPort, info.IOPubPort, info.HBPort = 1, 2, 3, 4, 5
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	kopts := opts.Kernel
	kopts.Logger = logger
	k, err := kernel.New(info, eng, kopts)
	if err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- k.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("kerneltest: Serve: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("kerneltest: Serve did not return after its context was cancelled")
		}
		if t.Failed() {
			t.Logf("kernel log:\n%s", logs.String())
		}
	})
	return dial(t, k.ConnectionInfo(), &server{k: k, log: logs})
}

// NewConnectionFile writes a connection file with free tcp ports of
// 127.0.0.1 and a random key in a temporary directory, for starting a
// kernel binary (kernel -f PATH) that a test then reaches with Connect.
func NewConnectionFile(t testing.TB) (path string, info kernel.ConnectionInfo) {
	t.Helper()
	info = kernel.ConnectionInfo{
		Transport:       "tcp",
		IP:              "127.0.0.1",
		Key:             newKey(),
		SignatureScheme: "hmac-sha256",
		KernelName:      "spinlab",
	}
	// Hold all five listeners open while picking, so the ports differ.
	var ls []net.Listener
	for _, p := range []*int{&info.ShellPort, &info.ControlPort, &info.StdinPort, &info.IOPubPort, &info.HBPort} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("kerneltest: pick a free port: %v", err)
		}
		ls = append(ls, l)
		*p = l.Addr().(*net.TCPAddr).Port
	}
	for _, l := range ls {
		l.Close()
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	path = filepath.Join(t.TempDir(), "kernel.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	return path, info
}

func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// syncBuffer is a bytes.Buffer for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
