package kernel_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps DESIGN's boundaries: the kernel (the protocol)
// reaches neither the interpreter nor the runtimes, not even through the
// display package it takes its bundle type from, and display stays a
// leaf (no sockets, no interpreter, no other spinlab package).
func TestDependencies(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no Go toolchain to list the packages' dependencies")
	}
	for _, c := range []struct {
		pkg       string
		forbidden []string
	}{
		{"github.com/spinlab/spinlab/kernel", []string{
			"github.com/spinlab/spinlab/interp", "github.com/spinlab/spinlab/runtimes", "github.com/traefik/yaegi",
		}},
		{"github.com/spinlab/spinlab/display", []string{
			"github.com/spinlab/spinlab/", "github.com/go-zeromq/", "github.com/traefik/yaegi",
		}},
	} {
		out, err := exec.Command(gobin, "list", "-deps", c.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", c.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == c.pkg {
				continue
			}
			for _, bad := range c.forbidden {
				if strings.HasPrefix(dep, bad) {
					t.Errorf("%s depends on %s", c.pkg, dep)
				}
			}
		}
	}
}
