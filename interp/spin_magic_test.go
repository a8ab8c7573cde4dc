package interp

import (
	"strings"
	"testing"
)

// %%spin with a panicking worker shows the panic text, says on stderr that
// workers failed, and binds its results to a variable named in the output
// that the next cell can use.
func TestSpinMagicShowsErrorsAndBindsResults(t *testing.T) {
	s, out, errb := newTestSession(t)
	got, err := cellText(t, s, "%%spin modes=goroutine workers=1,2 trials=1 warmup=0\nif worker == 1 { panic(\"boom here\") }")
	if err != nil {
		t.Fatalf("the cell failed although the user's code is the workers': %v", err)
	}
	if !strings.Contains(got, "boom here") || !strings.Contains(got, "first error in goroutine × 2") {
		t.Errorf("results without the worker's error:\n%s", got)
	}
	if !strings.Contains(errb.String(), "workers failed") {
		t.Errorf("no failure notice on stderr: %q", errb.String())
	}
	name := ""
	for _, f := range strings.Fields(out.String()) {
		if strings.HasPrefix(f, "_spin") {
			name = f
			break
		}
	}
	if name == "" {
		t.Fatalf("output names no variable: %q", out.String())
	}
	v, err := cellText(t, s, "len("+name+".Runs)")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(v) != "2" {
		t.Errorf("len(%s.Runs) = %q, want 2", name, v)
	}
}
