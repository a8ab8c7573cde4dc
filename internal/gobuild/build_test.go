package gobuild

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func toolchain(t *testing.T) *Toolchain {
	t.Helper()
	tc, err := FindToolchain(context.Background())
	if err != nil {
		t.Skipf("no Go toolchain: %v", err)
	}
	return tc
}

func TestBuildCachesByContent(t *testing.T) {
	b := &Builder{Toolchain: toolchain(t), CacheDir: t.TempDir()}
	p := Program{Files: map[string]string{"main.go": "package main\n\nfunc main() { println(\"hi\") }\n"}}
	bin, err := b.Build(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if bin.Cached {
		t.Fatal("first build came from the cache")
	}
	out, err := exec.Command(bin.Path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "hi" {
		t.Fatalf("built program: %q, %v", out, err)
	}
	t0 := time.Now()
	again, err := b.Build(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.Path != bin.Path {
		t.Fatalf("an unchanged program was built again: %+v", again)
	}
	t.Logf("cached lookup took %s", time.Since(t0))
	p.Files["main.go"] += "\n// changed\n"
	if k := b.Key(p); k == bin.Key {
		t.Fatal("a changed program has the same key")
	}
	if k := b.Key(Program{Files: p.Files, Race: true}); k == b.Key(p) {
		t.Fatal("-race does not change the key")
	}
}

func TestCompileErrorsHaveLineDirectivePositions(t *testing.T) {
	b := &Builder{Toolchain: toolchain(t), CacheDir: t.TempDir()}
	// The same cell text twice, as the snippet and its benchmark loop are.
	src := "package main\n\nfunc main() {\n//line cell[3]:7:1\n\tx := undefinedThing\n}\n\nfunc f() {\n//line cell[3]:7:1\n\tx := undefinedThing\n}\n"
	_, err := b.Build(context.Background(), Program{Files: map[string]string{"main.go": src}})
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a CompileError", err)
	}
	found := false
	for _, d := range ce.Diagnostics {
		found = found || d.File == "cell[3]" && d.Line == 7 && d.Col == 7 && strings.Contains(d.Msg, "undefined: undefinedThing")
	}
	if !found || !strings.Contains(ce.Error(), "cell[3]:7:7: undefined: undefinedThing") {
		t.Fatalf("diagnostics %+v from %q", ce.Diagnostics, ce.Output)
	}
	if n := strings.Count(ce.Error(), "undefined: undefinedThing"); n != 1 {
		t.Fatalf("the same error %d times:\n%s", n, ce.Error())
	}
}

func TestUnknownModuleIsAModuleError(t *testing.T) {
	b := &Builder{Toolchain: toolchain(t), CacheDir: t.TempDir()}
	src := "package main\n\nimport _ \"example.com/not/in/the/build/list\"\n\nfunc main() {}\n"
	_, err := b.Build(context.Background(), Program{Files: map[string]string{"main.go": src}})
	var me *ModuleError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "example.com/not/in/the/build/list") {
		t.Fatalf("got %v, want a ModuleError naming the import", err)
	}
}

func TestNoToolchain(t *testing.T) {
	t.Setenv("PATH", "")
	t.Setenv("GOROOT", "")
	_, err := FindToolchain(context.Background())
	if !errors.Is(err, ErrNoToolchain) {
		t.Fatalf("got %v, want ErrNoToolchain", err)
	}
	if !strings.Contains(err.Error(), "go.dev/dl") || !strings.Contains(err.Error(), "PATH") {
		t.Fatalf("the error does not say how to get a toolchain: %v", err)
	}
}

func TestGoModRequiresTheBuildList(t *testing.T) {
	_, _, mods := BuildList(context.Background(), toolchain(t))
	m := goMod("go1.26.8", mods)
	if !strings.HasPrefix(m, "module spinlabcell\n\ngo 1.26\n") {
		t.Fatalf("go.mod:\n%s", m)
	}
	for _, want := range []string{"gonum.org/v1/gonum", "gonum.org/v1/plot"} {
		found := false
		for _, mod := range mods {
			found = found || mod.Path == want
		}
		if !found {
			t.Skipf("this test binary's build list lacks %s (build info: %d modules)", want, len(mods))
		}
		if !strings.Contains(m, "\t"+want+" ") {
			t.Errorf("go.mod does not require %s:\n%s", want, m)
		}
	}
}

func TestPruneKeepsWhatIsUsed(t *testing.T) {
	b := &Builder{Toolchain: toolchain(t), CacheDir: t.TempDir()}
	p := Program{Files: map[string]string{"main.go": "package main\n\nfunc main() {}\n"}}
	bin, err := b.Build(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * MaxAge)
	if err := os.Chtimes(bin.Dir, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Build(context.Background(), p); err != nil { // a cache hit marks it used
		t.Fatal(err)
	}
	Prune(b.CacheDir, MaxAge)
	if _, err := os.Stat(bin.Path); err != nil {
		t.Fatalf("a program used just now was pruned: %v", err)
	}
	os.Chtimes(bin.Dir, old, old)
	Prune(b.CacheDir, MaxAge)
	if _, err := os.Stat(bin.Dir); !os.IsNotExist(err) {
		t.Fatalf("an entry unused for %s is still there: %v", 2*MaxAge, err)
	}
}
