package interp

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/runtimes"
)

// lazyCases are snippets a worker runs, over a session that defines
// lazySession: each uses packages that a lazy interpreter loads only
// when the program imports them.
var lazyCases = []struct{ name, snippet, want string }{
	{"fmt", `fmt.Sprintf("%03d|%v", worker, pt{1, 2})`, `003|(1,2)`},
	{"strings", `strings.ToUpper(label(worker))`, `W-3`},
	{"slices", `xs := []int{3, worker, 1}; slices.Sort(xs); fmt.Sprint(xs, slices.Index(xs, 3), slices.Max(xs))`, `[1 3 3] 1 3`},
	{"maps", `m := map[string]int{"b": 2, "a": worker}; fmt.Sprint(slices.Sorted(maps.Keys(m)))`, `[a b]`},
	{"sort", `xs := []string{"b", "c", "a"}; sort.Strings(xs); sort.SearchStrings(xs, "c")`, `2`},
	{"sync", `var mu sync.Mutex; var wg sync.WaitGroup; n := 0; for i := 0; i < 4; i++ { wg.Add(1); go func() { defer wg.Done(); mu.Lock(); n += worker; mu.Unlock() }() }; wg.Wait(); n`, `12`},
	{"time", `(time.Duration(worker) * time.Second).String()`, `3s`},
	{"math/rand", `r := rand.New(rand.NewSource(int64(worker))); x := r.Intn(10); x >= 0 && x < 10`, `true`},
	{"encoding/json", `b, err := json.Marshal(map[string]any{"w": worker, "p": []int{1, 2}}); var back map[string]any; json.Unmarshal(b, &back); string(b) + fmt.Sprint(err, back["w"])`, `{"p":[1,2],"w":3}<nil> 3`},
	{"session type and func", `c := &counter{}; c.add(worker); c.add(label(worker)); c.String()`, `counter(6)`},
	{"io wrapper", `s := &sink{}; fmt.Fprintf(s, "%d", 12345); s.n`, `5`},
	{"errors.As", `var e *myErr; errors.As(fmt.Errorf("wrapped: %w", &myErr{worker}), &e) && e.code == worker`, `true`},
	{"cmp constraint", `biggest([]string{"a", "c", "b"}) + strconv.Itoa(biggest([]int{worker, 1}))`, `c3`},
	{"iter", `next, stop := iter.Pull(slices.Values([]int{worker, 4})); defer stop(); v, ok := next(); fmt.Sprint(v, ok)`, `3 true`},
	{"min builtin", `min(worker, 7, 5)`, `3`},
	{"more slices", `xs := []int{5, worker, 9}; ys := slices.Clone(xs); slices.Reverse(ys); slices.SortFunc(ys, func(a, b int) int { return cmp.Compare(b, a) }); i, found := slices.BinarySearch([]int{1, 3, 5}, worker); fmt.Sprint(ys, slices.Contains(xs, worker), slices.Equal(xs, ys), i, found, slices.Insert(xs, 1, 7))`, `[9 5 3] true false 1 true [5 7 3 9]`},
	{"more maps", `m := map[int]string{worker: "w"}; c := maps.Clone(m); c[0] = "z"; fmt.Sprint(len(m), len(c), slices.Sorted(maps.Values(c)), cmp.Less(1, worker))`, `1 2 [w z] true`},
}

const lazySession = `import (
	"cmp"
	"fmt"
	"strings"
)

type pt struct{ X, Y int }

func (p pt) String() string { return fmt.Sprintf("(%d,%d)", p.X, p.Y) }

type counter struct{ n int }

func (c *counter) add(x any) {
	switch v := x.(type) {
	case int:
		c.n += v
	case string:
		c.n += len(v)
	}
}

type sink struct{ n int }

func (s *sink) Write(p []byte) (int, error) { s.n += len(p); return len(p), nil }

func (c *counter) String() string { return fmt.Sprintf("counter(%d)", c.n) }

type myErr struct{ code int }

func (e *myErr) Error() string { return fmt.Sprint("code ", e.code) }

func label(w int) string { return strings.Repeat("w", 1) + "-" + fmt.Sprint(w) }

func biggest[T cmp.Ordered](xs []T) T {
	m := xs[0]
	for _, x := range xs {
		if x > m {
			m = x
		}
	}
	return m
}`

// A lazy session (a cold worker's) runs each program as the eager one
// does: the packages it imports, and those their APIs hand interpreted
// values to (an io.Writer for fmt.Fprintf), are loaded when it arrives.
func TestLazySessionRunsPrograms(t *testing.T) {
	full, _, _ := newTestSession(t)
	mustExec(t, full, lazySession)
	for _, tc := range lazyCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := full.Export(tc.snippet)
			if err != nil {
				t.Fatal(err)
			}
			eager, err := EvalProgram(context.Background(), p, 3, 4)
			if err != nil {
				t.Fatalf("eager: %v", err)
			}
			lazy, err := newSession(Options{}, true)
			if err != nil {
				t.Fatal(err)
			}
			got, err := lazy.evalProgram(context.Background(), p, 3, 4)
			if err != nil {
				t.Fatalf("lazy: %v\nprogram source:\n%s", err, p.Source)
			}
			if fmt.Sprint(got) != tc.want || fmt.Sprint(eager) != tc.want {
				t.Errorf("lazy %v, eager %v, want %s", got, eager, tc.want)
			}
		})
	}
}

// A lazy session holds the tables of what its program imports, and of
// the prelude's packages, and no others; it compiles the generic
// packages only for a program that imports them.
func TestLazySessionLoadsOnlyWhatItUses(t *testing.T) {
	lazy, err := prepareWorker(context.Background()) // a cold worker's
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lazy.evalProgram(context.Background(), runtimes.Program{Snippet: "worker + 1"}, 1, 2); err != nil {
		t.Fatal(err)
	}
	yi, tables := lazy.current()
	if tables == nil {
		t.Fatal("a worker's session is not lazy")
	}
	for _, p := range []string{"net/http", "os/exec", "encoding/json", "strings"} {
		if len(yi.Symbols(p)) > 0 {
			t.Errorf("a trivial program's interpreter has loaded %s", p)
		}
	}
	if len(yi.Symbols("fmt")) == 0 {
		t.Error("the prelude's fmt is not loaded")
	}
	if compiled := tables.compiledNames(); len(compiled) > 0 {
		t.Errorf("%v compiled for a program that does not import them", compiled)
	}
	if _, err := lazy.evalProgram(context.Background(), runtimes.Program{Source: "import \"slices\"\n", Snippet: "slices.Index([]int{4, worker}, worker)"}, 1, 2); err != nil {
		t.Fatalf("after slices was imported: %v", err)
	}
	if compiled := tables.compiledNames(); !slices.Equal(compiled, []string{"slices"}) {
		t.Errorf("compiled %v for a program that imports slices", compiled)
	}
}

// An import that no table has fails as it does in the eager session.
func TestLazySessionUnknownImport(t *testing.T) {
	p := runtimes.Program{Source: "import \"example.com/nosuch\"\n", Snippet: "worker"}
	_, eager := EvalProgram(context.Background(), p, 1, 2)
	lazy, err := newSession(Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	_, got := lazy.evalProgram(context.Background(), p, 1, 2)
	if got == nil || eager == nil || got.Error() != eager.Error() || !strings.Contains(got.Error(), "example.com/nosuch") {
		t.Errorf("lazy: %v\neager: %v", got, eager)
	}
}

func TestImportPaths(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{`import "fmt"`, []string{"fmt"}},
		{"import (\n\t\"a/b\"\n\tx \"c\"\n\t. \"d\"\n\t_ \"e\"\n)\nvar s = \"import \\\"no\\\"\"", []string{"a/b", "c", "d", "e"}},
		{"package main\n\nimport `raw`\n// import \"comment\"\nfunc f() {}", []string{"raw"}},
		{"x := 1\nfmt.Println(x)", nil},
		{`import ("broken"`, []string{"broken"}},
	} {
		if got := importPaths(tc.src); !slices.Equal(got, tc.want) {
			t.Errorf("importPaths(%q) = %q, want %q", tc.src, got, tc.want)
		}
	}
}

// Process mode with cold children (lazy interpreters) runs every snippet
// of lazyCases through the spinlab binary, as a pool child (an eager
// interpreter) does.
func TestColdWorkerImports(t *testing.T) {
	bin := workerBinary(t)
	s, _, _ := newTestSession(t)
	mustExec(t, s, lazySession)
	for _, pool := range []bool{false, true} {
		for _, tc := range lazyCases {
			e := runtimes.Experiment{Snippet: tc.snippet, Modes: []runtimes.Mode{runtimes.Process}, Workers: []int{1}, Trials: 1, Pool: pool, Quiet: true}
			e.Process.Command = []string{bin, "worker"}
			r := s.Lab().Experiment(context.Background(), e)
			if r.Err != nil {
				t.Fatalf("%s (pool=%v): %v", tc.name, pool, r.Err)
			}
			w := r.Runs[0].Workers[0]
			// The snippet ran as worker 0 of 1: the expected value of worker
			// 3 of 4 does not hold; compare with the session's own run.
			fn, err := s.Compile(tc.snippet)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fn(context.Background(), 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			if w.Error != "" || fmt.Sprint(w.Result) != fmt.Sprint(want) {
				t.Errorf("%s (pool=%v): %v %s, want %v", tc.name, pool, w.Result, w.Error, want)
			}
		}
	}
}

// A cold child's interpreter holds only what its snippet needs: its
// private memory is well below a pool child's (an eager interpreter with
// every table and the generic packages: 31.7 against 25.0 MB when this
// was written; before, cold and pooled children were alike).
func TestColdWorkerLoadsLess(t *testing.T) {
	bin := workerBinary(t)
	s, _, _ := newTestSession(t)
	private := func(pool bool) uint64 {
		e := runtimes.Experiment{Snippet: "worker", Modes: []runtimes.Mode{runtimes.Process}, Workers: []int{1}, Trials: 3, Pool: pool, Quiet: true}
		e.Process.Command = []string{bin, "worker"}
		r := s.Lab().Experiment(context.Background(), e)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		var ps []uint64
		for _, run := range r.Runs {
			ps = append(ps, run.Workers[0].Private)
		}
		slices.Sort(ps)
		return ps[len(ps)/2]
	}
	cold, pooled := private(false), private(true)
	t.Logf("private memory: cold %.1f MB, pooled %.1f MB", float64(cold)/1e6, float64(pooled)/1e6)
	if cold == 0 || pooled == 0 {
		t.Skip("no private memory figures on this system")
	}
	if cold+4<<20 > pooled {
		t.Errorf("a cold child holds %d bytes, a pool child %d: the cold one loads as much", cold, pooled)
	}
}

// Export ships the imports the snippet reaches, and no others: a child
// loads what its program imports.
func TestExportOnlyTheImportsTheSnippetUses(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, lazySession)
	mustExec(t, s, "import (\n\t\"net/http\"\n\t\"errors\"\n\t\"time\"\n\t. \"math\"\n)\nfunc isMine(err error) bool { var e *myErr; return errors.As(err, &e) }\nvar wait time.Duration\nvar c = http.Client{}")
	for _, tc := range []struct {
		snippet   string
		want, not []string
	}{
		{"worker + 1", []string{`"math"`}, []string{`"net/http"`, `"errors"`, `"strings"`, `"time"`, `"cmp"`}},
		{"isMine(&myErr{worker})", []string{`"errors"`, `"fmt"`}, []string{`"net/http"`, `"strings"`}},
		{"wait + time.Second", []string{`"time"`}, []string{`"net/http"`}},
	} {
		p, err := s.Export(tc.snippet)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(p.Source, w) {
				t.Errorf("%s: the program lacks import %s:\n%s", tc.snippet, w, p.Source)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(p.Source, n) {
				t.Errorf("%s: the program imports %s, which it does not use:\n%s", tc.snippet, n, p.Source)
			}
		}
		lazy, err := newSession(Options{}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lazy.evalProgram(context.Background(), p, 1, 2); err != nil {
			t.Errorf("%s: %v\n%s", tc.snippet, err, p.Source)
		}
	}
}
