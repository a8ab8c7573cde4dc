package runtimes

import (
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/spinlab/spinlab/internal/framing"
)

func TestThreadCountsAgree(t *testing.T) {
	c := openThreadCounter()
	defer c.close()
	// The runtime leaves out at most the main thread, parked for good once
	// a locked goroutine that ran on it exits; a thread a locked goroutine
	// left is dropped from its count a moment before the kernel's.
	var g, p int
	for range 100 {
		if g, p = goThreads(), c.count(); g >= 2 && p-g >= 0 && p-g <= 1 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("runtime says %d threads, /proc/self/stat %d", g, p)
}

func TestPeakThreadsCountsTheKernelsThreads(t *testing.T) {
	s := startThreadSampler()
	peak := s.finish()
	c := openThreadCounter()
	defer c.close()
	if now := c.count(); peak < now-1 || peak < 2 {
		t.Errorf("peak %d with %d threads now", peak, now)
	}
}

func TestMonotonicIsClockMonotonic(t *testing.T) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	if d := monotonic() - ts.Nano(); d < 0 || d > 50e6 {
		t.Fatalf("runtime nanotime is %v away from CLOCK_MONOTONIC", time.Duration(d))
	}
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{850, "850ns"}, {12300, "12.3µs"}, {4560000, "4.56ms"}, {1200 * time.Millisecond, "1.20s"}, {0, "0ns"},
	} {
		if got := formatDuration(tc.d); got != tc.want {
			t.Errorf("formatDuration(%d) = %q, want %q", tc.d, got, tc.want)
		}
	}
	for _, tc := range []struct {
		n    uint64
		want string
	}{{512, "512 B"}, {1536, "1.50 KiB"}, {28 << 20, "28.0 MiB"}} {
		if got := formatBytes(tc.n); got != tc.want {
			t.Errorf("formatBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestFrames(t *testing.T) {
	r, w, err := pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		framing.NewWriter(w).WriteFrame(&frame{Type: frameRun, Worker: 3, Workers: 4, Program: []byte(`{"snippet":"x"}`)})
		w.Close()
	}()
	fr := framing.NewReader(r, maxFrame)
	f, _, err := readFrame(fr.ReadFrame, fr.ReadAttachment)
	if err != nil || f.Type != frameRun || f.Worker != 3 || string(f.Program) != `{"snippet":"x"}` {
		t.Fatalf("%+v %v", f, err)
	}
	if _, _, err := readFrame(fr.ReadFrame, fr.ReadAttachment); err == nil {
		t.Fatal("read past the end")
	}
}

func pipe() (*os.File, *os.File, error) { return os.Pipe() }
