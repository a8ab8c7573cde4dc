package runtimes_test

import (
	"testing"

	"github.com/spinlab/spinlab/runtimes"
)

func TestQuick(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import "fmt"`)
	h.declare(t, "counter", "10")
	r := runtimes.Processes(2, `fmt.Println("hello from", worker); counter += worker; counter`)
	t.Log(r.Err)
	t.Log(r)
	f, _ := h.Compile("counter + worker")
	v, err := f(t.Context(), 3, 4)
	t.Log(v, err)
	t.Log(runtimes.Go(3, func(w int) {}))
	t.Log(runtimes.Threads(3, func(w int) {}))
}
