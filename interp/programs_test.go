package interp

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// programGaps are the programs of testdata/programs that the session does
// not run as Go does, each with the yaegi v0.16.1 gap it exposes. The test
// fails when one of them starts to pass (take it off the list) and when
// any other program diverges.
var programGaps = map[string]string{}

// TestPrograms is the differential corpus: every testdata/programs/*.go is
// a whole Go program, built with the go command and run, then run through
// a session twice: as one whole-program cell (package clause and all), and
// as a cell of its declarations followed by a cell "main()". The three
// standard outputs must be equal. The test is skipped without a go command.
func TestPrograms(t *testing.T) {
	files, err := filepath.Glob("testdata/programs/*.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no programs")
	}
	if raceEnabled {
		t.Skip("the differential corpus compares outputs; it runs without -race (86 programs, built and run three ways)")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command: the differential corpus needs go to build its programs")
	}
	bins := buildPrograms(t, goCmd, files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".go")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := runBinary(t, filepath.Join(bins, name))
			var diverged []string
			if got, err := runCells(string(src)); err != nil || got != want {
				diverged = append(diverged, divergence("whole-program cell", got, want, err))
			}
			decls, _, _ := packageClause(string(src))
			if got, err := runCells(decls, "main()"); err != nil || got != want {
				diverged = append(diverged, divergence("declarations, then main()", got, want, err))
			}
			gap, known := programGaps[name]
			switch {
			case known && len(diverged) == 0:
				t.Errorf("runs as Go does now: take it off programGaps (%s)", gap)
			case known:
				t.Logf("known gap: %s\n%s", gap, strings.Join(diverged, "\n"))
			case len(diverged) > 0:
				t.Error(strings.Join(diverged, "\n"))
			}
		})
	}
}

// buildPrograms builds every program with one go command (which builds
// them in parallel) into a directory of binaries named after the files.
// Their module says go 1.22 (per-iteration loop variables, range over
// integers), so that any newer toolchain builds them.
func buildPrograms(t *testing.T, goCmd string, files []string) string {
	t.Helper()
	mod := t.TempDir()
	bins := t.TempDir()
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module programs\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(mod, strings.TrimSuffix(filepath.Base(file), ".go"))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", bins+string(filepath.Separator), "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the programs: %v\n%s", err, out)
	}
	return bins
}

func runBinary(t *testing.T, bin string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, bin)
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v", filepath.Base(bin), err)
	}
	return stdout.String()
}

// runCells runs cells in a fresh session and returns what they printed.
// Its stdout is a pipe, as in the evaluator process, so that code writing
// to os.Stdout directly is seen too.
func runCells(cells ...string) (string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	var stdout bytes.Buffer
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = stdout.ReadFrom(r)
	}()
	var stderr lockedBuffer
	s, err := New(Options{Stdout: w, Stderr: &stderr})
	if err == nil {
		for _, c := range cells {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			_, err = s.Execute(ctx, c)
			cancel()
			if err != nil {
				break
			}
		}
	}
	w.Close()
	<-copied
	r.Close()
	return stdout.String(), err
}

func divergence(how, got, want string, err error) string {
	var b strings.Builder
	b.WriteString(how + ":")
	if err != nil {
		b.WriteString(" error: " + err.Error())
	}
	if got != want {
		b.WriteString("\n--- go run\n" + want + "--- session\n" + got)
	}
	return b.String()
}
