package kernelbench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Spec is an installed kernelspec: a kernels/NAME/kernel.json file.
type Spec struct {
	Name        string
	Dir         string // the directory that holds kernel.json
	Argv        []string
	DisplayName string            `json:"display_name"`
	Language    string            `json:"language"`
	Env         map[string]string `json:"env"`
}

// DataDirs returns the Jupyter data directories in the order Jupyter
// searches them for kernelspecs (as `jupyter --paths` lists them, without
// asking Python): JUPYTER_DATA_DIR or the user's data directory,
// JUPYTER_PATH, then the system directories.
func DataDirs() []string {
	var dirs []string
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		dirs = append(dirs, d)
	} else if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		dirs = append(dirs, filepath.Join(x, "jupyter"))
	} else if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "share", "jupyter"))
	}
	for _, d := range filepath.SplitList(os.Getenv("JUPYTER_PATH")) {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	return append(dirs, "/usr/local/share/jupyter", "/usr/share/jupyter")
}

// FindSpec finds the kernelspec called name in the Jupyter data
// directories; name may also be a path to a kernel.json or its directory.
func FindSpec(name string) (Spec, error) {
	if strings.ContainsRune(name, os.PathSeparator) {
		p := name
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			p = filepath.Join(p, "kernel.json")
		}
		return readSpec(filepath.Base(filepath.Dir(p)), p)
	}
	var looked []string
	for _, d := range DataDirs() {
		p := filepath.Join(d, "kernels", name, "kernel.json")
		looked = append(looked, filepath.Dir(p))
		s, err := readSpec(name, p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return s, err
	}
	return Spec{}, fmt.Errorf("no kernelspec %q in %s (see 'jupyter kernelspec list'; install spinlab's with 'spinlab install')", name, strings.Join(looked, ", "))
}

func readSpec(name, path string) (Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, err
	}
	s := Spec{Name: name, Dir: filepath.Dir(path)}
	if err := json.Unmarshal(b, &s); err != nil {
		return Spec{}, fmt.Errorf("kernelspec %s: %w", path, err)
	}
	if len(s.Argv) == 0 {
		return Spec{}, fmt.Errorf("kernelspec %s has no argv", path)
	}
	return s, nil
}

// command returns the spec's argv for a connection file, with
// {connection_file} and {resource_dir} filled in as jupyter_client does.
func (s Spec) command(connectionFile string) []string {
	argv := make([]string, len(s.Argv))
	for i, a := range s.Argv {
		a = strings.ReplaceAll(a, "{connection_file}", connectionFile)
		argv[i] = strings.ReplaceAll(a, "{resource_dir}", s.Dir)
	}
	return argv
}
