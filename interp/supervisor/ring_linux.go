package supervisor

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The stdout ring (Linux): see ring.go for what it is for and the
// ordering rule. Its memory is a memfd that both processes map: a header
// of four words, each on its own cache line, then the data.
const (
	ringHeadOff        = 0   // uint64, bytes ever written (the evaluator's)
	ringTailOff        = 64  // uint64, bytes ever read (the supervisor's)
	ringReaderWaitsOff = 128 // uint32, readerSleeps or readerDozes while the supervisor waits for a bell
	ringWriterWaitsOff = 192 // uint32, 1 while the evaluator waits for a bell
	ringDataOff        = 256

	// stdoutRingSize is the ring's data size: a full ring blocks the
	// evaluator's printing until the supervisor has read some of it.
	stdoutRingSize = 256 << 10

	// The reader's states in readerWaits. While it dozes, it looks at the
	// ring again after dozeTime without being rung, and the evaluator
	// rings only for markers (which a frame waits for): so a cell that
	// prints fast costs a bell and a wake-up per doze, not per write.
	// After dozeRounds empty looks it sleeps, and any write rings.
	readerAwake  = 0
	readerSleeps = 1
	readerDozes  = 2
	dozeTime     = 500 * time.Microsecond
	dozeRounds   = 20
)

// ring is one process's mapping of the ring.
type ring struct {
	mem                      []byte
	data                     []byte
	head, tail               *atomic.Uint64
	readerWaits, writerWaits *atomic.Uint32
}

func mapRing(fd, size int) (*ring, error) {
	mem, err := unix.Mmap(fd, 0, ringDataOff+size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map the stdout ring: %w", err)
	}
	return &ring{
		mem:         mem,
		data:        mem[ringDataOff:],
		head:        (*atomic.Uint64)(unsafe.Pointer(&mem[ringHeadOff])),
		tail:        (*atomic.Uint64)(unsafe.Pointer(&mem[ringTailOff])),
		readerWaits: (*atomic.Uint32)(unsafe.Pointer(&mem[ringReaderWaitsOff])),
		writerWaits: (*atomic.Uint32)(unsafe.Pointer(&mem[ringWriterWaitsOff])),
	}, nil
}

// The supervisor's side.

// ringOut reads an evaluator's stdout: the ring while the evaluator
// lives, then what is left in the ring, then its fd 1 pipe to the end
// (what the evaluator had not copied yet, and what its surviving
// children write). The two ring each other through a socket pair: a byte
// from the evaluator means text, a byte from the supervisor space. The
// evaluator is gone when its end of the pair, which only it holds, is
// closed.
type ringOut struct {
	r    *ring
	bell *os.File // the supervisor's end of the bell
	pipe *os.File // the read end of the evaluator's fd 1
	dead bool     // the evaluator is gone
	done bool     // and the ring is read and unmapped
	idle int      // empty looks since the last text
	buf  [64]byte
}

func (o *ringOut) Read(b []byte) (int, error) {
	for !o.done {
		if n := o.take(b); n > 0 {
			o.idle = 0
			return n, nil
		}
		if o.dead {
			unix.Munmap(o.r.mem)
			o.done = true
			o.bell.Close()
			break
		}
		// Wait until the evaluator rings, unless it wrote meanwhile (it
		// reads readerWaits after storing head: one of the two sees the
		// other's store).
		state, deadline := uint32(readerSleeps), time.Time{}
		if o.idle < dozeRounds {
			state, deadline = readerDozes, time.Now().Add(dozeTime)
		}
		o.r.readerWaits.Store(state)
		if o.r.head.Load() != o.r.tail.Load() {
			o.r.readerWaits.CompareAndSwap(state, readerAwake)
			continue
		}
		o.bell.SetReadDeadline(deadline)
		_, err := o.bell.Read(o.buf[:])
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			o.r.readerWaits.CompareAndSwap(state, readerAwake)
			o.idle++
		case err != nil:
			o.dead = true
		}
	}
	return o.pipe.Read(b)
}

// take copies text out of the ring into b.
func (o *ringOut) take(b []byte) int {
	size := uint64(len(o.r.data))
	t, h := o.r.tail.Load(), o.r.head.Load()
	if h-t > size { // a header no evaluator writes: stop reading the ring
		o.dead = true
		return 0
	}
	n := min(uint64(len(b)), h-t, size-t%size)
	if n == 0 {
		return 0
	}
	copy(b, o.r.data[t%size:t%size+n])
	o.r.tail.Store(t + n)
	if o.r.writerWaits.Load() == 1 && o.r.writerWaits.CompareAndSwap(1, 0) {
		o.bell.Write([]byte{1}) // fails only when the evaluator is gone
	}
	return int(n)
}

// newStdoutRing makes a stdout ring for an evaluator to be started.
func newStdoutRing() (*stdoutRing, error) { return newRing(stdoutRingSize) }

// newRing makes a ring of size bytes of data.
func newRing(size int) (_ *stdoutRing, err error) {
	var opened []*os.File
	defer func() {
		if err != nil {
			for _, f := range opened {
				f.Close()
			}
		}
	}()
	fd, err := unix.MemfdCreate("spinlab-stdout", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("stdout ring: %w", err)
	}
	mem := os.NewFile(uintptr(fd), "spinlab-stdout-ring")
	opened = append(opened, mem)
	if err := unix.Ftruncate(fd, int64(ringDataOff+size)); err != nil {
		return nil, fmt.Errorf("stdout ring: %w", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("stdout ring: %w", err)
	}
	opened = append(opened, pr, pw)
	bells, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("stdout ring: %w", err)
	}
	bell := os.NewFile(uintptr(bells[0]), "spinlab-stdout-bell")
	theirBell := os.NewFile(uintptr(bells[1]), "spinlab-stdout-bell")
	opened = append(opened, bell, theirBell)
	// The evaluator's read end of its fd 1 is a description of its own
	// (opened again through /proc), so that the non-blocking mode it
	// sets is not the supervisor's.
	var own int
	rc, err := pr.SyscallConn()
	if err == nil {
		cerr := rc.Control(func(fd uintptr) {
			own, err = unix.Open("/proc/self/fd/"+strconv.Itoa(int(fd)), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		})
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return nil, fmt.Errorf("stdout ring: reopen the pipe: %w", err)
	}
	ownFile := os.NewFile(uintptr(own), "spinlab-stdout-own")
	opened = append(opened, ownFile)
	r, err := mapRing(fd, size)
	if err != nil {
		return nil, err
	}
	out := &ringOut{r: r, bell: bell, pipe: pr}
	return &stdoutRing{
		out:    out,
		stdout: pw,
		extra:  []*os.File{mem, theirBell, ownFile},
		env:    envStdoutRing + "=5,6,7," + strconv.Itoa(size),
		abandon: func() {
			unix.Munmap(r.mem)
			bell.Close()
			pr.Close()
		},
	}, nil
}

// The evaluator's side.

// ringIn writes the evaluator's stdout text into the ring. Before each
// write it moves what is waiting in its fd 1 pipe into the ring, so that
// text written to fd 1 before the write comes before it.
type ringIn struct {
	mu    sync.Mutex
	r     *ring
	pipe  int      // its read end of fd 1, non-blocking
	pipeF *os.File // the same, for waiting on it
	bell  int      // its end of the bell, non-blocking
	bellF *os.File // the same, for waiting on it
	buf   [64]byte
}

// openStdoutRing opens the ring that the supervisor set up, if it did
// (nil if it did not).
func openStdoutRing() (outRing, error) {
	v, ok := os.LookupEnv(envStdoutRing)
	if !ok {
		return nil, nil
	}
	os.Unsetenv(envStdoutRing)
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, fmt.Errorf("bad %s=%q", envStdoutRing, v)
	}
	var n [4]int
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 {
			return nil, fmt.Errorf("bad %s=%q", envStdoutRing, v)
		}
		n[i] = x
	}
	memFD, bellFD, pipeFD, size := n[0], n[1], n[2], n[3]
	for _, fd := range n[:3] {
		unix.CloseOnExec(fd) // cells' children get none of them
	}
	w, err := ringFromFDs(memFD, bellFD, pipeFD, size)
	if err != nil {
		return nil, err
	}
	go w.copyPipe()
	return w, nil
}

// ringFromFDs is the evaluator's end of the ring whose memory is memFD
// (which it closes), whose bell is bellFD and whose pipe's read end is
// pipeFD.
func ringFromFDs(memFD, bellFD, pipeFD, size int) (*ringIn, error) {
	r, err := mapRing(memFD, size)
	unix.Close(memFD)
	if err != nil {
		return nil, err
	}
	for _, fd := range []int{bellFD, pipeFD} {
		if err := unix.SetNonblock(fd, true); err != nil {
			return nil, fmt.Errorf("stdout ring: %w", err)
		}
	}
	return &ringIn{
		r:     r,
		pipe:  pipeFD,
		pipeF: os.NewFile(uintptr(pipeFD), "spinlab-stdout-own"),
		bell:  bellFD,
		bellF: os.NewFile(uintptr(bellFD), "spinlab-stdout-bell"),
	}, nil
}

// Write puts p in the ring after what waits in the pipe; it blocks while
// the ring is full.
func (w *ringIn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.drainLocked()
	n := len(p)
	for len(p) > 0 {
		free := w.freeLocked()
		if len(free) == 0 {
			w.waitSpaceLocked()
			continue
		}
		k := copy(free, p)
		w.r.head.Store(w.r.head.Load() + uint64(k))
		p = p[k:]
	}
	w.notify(false)
	return n, nil
}

// writeMarker writes a sync marker, and wakes the supervisor even if it
// only dozes: a frame waits for it.
func (w *ringIn) writeMarker(m []byte) error {
	w.Write(m)
	w.mu.Lock()
	w.notify(true)
	w.mu.Unlock()
	return nil
}

// freeLocked is the free space after the head, up to the end of the data.
func (w *ringIn) freeLocked() []byte {
	size := uint64(len(w.r.data))
	h, t := w.r.head.Load(), w.r.tail.Load()
	used := h - t
	if used > size {
		used = size
	}
	off := h % size
	return w.r.data[off : off+min(size-used, size-off)]
}

// drainLocked moves what waits in the pipe into the ring. It reports
// whether the pipe has ended.
func (w *ringIn) drainLocked() (eof bool) {
	for {
		free := w.freeLocked()
		if len(free) == 0 {
			w.waitSpaceLocked()
			continue
		}
		// A raw system call: a non-blocking read of a pipe does not
		// sleep, and the scheduler need not know of it.
		n, _, errno := unix.RawSyscall(unix.SYS_READ, uintptr(w.pipe), uintptr(unsafe.Pointer(&free[0])), uintptr(len(free)))
		if errno != 0 {
			return false
		}
		if n == 0 {
			return true
		}
		w.r.head.Store(w.r.head.Load() + uint64(n))
		if int(n) < len(free) {
			return false
		}
	}
}

// notify wakes the supervisor if it sleeps, or if it dozes and urgent
// is set.
func (w *ringIn) notify(urgent bool) {
	s := w.r.readerWaits.Load()
	if (s == readerSleeps || s == readerDozes && urgent) && w.r.readerWaits.CompareAndSwap(s, readerAwake) {
		unix.Write(w.bell, []byte{1}) // EAGAIN: it has a byte to wake on already
	}
}

// waitSpaceLocked waits until the supervisor has read some of the ring.
func (w *ringIn) waitSpaceLocked() {
	w.notify(true)
	w.r.writerWaits.Store(1)
	if w.r.head.Load()-w.r.tail.Load() < uint64(len(w.r.data)) {
		w.r.writerWaits.CompareAndSwap(1, 0)
		return
	}
	if _, err := w.bellF.Read(w.buf[:]); err != nil {
		// The supervisor is gone, and the parent-death signal is on its way.
		time.Sleep(10 * time.Millisecond)
	}
}

// pipeSettle is how long text that arrives in the pipe between the
// session's writes stays there before copyPipe moves it. A process that
// writes to fd 1 and at once kills the evaluator (a child's last words,
// "echo bye; kill -9 $PPID") had the evaluator's read take the text out
// of the pipe and the SIGKILL land before the evaluator published it in
// the ring: lost. Left in the pipe, it is read by the supervisor after the
// death. A write of the session moves it at once, whatever the wait.
const pipeSettle = 3 * time.Millisecond

// copyPipe moves what is written to fd 1 (by children, or os.Stdout
// itself) into the ring as it comes, between the writes of the session,
// after pipeSettle.
func (w *ringIn) copyPipe() {
	rc, err := w.pipeF.SyscallConn()
	if err != nil {
		return
	}
	first := true
	rc.Read(func(uintptr) bool {
		if !first {
			time.Sleep(pipeSettle) // called when the pipe has text
		}
		first = false
		w.mu.Lock()
		eof := w.drainLocked()
		w.notify(false)
		w.mu.Unlock()
		return eof
	})
}
