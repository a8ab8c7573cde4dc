package kernel_test

import (
	"testing"

	"github.com/spinlab/spinlab/kernel"
	"github.com/spinlab/spinlab/kernel/kerneltest"
)

// BenchmarkExecute is the round trip of a trivial cell: request, reply
// and iopub up to status idle.
func BenchmarkExecute(b *testing.B) {
	c := kerneltest.NewServer(b, newFakeEngine())
	for b.Loop() {
		if r := c.Execute("value 1"); r.Status != kernel.StatusOK {
			b.Fatal(r.Status)
		}
	}
}

// BenchmarkStream10000Lines is a cell that prints 10,000 lines, one write
// each, until status idle.
func BenchmarkStream10000Lines(b *testing.B) {
	c := kerneltest.NewServer(b, newFakeEngine())
	var n int
	for b.Loop() {
		r := c.Execute("lines 10000")
		n = len(r.Stdout)
	}
	b.SetBytes(int64(n))
}

// BenchmarkComplete is a complete_request round trip.
func BenchmarkComplete(b *testing.B) {
	c := kerneltest.NewServer(b, newFakeEngine())
	for b.Loop() {
		if r := c.Complete("fmt.Pri", 7); len(r.Matches) != 2 {
			b.Fatal(r.Matches)
		}
	}
}
