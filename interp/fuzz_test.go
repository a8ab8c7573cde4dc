package interp

import (
	"testing"
)

// FuzzPrepare feeds arbitrary cells to the splitter, parser, auto-import
// and rewriter, and to completion and inspection: any input yields a
// result or an error, never a panic.
func FuzzPrepare(f *testing.F) {
	for _, seed := range []string{
		"x := 1\nfunc f() int { return x }\nf()",
		"import \"fmt\"\nfor i := range 3 { go func() { fmt.Println(i) }() }",
		"for i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }",
		"type T struct{ A int }\nfunc (t *T) M() {}\nvar v T",
		"min(1, 2); max(3.5, 1); clear(m)",
		"func() { panic(1) }()",
		"go f(x)",
		"display.Show(v); h.Update(w)",
		"s := `raw\nstring`",
		"x := \"unterminated",
		"}}}{{{",
		"for range n {}",
		"const (\n a = iota\n b\n)",
		"if x := f(); x > 0 { y := 1; _ = y }",
		"L: for { break L }",
		"\x00\xff",
		"fmt.Pri", "x := strings.", "p.Fo", "é.X",
	} {
		f.Add(seed)
	}
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, code string) {
		units, err := prepare(s, code, 1)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		for _, g := range planUnits(units) {
			_ = groupSource(g, 1)
			_ = groupSourceWrapped(g, 1, true)
		}
		s.IsComplete(code)
		n := len([]rune(code))
		s.Complete(code, n)
		s.Complete(code, n/2)
		s.Inspect(code, n/2, 0)
		// What the kernel process answers from definitions alone: any text
		// before the cursor, and definitions that are this cell's.
		defs := []Definition{{Kind: kindImport, Name: "p", Source: `import p "` + code + `"`}, {Kind: kindVar, Name: code, Source: "var " + code}}
		for _, cursor := range []int{-1, 0, n / 2, n, n + 1} {
			c := Complete(defs, code, cursor)
			if c.Start < 0 || c.Start > c.End || c.End > n {
				t.Fatalf("Complete(%q, %d) = %d matches, [%d, %d)", code, cursor, len(c.Matches), c.Start, c.End)
			}
		}
	})
}

// FuzzMagic feeds arbitrary cells to the magic parser.
func FuzzMagic(f *testing.F) {
	for _, seed := range []string{
		"%help", "%env", "%env A=b", "%env A", "%reset", "%time f()",
		"%%spin modes=goroutine,thread workers=1,2,4 trials=3 warmup=1 pool=false\nwork()",
		"%%spin workers=0\nx", "%%spin bogus\nx", "%%bench\nx++", "%%bench\n", "%nosuch",
		"\n\n  %help", "%", "%%", "%%spin\tworkers=1\nx", "x := 1 % 2",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, code string) {
		m, ok, err := parseMagic(code)
		if !ok && err != nil {
			t.Fatalf("not a magic but an error: %v", err)
		}
		if ok && err == nil && m.Name == "spin" {
			if _, err := parseSpinOptions(m.Args); err != nil {
				t.Fatalf("accepted %%%%spin with bad options: %v", err)
			}
		}
	})
}
