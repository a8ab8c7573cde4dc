package cell_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoInterpreter checks that the front end, and completion and
// inspection, build without yaegi: they are testable and importable
// without a session.
func TestNoInterpreter(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: TestNoInterpreter runs go list")
	}
	for _, pkg := range []string{"github.com/spinlab/spinlab/interp/cell", "github.com/spinlab/spinlab/interp/complete"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "github.com/traefik/yaegi") || dep == "github.com/spinlab/spinlab/interp" {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
