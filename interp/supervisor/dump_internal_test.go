package supervisor

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestStreamSeesTheDump: the stderr stream keeps a crash report's start
// and says when a goroutine dump follows it, however much dump comes.
func TestStreamSeesTheDump(t *testing.T) {
	r, w := io.Pipe()
	s := newErrStream(r, func(name, text string) {})
	go func() {
		io.WriteString(w, "some output\nruntime: goroutine stack exceeds 268435456-byte limit\n")
		io.WriteString(w, "runtime: sp=0x1 stack=[0x1, 0x2]\nfatal error: stack overflow\n\nruntime stack:\nruntime.throw()\n\n")
		io.WriteString(w, "goroutine 1 gp=0xc000002380 m=0 mp=0x5812a0 [running]:\nmain.deep()\n")
		// The runtime writes in fragments.
		for i := range 20000 {
			for _, part := range []string{"\n", "goroutine ", strings.Repeat("7", i%5+1), " gp=", "0xc000007c00", " m=", "nil", " [", "select (no cases)", "]:\n", "main.main.func1", "()\n\t", "/x.go", ":", "12", " +0x1\n"} {
				io.WriteString(w, part)
			}
		}
		w.Close()
	}()
	// Only the goroutine dump, not the report's first lines, counts.
	select {
	case <-s.dumping:
	case <-time.After(10 * time.Second):
		t.Fatal("the dump was not seen")
	}
	s.wait(10 * time.Second)
	got := crashReport(s.crashText())
	if len(got) != 2 || got[1] != "fatal error: stack overflow" {
		t.Errorf("crash report %q", got)
	}
}
