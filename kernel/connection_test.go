package kernel_test

import (
	"net"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/kernel"
)

func TestReadConnectionFile(t *testing.T) {
	info, err := kernel.ReadConnectionFile("testdata/connection-ok.json")
	if err != nil {
		t.Fatal(err)
	}
	want := kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: 53794, IOPubPort: 53795, StdinPort: 53796,
		ControlPort: 53797, HBPort: 53798, Key: "a0436f6c-1916-498b-8eb9-e81ab9368e84", SignatureScheme: "hmac-sha256", KernelName: "spinlab"}
	if info != want {
		t.Errorf("got %+v\nwant %+v", info, want)
	}
	if ep := info.Endpoint(kernel.IOPub); ep != "tcp://127.0.0.1:53795" {
		t.Errorf("iopub endpoint %s", ep)
	}
	ipc, err := kernel.ReadConnectionFile("testdata/connection-ipc.json")
	if err != nil {
		t.Fatal(err)
	}
	if ep := ipc.Endpoint(kernel.Heartbeat); ep != "ipc:///tmp/kernel-x-5" {
		t.Errorf("ipc hb endpoint %s", ep)
	}
	for _, tc := range []struct{ file, want string }{
		{"testdata/no-such-file.json", "does not exist"},
		{"testdata/connection-badjson.json", "not valid connection JSON"},
		{"testdata/connection-udp.json", `unknown transport "udp"`},
		{"testdata/connection-md5.json", `unsupported signature_scheme "hmac-md5"`},
		{"testdata/connection-port.json", "out of range"},
	} {
		_, err := kernel.ReadConnectionFile(tc.file)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want it to say %q", tc.file, err, tc.want)
		}
	}
}

func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	info := kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: 0, ControlPort: 0, StdinPort: 0, IOPubPort: port, HBPort: 0, Key: "k", SignatureScheme: "hmac-sha256"}
	k, err := kernel.New(info, newFakeEngine(), kernel.Options{})
	if err == nil {
		k.Close()
		t.Fatal("New bound a port that is in use")
	}
	if msg := err.Error(); !strings.Contains(msg, "iopub") || !strings.Contains(msg, l.Addr().String()) {
		t.Errorf("error %q does not name the socket and address", msg)
	}
	// A kernel that binds can be closed without serving.
	info.IOPubPort = 0
	k, err = kernel.New(info, newFakeEngine(), kernel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Close(); err != nil {
		t.Error(err)
	}
	if err := k.Serve(t.Context()); err == nil {
		t.Error("Serve after Close succeeded")
	}
}
