package interp

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// %%bench subtracts its own loop: `_ = 0` costs ~0 B and 0 allocs per op
// (it reported 760 B and 19 allocs, the harness's), the subtracted cost
// is shown, and the figures say they are the interpreter's. Cross-check:
// a body that allocates a known 1 KiB slice reports about 1 KiB per op.
func TestBenchMagicSubtractsItsLoop(t *testing.T) {
	s, _, _ := newTestSession(t)
	got, err := cellText(t, s, "%%bench\n_ = 0")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(\d+) B/op\s+(\d+) allocs/op`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no B/op in:\n%s", got)
	}
	// What is left is yaegi's own assignment (24 B, 1 alloc here).
	if b, _ := strconv.Atoi(m[1]); b > 32 {
		t.Errorf("`_ = 0`: %s B/op, want ~0 beyond the empty loop:\n%s", m[1], got)
	}
	if a, _ := strconv.Atoi(m[2]); a > 1 {
		t.Errorf("`_ = 0`: %s allocs/op, want at most yaegi's one:\n%s", m[2], got)
	}
	if !strings.Contains(got, "interpreted by yaegi") || !strings.Contains(got, "the loop's own cost subtracted") {
		t.Errorf("result does not say it is interpreted or what was subtracted:\n%s", got)
	}

	mustExec(t, s, "var sink []byte")
	got, err = cellText(t, s, "%%bench\nsink = make([]byte, 1024)")
	if err != nil {
		t.Fatal(err)
	}
	m = regexp.MustCompile(`(\d+) B/op\s+(\d+) allocs/op`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no B/op in:\n%s", got)
	}
	if b, _ := strconv.Atoi(m[1]); b < 1024 || b > 1024+256 {
		t.Errorf("a 1 KiB make: %s B/op, want about 1024:\n%s", m[1], got)
	}
	t.Logf("%s", got)
}
