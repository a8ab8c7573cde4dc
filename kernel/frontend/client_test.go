package frontend_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/frontend"
)

// asker is shout whose cell "ask" asks for input and prints the answer,
// and whose cell "block" runs until it is interrupted.
type asker struct{ shout }

func (a asker) Execute(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) kernel.ExecuteReply {
	switch req.Code {
	case "ask":
		answer, err := out.Input(ctx, "name? ", false)
		if err != nil {
			return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{Name: "InputError", Value: err.Error()}}
		}
		out.Stream("stdout", "hello, "+answer)
		return kernel.ExecuteReply{Status: kernel.StatusOK}
	case "block":
		<-ctx.Done()
		return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{Name: "Interrupted"}}
	}
	return a.shout.Execute(ctx, req, out)
}

// serve serves eng in-process until the test ends and returns its
// connection.
func serve(t *testing.T, eng kernel.Engine) kernel.ConnectionInfo {
	t.Helper()
	info := kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", Key: "secret", SignatureScheme: "hmac-sha256"}
	k, err := kernel.New(info, eng, kernel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- k.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return k.ConnectionInfo()
}

// dial connects to info and waits until the kernel is ready.
func dial(t *testing.T, info kernel.ConnectionInfo) *frontend.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := frontend.Dial(ctx, info, frontend.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if err := c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDialNobody: a kernel that never listens is an error once Dial's
// context ends, not a hang.
func TestDialNobody(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	info := kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256",
		ShellPort: port, IOPubPort: port, ControlPort: port, StdinPort: port, HBPort: port}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	c, err := frontend.Dial(ctx, info, frontend.Options{})
	if err == nil {
		c.Close()
		t.Fatal("Dial to a port nobody listens on succeeded")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial: %v, want an error wrapping context.DeadlineExceeded", err)
	}
}

// TestWrongKey: a kernel drops the requests of a client with another
// key, so WaitReady fails instead of hanging.
func TestWrongKey(t *testing.T) {
	info := serve(t, shout{})
	info.Key = "not the secret"
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	c, err := frontend.Dial(ctx, info, frontend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WaitReady(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitReady with a wrong key: %v, want a deadline error", err)
	}
}

// TestExecuteTimesOutThenRecovers: a wait that ends is an error wrapping
// the context's, and leaves nothing behind that would confuse the next
// request.
func TestExecuteTimesOutThenRecovers(t *testing.T) {
	c := dial(t, serve(t, asker{}))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err := c.Execute(ctx, "block")
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Execute of a blocked cell: %v, want a deadline error", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Interrupt(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := c.Execute(ctx, "hi")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != kernel.StatusOK || r.Stdout != "HI\n" {
		t.Errorf("after the interrupt: %s %q, want ok \"HI\\n\"", r.Status, r.Stdout)
	}
	if got := r.Types(); len(got) == 0 || got[0] != "status" || got[len(got)-1] != "status" {
		t.Errorf("iopub %v, want status busy ... status idle of this cell only", got)
	}
}

// TestExchangeTimes: an exchange's times are in order and its iopub
// messages are all its request's.
func TestExchangeTimes(t *testing.T) {
	c := dial(t, serve(t, shout{}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := c.Request(ctx, kernel.Shell, "kernel_info_request", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Sent.IsZero() || e.Replied.Before(e.Sent) || e.Idle.Before(e.Sent) || e.Latency() <= 0 {
		t.Errorf("sent %v, replied %v, idle %v, latency %v", e.Sent, e.Replied, e.Idle, e.Latency())
	}
	if e.Status() != kernel.StatusOK || e.Reply.Header.MsgType != "kernel_info_reply" {
		t.Errorf("reply %s with status %q", e.Reply.Header.MsgType, e.Status())
	}
	for _, m := range e.IOPub {
		if m.Parent.MsgID != e.Request.Header.MsgID {
			t.Errorf("iopub %s of another request", m.Header.MsgType)
		}
	}
	if _, err := c.Collect(ctx, e.Request); err == nil {
		t.Error("a second Collect of the same request succeeded")
	}
}

// TestInput: OnInput answers the kernel's input requests.
func TestInput(t *testing.T) {
	c := dial(t, serve(t, asker{}))
	c.OnInput(func(prompt string) string { return "gopher" })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := c.Execute(ctx, "ask")
	if err != nil {
		t.Fatal(err)
	}
	if r.Stdout != "hello, gopher" {
		t.Errorf("stdout %q, error %+v", r.Stdout, r.Error)
	}
	if got := c.Prompts(); len(got) != 1 || got[0] != "name? " {
		t.Errorf("prompts %q", got)
	}
}

// TestClosed: waits on a closed client fail with ErrClosed; sending on
// iopub is refused.
func TestClosed(t *testing.T) {
	c := dial(t, serve(t, shout{}))
	if err := c.SendRaw(kernel.IOPub, []byte("x")); err == nil {
		t.Error("SendRaw on iopub succeeded")
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Next(context.Background(), kernel.Shell, func(*kernel.Message) bool { return false })
		done <- err
	}()
	c.Close()
	select {
	case err := <-done:
		if !errors.Is(err, frontend.ErrClosed) {
			t.Errorf("Next on a closed client: %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Next did not return after Close")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := c.Heartbeat(ctx); err == nil {
		t.Error("Heartbeat on a closed client succeeded")
	}
}

// TestTransports: buffered (one writev per message) and Unbuffered
// (zmq4's transport, a write per frame) clients hold the same
// conversation, heartbeat and input included.
func TestTransports(t *testing.T) {
	info := serve(t, asker{})
	for _, unbuffered := range []bool{false, true} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, err := frontend.Dial(ctx, info, frontend.Options{Unbuffered: unbuffered, Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.WaitReady(ctx); err != nil {
			t.Fatalf("unbuffered %v: %v", unbuffered, err)
		}
		c.OnInput(func(string) string { return "both" })
		if r, err := c.Execute(ctx, "ask"); err != nil {
			t.Errorf("unbuffered %v: %v", unbuffered, err)
		} else if r.Stdout != "hello, both" {
			t.Errorf("unbuffered %v: stdout %q", unbuffered, r.Stdout)
		}
		if err := c.Heartbeat(ctx); err != nil {
			t.Errorf("unbuffered %v: %v", unbuffered, err)
		}
		c.Close()
		if bad := c.Malformed(); len(bad) > 0 {
			t.Errorf("unbuffered %v: malformed messages %v", unbuffered, bad)
		}
		cancel()
	}
}
