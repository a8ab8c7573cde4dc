package runtimes_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// envTestEcho makes the test binary the native baseline's child: it
// reads a 4-byte length and that many bytes from stdin into memory and
// writes them back to stdout, until end of file.
const envTestEcho = "SPINLAB_RUNTIMES_TEST_ECHO"

func echoMain() int {
	in, out := bufio.NewReaderSize(os.Stdin, 64<<10), os.Stdout
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(in, hdr[:]); err != nil {
			return 0
		}
		buf := make([]byte, binary.BigEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(in, buf); err != nil {
			return 1
		}
		if _, err := out.Write(buf); err != nil {
			return 1
		}
	}
}

// echoChild is a started native echo process.
type echoChild struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out io.Reader
}

func startEcho(tb testing.TB) *echoChild {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envTestEcho+"=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	for _, p := range []any{in, out} {
		if f, ok := p.(*os.File); ok {
			growPipe(f, 1<<20)
		}
	}
	e := &echoChild{cmd: cmd, in: in, out: out}
	e.roundTrip(tb, []byte{1}) // it is running and reading
	tb.Cleanup(func() { in.Close(); cmd.Wait() })
	return e
}

// roundTrip sends data to the echo child and reads it back, into memory
// on both sides, as process mode does with a payload it sends and gets
// back; it returns the time from the first byte written to the last read.
// Its pipes are as large as the worker channel's for a large payload
// (internal/child grows them to 1 MiB), so that the ratio compares the
// protocols, not the pipes.
func (e *echoChild) roundTrip(tb testing.TB, data []byte) time.Duration {
	start := time.Now()
	errc := make(chan error, 1)
	go func() {
		_, err := e.in.Write(binary.BigEndian.AppendUint32(nil, uint32(len(data))))
		if err == nil {
			_, err = e.in.Write(data)
		}
		errc <- err
	}()
	back := make([]byte, len(data)) // a receiver's memory is part of its trip
	if _, err := io.ReadFull(e.out, back); err != nil {
		tb.Fatal(err)
	}
	took := time.Since(start)
	if err := <-errc; err != nil {
		tb.Fatal(err)
	}
	return took
}

// BenchmarkPayloadRoundTrip sends a []byte of 1 MiB and of 32 MiB to a
// process-mode child that returns it, and reports the whole trip both
// ways (CopyIn + CopyOut: encoding, the pipe and decoding at each end,
// and the child setting its variable) beside a native baseline measured
// in the same run: the same bytes sent to a Go child that reads them
// into memory and writes them back. copy/native is their ratio. (The
// benchmark's own ns/op includes starting each child.)
//
//	go test -run XXX -bench PayloadRoundTrip -benchtime 5x ./runtimes
func BenchmarkPayloadRoundTrip(b *testing.B) {
	for _, size := range []int{1 << 20, 32 << 20} {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			h := newTestHost(b).install(b)
			h.declare(b, "payload", fmt.Sprintf("make([]byte, %d)", size))
			wire, err := runtimes.EncodeValue(make([]byte, size))
			if err != nil {
				b.Fatal(err)
			}
			echo := startEcho(b)
			var copyTime, native time.Duration
			var wireBytes int
			n := 0
			for b.Loop() {
				r := runtimes.Default().Processes(b.Context(), 1, "payload", runtimes.ProcessOptions{Pool: true})
				if r.Err != nil || r.Workers[0].Error != "" {
					b.Fatal(r.Err, r.Workers[0].Error)
				}
				w := r.Workers[0]
				if got, ok := w.Result.([]byte); !ok || len(got) != size {
					b.Fatalf("result %T", w.Result)
				}
				copyTime += w.CopyIn + w.CopyOut
				wireBytes = r.CopyBytes + w.ResultBytes
				native += echo.roundTrip(b, wire) // the same bytes there and back
				n++
			}
			b.ReportMetric(float64(copyTime.Nanoseconds())/float64(n), "copy-ns/op")
			b.ReportMetric(float64(native.Nanoseconds())/float64(n), "native-ns/op")
			b.ReportMetric(float64(copyTime)/float64(native), "copy/native")
			b.ReportMetric(float64(wireBytes)/float64(2*size), "wire/payload")
		})
	}
}
