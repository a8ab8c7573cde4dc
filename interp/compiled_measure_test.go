package interp

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// TestMeasureCompiled measures the compiled runner against native Go in
// the same run, for the README's table (issue 13's targets). It is a
// measurement, not a timed test: it fails only on what is not timing
// (allocations where native Go has none). Run it with
//
//	SPINLAB_MEASURE=1 go test -run TestMeasureCompiled -v ./interp
func TestMeasureCompiled(t *testing.T) {
	if os.Getenv("SPINLAB_MEASURE") == "" {
		t.Skip("set SPINLAB_MEASURE=1 to measure the compiled runner against native Go")
	}
	s, _, _ := compiledSession(t)
	mustExec(t, s, "var mu sync.Mutex\nvar n int64")

	t.Run("bench", func(t *testing.T) {
		for _, body := range []string{"mu.Lock()\nmu.Unlock()", "atomic.AddInt64(&n, 1)", "_ = 0"} {
			var ours, native []float64
			var ourAllocs, nativeAllocs int64
			for range 3 { // interleaved
				r := s.Lab().Bench(context.Background(), body, runtimes.BenchOptions{Runner: runtimes.Compiled, Quiet: true})
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				ours = append(ours, r.NsPerOp)
				ourAllocs = r.AllocsPerOp
				ns, allocs := goTestBench(t, body)
				native = append(native, ns)
				nativeAllocs = allocs
			}
			o, n := med(ours), med(native)
			t.Logf("%%%%bench runner=compiled %-24q %8.2f ns/op %d allocs/op · go test -bench %8.2f ns/op %d allocs/op · ratio %.2f×",
				body, o, ourAllocs, n, nativeAllocs, o/n)
			if nativeAllocs == 0 && ourAllocs != 0 {
				t.Errorf("%q: %d allocs/op compiled, native Go has none", body, ourAllocs)
			}
		}
	})

	t.Run("goroutine overhead", func(t *testing.T) {
		// The compiled program waits for each run's request with its Ps
		// parked, so a run starts with the runtime waking a thread, which
		// on a loaded VM can cost more than the run. The baseline is the
		// bare code started the same way: a program that waits for a
		// request on a pipe through the runtime's poller, as the harness
		// does, runs, replies and waits again. Back to back (a Go
		// benchmark's loop, the other threads still spinning) is shown too.
		// Rounds interleave the two, so that load falls on both alike.
		const workers, trials, rounds = 8, 10, 10
		served := startServedGoroutines(t, workers)
		var walls, bare []float64
		for range rounds {
			e := runtimes.Experiment{Snippet: "_ = worker", Modes: []runtimes.Mode{runtimes.Goroutine}, Workers: []int{workers},
				Trials: trials, Warmup: 3, Runners: []runtimes.Runner{runtimes.Compiled}, Quiet: true}
			r := s.Lab().Experiment(context.Background(), e)
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			for _, run := range r.Runs {
				walls = append(walls, float64(run.Wall))
			}
			bare = append(bare, served(trials)...)
		}
		hot := bareGoroutines(t, workers, rounds*trials)
		ours, base := med(walls), med(bare)
		t.Logf("compiled goroutine mode, %d workers doing nothing: wall median %s · bare go+WaitGroup served the same way (woken by a request on a pipe) %s, ratio %.2f× · bare back to back %s, ratio %.2f×",
			workers, time.Duration(ours), time.Duration(base), ours/base, time.Duration(hot), ours/hot)
	})

	t.Run("cached re-run", func(t *testing.T) {
		e := runtimes.Experiment{Snippet: "worker + 1", Modes: []runtimes.Mode{runtimes.Goroutine}, Workers: []int{1},
			Trials: 1, Runners: []runtimes.Runner{runtimes.Compiled}, Quiet: true}
		if r := s.Lab().Experiment(context.Background(), e); r.Err != nil { // builds, or finds it cached
			t.Fatal(r.Err)
		}
		var took []float64
		for range 5 {
			t0 := time.Now()
			r := s.Lab().Experiment(context.Background(), e)
			if r.Err != nil || !r.Compiled.Cached {
				t.Fatalf("re-run: %v, cached %v", r.Err, r.Compiled != nil && r.Compiled.Cached)
			}
			// Everything before the first worker: the whole run less the
			// run itself (its wall).
			took = append(took, float64(time.Since(t0)-r.Runs[0].Wall))
		}
		t.Logf("cached re-run of an unchanged compiled experiment: %s before the first worker (median of 5; target ≤ 50ms)", time.Duration(med(took)))
	})

	t.Run("first build", func(t *testing.T) {
		// An empty spinlab build cache; the go command's own cache
		// (which defaults to one under XDG_CACHE_HOME too) stays warm.
		gocache, err := exec.Command("go", "env", "GOCACHE").Output()
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
		t.Setenv("XDG_CACHE_HOME", t.TempDir())
		nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
		e := runtimes.Experiment{Snippet: "s := \"" + nonce + "\"\nlen(s) + worker", Modes: []runtimes.Mode{runtimes.Goroutine},
			Workers: []int{1}, Trials: 1, Runners: []runtimes.Runner{runtimes.Compiled}, Quiet: true}
		t0 := time.Now()
		r := s.Lab().Experiment(context.Background(), e)
		ours := time.Since(t0)
		if r.Err != nil || r.Compiled.Cached {
			t.Fatalf("first build: %v, cached %v", r.Err, r.Compiled != nil && r.Compiled.Cached)
		}
		// go build of the same program, made new by another nonce so
		// that the go command's cache does not have it either.
		src := filepath.Join(filepath.Dir(r.Compiled.Binary), "src")
		dir := t.TempDir()
		entries, _ := os.ReadDir(src)
		for _, en := range entries {
			b, _ := os.ReadFile(filepath.Join(src, en.Name()))
			b = []byte(strings.ReplaceAll(string(b), nonce, nonce+"x"))
			os.WriteFile(filepath.Join(dir, en.Name()), b, 0o644)
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "prog"), ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GONOSUMDB=*", "GOWORK=off", "GOTOOLCHAIN=local")
		t1 := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		native := time.Since(t1)
		t.Logf("first compiled run of a std-only snippet: %s to results (build %s) · go build of the same program %s · ratio %.2f×",
			ours.Round(time.Millisecond), r.Compiled.BuildTime.Round(time.Millisecond), native.Round(time.Millisecond), float64(ours)/float64(native))
	})
}

func med(vs []float64) float64 {
	vs = slices.Clone(vs)
	slices.Sort(vs)
	return vs[len(vs)/2]
}

var benchLine = regexp.MustCompile(`\s([0-9.]+) ns/op\s+([0-9]+) B/op\s+([0-9]+) allocs/op`)

// goTestBench runs `go test -bench` of body in a b.Loop, with the
// variables the session has (mu, n), and returns ns/op and allocs/op.
func goTestBench(t *testing.T, body string) (float64, int64) {
	t.Helper()
	dir := t.TempDir()
	src := "package main\n\nimport (\n\t\"sync\"\n\t\"sync/atomic\"\n\t\"testing\"\n)\n\nvar mu sync.Mutex\nvar n int64\nvar _ = atomic.AddInt64\n\n" +
		"func BenchmarkBody(b *testing.B) {\n\tb.ReportAllocs()\n\tfor b.Loop() {\n" + body + "\n\t}\n}\n"
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module native\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "body_test.go"), []byte(src), 0o644)
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "Body", "-benchmem", "-count", "1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test -bench: %v\n%s", err, out)
	}
	m := benchLine.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no benchmark line in\n%s", out)
	}
	ns, _ := strconv.ParseFloat(m[1], 64)
	allocs, _ := strconv.ParseInt(m[3], 10, 64)
	return ns, allocs
}

// bareGoroutines builds and runs a native program that starts n goroutines
// with a WaitGroup and waits, trials times back to back, and returns the
// median wall.
func bareGoroutines(t *testing.T, n, trials int) float64 {
	t.Helper()
	out, err := exec.Command(buildNative(t, fmt.Sprintf(`package main

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

func main() {
	var walls []time.Duration
	for trial := range %d {
		t0 := time.Now()
		var wg sync.WaitGroup
		for w := range %d {
			wg.Add(1)
			go func() { defer wg.Done(); _ = w }()
		}
		wg.Wait()
		if trial >= 3 {
			walls = append(walls, time.Since(t0))
		}
	}
	slices.Sort(walls)
	fmt.Println(int64(walls[len(walls)/2]))
}
`, trials+3, n))).CombinedOutput()
	if err != nil {
		t.Fatalf("bare goroutines: %v\n%s", err, out)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatalf("bare goroutines printed %q", out)
	}
	return v
}

// startServedGoroutines starts a native program that runs n goroutines
// with a WaitGroup for each request it reads, as the compiled program
// runs a goroutine-mode run: the request (a byte on its stdin) and the
// reply (the wall, 8 bytes on its stdout) go through non-blocking pipes
// and the runtime's poller, like the harness's channel. It returns a
// function that runs trials requests after 3 to warm up and returns their
// walls.
func startServedGoroutines(t *testing.T, n int) func(trials int) []float64 {
	t.Helper()
	cmd := exec.Command(buildNative(t, fmt.Sprintf(`package main

import (
	"encoding/binary"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

func main() {
	syscall.SetNonblock(0, true)
	syscall.SetNonblock(1, true)
	in, out := os.NewFile(0, "requests"), os.NewFile(1, "replies")
	var req [1]byte
	var reply [8]byte
	for {
		if _, err := io.ReadFull(in, req[:]); err != nil {
			return
		}
		t0 := time.Now()
		var wg sync.WaitGroup
		for w := range %d {
			wg.Add(1)
			go func() { defer wg.Done(); _ = w }()
		}
		wg.Wait()
		binary.LittleEndian.PutUint64(reply[:], uint64(time.Since(t0)))
		if _, err := out.Write(reply[:]); err != nil {
			return
		}
	}
}
`, n)))
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return func(trials int) []float64 {
		var walls []float64
		var reply [8]byte
		for i := range 3 + trials {
			if _, err := in.Write([]byte{1}); err != nil {
				t.Fatalf("served goroutines: %v", err)
			}
			if _, err := io.ReadFull(out, reply[:]); err != nil {
				t.Fatalf("served goroutines: %v", err)
			}
			if i >= 3 {
				walls = append(walls, float64(binary.LittleEndian.Uint64(reply[:])))
			}
		}
		return walls
	}
}

// buildNative builds a main package of its own from src and returns the
// binary's path.
func buildNative(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module bare\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644)
	cmd := exec.Command("go", "build", "-o", "prog", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build a native program: %v\n%s", err, out)
	}
	return filepath.Join(dir, "prog")
}
