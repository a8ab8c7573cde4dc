package interp

import (
	"slices"
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "type point struct{ X, Y int }\nfunc (p point) Norm() int { return p.X*p.X + p.Y*p.Y }\npt := point{1, 2}\nvar counter int\nimport \"strings\"")
	tests := []struct {
		code   string
		cursor int // -1: end of code
		want   []string
		start  int
	}{
		{"strings.Has", -1, []string{"HasPrefix", "HasSuffix"}, 8},
		{"fmt.Print", -1, []string{"Print", "Printf", "Println"}, 4},
		{"coun", -1, []string{"counter"}, 0},
		{"x := pt.", -1, []string{"X", "Y", "Norm"}, 8},
		{"fo", -1, []string{"for"}, 0},
		{"display.Sh", -1, []string{"Show"}, 8},
		{"plotter.NewLi", -1, []string{"NewLine"}, 8},
		{"%%sp", -1, []string{"spin"}, 2},
		{"%he", -1, []string{"help"}, 1},
		{"héllo := 1; hé", -1, []string{"héllo"}, 12},
		{"strings.Has(x)", 11, []string{"HasPrefix", "HasSuffix"}, 8},
	}
	for _, tt := range tests {
		cursor := tt.cursor
		if cursor < 0 {
			cursor = len([]rune(tt.code))
		}
		matches, start, end, kinds := s.Complete(tt.code, cursor)
		for _, w := range tt.want {
			if !slices.Contains(matches, w) {
				t.Errorf("Complete(%q): %v lacks %q", tt.code, matches, w)
			}
		}
		if start != tt.start || end != cursor {
			t.Errorf("Complete(%q): range %d..%d, want %d..%d", tt.code, start, end, tt.start, cursor)
		}
		if len(kinds) != len(matches) {
			t.Errorf("Complete(%q): %d kinds for %d matches", tt.code, len(kinds), len(matches))
		}
		for _, m := range matches {
			if strings.HasPrefix(m, "_spinlab") {
				t.Errorf("Complete(%q) shows internal %q", tt.code, m)
			}
		}
	}
	// Before any cell, and with cursors out of range.
	fresh, _, _ := newTestSession(t)
	if m, _, _, _ := fresh.Complete("math.Sq", 7); !slices.Contains(m, "Sqrt") {
		t.Errorf("fresh session: %v", m)
	}
	fresh.Complete("x", 100)
	fresh.Complete("x", -5)
}

func TestInspect(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "// twice doubles.\nfunc twice(n int) int { return 2 * n }\nlimit := 7")
	mustExec(t, s, "type point struct{ X, Y int }\nfunc (p point) Norm() int { return p.X*p.X + p.Y*p.Y }\npt := point{1, 2}")
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

// TestCompleteMember checks that the answer from definitions alone is the
// session's answer whenever it claims to know it, and that it leaves the
// session's own names, which may shadow a package, to the session.
func TestCompleteMember(t *testing.T) {
	s, _, _ := newTestSession(t)
	mustExec(t, s, "import str \"strings\"\nimport \"gonum.org/v1/plot/plotter\"\ntype point struct{ X, Y int }\npt := point{1, 2}\nbytes := []int{1}\nvar a, math = 1, 2")
	tests := []struct {
		code  string
		known bool
	}{
		{"fmt.Pri", true},
		{"str.Has", true},       // an import under another name
		{"plotter.NewLi", true}, // a bundled package
		{"display.Sh", true},    // imported in every session
		{"strings.", true},      // importable without an import
		{"x := sort.Sl", true},  // after other code
		{"pt.", false},          // a variable
		{"bytes.Buff", false},   // a variable that shadows the package
		{"math.Sq", false},      // shadowed by one name of several
		{"nosuchpkg.X", false},  // nothing
		{"fmt", false},          // not after a selector
		{"f(x).", false},        // not after an identifier
	}
	s.mu2.Lock()
	defs := slices.Clone(s.defs)
	s.mu2.Unlock()
	for _, tt := range tests {
		cursor := len([]rune(tt.code))
		matches, start, end, kinds, ok := CompleteMember(defs, tt.code, cursor)
		if ok != tt.known {
			t.Errorf("CompleteMember(%q): ok %v, want %v (matches %v)", tt.code, ok, tt.known, matches)
			continue
		}
		if !ok {
			continue
		}
		wm, ws, we, wk := s.Complete(tt.code, cursor)
		if !slices.Equal(matches, wm) || start != ws || end != we || !slices.Equal(kinds, wk) {
			t.Errorf("CompleteMember(%q) = %v %d %d %v, Session.Complete says %v %d %d %v", tt.code, matches, start, end, kinds, wm, ws, we, wk)
		}
		if len(matches) == 0 {
			t.Errorf("CompleteMember(%q): no matches", tt.code)
		}
	}
}
