package supervisor

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The evaluator's stdout and stderr are pipes that the supervisor reads, so
// that everything a cell writes reaches the notebook however it writes it:
// fmt, os.Stdout, log, a child process that inherited the descriptors.
// (On Linux a stream reads stdout from the stdout ring, see ring.go, which
// the evaluator fills with the session's writes and the pipe's text.)
//
// Ordering with the framed channel: before the evaluator sends a display
// or done frame it writes a sync marker to both streams and puts the
// marker's number in the frame. A pipe (and the ring) keeps the order of
// writes, so when the supervisor has read up to the marker it has read
// everything the evaluator wrote before the frame, and it passes that
// text on before the frame. Markers never reach the notebook.
const (
	markerPrefix = "\x00spinlab:sync:"
	markerEnd    = '\x00'
)

// appendMarker appends the marker numbered n to b.
func appendMarker(b []byte, n uint64) []byte {
	b = append(b, markerPrefix...)
	b = strconv.AppendUint(b, n, 10)
	return append(b, markerEnd)
}

const (
	streamFlushDelay = 10 * time.Millisecond // how long text may wait to be batched
	streamFlushSize  = 64 << 10              // flush at once beyond this
	tailSize         = 256 << 10             // how much of stderr is kept for crash reports (with goroutine dumps)
	crashHeadSize    = 4 << 10               // how much of a crash report's start is kept
	streamKeepCap    = 256 << 10             // the largest buf kept for reuse once emptied
)

// dumpLineStart matches the first line of one goroutine's entry in a Go
// crash dump: "goroutine 7 [select]:", or for runtime throws (which print
// at traceback level system) "goroutine 7 gp=0xc000007c00 m=nil [select]:".
var dumpLineStart = regexp.MustCompile(`^goroutine \d+ (\[|gp=)`)

// stream reads one of the evaluator's output pipes. Its reader goroutine
// owns the pipe; text goes to sink, batched for at most streamFlushDelay,
// but never past a marker whose frame has not been handed on yet.
type stream struct {
	name string
	sink func(name, text string)

	emitMu sync.Mutex // held while taking text out of buf and sinking it, so that flushes keep their order

	mu       sync.Mutex
	buf      []byte // text not yet sunk
	base     uint64 // offset in the stream of buf[0]
	marks    []mark // markers read whose frames are not handed on yet, in order
	synced   uint64 // the highest marker read
	consumed uint64 // the highest marker whose frame was handed on
	timer    *time.Timer
	changed  chan struct{} // closed and replaced when synced or eof changes
	eof      bool
	tail     []byte // the last bytes of text, for crash reports
	done     chan struct{}

	// crashes makes the stream stop passing text on after the first line
	// of a Go runtime crash report: the goroutine dump that follows
	// describes the interpreter, not the cell, and can run to thousands of
	// lines. The supervisor quotes the report's messages in the reply.
	crashes bool
	muted   bool
	// head is the start of the crash report: its first line and what
	// follows, up to crashHeadSize. A dump of many goroutines pushes the
	// report's message out of tail; head keeps it.
	head     []byte
	headOpen bool
	// dumping is closed when a goroutine dump follows a crash report's
	// first line: the process is dying, and only writing the dump keeps it.
	dumping     chan struct{}
	dumpStarted bool
	dumpLine    []byte // the line being written, for watchDump
	inCrash     bool   // in the first line of a crash report, which is passed on whole
	lineStart   bool   // the last text ended a line
}

// crashStarts begin the first line of a Go runtime crash report.
var crashStarts = [][]byte{
	[]byte("fatal error: "),
	[]byte("runtime: goroutine stack exceeds"),
	[]byte("unexpected fault address"),
	[]byte("SIGSEGV: "),
	[]byte("SIGBUS: "),
	[]byte("SIGABRT: "),
	[]byte("SIGQUIT: "),
	[]byte("SIGILL: "),
	[]byte("SIGFPE: "),
	[]byte("SIGTRAP: "),
	[]byte("SIGSYS: "),
}

// crashLine returns the index of the first line of b that starts a crash
// report, or -1. atStart says whether b begins a line.
func crashLine(b []byte, atStart bool) int {
	for i := 0; i < len(b); {
		if i > 0 || atStart {
			for _, c := range crashStarts {
				if bytes.HasPrefix(b[i:], c) {
					return i
				}
			}
		}
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j + 1
	}
	return -1
}

// mark is a marker's number and its offset in the stream.
type mark struct {
	n   uint64
	off uint64
}

func newStream(name string, r io.Reader, sink func(name, text string)) *stream {
	s := &stream{name: name, sink: sink, changed: make(chan struct{}), done: make(chan struct{}), lineStart: true}
	go s.read(r)
	return s
}

// newErrStream is newStream for stderr: it leaves out crash dumps.
func newErrStream(r io.Reader, sink func(name, text string)) *stream {
	s := &stream{name: "stderr", sink: sink, changed: make(chan struct{}), done: make(chan struct{}), lineStart: true, crashes: true, dumping: make(chan struct{})}
	go s.read(r)
	return s
}

func (s *stream) read(r io.Reader) {
	defer close(s.done)
	var pending []byte // bytes that may be the start of a marker
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		if n > 0 {
			pending = append(pending, chunk[:n]...)
			pending = s.scan(pending)
		}
		if err != nil {
			s.mu.Lock()
			s.appendText(pending)
			s.eof = true
			s.marks = nil
			s.notifyLocked()
			s.mu.Unlock()
			s.flush(^uint64(0), true)
			return
		}
	}
}

// scan moves text and markers out of p and returns what is left: a
// possible marker start that needs more bytes.
func (s *stream) scan(p []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	notify := false
	for len(p) > 0 {
		i := bytes.Index(p, []byte(markerPrefix))
		if i < 0 {
			keep := partialPrefix(p)
			s.appendText(p[:len(p)-keep])
			p = append(p[:0], p[len(p)-keep:]...)
			break
		}
		s.appendText(p[:i])
		rest := p[i+len(markerPrefix):]
		j := bytes.IndexByte(rest, markerEnd)
		if j < 0 {
			if len(rest) > 20 { // too long for a marker: it was text
				s.appendText(p[i : i+1])
				p = p[i+1:]
				continue
			}
			p = append(p[:0], p[i:]...)
			break
		}
		n, err := strconv.ParseUint(string(rest[:j]), 10, 64)
		if err != nil {
			s.appendText(p[i : i+len(markerPrefix)+j+1])
		} else {
			if n > s.consumed {
				s.marks = append(s.marks, mark{n, s.base + uint64(len(s.buf))})
			}
			if n > s.synced {
				s.synced = n
			}
			notify = true
		}
		p = rest[j+1:]
	}
	if notify {
		s.notifyLocked()
	}
	s.armLocked()
	return p
}

// armLocked makes sure that buffered text will be flushed soon.
func (s *stream) armLocked() {
	if len(s.buf) > 0 && s.timer == nil {
		delay := streamFlushDelay
		if len(s.buf) >= streamFlushSize {
			delay = 0
		}
		s.timer = time.AfterFunc(delay, func() {
			s.mu.Lock()
			s.timer = nil
			s.mu.Unlock()
			s.flush(^uint64(0), false)
		})
	}
}

// partialPrefix is the length of the longest suffix of p that starts a marker.
func partialPrefix(p []byte) int {
	for k := min(len(p), len(markerPrefix)-1); k > 0; k-- {
		if bytes.HasPrefix([]byte(markerPrefix), p[len(p)-k:]) {
			return k
		}
	}
	return 0
}

func (s *stream) appendText(b []byte) {
	if len(b) == 0 {
		return
	}
	s.tail = append(s.tail, b...)
	if len(s.tail) > 2*tailSize {
		s.tail = append(s.tail[:0], s.tail[len(s.tail)-tailSize:]...)
	}
	if s.headOpen {
		s.keepHead(b)
	}
	if s.muted {
		if s.head != nil {
			s.watchDump(b)
		}
		return
	}
	if s.inCrash {
		// The rest of the report's first line ("concurrent map writes"
		// comes in a write of its own after "fatal error: ").
		end := len(b)
		if j := bytes.IndexByte(b, '\n'); j >= 0 {
			end = j + 1
			s.inCrash, s.muted = false, true
		}
		s.buf = append(s.buf, b[:end]...)
		return
	}
	if s.crashes {
		if i := crashLine(b, s.lineStart); i >= 0 {
			if s.head == nil {
				s.headOpen = true
				s.keepHead(b[i:])
				s.watchDump(b[i:])
			}
			end := len(b)
			if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
				end = i + j + 1
				s.muted = true
			} else {
				s.inCrash = true
			}
			s.buf = append(s.buf, b[:end]...)
			return
		}
	}
	s.buf = append(s.buf, b...)
	s.lineStart = b[len(b)-1] == '\n'

}

func (s *stream) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// flush passes buffered text up to the stream offset limit to the sink,
// and never past a pending marker. Unless all is set it keeps back an
// incomplete UTF-8 sequence at the end, which the next read completes.
func (s *stream) flush(limit uint64, all bool) {
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	s.mu.Lock()
	if len(s.marks) > 0 && s.marks[0].off < limit {
		limit = s.marks[0].off
	}
	n := len(s.buf)
	switch {
	case limit <= s.base:
		n = 0
	case limit-s.base < uint64(n):
		n = int(limit - s.base)
	}
	if !all && n == len(s.buf) {
		n -= incompleteRune(s.buf)
	}
	text := string(s.buf[:n])
	if n == len(s.buf) && cap(s.buf) > streamKeepCap {
		// A burst of output grew buf while the sink was busy: let the
		// collector have it rather than keep it for the next burst.
		s.buf = nil
	} else {
		s.buf = append(s.buf[:0], s.buf[n:]...)
	}
	s.base += uint64(n)
	s.armLocked()
	s.mu.Unlock()
	if text != "" {
		s.sink(s.name, text)
	}
}

// incompleteRune is the length of an unfinished UTF-8 sequence at the end of b.
func incompleteRune(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return 0
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[len(b)-k:]) {
				return 0
			}
			return k
		}
	}
	return 0
}

// sync waits until the marker numbered n has been read (or the pipe has
// ended, or timeout has passed), then passes on all text before it.
func (s *stream) sync(n uint64, timeout time.Duration) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := s.synced >= n || s.eof
		changed := s.changed
		s.mu.Unlock()
		if ok {
			break
		}
		select {
		case <-changed:
			continue
		case <-deadline.C:
		}
		break
	}
	s.mu.Lock()
	limit := ^uint64(0)
	for len(s.marks) > 0 && s.marks[0].n <= n {
		limit = s.marks[0].off
		s.marks = s.marks[1:]
	}
	if n > s.consumed {
		s.consumed = n
	}
	s.mu.Unlock()
	s.flush(limit, true)
}

// watchDump closes dumping when a line of the text after a crash report's
// first line starts a goroutine's entry. The runtime writes a dump in
// fragments ("goroutine ", "12", " [", ...), so lines are assembled here.
func (s *stream) watchDump(b []byte) {
	for len(b) > 0 && !s.dumpStarted {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i+1], b[i+1:]
		} else {
			b = nil
		}
		if len(s.dumpLine) < 64 {
			s.dumpLine = append(s.dumpLine, line[:min(len(line), 64-len(s.dumpLine))]...)
		}
		if dumpLineStart.Match(s.dumpLine) {
			s.dumpStarted = true
			close(s.dumping)
		}
		if line[len(line)-1] == '\n' {
			s.dumpLine = s.dumpLine[:0]
		}
	}
}

// dumpBegan returns the channel that is closed when a goroutine dump
// follows a crash report's first line.
func (s *stream) dumpBegan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dumping
}

// rearm forgets a crash report that turned out not to be the process's
// own (a worker's, forwarded; a cell's text): the text that follows is
// passed on again and the next report is watched for.
func (s *stream) rearm() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.muted, s.inCrash = false, false
	s.head, s.headOpen = nil, false
	s.dumpStarted, s.dumpLine = false, nil
	s.dumping = make(chan struct{})
}

// keepHead adds b to the crash report's head, up to crashHeadSize.
func (s *stream) keepHead(b []byte) {
	n := min(len(b), crashHeadSize-len(s.head))
	s.head = append(s.head, b[:n]...)
	if len(s.head) >= crashHeadSize {
		s.headOpen = false
	}
}

// crashText returns the start of the first crash report read and the last
// bytes of text read (up to tailSize), for crash reports.
func (s *stream) crashText() string {
	s.mu.Lock()
	head := string(s.head)
	s.mu.Unlock()
	tail := s.lastText()
	if head == "" || strings.HasPrefix(tail, head) {
		return tail
	}
	return head + "\n" + tail
}

// lastText returns the last bytes of text read, up to tailSize.
func (s *stream) lastText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tail
	if len(t) > tailSize {
		t = t[len(t)-tailSize:]
	}
	return string(t)
}

// wait waits until the pipe has ended, at most timeout.
func (s *stream) wait(timeout time.Duration) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
	}
}
