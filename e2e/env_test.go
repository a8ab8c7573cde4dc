package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// requireEnv is the variable that turns a missing front end from a skip into
// a failure (CI sets it after running .ci/e2e-setup).
const requireEnv = "SPINLAB_REQUIRE_JUPYTER"

// python is Debian's interpreter, the one Jupyter is installed for. The first
// python3 on PATH may be another one without Jupyter.
const python = "/usr/bin/python3"

// need skips the test, or fails it when SPINLAB_REQUIRE_JUPYTER=1, unless
// every check passes. A check returns "" when its tool is there, else what is
// missing.
func need(t *testing.T, checks ...func() string) {
	t.Helper()
	var missing []string
	for _, c := range checks {
		if m := c(); m != "" {
			missing = append(missing, m)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("missing %s (run .ci/e2e-setup as root to install)", strings.Join(missing, "; "))
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s; %s=1 requires these end-to-end tests", msg, requireEnv)
	}
	t.Skipf("skipping end-to-end test: %s; set %s=1 to make this a failure", msg, requireEnv)
}

func executable(path string) func() string {
	return func() string {
		if fi, err := os.Stat(path); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return path
		}
		return ""
	}
}

func onPath(name string) func() string {
	return func() string {
		if _, err := exec.LookPath(name); err != nil {
			return name + " on PATH"
		}
		return ""
	}
}

func pythonModules(mods ...string) func() string {
	return func() string {
		code := "import " + strings.Join(mods, ", ")
		if out, err := exec.Command(python, "-c", code).CombinedOutput(); err != nil {
			return fmt.Sprintf("python modules %s for %s (%v: %s)", strings.Join(mods, ", "), python, err, lastLine(out))
		}
		return ""
	}
}

func fileExists(path, what string) func() string {
	return func() string {
		if _, err := os.Stat(path); err != nil {
			return what
		}
		return ""
	}
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// kernels returns the kernels a front-end test runs against: spinlab, and
// ipykernel's python3 as the reference, unless SPINLAB_E2E_KERNELS narrows it.
func kernels(t *testing.T) []string {
	t.Helper()
	all := []string{"python3", "spinlab"}
	v := os.Getenv("SPINLAB_E2E_KERNELS")
	if v == "" {
		return all
	}
	var ks []string
	for _, k := range strings.Split(v, ",") {
		k = strings.TrimSpace(k)
		if !slices.Contains(all, k) {
			t.Fatalf("SPINLAB_E2E_KERNELS=%q: unknown kernel %q (want some of %q)", v, k, all)
		}
		ks = append(ks, k)
	}
	return ks
}

// moduleRoot is the repository root: the test runs in e2e/.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod above e2e: %v", err)
	}
	return root
}

var spinlabBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// spinlabBinary builds cmd/spinlab once per test binary and returns its path.
func spinlabBinary(t *testing.T) string {
	t.Helper()
	b := &spinlabBuild
	b.once.Do(func() {
		b.dir, b.err = os.MkdirTemp("", "spinlab-e2e-bin-")
		if b.err != nil {
			return
		}
		b.path = filepath.Join(b.dir, "spinlab")
		cmd := exec.Command("go", "build", "-o", b.path, "./cmd/spinlab")
		cmd.Dir = moduleRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build ./cmd/spinlab: %w\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if spinlabBuild.dir != "" {
		os.RemoveAll(spinlabBuild.dir)
	}
	os.Exit(code)
}

// jupyterEnv is a private Jupyter installation: its own data, config and
// runtime directories, with the spinlab kernelspec (when asked for) and the
// system's kernelspecs (python3) still visible.
type jupyterEnv struct {
	Dir string   // root of the private directories
	Env []string // os.Environ() with the Jupyter variables pointed at Dir
}

func newJupyterEnv(t *testing.T, kernel string) *jupyterEnv {
	t.Helper()
	dir := t.TempDir()
	je := &jupyterEnv{Dir: dir}
	share := filepath.Join(dir, "share", "jupyter")
	vars := map[string]string{
		"JUPYTER_PATH":        share,
		"JUPYTER_DATA_DIR":    filepath.Join(dir, "data"),
		"JUPYTER_CONFIG_DIR":  filepath.Join(dir, "config"),
		"JUPYTER_RUNTIME_DIR": filepath.Join(dir, "runtime"),
		"IPYTHONDIR":          filepath.Join(dir, "ipython"),
		"HOME":                filepath.Join(dir, "home"),
		// Debian's Jupyter runs under /usr/bin/python3; keep its tools first.
		"PATH":                           "/usr/bin:" + os.Getenv("PATH"),
		"PYTHONNOUSERSITE":               "1",
		"PYDEVD_DISABLE_FILE_VALIDATION": "1",
		"TERM":                           "xterm-256color",
	}
	for k, v := range vars {
		if strings.HasSuffix(k, "_DIR") || k == "HOME" || k == "IPYTHONDIR" {
			if err := os.MkdirAll(v, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := vars[k]; ok || strings.HasPrefix(k, "JUPYTER_") || strings.HasPrefix(k, "PYTHON") {
			continue
		}
		je.Env = append(je.Env, kv)
	}
	for k, v := range vars {
		je.Env = append(je.Env, k+"="+v)
	}
	marks := []string{dir}
	if kernel == "spinlab" {
		bin := spinlabBinary(t)
		marks = append(marks, bin)
		installKernelspec(t, bin, dir, je.Env)
	}
	// Registered first, so it runs after the cleanups that stop the front
	// ends: whatever they started must be gone by then.
	t.Cleanup(func() { checkNoLeftovers(t, marks...) })
	return je
}

// ConfigDir is the private JUPYTER_CONFIG_DIR.
func (je *jupyterEnv) ConfigDir() string { return filepath.Join(je.Dir, "config") }

// installKernelspec runs `spinlab install --prefix` the way a user would and
// checks that Jupyter, looking in JUPYTER_PATH, finds the spec the kernel
// contract asks for.
func installKernelspec(t *testing.T, binary, prefix string, env []string) {
	t.Helper()
	cmd := exec.Command(binary, "install", "--prefix", prefix)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("spinlab install --prefix %s: %v\n%s", prefix, err, out)
	}
	cmd = exec.Command("/usr/bin/jupyter-kernelspec", "list", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jupyter kernelspec list: %v", err)
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
			Spec        struct {
				Argv          []string `json:"argv"`
				DisplayName   string   `json:"display_name"`
				Language      string   `json:"language"`
				InterruptMode string   `json:"interrupt_mode"`
			} `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("jupyter kernelspec list --json: %v\n%s", err, out)
	}
	ks, ok := list.Kernelspecs["spinlab"]
	if !ok {
		t.Fatalf("after spinlab install --prefix %s, Jupyter lists no spinlab kernelspec:\n%s", prefix, out)
	}
	spec := ks.Spec
	wantArgv := []string{binary, "kernel", "-f", "{connection_file}"}
	if !slices.Equal(spec.Argv, wantArgv) || spec.DisplayName != "Go (spinlab)" || spec.Language != "go" || spec.InterruptMode != "message" {
		t.Errorf("installed kernelspec in %s = %+v; want argv %q, display_name \"Go (spinlab)\", language go, interrupt_mode message", ks.ResourceDir, spec, wantArgv)
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// screenshotDir is where a test leaves its screenshots: SPINLAB_E2E_SCREENSHOTS
// when set (kept after the test), else a temporary directory.
func screenshotDir(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("SPINLAB_E2E_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join(moduleRoot(t), dir)
	}
	dir = filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
