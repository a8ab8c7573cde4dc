package interp

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestComplete(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "type point struct{ X, Y int }\nfunc (p point) Norm() int { return p.X*p.X + p.Y*p.Y }\npt := point{1, 2}\nvar counter int\nimport \"strings\"")
	mustExec(t, s, "type shard struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\nfunc (s *shard) Len() int { return len(s.m) }\nvar sm sync.Map\nshards := make([]shard, 4)\nres := runtimes.Go(1, func(int) {})\nbytes := []int{1}\nvar a, math = 1, 2")
	tests := []struct {
		code   string
		cursor int // -1: end of code
		want   []string
		not    []string
		start  int
	}{
		{code: "strings.Has", want: []string{"HasPrefix", "HasSuffix"}},
		{code: "fmt.Print", want: []string{"Print", "Printf", "Println"}},
		{code: "coun", want: []string{"counter"}},
		{code: "x := pt.", want: []string{"X", "Y", "Norm"}},
		{code: "fo", want: []string{"for"}},
		{code: "display.Sh", want: []string{"Show"}},
		{code: "plotter.NewLi", want: []string{"NewLine"}},
		{code: "%%sp", want: []string{"spin"}},
		{code: "%he", want: []string{"help"}},
		{code: "héllo := 1; hé", want: []string{"héllo"}},
		{code: "strings.Has(x)", cursor: 11, want: []string{"HasPrefix", "HasSuffix"}},
		// From the types of expressions.
		{code: "sm.", want: []string{"Load", "Store", "Range"}},
		{code: "shards[0].", want: []string{"Len"}},
		{code: "res.Workers[0].", want: []string{"Time", "Result"}},
		{code: "res.Wor", want: []string{"Workers"}},
		{code: `display.Show("x").`, want: []string{"Update"}},
		{code: "runtimes.Goroutine.", want: []string{"String"}},
		{code: "runtimes.Experiment{Snippet: `x`}.Run().", want: []string{"Runs"}},
		{code: "runtimes.Experiment{Wor", want: []string{"Workers"}, not: []string{"for"}},
		{code: "e := runtimes.Experiment{\n\tSnippet: `x`,\n\tTr", want: []string{"Trials"}},
		{code: "point{", want: []string{"X", "Y"}},
		{code: "time.Now().Add(time.Second).", want: []string{"Unix", "Format"}},
		{code: "(&pt).", want: []string{"Norm", "X"}},
		{code: "var w io.Writer = os.Stdout\nw.Write(nil).", want: []string{}}, // (n int, err error): no members of int
		{code: "var e error\ne.Error().", not: []string{"Error"}},
		{code: "var r io.Reader\nbufio.NewReader(r).", want: []string{"ReadString"}},
		{code: "bytes.", not: []string{"Buffer"}}, // a variable shadows the package
		{code: "math.Sq", not: []string{"Sqrt"}},
		// Names declared earlier in the cell, before it ran.
		{code: "var m2 sync.Map\nm2.", want: []string{"LoadOrStore"}},
		{code: "b := new(strings.Builder)\nfor i := range 3 {\n\tb.", want: []string{"WriteString"}},
		{code: "f, err := os.Open(\"x\")\nf.", want: []string{"Close"}},
		{code: "_, err := os.Open(\"x\")\nerr.", want: []string{"Error"}},
		{code: "for i, s := range shards {\n\ts.", want: []string{"Len"}},
		{code: "runtimes.Go(2, func(w int) {\n\tvar sb strings.Builder\n\tsb.", want: []string{"Len", "String"}},
		{code: "type box struct{ Size int }\nfunc (b box) Area() int { return b.Size }\nbx := box{}\nbx.", want: []string{"Size", "Area"}},
		{code: "limit := 3\nlim", want: []string{"limit"}},
		{code: "func f(b *strings.Builder) {\n\tb.", want: []string{"WriteString"}},
		{code: "func (p point) Half() point {\n\tp.", want: []string{"X", "Norm"}},
		{code: "var v any = 1\nswitch x := v.(type) {\ncase *strings.Reader:\n\tx.", want: []string{"ReadRune"}},
		{code: "m := map[string]*strings.Builder{}\nfor k, b := range m {\n\tb.", want: []string{"Len"}},
		{code: "ch := make(chan time.Time)\n(<-ch).", want: []string{"Unix"}},
		// Magics and their options.
		{code: "%%spin mo", want: []string{"modes="}},
		{code: "%%spin modes=go", want: []string{"goroutine"}},
		{code: "%%spin modes=goroutine,th", want: []string{"thread"}},
		{code: "%%spin pool=", want: []string{"true", "false"}},
		{code: "%%spin workers=1\nwork", want: []string{"worker", "workers"}},
		{code: "%time strings.Rep", want: []string{"Repeat", "Replace"}},
		// Import paths.
		{code: `import "net/ht`, want: []string{"net/http", "net/http/httptest"}, not: []string{"fmt"}, start: 8},
		{code: "import (\n\t\"fmt\"\n\t\"gonum.org/v1/plot/pl", want: []string{"gonum.org/v1/plot/plotter"}, start: 18},
	}
	for _, tt := range tests {
		cursor := tt.cursor
		if cursor == 0 {
			cursor = len([]rune(tt.code))
		}
		c := s.Complete(tt.code, cursor)
		var texts []string
		for _, m := range c.Matches {
			texts = append(texts, m.Text)
			if m.Kind == "" {
				t.Errorf("Complete(%q): %q has no kind", tt.code, m.Text)
			}
			if strings.HasPrefix(m.Text, "_spinlab") {
				t.Errorf("Complete(%q) shows internal %q", tt.code, m.Text)
			}
		}
		for _, w := range tt.want {
			if !slices.Contains(texts, w) {
				t.Errorf("Complete(%q): %v lacks %q", tt.code, texts, w)
			}
		}
		for _, w := range tt.not {
			if slices.Contains(texts, w) {
				t.Errorf("Complete(%q): %v has %q", tt.code, texts, w)
			}
		}
		if tt.start == 0 {
			tt.start = identStart(tt.code, cursor)
		}
		if c.Start != tt.start || c.End != cursor {
			t.Errorf("Complete(%q): range %d..%d, want %d..%d", tt.code, c.Start, c.End, tt.start, cursor)
		}
	}
	// Before any cell, and with cursors out of range.
	fresh, _, _ := newTestSession(t)
	if c := fresh.Complete("math.Sq", 7); len(c.Matches) == 0 || c.Matches[0].Text != "Sqrt" || c.Matches[0].Signature != "func Sqrt(x float64) float64" {
		t.Errorf("fresh session: %+v", c.Matches)
	}
	fresh.Complete("x", 100)
	fresh.Complete("x", -5)
}

// TestCompleteRunsNothing checks that completing after a call reasons
// about its type without calling it.
func TestCompleteRunsNothing(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, "calls := 0\nfunc count() *strings.Builder { calls++; fmt.Println(\"called\"); return nil }")
	c := s.Complete(`count().`, 8)
	if len(c.Matches) == 0 {
		t.Fatal("no completions after count().")
	}
	if strings.Contains(out.String(), "called") {
		t.Errorf("completion called the function: %q", out.String())
	}
}

func TestInspect(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "// twice doubles.\nfunc twice(n int) int { return 2 * n }\nlimit := 7")
	mustExec(t, s, "type point struct{ X, Y int }\nfunc (p point) Norm() int { return p.X*p.X + p.Y*p.Y }\npt := point{1, 2}")
	mustExec(t, s, "var sm sync.Map\nres := runtimes.Go(1, func(int) {})")
	tests := []struct {
		code   string
		cursor int
		want   string
	}{
		{"strings.HasPrefix", 10, "func HasPrefix(s, prefix string) bool"},
		{"twice(3)", 2, "func twice(n int) int"},
		{"limit", 5, "limit = 7"},
		{"fmt.Println(", 12, "Println"},
		{"len", 1, "built-in"},
		{"pt.Norm()", 4, "func (p point) Norm() int"},
		{"%%spin workers=1\nwork()", 3, "modes=goroutine,thread,process"},
		// The documentation table: parameter names, doc comments, fields, methods.
		{"runtimes.Processes", 12, "func Processes(n int, snippet string) *Run\n\nProcesses runs snippet in n `spinlab worker` child processes"},
		{"runtimes.Experiment", 12, "\tWorkers []int\n"},
		{"runtimes.Experiment", 12, "func (e Experiment) Run() *Results"},
		{"plotter.NewLine", 10, "func NewLine(xys XYer) (*Line, error)"},
		{"display.Show", 10, "func Show(v any) *Handle"},
		{"sm.Load", 4, "func (m *Map) Load(key any) (value any, ok bool)\n\nLoad returns the value stored in the map"},
		{"res.Workers[0].Spawn", 17, "field Spawn time.Duration"},
		{"time.Now().Add", 12, "func (t Time) Add(d Duration) Time"},
		{"pt.X", 3, "field X int"},
		{"len", 1, "func len(v Type) int"},
		{"fmt", 1, "package fmt // import \"fmt\"\n\nPackage fmt implements formatted I/O"},
		{"b := new(strings.Builder)\nb", 27, "var b *strings.Builder"},
		{"runtimes.Goroutine", 12, "Goroutine Mode = iota"},
	}
	for _, tt := range tests {
		b, ok := s.Inspect(tt.code, tt.cursor, 0)
		if !ok {
			t.Errorf("Inspect(%q): nothing found", tt.code)
			continue
		}
		if got, _ := b.Data["text/plain"].(string); !strings.Contains(got, tt.want) {
			t.Errorf("Inspect(%q) = %q, want it to contain %q", tt.code, got, tt.want)
		}
	}
	// Doc comments of the session's own declarations, and detail 1.
	mustExec(t, s, "// Halve halves n,\n// rounding down.\nfunc Halve(n int) int { return n / 2 }")
	if b, _ := s.Inspect("Halve(4)", 2, 0); !strings.Contains(b.Data["text/plain"].(string), "// Halve halves n,\n// rounding down.\nfunc Halve(n int) int") {
		t.Errorf("Inspect of a session function with a doc comment: %q", b.Data["text/plain"])
	}
	b0, _ := s.Inspect("strings.Builder", 10, 0)
	b1, _ := s.Inspect("strings.Builder", 10, 1)
	if d0, d1 := b0.Data["text/plain"].(string), b1.Data["text/plain"].(string); strings.Contains(d0, "WriteString appends") || !strings.Contains(d1, "WriteString appends the contents of s") {
		t.Errorf("detail 1 adds the methods' comments: detail 0 %q, detail 1 %q", d0, d1)
	}
	if _, ok := s.Inspect("   ", 1, 0); ok {
		t.Error("Inspect of blanks found something")
	}
}

func TestIsComplete(t *testing.T) {
	s, _, _ := newTestSession(t)
	tests := []struct {
		code, status, indent string
	}{
		{"x := 1", "complete", ""},
		{"func f() {", "incomplete", "    "},
		{"for i := range 3 {\n    if i > 0 {", "incomplete", "        "},
		{"x := []int{\n", "incomplete", "    "},
		// A body line keeps the block's indent, not one more level.
		{"for i := 0; i < 3; i++ {\n    fmt.Println(i)", "incomplete", "    "},
		{"for i := 0; i < 3; i++ {\n\tif i > 0 {\n\t\tfmt.Println(i)\n\t}", "incomplete", "    "},
		// Brackets opened on one line are one level.
		{"go func() {", "incomplete", "    "},
		{"f(func() {\n    x := 1 +", "incomplete", "    "},
		{"s := `raw", "incomplete", ""},
		{"x := 1 +", "incomplete", ""},
		{"x := )", "invalid", ""},
		{"func f() { return 1 +* }", "invalid", ""},
		{"%%spin workers=1\nwork()", "complete", ""},
		{"%bogus", "invalid", ""},
		{"", "complete", ""},
	}
	for _, tt := range tests {
		status, indent := s.IsComplete(tt.code)
		if status != tt.status || indent != tt.indent {
			t.Errorf("IsComplete(%q) = %q, %q; want %q, %q", tt.code, status, indent, tt.status, tt.indent)
		}
	}
}

// FuzzComplete feeds arbitrary text and cursors to what the kernel
// process answers from definitions alone: it never panics and its range
// stays inside the code.
func FuzzComplete(f *testing.F) {
	for _, seed := range []string{
		"sm.", "shards[0].", "res.Workers[0].", `display.Show("x").`, "runtimes.Goroutine.",
		"runtimes.Experiment{Wor", "x := []struct{ A int }{{", "%%spin modes=go", "%%spin mo", `import "net/ht`,
		"import (\n\t\"fm", "f(x).", "a.b.c().d[1:2].(T).", "type t struct{ t }\nvar v t\nv.", "type a = b\ntype b = a\nvar x a\nx.",
		"for k, v := range m {\n\tv.", "switch x := y.(type) {\ncase int:\n\tx.", "%%spin workers=1\nworker.", "\"unterminated", "`raw\n",
	} {
		f.Add(seed, len(seed))
	}
	defs := []Definition{
		{Kind: kindType, Name: "a", Source: "type a = b"}, {Kind: kindType, Name: "b", Source: "type b = a"},
		{Kind: kindType, Name: "t", Source: "type t struct{ t; *u }"}, {Kind: kindVar, Name: "v", Source: "var v t"},
		{Kind: kindVar, Name: "m", Source: "var m map[string][]t"}, {Kind: kindFunc, Name: "t.M", Source: "func (x t) M() t { return x }"},
		{Kind: kindVar, Name: "res", Source: "var res *runtimes.Run"},
	}
	f.Fuzz(func(t *testing.T, code string, cursor int) {
		n := len([]rune(code))
		c := Complete(defs, code, cursor)
		if c.Start < 0 || c.Start > c.End || c.End > n {
			t.Fatalf("Complete(%q, %d): range [%d, %d) of %d runes", code, cursor, c.Start, c.End, n)
		}
		Inspect(defs, code, cursor, 1)
	})
}

// identStart is the rune offset at which the identifier that ends at
// rune offset cursor of code starts.
func identStart(code string, cursor int) int {
	r := []rune(code)
	i := min(max(cursor, 0), len(r))
	for i > 0 && (r[i-1] == '_' || unicode.IsLetter(r[i-1]) || unicode.IsDigit(r[i-1])) {
		i--
	}
	return i
}
