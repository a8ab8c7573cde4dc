//go:build linux

package supervisor

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// testRing is both ends of a ring in this process: the evaluator's
// writer, a file on the evaluator's fd 1 pipe for raw writes, and the
// supervisor's reader.
type testRing struct {
	in  *ringIn
	raw *os.File
	out io.Reader
}

func newTestRing(t *testing.T, size int) *testRing {
	t.Helper()
	s, err := newRing(size)
	if err != nil {
		t.Fatal(err)
	}
	dup := func(f *os.File) int {
		fd, err := unix.Dup(int(f.Fd()))
		if err != nil {
			t.Fatal(err)
		}
		return fd
	}
	mem, bell, pipe := dup(s.extra[0]), dup(s.extra[1]), dup(s.extra[2])
	raw := os.NewFile(uintptr(dup(s.stdout)), "raw")
	s.started()
	in, err := ringFromFDs(mem, bell, pipe, size)
	if err != nil {
		t.Fatal(err)
	}
	return &testRing{in: in, raw: raw, out: s.out}
}

// die does what the evaluator's death does to the ring's files: its end
// of the bell and its read end of the pipe close.
func (r *testRing) die() {
	r.in.bellF.Close()
	r.in.pipeF.Close()
}

// readAll reads the supervisor's end to its end.
func readAll(r io.Reader) <-chan string {
	got := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	return got
}

// Text written to fd 1 between two writes of the session comes out
// between them, with goroutines writing at once through a ring small
// enough to be full most of the time; no line is lost, cut or mixed.
func TestRingKeepsOrderWithThePipe(t *testing.T) {
	r := newTestRing(t, 4096)
	go r.in.copyPipe()
	got := readAll(r.out)
	const writers, lines = 4, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(r.in, "%d a %d\n", g, i)
				fmt.Fprintf(r.raw, "%d b %d\n", g, i)
				fmt.Fprintf(r.in, "%d c %d\n", g, i)
			}
		})
	}
	wg.Wait()
	r.in.Write(nil) // moves the last raw text into the ring
	r.raw.Close()
	r.die()
	text := <-got
	next := make([]int, writers) // the next step expected from each writer: 3*i + 0, 1, 2
	n := 0
	for line := range strings.Lines(text) {
		var g, i int
		var kind string
		if _, err := fmt.Sscanf(line, "%d %s %d\n", &g, &kind, &i); err != nil || g < 0 || g >= writers || len(kind) != 1 {
			t.Fatalf("line %d is %q", n, line)
		}
		want := next[g]
		if step := 3*i + int(kind[0]-'a'); step != want {
			t.Fatalf("line %d is %q; writer %d's next line was %d %c %d", n, line, g, g, 'a'+want%3, want/3)
		}
		next[g]++
		n++
	}
	if n != 3*writers*lines {
		t.Fatalf("%d lines, want %d", n, 3*writers*lines)
	}
}

// After the evaluator is gone, the supervisor reads what is left in the
// ring, then what waits in the pipe, then what is written to the pipe
// still (by a child that outlives the evaluator).
func TestRingDeliversAfterTheEvaluator(t *testing.T) {
	r := newTestRing(t, 1<<16)
	// No goroutine copies the pipe here, as none does in a dead evaluator:
	// only the session's writes move what waits there. The supervisor
	// reads nothing before the evaluator is gone, as when it dies before
	// the supervisor has woken up.
	io.WriteString(r.in, "a\n")
	io.WriteString(r.raw, "b\n")
	io.WriteString(r.in, "c\n")
	io.WriteString(r.raw, "d\n")
	r.die()
	got := readAll(r.out)
	io.WriteString(r.raw, "e\n")
	r.raw.Close()
	if text := <-got; text != "a\nb\nc\nd\ne\n" {
		t.Fatalf("read %q", text)
	}
}

// A full ring makes the session's writes wait for the supervisor; they
// are neither dropped nor cut.
func TestRingFullWaits(t *testing.T) {
	r := newTestRing(t, 1024)
	var want strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&want, "line %d of a ring far too small for it all\n", i)
	}
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		r.in.Write([]byte(want.String())) // one write 200 times the ring's size
		r.raw.Close()
		r.die()
	}()
	if text := <-readAll(r.out); text != want.String() {
		t.Fatalf("read %d bytes, want the %d written", len(text), want.Len())
	}
	<-wrote
}
