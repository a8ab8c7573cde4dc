package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// jupyterSuite is a jupyter_kernel_test.KernelTests for spinlab: Jupyter's
// own conformance suite, run by Jupyter's own client against the built
// binary as Jupyter would start it from its kernelspec.
const jupyterSuite = `
import unittest
import jupyter_kernel_test as jkt


class SpinlabKernelTests(jkt.KernelTests):
    kernel_name = "spinlab"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "some error")'

    completion_samples = [
        {"text": "fmt.Sprin", "matches": ["Sprint", "Sprintf", "Sprintln"]},
        {"text": "strings.ToUp"},
    ]
    complete_code_samples = ['fmt.Println("hi")', "x := 1", "func f() {}", "type T struct{}"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", 'fmt.Println("a",']
    invalid_code_samples = ["func f() }", "x := )"]

    code_generate_error = 'panic("boom")'
    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": '"go" + "pher"', "result": '"gopher"'},
    ]
    code_display_data = [
        {"code": 'display.HTML("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.Markdown("*it*")', "mime": "text/markdown"},
        {"code": 'display.SVG("<svg xmlns=\'http://www.w3.org/2000/svg\' width=\'4\' height=\'4\'></svg>")', "mime": "image/svg+xml"},
    ]
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "fmt.Println"
    code_clear_output = "display.Clear(false)"


if __name__ == "__main__":
    unittest.main(verbosity=2)
`

const python = "/usr/bin/python3"

// requirePython skips the test when /usr/bin/python3 cannot import the
// modules, or fails it under SPINLAB_REQUIRE_JUPYTER=1.
func requirePython(t *testing.T, modules, packages string) {
	t.Helper()
	if out, err := exec.Command(python, "-c", "import "+modules).CombinedOutput(); err != nil {
		msg := modules + " not installed for " + python + " (apt-get install " + packages + "): " + strings.TrimSpace(string(out))
		if os.Getenv("SPINLAB_REQUIRE_JUPYTER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// installForJupyter installs the built kernel in a private Jupyter data
// directory and returns the Jupyter variables that point there, and the
// directory the test may use.
func installForJupyter(t *testing.T) (env []string, dir string) {
	t.Helper()
	dir = t.TempDir()
	data := filepath.Join(dir, "data")
	env = []string{
		"JUPYTER_DATA_DIR=" + data,
		"JUPYTER_PATH=" + data,
		"JUPYTER_RUNTIME_DIR=" + filepath.Join(dir, "runtime"),
		"JUPYTER_CONFIG_DIR=" + filepath.Join(dir, "config"),
		"JUPYTER_PLATFORM_DIRS=0",
		"PYTHONDONTWRITEBYTECODE=1",
	}
	if code, _, stderr := spinlab(t, env, "install", "--user"); code != 0 {
		t.Fatalf("install: %s", stderr)
	}
	return env, dir
}

func TestJupyterKernelTests(t *testing.T) {
	requirePython(t, "jupyter_kernel_test, jupyter_client", "python3-jupyter-kernel-test jupyter-client")
	env, dir := installForJupyter(t)
	data := filepath.Join(dir, "data")
	// The spec Jupyter finds must be ours.
	list := exec.Command(python, "-m", "jupyter_client.kernelspecapp", "list", "--json")
	list.Env = append(os.Environ(), env...)
	if out, err := list.CombinedOutput(); err == nil && !strings.Contains(string(out), filepath.Join(data, "kernels", "spinlab")) {
		t.Fatalf("jupyter does not find the installed spec:\n%s", out)
	}

	script := filepath.Join(dir, "test_spinlab.py")
	if err := os.WriteFile(script, []byte(jupyterSuite), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	t.Logf("jupyter_kernel_test:\n%s", out)
	if err != nil {
		t.Fatalf("Jupyter's kernel tests failed: %v", err)
	}
	if strings.Contains(string(out), "skipped") && !strings.Contains(string(out), "test_pager") {
		t.Logf("some tests were skipped")
	}
}
