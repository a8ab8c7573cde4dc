package runtimes

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/internal/gobuild"
)

// TestCompiledProgramBuildsForEveryTarget builds the compiled runner's
// program (the embedded harness and a generated cell.go) for Linux and
// both macOS architectures, as the go command on a user's machine would
// build it: the harness speaks to the OS through files that the go
// command picks by name (harness_sys_linux.go, harness_sys_other.go), so
// a harness file left out of the embed list, or a Linux-only call in a
// shared file, breaks the build on the other OS only.
func TestCompiledProgramBuildsForEveryTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program three times")
	}
	goCmd, err := gobuild.LocateGo()
	if err != nil {
		t.Skip(err)
	}
	files, err := programFiles(GoProgram{Imports: []string{`"runtime"`}, Body: "n := runtime.NumCPU()", Value: "n * worker"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files["go.mod"] = "module spinlabcell\n\ngo 1.26\n"
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, target := range []string{"linux/amd64", "darwin/arm64", "darwin/amd64"} {
		goos, goarch, _ := strings.Cut(target, "/")
		cmd := exec.Command(goCmd, "build", "-o", os.DevNull, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0", "GOFLAGS=", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("the compiled program does not build for %s: %v\n%s", target, err, out)
		}
	}
}
