package frontend_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/frontend"
)

// shout is an engine whose cells print their code in capitals and whose
// value is the code's length.
type shout struct{}

func (shout) Info() kernel.Info {
	return kernel.Info{Implementation: "shout", Language: kernel.LanguageInfo{Name: "shout"}}
}

func (shout) Execute(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) kernel.ExecuteReply {
	if req.Code == "fail" {
		return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{Name: "Failure", Value: "asked to fail"}}
	}
	out.Stream("stdout", strings.ToUpper(req.Code)+"\n")
	return kernel.ExecuteReply{Status: kernel.StatusOK, Result: &display.Bundle{
		Data: map[string]any{"text/plain": fmt.Sprint(len(req.Code))},
	}}
}

func (shout) Complete(ctx context.Context, code string, cursor int) (kernel.Completion, error) {
	return kernel.Completion{Matches: []string{"hello"}, CursorStart: 0, CursorEnd: cursor}, nil
}

func (shout) Inspect(ctx context.Context, code string, cursor, detail int) (kernel.Inspection, error) {
	return kernel.Inspection{}, nil
}

func (shout) IsComplete(ctx context.Context, code string) (kernel.Completeness, error) {
	return kernel.Completeness{Status: "complete"}, nil
}

func (shout) Shutdown(ctx context.Context, restart bool) error { return nil }

// startShout serves a shout kernel in-process on free ports until ctx
// ends; a real front end would read a connection file instead.
func startShout(ctx context.Context) (kernel.ConnectionInfo, error) {
	info := kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", Key: "secret", SignatureScheme: "hmac-sha256"}
	k, err := kernel.New(info, shout{}, kernel.Options{})
	if err != nil {
		return info, err
	}
	go k.Serve(ctx)
	return k.ConnectionInfo(), nil
}

// Example talks to a kernel as a notebook would, and reports errors
// instead of failing.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := startShout(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}

	c, err := frontend.Dial(ctx, info, frontend.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if err := c.WaitReady(ctx); err != nil {
		fmt.Println(err)
		return
	}

	r, err := c.Execute(ctx, "hello")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Status, r.ExecutionCount, r.Stdout, r.ExecuteResult.Data["text/plain"])
	fmt.Println(r.Types())
	fmt.Println(r.Latency() > 0)

	r, _ = c.Execute(ctx, "fail")
	fmt.Println(r.Status, r.Error.Name, r.Error.Value)

	completion, _, _ := c.Complete(ctx, "he", 2)
	fmt.Println(completion.Matches)
	fmt.Println(c.Heartbeat(ctx))
	// Output:
	// ok 1 HELLO
	//  5
	// [status execute_input stream execute_result status]
	// true
	// error Failure asked to fail
	// [hello]
	// <nil>
}
