package kernel_test

import (
	"slices"
	"testing"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

func TestExecuteOK(t *testing.T) {
	eng := newFakeEngine()
	c := kerneltest.NewServer(t, eng)
	r := c.Execute("print hello\nvalue 42")
	if r.Status != kernel.StatusOK || r.ExecutionCount != 1 {
		t.Fatalf("status %q count %d, want ok 1", r.Status, r.ExecutionCount)
	}
	if r.Stdout != "hello\n" {
		t.Errorf("stdout %q", r.Stdout)
	}
	want := []string{"status", "execute_input", "stream", "execute_result", "status"}
	if got := r.Types(); !slices.Equal(got, want) {
		t.Errorf("iopub %v, want %v", got, want)
	}
}
