package kernelbench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"

	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/frontend"
)

// Kernel is a kernel process started from a kernelspec, with a client
// connected to it.
type Kernel struct {
	Spec   Spec
	Client *frontend.Client
	// PID is the process that the kernelspec's argv started: the kernel
	// itself for ipykernel and spinlab.
	PID int
	// ColdStart is the time from starting the process to its first
	// kernel_info_reply on shell.
	ColdStart time.Duration
	// Ready is when the kernel answered kernel_info with iopub working.
	Started, Ready time.Time

	cmd    *exec.Cmd
	dir    string
	stderr *tailBuffer
	exited chan struct{}
}

// Start starts a kernel from its kernelspec with a fresh connection file
// (free tcp ports of 127.0.0.1, a random key), as jupyter_client does,
// measures its cold start and waits until it is ready. ctx bounds the
// start; Stop ends the kernel.
func Start(ctx context.Context, spec Spec) (*Kernel, error) {
	dir, err := os.MkdirTemp("", "kernelbench-")
	if err != nil {
		return nil, err
	}
	info, err := freeConnection()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	info.KernelName = spec.Name
	b, _ := json.MarshalIndent(info, "", "  ")
	file := filepath.Join(dir, "kernel-"+spec.Name+".json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	argv := spec.command(file)
	k := &Kernel{Spec: spec, dir: dir, stderr: &tailBuffer{max: 8 << 10}, exited: make(chan struct{})}
	k.cmd = exec.Command(argv[0], argv[1:]...)
	k.cmd.Env = os.Environ()
	for name, v := range spec.Env {
		k.cmd.Env = append(k.cmd.Env, name+"="+v)
	}
	k.cmd.Stderr = k.stderr
	k.cmd.Stdout = k.stderr
	// Its own process group, so that Stop can end whatever it started.
	k.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	k.Started = time.Now()
	if err := k.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start kernel %s: %w", spec.Name, err)
	}
	k.PID = k.cmd.Process.Pid
	go func() { k.cmd.Wait(); close(k.exited) }()

	fail := func(err error) (*Kernel, error) {
		k.kill()
		return nil, fmt.Errorf("kernel %s: %w%s", spec.Name, err, k.stderr.quote())
	}
	dialCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-k.exited: // a kernel that died does not need more dialling
			cancel()
		case <-dialCtx.Done():
		}
	}()
	c, err := frontend.Dial(dialCtx, info, frontend.Options{Username: "kernelbench"})
	if err != nil {
		return fail(err)
	}
	k.Client = c
	// The first reply only: iopub may not deliver yet.
	first, err := c.Send(kernel.Shell, "kernel_info_request", nil)
	if err != nil {
		return fail(err)
	}
	if _, err := c.WaitReply(dialCtx, first); err != nil {
		return fail(err)
	}
	k.ColdStart = time.Since(k.Started)
	c.Discard(first)
	if err := c.WaitReady(dialCtx); err != nil {
		return fail(err)
	}
	k.Ready = time.Now()
	return k, nil
}

// Stop asks the kernel to shut down and waits for it to exit, killing its
// process group if it has not exited in time.
func (k *Kernel) Stop() error {
	defer os.RemoveAll(k.dir)
	if k.Client != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		k.Client.Shutdown(ctx, false)
		cancel()
	}
	select {
	case <-k.exited:
	case <-time.After(10 * time.Second):
	}
	k.kill()
	if k.Client != nil {
		k.Client.Close()
	}
	return nil
}

func (k *Kernel) kill() {
	if k.cmd.Process != nil {
		syscall.Kill(-k.PID, syscall.SIGKILL)
		k.cmd.Process.Kill()
		<-k.exited
	}
	if k.Client != nil {
		k.Client.Close()
	}
}

// Memory is the resident memory of a kernel, process by process: the
// process its kernelspec started (spinlab's kernel, ipykernel) and every
// process below it (spinlab's evaluator and workers, ipykernel's
// subprocesses), all in bytes. What a user pays for is Distinct: a sum of
// RSS counts the pages that processes share (one binary, one library)
// once per process; Distinct counts them once, and a sum of PSS counts a
// share of them.
type Memory struct {
	PID    int   // the kernel process
	Kernel int64 // its VmRSS
	// ChildPIDs are the descendants read, ChildRSS their VmRSS (same
	// order), and Children the sum of ChildRSS.
	ChildPIDs []int
	ChildRSS  []int64
	Children  int64
	// KernelPSS and ChildPSS (same order as ChildPIDs) are the PSS of
	// the same processes, read in the same pass; HasPSS says whether
	// all of them could be read (smaps_rollup: Linux 4.14 and later,
	// and the reader must be allowed to ptrace the process).
	KernelPSS int64
	ChildPSS  []int64
	HasPSS    bool
	// Distinct is the bytes of the distinct physical pages resident in
	// the kernel and its children (DistinctResident), if HasDistinct:
	// a page they share counts once, and in full, however many other
	// processes map it too (PSS would give them a share of it: the
	// bench-kernel process itself maps spinlab's binary when it measures
	// spinlab).
	Distinct    int64
	HasDistinct bool
}

// Total is the kernel's reading plus its children's: the sum of the
// per-process RSS readings, each taken once.
func (m Memory) Total() int64 { return m.Kernel + m.Children }

// TotalPSS is the sum of the PSS of the kernel and its children: their
// private memory, and each page they share counted once (a page shared
// with processes outside the kernel counts for the kernel's share).
func (m Memory) TotalPSS() int64 {
	t := m.KernelPSS
	for _, p := range m.ChildPSS {
		t += p
	}
	return t
}

// Memory reads the kernel's VmRSS and PSS and those of its descendants.
func (k *Kernel) Memory() (Memory, error) { return ReadMemory(k.PID) }

// ReadMemory reads the VmRSS and PSS of pid and of each of its
// descendants. A descendant that exits between listing and reading is
// left out: it holds no memory any more.
func ReadMemory(pid int) (Memory, error) {
	rss, err := RSS(pid)
	if err != nil {
		return Memory{}, err
	}
	m := Memory{PID: pid, Kernel: rss}
	pss, err := PSS(pid)
	m.KernelPSS, m.HasPSS = pss, err == nil
	for _, c := range Descendants(pid) {
		r, err := RSS(c)
		if err != nil {
			continue
		}
		p, err := PSS(c)
		if err != nil {
			if _, gone := RSS(c); gone != nil {
				continue
			}
			m.HasPSS = false
		}
		m.ChildPIDs = append(m.ChildPIDs, c)
		m.ChildRSS = append(m.ChildRSS, r)
		m.ChildPSS = append(m.ChildPSS, p)
		m.Children += r
	}
	m.Distinct, m.HasDistinct, _ = DistinctResident(append([]int{pid}, m.ChildPIDs...))
	return m, nil
}

// freeConnection returns a connection with five free tcp ports of
// 127.0.0.1 and a random key.
func freeConnection() (kernel.ConnectionInfo, error) {
	key := make([]byte, 16)
	rand.Read(key)
	info := kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", Key: hex.EncodeToString(key), SignatureScheme: "hmac-sha256"}
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for _, p := range []*int{&info.ShellPort, &info.ControlPort, &info.StdinPort, &info.IOPubPort, &info.HBPort} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return info, fmt.Errorf("pick a free port: %w", err)
		}
		ls = append(ls, l)
		*p = l.Addr().(*net.TCPAddr).Port
	}
	return info, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

// quote returns what the kernel wrote, for an error message.
func (t *tailBuffer) quote() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := bytes.TrimSpace(t.b)
	if len(s) == 0 {
		return ""
	}
	return "; it wrote:\n" + string(s)
}
