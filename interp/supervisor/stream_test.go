package supervisor

import (
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// sinkRecorder collects what a stream passes on.
type sinkRecorder struct {
	mu   sync.Mutex
	text strings.Builder
}

func (r *sinkRecorder) sink(name, text string) {
	r.mu.Lock()
	r.text.WriteString(text)
	r.mu.Unlock()
}

func (r *sinkRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.text.String()
}

// Markers are removed however the reads split them, and the text before
// a marker is passed on by sync, the text after it is not.
func TestStreamMarkers(t *testing.T) {
	for _, chunk := range []int{1, 2, 3, 7, 1000} {
		pr, pw := io.Pipe()
		var rec sinkRecorder
		s := newStream("stdout", pr, rec.sink)
		checked := make(chan struct{})
		var input []byte
		input = append(input, "before\x00 not a marker ü"...)
		input = appendMarker(input, 1)
		input = append(input, "after"...)
		go func() {
			for len(input) > 0 {
				n := min(chunk, len(input))
				pw.Write(input[:n])
				input = input[n:]
			}
			<-checked
			pw.Close()
		}()
		s.sync(1, 5*time.Second)
		if got := rec.String(); got != "before\x00 not a marker ü" {
			t.Errorf("chunks of %d: text before the marker = %q", chunk, got)
		}
		close(checked)
		s.wait(5 * time.Second)
		if got := rec.String(); got != "before\x00 not a marker üafter" {
			t.Errorf("chunks of %d: all text = %q", chunk, got)
		}
	}
}

// A multi-byte character split across reads is never split in a stream
// message.
func TestStreamKeepsRunesWhole(t *testing.T) {
	pr, pw := io.Pipe()
	var mu sync.Mutex
	var msgs []string
	s := newStream("stdout", pr, func(_, text string) {
		mu.Lock()
		msgs = append(msgs, text)
		mu.Unlock()
	})
	pw.Write([]byte("a\xe2\x82"))
	time.Sleep(50 * time.Millisecond)
	pw.Write([]byte("\xacb"))
	pw.Close()
	s.wait(time.Second)
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(msgs, "") != "a€b" {
		t.Fatalf("messages %q", msgs)
	}
	for _, m := range msgs {
		if !strings.ContainsRune(m, '€') && strings.ContainsAny(m, "\xe2\x82\xac") {
			t.Errorf("a message split a rune: %q", m)
		}
	}
}

// Text arrives without waiting for a marker or the end.
func TestStreamFlushesSoon(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var rec sinkRecorder
	newStream("stdout", r, rec.sink)
	w.WriteString("soon\n")
	deadline := time.Now().Add(time.Second)
	for rec.String() == "" && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if rec.String() != "soon\n" {
		t.Fatalf("got %q", rec.String())
	}
}

// A burst of output that piles up while the sink is busy grows the
// stream's buffer; once the burst is passed on, the buffer goes with it
// instead of staying at its largest for the rest of the session.
func TestStreamLetsGoOfABurstsBuffer(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var rec sinkRecorder
	release := make(chan struct{})
	var once sync.Once
	s := newStream("stdout", r, func(name, text string) {
		once.Do(func() { <-release }) // the first sink call holds the rest back
		rec.sink(name, text)
	})
	burst := strings.Repeat("0123456789abcdef", 256<<10) // 4 MiB
	go func() {
		w.WriteString("first\n")
		time.Sleep(20 * time.Millisecond) // past streamFlushDelay: its own flush, which blocks
		w.WriteString(burst)
		close(release)
	}()
	want := "first\n" + burst
	for deadline := time.Now().Add(10 * time.Second); rec.String() != want && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if got := rec.String(); got != want {
		t.Fatalf("passed on %d bytes, want %d", len(got), len(want))
	}
	s.mu.Lock()
	c := cap(s.buf)
	s.mu.Unlock()
	if c > streamKeepCap {
		t.Errorf("after the burst the stream keeps a buffer of %d KiB", c>>10)
	}
}

func TestDeathReason(t *testing.T) {
	tests := []struct {
		tail string
		want string
	}{
		{"x\nfatal error: concurrent map writes\n\ngoroutine 1 [running]:\n", "fatal error: concurrent map writes"},
		{"runtime: goroutine stack exceeds 1000000000-byte limit\nruntime: sp=0x1 stack=[0x1, 0x2]\nfatal error: stack overflow\n", "runtime: goroutine stack exceeds 1000000000-byte limit; fatal error: stack overflow"},
		{"", "it ended without a message"},
		{"panic: old\n...\nfatal error: stack overflow\n\nruntime stack:\nruntime.throw()\n" + strings.Repeat("goroutine 1 [running]:\n\tf()\n", 1000), "fatal error: stack overflow"},
	}
	for _, tt := range tests {
		if got := deathReason(tt.tail, nil, nil, false); got != tt.want {
			t.Errorf("deathReason(%q) = %q, want %q", tt.tail, got, tt.want)
		}
	}
}

// After the first line of a Go crash report, stderr passes nothing on; the
// tail keeps it all for the crash reply.
func TestStreamLeavesOutCrashDumps(t *testing.T) {
	r, w := io.Pipe()
	var rec sinkRecorder
	s := newErrStream(r, rec.sink)
	go func() {
		w.Write([]byte("user text with fatal error: inside\nruntime: goroutine stack exceeds 1-byte limit\nruntime: sp=1\nfatal error: stack overflow\n\nruntime stack:\n"))
		w.Write([]byte(strings.Repeat("goroutine 1 [running]:\n", 100)))
		w.Close()
	}()
	s.wait(5 * time.Second)
	if got, want := rec.String(), "user text with fatal error: inside\nruntime: goroutine stack exceeds 1-byte limit\n"; got != want {
		t.Errorf("passed on %q, want %q", got, want)
	}
	if !strings.Contains(s.lastText(), "fatal error: stack overflow") {
		t.Errorf("the tail lost the report")
	}
}

// The Go runtime writes "fatal error: " and its message in separate
// writes: the report's first line still reaches the notebook whole.
func TestStreamPassesTheCrashLineWhole(t *testing.T) {
	r, w := io.Pipe()
	var rec sinkRecorder
	s := newErrStream(r, rec.sink)
	go func() {
		w.Write([]byte("fatal error: "))
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("concurrent map writes"))
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("\n\ngoroutine 1 [running]:\n"))
		w.Close()
	}()
	s.wait(5 * time.Second)
	if got, want := rec.String(), "fatal error: concurrent map writes\n"; got != want {
		t.Errorf("passed on %q, want %q", got, want)
	}
}
