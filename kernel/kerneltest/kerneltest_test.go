package kerneltest_test

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// TestConnect serves a kernel from a connection file, as the binary
// does, and reaches it with Connect.
func TestConnect(t *testing.T) {
	path, info := kerneltest.NewConnectionFile(t)
	read, err := kernel.ReadConnectionFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if read != info {
		t.Fatalf("connection file holds %+v, want %+v", read, info)
	}
	ports := map[int]bool{}
	for _, ch := range []kernel.Channel{kernel.Shell, kernel.Control, kernel.Stdin, kernel.IOPub, kernel.Heartbeat} {
		ports[info.Port(ch)] = true
	}
	if len(ports) != 5 || info.Key == "" {
		t.Fatalf("connection %+v: want five different ports and a key", info)
	}
	k, err := kernel.New(info, shout{}, kernel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- k.Serve(context.Background()) }()

	c := kerneltest.Connect(t, path)
	if r := c.Execute("hi"); r.Stdout != "HI\n" {
		t.Errorf("stdout %q", r.Stdout)
	}
	if c.Kernel() != nil || c.KernelLog() != "" {
		t.Error("a connected client has no in-process kernel")
	}
	c.Shutdown(false)
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after shutdown_request")
	}
}

// TestNoGoroutineLeak checks that a served kernel and its client leave no
// goroutines of their own behind.
func TestNoGoroutineLeak(t *testing.T) {
	t.Run("serve", func(t *testing.T) {
		c := kerneltest.NewServer(t, shout{})
		c.Execute("x")
		if err := c.Heartbeat(time.Second); err != nil {
			t.Fatal(err)
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		var leaked []string
		for _, g := range strings.Split(stacks, "\n\n") {
			if strings.Contains(g, "spinlab/kernel.") || strings.Contains(g, "kerneltest.(*Client)") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left behind:\n%s", strings.Join(leaked, "\n\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestHistoryEntryJSON(t *testing.T) {
	var got []kernel.HistoryEntry
	if err := json.Unmarshal([]byte(`[[1, 2, "a"], [1, 3, ["b", "out"]], [2, 1, ["c", null]]]`), &got); err != nil {
		t.Fatal(err)
	}
	out := "out"
	want := []kernel.HistoryEntry{{Session: 1, Line: 2, Input: "a"}, {Session: 1, Line: 3, Input: "b", Output: &out}, {Session: 2, Line: 1, Input: "c"}}
	// Entries read from the pair form go out in it again.
	if b, err := json.Marshal(got); err != nil || string(b) != `[[1,2,"a"],[1,3,["b","out"]],[2,1,["c",null]]]` {
		t.Errorf("entries do not go out as they came: %s, %v", b, err)
	}
	if !historyEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, bad := range []string{`[[1, 2]]`, `[[1, 2, 3]]`, `[[1, 2, ["a"]]]`} {
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// historyEqual compares entries by what they hold.
func historyEqual(a, b []kernel.HistoryEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Session != y.Session || x.Line != y.Line || x.Input != y.Input || (x.Output == nil) != (y.Output == nil) || x.Output != nil && *x.Output != *y.Output {
			return false
		}
	}
	return true
}
