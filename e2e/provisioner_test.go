package e2e

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestProvisionerConnectionFile starts spinlab as a kernel provisioner does
// (jupyter_client's KernelManager writes the connection file: transport, ip,
// ports, key) with a transport and an ip other than the defaults, connects a
// client that knows only that file, as a gateway in front of a remote
// kernel does, and checks in /proc that the kernel listens exactly where the
// file says: the five ports on that ip, or the five ipc socket files.
func TestProvisionerConnectionFile(t *testing.T) {
	need(t, executable(python), pythonModules("jupyter_client"))
	je := newJupyterEnv(t, "spinlab")
	script, err := filepath.Abs(filepath.Join("testdata", "provision.py"))
	if err != nil {
		t.Fatal(err)
	}
	ipcDir := filepath.Join(je.Dir, "ipc")
	if err := os.MkdirAll(ipcDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, transport, ip string
		manager             bool // jupyter_client's KernelManager writes the file and starts the kernel
	}{
		// Another loopback address than the default 127.0.0.1: the kernel
		// must not fall back to it, nor listen on all interfaces. (The
		// LocalProvisioner refuses an ip that is not an interface's own,
		// so this file is written as a remote provisioner writes it.)
		{"tcp-127.0.0.2", "tcp", "127.0.0.2", false},
		// Unix sockets at IP-PORT, as jupyter_client names them.
		{"ipc", "ipc", filepath.Join(ipcDir, "kernel"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testProvisioned(t, je, script, tc.transport, tc.ip, tc.manager)
		})
	}
}

func testProvisioned(t *testing.T, je *jupyterEnv, script, transport, ip string, manager bool) {
	code := fmt.Sprintf("fmt.Println(%q)", "hello over "+transport)
	arg, _ := json.Marshal(map[string]any{"kernel": "spinlab", "transport": transport, "ip": ip, "code": code, "manager": manager})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, script, string(arg))
	cmd.Dir = je.Dir
	cmd.Env = je.Env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Wait()
		if t.Failed() {
			t.Logf("provision.py stderr:\n%s", stderr.String())
		}
	}()
	lines := bufio.NewScanner(stdout)
	var started struct {
		PID        int
		File       string
		Connection struct {
			Transport string
			IP        string
			Shell     int `json:"shell_port"`
			IOPub     int `json:"iopub_port"`
			Stdin     int `json:"stdin_port"`
			Control   int `json:"control_port"`
			HB        int `json:"hb_port"`
		}
	}
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &started) != nil || started.PID == 0 {
		t.Fatalf("provision.py: the kernel did not start and answer: %q", lines.Text())
	}
	c := started.Connection
	if c.Transport != transport || c.IP != ip {
		t.Fatalf("connection file %s has transport %q, ip %q; want %q, %q", started.File, c.Transport, c.IP, transport, ip)
	}
	tree := processTree(filepath.Base(started.File))

	// Where the kernel process listens, from its file descriptors.
	tcp, unix := listeningSockets(t, started.PID)
	var want []string
	for _, p := range []int{c.Shell, c.IOPub, c.Stdin, c.Control, c.HB} {
		if transport == "ipc" {
			want = append(want, ip+"-"+strconv.Itoa(p))
		} else {
			want = append(want, net.JoinHostPort(ip, strconv.Itoa(p)))
		}
	}
	slices.Sort(want)
	got := tcp
	if transport == "ipc" {
		got = unix
		if len(tcp) > 0 {
			t.Errorf("with the ipc transport the kernel also listens on TCP %q", tcp)
		}
	}
	t.Logf("connection file: transport %s, ip %s; the kernel (pid %d) listens on %q", c.Transport, c.IP, started.PID, got)
	if !slices.Equal(got, want) {
		t.Errorf("the kernel listens on %q; the connection file says %q", got, want)
	}

	io.WriteString(stdin, "go on\n")
	var rep struct {
		Status, Stdout, Error string
		Exit                  any // without the manager: the kernel's exit status after shutdown_request
	}
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &rep) != nil {
		t.Fatalf("provision.py: no report: %q", lines.Text())
	}
	if rep.Error != "" || rep.Status != "ok" || rep.Stdout != "hello over "+transport+"\n" {
		t.Errorf("%s over %s: %+v; want ok and the line printed", code, transport, rep)
	}
	if !manager && rep.Exit != float64(0) {
		t.Errorf("after shutdown_request the kernel exited with %v; want 0", rep.Exit)
	}
	if left := waitGone(tree, 10*time.Second); len(left) > 0 {
		t.Errorf("after the provisioner shut the kernel down, its processes run on:%s", describeProcs(left))
	}
}

// listeningSockets returns the TCP addresses (host:port) and unix socket
// paths that process pid listens on, sorted, from /proc/PID/fd and
// /proc/net/{tcp,tcp6,unix}.
func listeningSockets(t *testing.T, pid int) (tcp, unix []string) {
	t.Helper()
	inodes := map[string]bool{}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatalf("the kernel's file descriptors: %v", err)
	}
	for _, fd := range fds {
		l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if ino, ok := strings.CutPrefix(l, "socket:["); ok {
			inodes[strings.TrimSuffix(ino, "]")] = true
		}
	}
	for _, name := range []string{"tcp", "tcp6"} {
		for _, f := range procNetLines(t, pid, name) {
			// sl local_address rem_address st ... inode (field 9)
			if len(f) > 9 && f[3] == "0A" && inodes[f[9]] {
				tcp = append(tcp, decodeProcAddr(t, f[1]))
			}
		}
	}
	for _, f := range procNetLines(t, pid, "unix") {
		// Num RefCount Protocol Flags Type St Inode Path; a listener has
		// __SO_ACCEPTCON (0x10000) in Flags.
		if len(f) > 7 && inodes[f[6]] {
			if flags, _ := strconv.ParseUint(f[3], 16, 32); flags&0x10000 != 0 {
				unix = append(unix, f[7])
			}
		}
	}
	slices.Sort(tcp)
	slices.Sort(unix)
	return tcp, unix
}

func procNetLines(t *testing.T, pid int, name string) [][]string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, name))
	if err != nil {
		return nil // no IPv6 here
	}
	var out [][]string
	for _, line := range strings.Split(string(b), "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// decodeProcAddr turns /proc/net/tcp's "0200007F:1F90" (the address in
// host byte order, little-endian here, per 32-bit word) into host:port.
func decodeProcAddr(t *testing.T, s string) string {
	h, p, _ := strings.Cut(s, ":")
	b, err := hex.DecodeString(h)
	port, err2 := strconv.ParseUint(p, 16, 16)
	if err != nil || err2 != nil || len(b)%4 != 0 {
		t.Fatalf("unreadable /proc/net address %q", s)
	}
	for i := 0; i < len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	return net.JoinHostPort(net.IP(b).String(), strconv.Itoa(int(port)))
}
