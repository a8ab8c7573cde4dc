// Package testbinary builds the spinlab binary for tests that run it as
// Jupyter, the kernel or the evaluator would: the kernel's evaluator and
// process-mode workers are the same binary started with another command.
package testbinary

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Main builds the spinlab binary into a temporary directory, sets *path to
// it, runs the package's tests and exits with their code, removing the
// directory. Call it from TestMain: os.Exit(testbinary.Main(m, &binary)).
func Main(m interface{ Run() int }, path *string) int {
	dir, err := os.MkdirTemp("", "spinlab-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	*path = filepath.Join(dir, "spinlab")
	build := exec.Command("go", "build", "-o", *path, "github.com/spinlab/spinlab/cmd/spinlab")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build spinlab:", err)
		return 1
	}
	return m.Run()
}
