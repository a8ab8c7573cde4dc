package supervisor_test

import (
	"strings"
	"testing"

	"github.com/spinlab/spinlab/interp/supervisor"
)

// The banner says whether compiled runs are available: with the go
// command, where it is; without one (PATH and GOROOT emptied), that
// runner=compiled is not available and how to get it.
func TestBannerSaysWhetherCompiledRunsWork(t *testing.T) {
	s := start(t, supervisor.Options{})
	if b := s.Info().Banner; !strings.Contains(b, "Compiled runs (runner=compiled) build with the go command at ") {
		t.Errorf("with a toolchain, banner %q", b)
	}
	t.Setenv("PATH", "")
	t.Setenv("GOROOT", "")
	if b := s.Info().Banner; !strings.Contains(b, "not available: no go command") || !strings.Contains(b, "go.dev/dl") {
		t.Errorf("without a toolchain, banner %q", b)
	}
}
