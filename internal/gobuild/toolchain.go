// Package gobuild builds a generated Go program with the Go toolchain of
// the machine, for spinlab's compiled runner (runtimes.Compiled): it finds
// the toolchain, sets up a module whose requirements are spinlab's own
// build list (so third-party imports resolve to the versions spinlab was
// built with, from the local module cache), keeps built binaries in a
// cache keyed by content, and turns compiler output into positioned
// diagnostics.
//
// It knows nothing of snippets, sessions or the worker protocol; package
// runtimes generates the program and runs it.
package gobuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Toolchain is a Go toolchain found on this machine.
type Toolchain struct {
	Go      string // the go command's path
	Version string // as runtime.Version spells it: go1.26.8
	GOOS    string
	GOARCH  string
}

// ErrNoToolchain is returned by FindToolchain when there is no go command.
var ErrNoToolchain = errors.New("no Go toolchain: compiled runs (runner=compiled) build the snippet with the go command, which is neither on PATH nor in $GOROOT/bin; install Go from https://go.dev/dl/ or put its bin directory on the kernel's PATH (%env PATH=...), then run again. The interpreter (runner=interpreted) needs no toolchain")

// FindToolchain looks for the go command on PATH, then in $GOROOT/bin,
// and asks it for its version and target.
func FindToolchain(ctx context.Context) (*Toolchain, error) {
	path, err := LocateGo()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, "env", "GOVERSION", "GOOS", "GOARCH")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("the go command at %s does not work (go env: %w): %s", path, err, strings.TrimSpace(stderr.String()))
	}
	f := strings.Fields(string(out))
	if len(f) != 3 {
		return nil, fmt.Errorf("the go command at %s: unexpected go env output %q", path, out)
	}
	return &Toolchain{Go: path, Version: f[0], GOOS: f[1], GOARCH: f[2]}, nil
}

// LocateGo returns the path of the go command FindToolchain would use (go
// on PATH, else $GOROOT/bin/go), or ErrNoToolchain. It runs nothing, so
// it is cheap enough for a kernel's banner; FindToolchain also checks
// that the command works.
func LocateGo() (string, error) {
	if path, err := exec.LookPath("go"); err == nil {
		return path, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", ErrNoToolchain
}
