package kerneltest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
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

// Example talks to an in-process kernel as a notebook would. In a test,
// pass the test's t to NewServer.
func Example() {
	t := &exampleT{}
	defer t.finish()

	c := kerneltest.NewServer(t, shout{})
	r := c.Execute("hello")
	fmt.Println(r.Status, r.ExecutionCount, r.Stdout, r.ExecuteResult.Data["text/plain"])
	fmt.Println(r.Types())

	r = c.Execute("fail")
	fmt.Println(r.Status, r.Error.Name, r.Error.Value)

	fmt.Println(c.Complete("he", 2).Matches)
	fmt.Println(c.KernelInfo().ProtocolVersion)
	// Output:
	// ok 1 HELLO
	//  5
	// [status execute_input stream execute_result status]
	// error Failure asked to fail
	// [hello]
	// 5.3
}

// exampleT stands in for a *testing.T in Example.
type exampleT struct {
	testing.TB
	cleanups []func()
	failed   bool
}

func (t *exampleT) Helper()                   {}
func (t *exampleT) Cleanup(f func())          { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(f string, a ...any) { t.failed = true; fmt.Printf(f+"\n", a...) }
func (t *exampleT) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (t *exampleT) Logf(f string, a ...any)   {}
func (t *exampleT) Failed() bool              { return t.failed }
func (t *exampleT) TempDir() string           { panic("not used by NewServer") }

func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
