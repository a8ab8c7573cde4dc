package gobuild

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"sort"
	"strings"
)

// Module is a module requirement of a generated program.
type Module struct {
	Path    string
	Version string
	Sum     string // h1: hash of the module's zip, "" if unknown
	// Replace is a local directory or another module path that replaces
	// it, as in the build spinlab was made with ("" for none).
	Replace        string
	ReplaceVersion string
}

// BuildList returns the modules the running binary was built with (its
// main module's path apart), so that a generated program resolves
// third-party imports to the same versions. A test binary records no
// modules; then it asks tc for the requirements of the module in the
// current directory, which is the one under test.
func BuildList(ctx context.Context, tc *Toolchain) (mainPath, mainVersion string, mods []Module) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", "", nil
	}
	if len(bi.Deps) == 0 && tc != nil {
		return listModules(ctx, tc)
	}
	for _, d := range bi.Deps {
		m := Module{Path: d.Path, Version: d.Version, Sum: d.Sum}
		if r := d.Replace; r != nil {
			m.Replace, m.ReplaceVersion, m.Sum = r.Path, r.Version, r.Sum
		}
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return bi.Main.Path, bi.Main.Version, mods
}

// goMod is the go.mod of a generated program.
func goMod(goVersion string, mods []Module) string {
	var b strings.Builder
	b.WriteString("module spinlabcell\n\n")
	// The language version of the toolchain (go1.26.8 → 1.26): the
	// program is built by that toolchain and nothing else.
	v := strings.TrimPrefix(goVersion, "go")
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		v = parts[0] + "." + strings.TrimFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
	}
	fmt.Fprintf(&b, "go %s\n", v)
	if len(mods) > 0 {
		b.WriteString("\nrequire (\n")
		for _, m := range mods {
			fmt.Fprintf(&b, "\t%s %s\n", m.Path, m.Version)
		}
		b.WriteString(")\n")
	}
	for _, m := range mods {
		if m.Replace != "" {
			if m.ReplaceVersion != "" {
				fmt.Fprintf(&b, "replace %s => %s %s\n", m.Path, m.Replace, m.ReplaceVersion)
			} else {
				fmt.Fprintf(&b, "replace %s => %s\n", m.Path, m.Replace)
			}
		}
	}
	return b.String()
}

// goSum holds the zip hashes recorded in spinlab's build info, so that the
// go command checks the module cache's copies against them; the go.mod
// hashes it adds itself (-mod=mod).
func goSum(mods []Module) string {
	var b strings.Builder
	for _, m := range mods {
		if m.Sum == "" || m.Replace != "" {
			continue
		}
		fmt.Fprintf(&b, "%s %s %s\n", m.Path, m.Version, m.Sum)
	}
	return b.String()
}

// listModules reads the requirements of the main module's go.mod (go mod
// edit -json: local, no network), which since Go 1.17 lists every module
// that provides a package to the build.
func listModules(ctx context.Context, tc *Toolchain) (mainPath, mainVersion string, mods []Module) {
	cmd := exec.CommandContext(ctx, tc.Go, "mod", "edit", "-json")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		return "", "", nil
	}
	var gm struct {
		Module  struct{ Path string }
		Require []struct{ Path, Version string }
		Replace []struct {
			Old struct{ Path string }
			New struct{ Path, Version string }
		}
	}
	if err := json.Unmarshal(out, &gm); err != nil {
		return "", "", nil
	}
	for _, r := range gm.Require {
		m := Module{Path: r.Path, Version: r.Version}
		for _, rep := range gm.Replace {
			if rep.Old.Path == r.Path {
				m.Replace, m.ReplaceVersion = rep.New.Path, rep.New.Version
			}
		}
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return gm.Module.Path, "(devel)", mods
}
