package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

func versionCommand(args []string) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.Usage = usageFunc("version", `
Version prints the versions of spinlab, of the Go toolchain it was built
with (the language version the kernel reports) and of the yaegi interpreter.`, fs.PrintDefaults)
	if err := fs.Parse(args); err != nil {
		return helpOrUsage(err)
	}
	fmt.Printf("spinlab %s\nGo %s\nyaegi %s\n", spinlabVersion(), runtime.Version(), depVersion("github.com/traefik/yaegi"))
	return 0
}

// spinlabVersion is the module version of this build, or the VCS revision
// of a development build.
func spinlabVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return "devel"
	}
	return "devel-" + rev + dirty
}

func depVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range bi.Deps {
		if d.Path == path || strings.HasPrefix(d.Path, path+"/") {
			if d.Replace != nil {
				return d.Replace.Version + " (replaced)"
			}
			return d.Version
		}
	}
	return "unknown"
}
