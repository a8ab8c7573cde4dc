package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
)

// Channel names one of the five sockets of a kernel.
type Channel string

// The five channels of the Jupyter protocol.
const (
	Shell     Channel = "shell"
	Control   Channel = "control"
	Stdin     Channel = "stdin"
	IOPub     Channel = "iopub"
	Heartbeat Channel = "hb"
)

// ConnectionInfo is the content of a Jupyter connection file: where the
// kernel binds its sockets and how messages are signed.
//
// A port of 0 asks New to pick a free one: a free tcp port, or for ipc
// the first number whose path does not exist (as ipykernel does). The
// chosen ports are then available from Kernel.ConnectionInfo, and
// WritePorts writes them to the connection file.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and checks a connection file as written by
// jupyter_client. A missing transport means tcp, a missing ip 127.0.0.1
// and a missing signature scheme hmac-sha256.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return ConnectionInfo{}, fmt.Errorf("connection file %s does not exist: start the kernel with the file Jupyter wrote (kernel -f FILE)", path)
		}
		return ConnectionInfo{}, fmt.Errorf("read connection file: %w", err)
	}
	info, err := ParseConnectionInfo(b)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("connection file %s: %w", path, err)
	}
	return info, nil
}

// ParseConnectionInfo parses and checks the JSON of a connection file; see
// ReadConnectionFile.
func ParseConnectionInfo(b []byte) (ConnectionInfo, error) {
	var info ConnectionInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return ConnectionInfo{}, fmt.Errorf("not valid connection JSON: %w", err)
	}
	if info.Transport == "" {
		info.Transport = "tcp"
	}
	if info.IP == "" {
		info.IP = "127.0.0.1"
	}
	if info.SignatureScheme == "" {
		info.SignatureScheme = "hmac-sha256"
	}
	if err := info.check(); err != nil {
		return ConnectionInfo{}, err
	}
	return info, nil
}

func (c ConnectionInfo) check() error {
	switch c.Transport {
	case "tcp", "ipc":
	default:
		return fmt.Errorf("unknown transport %q: use \"tcp\" or \"ipc\"", c.Transport)
	}
	if _, err := NewSigner(c.SignatureScheme, c.Key); err != nil {
		return err
	}
	for _, ch := range []Channel{Shell, Control, Stdin, IOPub, Heartbeat} {
		p := c.Port(ch)
		if p < 0 || p > 65535 && c.Transport == "tcp" {
			return fmt.Errorf("%s_port %d is out of range", ch, p)
		}
	}
	return nil
}

// Port returns the port of a channel.
func (c ConnectionInfo) Port(ch Channel) int {
	switch ch {
	case Shell:
		return c.ShellPort
	case Control:
		return c.ControlPort
	case Stdin:
		return c.StdinPort
	case IOPub:
		return c.IOPubPort
	case Heartbeat:
		return c.HBPort
	}
	return 0
}

func (c *ConnectionInfo) setPort(ch Channel, port int) {
	switch ch {
	case Shell:
		c.ShellPort = port
	case Control:
		c.ControlPort = port
	case Stdin:
		c.StdinPort = port
	case IOPub:
		c.IOPubPort = port
	case Heartbeat:
		c.HBPort = port
	}
}

// Endpoint returns the ZeroMQ address of a channel, as jupyter_client
// forms it: tcp://IP:PORT, or ipc://IP-PORT where IP is a path prefix.
func (c ConnectionInfo) Endpoint(ch Channel) string {
	if c.Transport == "ipc" {
		return "ipc://" + c.IP + "-" + strconv.Itoa(c.Port(ch))
	}
	return "tcp://" + c.IP + ":" + strconv.Itoa(c.Port(ch))
}

// channels are the five channels, in the order of a connection file.
var channels = []Channel{Shell, Control, Stdin, IOPub, Heartbeat}

// pickIPCPorts gives each channel of an ipc connection whose port is 0
// the first number, from 1, that no other channel uses and whose path
// does not exist.
func (c *ConnectionInfo) pickIPCPorts() {
	used := map[int]bool{}
	for _, ch := range channels {
		used[c.Port(ch)] = true
	}
	next := 1
	for _, ch := range channels {
		if c.Port(ch) != 0 {
			continue
		}
		for {
			_, err := os.Lstat(c.IP + "-" + strconv.Itoa(next))
			if !used[next] && errors.Is(err, fs.ErrNotExist) {
				break
			}
			next++
		}
		c.setPort(ch, next)
		used[next] = true
	}
}

// WritePorts writes the ports of info into the connection file at path,
// keeping the file's other fields (in JSON key order) and its mode. A
// kernel started on a file without ports picks its own; written back, as
// ipykernel does, they let front ends connect with the same file.
func WritePorts(path string, info ConnectionInfo) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("write ports to the connection file: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return fmt.Errorf("write ports to the connection file %s: %w", path, err)
	}
	for _, ch := range channels {
		fields[string(ch)+"_port"] = json.RawMessage(strconv.Itoa(info.Port(ch)))
	}
	out, err := json.MarshalIndent(fields, "", "  ")
	if err != nil {
		return fmt.Errorf("write ports to the connection file: %w", err)
	}
	// The file exists: WriteFile truncates it in place, keeping its mode
	// and owner (a 0600 file stays 0600: it holds the key).
	if err := os.WriteFile(path, append(out, '\n'), 0o600); err != nil {
		return fmt.Errorf("write ports to the connection file: %w", err)
	}
	return nil
}
