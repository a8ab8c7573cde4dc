package gobuild

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Program is the source of a program to build: package main in the files
// given, in a module of its own that requires Modules.
type Program struct {
	Files   map[string]string // file name → source
	Modules []Module
	Race    bool // build with -race
}

// Binary is a built program.
type Binary struct {
	Path   string        // the executable
	Dir    string        // its cache entry, with the sources it was built from in src/
	Key    string        // the content key
	Cached bool          // it was in the cache: nothing was built
	Took   time.Duration // how long the build took (0 when cached)
}

// Builder builds programs into a cache keyed by their content.
type Builder struct {
	Toolchain *Toolchain
	// CacheDir holds the built binaries; empty means
	// os.UserCacheDir()/spinlab/build.
	CacheDir string
	// Progress, if set, is called about every 250ms while the go command
	// builds (never for a cached binary).
	Progress func(elapsed time.Duration)
}

// cacheVersion changes when what a key stands for changes.
const cacheVersion = "spinlab-gobuild-1"

// Key is the content key of p built by the builder's toolchain.
func (b *Builder) Key(p Program) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s/%s\nrace=%v\n", cacheVersion, b.Toolchain.Version, b.Toolchain.GOOS, b.Toolchain.GOARCH, p.Race)
	io.WriteString(h, goMod(b.Toolchain.Version, p.Modules))
	io.WriteString(h, goSum(p.Modules))
	names := make([]string, 0, len(p.Files))
	for n := range p.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s %d\n%s", n, len(p.Files[n]), p.Files[n])
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func (b *Builder) cacheDir() (string, error) {
	if b.CacheDir != "" {
		return b.CacheDir, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache directory for compiled programs: %w", err)
	}
	return filepath.Join(d, "spinlab", "build"), nil
}

// Build returns the binary of p, from the cache when it is there, else
// built with the go command (then cached). A program that does not compile
// is a *CompileError.
func (b *Builder) Build(ctx context.Context, p Program) (*Binary, error) {
	root, err := b.cacheDir()
	if err != nil {
		return nil, err
	}
	key := b.Key(p)
	dir := filepath.Join(root, key)
	bin := &Binary{Path: filepath.Join(dir, "prog"), Dir: dir, Key: key}
	if st, err := os.Stat(bin.Path); err == nil && st.Mode().IsRegular() {
		bin.Cached = true
		now := time.Now()
		os.Chtimes(dir, now, now) // used: Prune keeps it
		return bin, nil
	}
	t0 := time.Now()
	src := filepath.Join(dir, "src")
	if err := os.RemoveAll(src); err != nil {
		return nil, fmt.Errorf("prepare the build directory: %w", err)
	}
	if err := os.MkdirAll(src, 0o755); err != nil {
		return nil, fmt.Errorf("prepare the build directory: %w", err)
	}
	files := map[string]string{"go.mod": goMod(b.Toolchain.Version, p.Modules), "go.sum": goSum(p.Modules)}
	for n, s := range p.Files {
		files[n] = s
	}
	for n, s := range files {
		if err := os.WriteFile(filepath.Join(src, n), []byte(s), 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", n, err)
		}
	}
	// A private name, renamed into place: builds of the same program in
	// two processes cannot see each other's half-written binary.
	tmp := filepath.Join(dir, "prog.tmp"+strconv.Itoa(os.Getpid()))
	args := []string{"build", "-o", tmp}
	if p.Race {
		args = append(args, "-race")
	}
	args = append(args, ".")
	cmd := exec.CommandContext(ctx, b.Toolchain.Go, args...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(),
		// Modules come from the local module cache only, at the versions
		// of go.mod; go.sum has their zip hashes from spinlab's build, and
		// the go command adds the go.mod hashes without asking the
		// checksum database (which a kernel may not reach).
		"GOFLAGS=-mod=mod", "GOPROXY=off", "GONOSUMDB=*", "GOWORK=off", "GOTOOLCHAIN=local")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err = cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s build: %w", b.Toolchain.Go, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-tick.C:
			if b.Progress != nil {
				b.Progress(time.Since(t0))
			}
		}
	}
	if err != nil {
		os.Remove(tmp)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("build interrupted: %w", ctx.Err())
		}
		return nil, compileError(out.String())
	}
	if err := os.Rename(tmp, bin.Path); err != nil {
		return nil, fmt.Errorf("cache the built program: %w", err)
	}
	bin.Took = time.Since(t0)
	Prune(root, MaxAge)
	return bin, nil
}

// MaxAge is how long a cached program that nobody ran is kept.
const MaxAge = 30 * 24 * time.Hour

// Prune removes the cache entries under root not used for maxAge (an
// entry's directory is touched whenever it is found in the cache).
func Prune(root string, maxAge time.Duration) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.IsDir() || len(e.Name()) != 32 || time.Since(info.ModTime()) < maxAge {
			continue
		}
		os.RemoveAll(filepath.Join(root, e.Name()))
	}
}

// Diagnostic is one compiler message with its position.
type Diagnostic struct {
	File      string // as the //line directives name it: cell[3]
	Line, Col int
	Msg       string
}

func (d Diagnostic) String() string {
	if d.Col > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Msg)
}

// CompileError is a program that the go command did not build.
type CompileError struct {
	Diagnostics []Diagnostic // positioned messages, in the compiler's order
	Output      string       // everything the go command said
}

func (e *CompileError) Error() string {
	if len(e.Diagnostics) == 0 {
		return "go build failed: " + strings.TrimSpace(e.Output)
	}
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

var diagLine = regexp.MustCompile(`^(\S+?):(\d+)(?::(\d+))?: (.*)$`)

// moduleMissing matches the go command's word for an import that no
// required module provides.
var moduleMissing = regexp.MustCompile(`(?:no required module provides package|cannot find module providing package|import lookup disabled by -mod=\S+|package (\S+) is not in std)`)

func compileError(out string) error {
	e := &CompileError{Output: out}
	seen := map[Diagnostic]bool{}
	var last *Diagnostic // the diagnostic that indented lines continue
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := diagLine.FindStringSubmatch(line); m != nil {
			l, _ := strconv.Atoi(m[2])
			c, _ := strconv.Atoi(m[3])
			d := Diagnostic{File: strings.TrimPrefix(m[1], "./"), Line: l, Col: c, Msg: m[4]}
			// A generated program may hold the same cell text twice (the
			// snippet and its benchmark loop): say each thing once.
			if seen[d] {
				last = nil
				continue
			}
			seen[d] = true
			e.Diagnostics = append(e.Diagnostics, d)
			last = &e.Diagnostics[len(e.Diagnostics)-1]
			continue
		}
		if last != nil && strings.HasPrefix(line, "\t") {
			last.Msg += "\n" + line
		}
	}
	if moduleMissing.MatchString(out) {
		return &ModuleError{CompileError: e}
	}
	return e
}

// ModuleError is a program that imports a package no module of spinlab's
// build list provides.
type ModuleError struct{ *CompileError }

func (e *ModuleError) Error() string {
	return "an import cannot be resolved: compiled runs build against the standard library and the modules spinlab itself was built with, from the local module cache:\n" + e.CompileError.Error()
}

func (e *ModuleError) Unwrap() error { return e.CompileError }
