package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// kernelspec is a kernel.json, as Jupyter reads it.
type kernelspec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env"`
	Metadata      map[string]any    `json:"metadata"`
}

// specFlags are the flags that say where kernelspecs live, shared by
// install and uninstall.
type specFlags struct {
	user, sysPrefix bool
	prefix, name    string
}

func (f *specFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.user, "user", false, "use the user's Jupyter data directory ($JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter)")
	fs.BoolVar(&f.sysPrefix, "sys-prefix", false, "use the share/jupyter directory of the Python environment that runs jupyter")
	fs.StringVar(&f.prefix, "prefix", "", "use `DIR`/share/jupyter (Jupyter finds it when JUPYTER_PATH includes DIR/share/jupyter)")
	fs.StringVar(&f.name, "name", "spinlab", "the kernelspec `NAME` (jupyter console --kernel NAME)")
}

const locationHelp = `

Without --user, --sys-prefix or --prefix the spec goes where 'jupyter
kernelspec install' puts it: system-wide (/usr/local/share/jupyter/kernels)
when run as root, else in the user's Jupyter data directory.`

func installCommand(args []string) int {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	var where specFlags
	where.register(fs)
	display := fs.String("display-name", "Go (spinlab)", "the name front ends show for the kernel")
	fs.Usage = usageFunc("install", `
Install writes a Jupyter kernelspec (kernel.json and logos) that runs this
spinlab binary, so that Jupyter can start it. Installing again replaces the
spec.`+locationHelp, fs.PrintDefaults)
	if err := fs.Parse(args); err != nil {
		return helpOrUsage(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "spinlab install: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	dir, err := where.kernelsDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab install:", err)
		return 2
	}
	exe, err := executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab install:", err)
		return 1
	}
	spec := kernelspec{
		Argv:          []string{exe, "kernel", "-f", "{connection_file}"},
		DisplayName:   *display,
		Language:      "go",
		InterruptMode: "message",
		Env:           map[string]string{},
		Metadata:      map[string]any{"debugger": false},
	}
	target := filepath.Join(dir, where.name)
	if err := writeSpec(target, spec); err != nil {
		fmt.Fprintln(os.Stderr, "spinlab install:", err)
		return 1
	}
	fmt.Printf("Installed the kernelspec %q (%s) in %s\n", where.name, *display, target)
	fmt.Printf("  it runs %s\n", exe)
	if isTemporaryBuild(exe) {
		fmt.Printf("  warning: that binary is a temporary 'go run' build that will disappear;\n  install with 'go install ./cmd/spinlab && spinlab install' instead\n")
	}
	if where.prefix != "" {
		fmt.Printf("  Jupyter finds it when JUPYTER_PATH includes %s\n", filepath.Dir(dir))
	}
	fmt.Printf("Start it with:  jupyter console --kernel %s\n", where.name)
	fmt.Printf("Remove it with: spinlab uninstall%s   (or: jupyter kernelspec remove %s)\n", where.args(), where.name)
	return 0
}

func uninstallCommand(args []string) int {
	fs := flag.NewFlagSet("uninstall", flag.ContinueOnError)
	var where specFlags
	where.register(fs)
	fs.Usage = usageFunc("uninstall", `
Uninstall removes a kernelspec that 'spinlab install' wrote; give it the
same flags.`+locationHelp, fs.PrintDefaults)
	if err := fs.Parse(args); err != nil {
		return helpOrUsage(err)
	}
	dir, err := where.kernelsDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, "spinlab uninstall:", err)
		return 2
	}
	target := filepath.Join(dir, where.name)
	if _, err := os.Stat(filepath.Join(target, "kernel.json")); err != nil {
		fmt.Fprintf(os.Stderr, "spinlab uninstall: no kernelspec %q in %s\n", where.name, dir)
		return 1
	}
	if err := os.RemoveAll(target); err != nil {
		fmt.Fprintln(os.Stderr, "spinlab uninstall:", err)
		return 1
	}
	fmt.Printf("Removed the kernelspec %q from %s\n", where.name, dir)
	return 0
}

// args gives back the location flags, for the hint how to uninstall.
func (f *specFlags) args() string {
	var b strings.Builder
	switch {
	case f.user:
		b.WriteString(" --user")
	case f.sysPrefix:
		b.WriteString(" --sys-prefix")
	case f.prefix != "":
		b.WriteString(" --prefix " + shellQuote(f.prefix))
	}
	if f.name != "spinlab" {
		b.WriteString(" --name " + shellQuote(f.name))
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// kernelsDir is the kernels directory the flags select, following
// jupyter_core's paths.
func (f *specFlags) kernelsDir() (string, error) {
	n := 0
	for _, set := range []bool{f.user, f.sysPrefix, f.prefix != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return "", errors.New("choose one of --user, --sys-prefix and --prefix")
	}
	if f.name == "" || strings.ContainsAny(f.name, `/\`) || f.name == "." || f.name == ".." {
		return "", fmt.Errorf("--name %q: want a plain name such as spinlab", f.name)
	}
	switch {
	case f.user:
		return userKernelsDir()
	case f.sysPrefix:
		prefix, err := pythonPrefix()
		if err != nil {
			return "", err
		}
		return filepath.Join(prefix, "share", "jupyter", "kernels"), nil
	case f.prefix != "":
		abs, err := filepath.Abs(f.prefix)
		if err != nil {
			return "", err
		}
		return filepath.Join(abs, "share", "jupyter", "kernels"), nil
	case os.Geteuid() == 0:
		return "/usr/local/share/jupyter/kernels", nil
	}
	return userKernelsDir()
}

// userKernelsDir is jupyter_core's jupyter_data_dir()/kernels.
func userKernelsDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Join(d, "kernels"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jupyter", "kernels"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the user's Jupyter data directory: %w (set JUPYTER_DATA_DIR)", err)
	}
	return filepath.Join(home, ".local", "share", "jupyter", "kernels"), nil
}

// pythonPrefix is sys.prefix of the Python that runs `jupyter` (read from
// its #! line), else of /usr/bin/python3.
func pythonPrefix() (string, error) {
	python := "/usr/bin/python3"
	if j, err := exec.LookPath("jupyter"); err == nil {
		if f, err := os.Open(j); err == nil {
			line, _ := bufio.NewReader(f).ReadString('\n')
			f.Close()
			if fields := strings.Fields(strings.TrimPrefix(line, "#!")); strings.HasPrefix(line, "#!") && len(fields) > 0 && filepath.IsAbs(fields[0]) && !strings.HasSuffix(fields[0], "/env") {
				python = fields[0]
			}
		}
	}
	out, err := exec.Command(python, "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("--sys-prefix: ask %s for sys.prefix: %w", python, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// executable is the absolute path of this binary, symlinks resolved.
func executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the spinlab binary: %w", err)
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return filepath.Abs(exe)
}

func isTemporaryBuild(exe string) bool {
	return strings.Contains(exe, string(filepath.Separator)+"go-build")
}

// writeSpec writes the spec to target, replacing what was there. It
// builds the new directory next to the old one first, so that a failure
// leaves the old spec.
func writeSpec(target string, spec kernelspec) error {
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(target)+"-")
	if err != nil {
		return fmt.Errorf("write to %s: %w (try --user)", parent, err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	files := map[string][]byte{"kernel.json": append(b, '\n')}
	for _, size := range []int{32, 64} {
		png, err := logoPNG(size)
		if err != nil {
			return fmt.Errorf("draw the logo: %w", err)
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = png
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the old spec: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("install the spec: %w", err)
	}
	return nil
}
