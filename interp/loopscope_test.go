package interp

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestLoopClosuresStress makes closures in loops whose earlier closures
// return on other goroutines while the loop makes the next ones: each
// iteration must run its own closure exactly once, with its own
// variables. Before loopClosures a closure that returned could put an
// earlier iteration's closure back where the loop read the new one (a
// goroutine ran twice, another never: mutex_counter printed "50 26"), or
// a nil function, whose call killed the test binary ("reflect: call of
// nil function"). Each shape runs 2000 iterations, 20 times, with at
// least four Ps; on the old rewrite four of the six shapes (those whose
// closure reads a per-iteration variable it captured) failed in each of
// three runs out of three.
func TestLoopClosuresStress(t *testing.T) {
	defer runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0)))
	reps := 20
	if raceEnabled {
		reps = 2
	}
	shapes := []struct{ name, loop string }{
		{"go literal", `for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			record(i)
		}()
	}`},
		{"go literal with arguments", `for i := 0; i < n; i++ {
		j := i * 2
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			record(k / 2)
		}(j)
	}`},
		{"go call", `for i := range n {
		wg.Add(1)
		go recordDone(i)
	}`},
		{"wg.Go", `for i := 0; i < n; i++ {
		j := i + 1
		wg.Go(func() { record(j - 1) })
	}`},
		{"function value", `for i := 0; i < n; i++ {
		f := func() { defer wg.Done(); record(i) }
		wg.Add(1)
		go f()
	}`},
		{"closures sent on a channel", `fs := make(chan func(), n)
	for i := 0; i < n; i++ {
		k := i
		fs <- func() { record(k) }
	}
	close(fs)
	for f := range fs {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}`},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			s, out, _ := newTestSession(t)
			mustExec(t, s, fmt.Sprintf(`import "sync"

const n = 2000

var (
	mu   sync.Mutex
	seen []int
	wg   sync.WaitGroup
)

func record(i int) {
	mu.Lock()
	seen[i]++
	mu.Unlock()
}

func recordDone(i int) {
	defer wg.Done()
	record(i)
}

func run() {
	seen = make([]int, n)
	%s
	wg.Wait()
	wrong := 0
	for _, c := range seen {
		if c != 1 {
			wrong++
		}
	}
	fmt.Println(wrong)
}`, sh.loop))
			mustExec(t, s, fmt.Sprintf("for range %d { run() }", reps))
			want := strings.Repeat("0\n", reps)
			if got := out.String(); got != want {
				t.Errorf("iterations whose closure did not run exactly once, per run:\n%s", got)
			}
		})
	}
}

// TestLoopClosuresCellLoop is the same at a cell's top level, where a loop
// without loop variables ("for range n") holds a go statement.
func TestLoopClosuresCellLoop(t *testing.T) {
	defer runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0)))
	s, out, _ := newTestSession(t)
	mustExec(t, s, `import "sync"
var mu sync.Mutex
var wg sync.WaitGroup
total, next := 0, 0
for range 2000 {
	mu.Lock()
	next++
	k := next
	mu.Unlock()
	wg.Add(1)
	go func() {
		defer wg.Done()
		mu.Lock()
		total += k
		mu.Unlock()
	}()
}
wg.Wait()
fmt.Println(total)`)
	if got, want := out.String(), "2001000\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
