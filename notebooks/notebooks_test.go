package notebooks

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/internal/testbinary"
	"github.com/spinlab/spinlab/notebook"
)

// binary is the spinlab binary that TestMain builds.
var binary string

func TestMain(m *testing.M) {
	os.Exit(testbinary.Main(m, &binary))
}

// tutorials lists the committed notebooks in order.
func tutorials(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 6 {
		t.Fatalf("found %d notebooks, want the six tutorials", len(paths))
	}
	return paths
}

// allowedToFail reports whether a cell is tagged to raise, as nbclient's
// raises-exception tag says.
func allowedToFail(c *notebook.Cell) bool { return c.HasTag("raises-exception") }

func TestNotebooksAreValid(t *testing.T) {
	for _, path := range tutorials(t) {
		t.Run(path, func(t *testing.T) {
			nb, err := notebook.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if nb.Format != 4 {
				t.Errorf("nbformat %d, want 4", nb.Format)
			}
			var meta struct {
				KernelSpec struct {
					Name     string `json:"name"`
					Language string `json:"language"`
				} `json:"kernelspec"`
			}
			raw, _ := json.Marshal(nb.Metadata)
			if err := json.Unmarshal(raw, &meta); err != nil || meta.KernelSpec.Name != "spinlab" || meta.KernelSpec.Language != "go" {
				t.Errorf("metadata does not name the spinlab kernelspec: %s", raw)
			}
			code, withOutput := 0, 0
			for _, c := range nb.Cells {
				if c.Type != notebook.Code {
					continue
				}
				code++
				if len(c.Outputs) > 0 {
					withOutput++
				}
				for _, o := range c.Outputs {
					if o.Type == notebook.ErrorOutput && !allowedToFail(c) {
						t.Errorf("committed outputs hold an error in a cell not tagged raises-exception: %s: %s", o.EName, o.EValue)
					}
				}
			}
			if code == 0 || withOutput < code/2 {
				t.Errorf("%d of %d code cells have outputs: commit the notebook as `spinlab run` left it", withOutput, code)
			}
			// The file is as spinlab (and Jupyter) write it.
			want, err := nb.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, want) {
				t.Errorf("not in nbformat's canonical layout: run it with `spinlab run %s`", path)
			}
		})
	}
}

// TestSpinlabRun executes every notebook headless, as the README's first
// command does.
func TestSpinlabRun(t *testing.T) {
	for _, path := range tutorials(t) {
		t.Run(path, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, path)
			html := filepath.Join(dir, strings.TrimSuffix(path, ".ipynb")+".html")
			cmd := exec.Command(binary, "run", path, "-o", out, "--html", html, "--timeout", "2m", "-q")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("spinlab run %s: %v\n%s", path, err, stderr.String())
			}
			images := checkExecuted(t, out)
			page, err := os.ReadFile(html)
			if err != nil {
				t.Fatal(err)
			}
			if images > 0 && !bytes.Contains(page, []byte("data:image/png;base64,")) {
				t.Errorf("the notebook has %d images but the HTML page shows none inline", images)
			}
		})
	}
}

// TestNbconvert executes every notebook through Jupyter's nbconvert with
// the spinlab kernel installed, as a reader with Jupyter would.
func TestNbconvert(t *testing.T) {
	const python = "/usr/bin/python3"
	if out, err := exec.Command(python, "-c", "import nbconvert, nbclient").CombinedOutput(); err != nil {
		msg := "nbconvert is not installed for " + python + " (apt-get install jupyter-nbconvert python3-nbclient): " + strings.TrimSpace(string(out))
		if os.Getenv("SPINLAB_REQUIRE_JUPYTER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := append(os.Environ(),
		"JUPYTER_DATA_DIR="+data,
		"JUPYTER_PATH="+data,
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"),
		"JUPYTER_PLATFORM_DIRS=0",
	)
	install := exec.Command(binary, "install", "--user")
	install.Env = env
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("spinlab install: %v\n%s", err, out)
	}
	for _, path := range tutorials(t) {
		t.Run(path, func(t *testing.T) {
			name := strings.TrimSuffix(path, ".ipynb") + ".executed"
			cmd := exec.Command(python, "-m", "nbconvert", "--to", "notebook", "--execute",
				"--ExecutePreprocessor.timeout=120", "--output-dir", dir, "--output", name, path)
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("nbconvert --execute %s: %v\n%s", path, err, out)
			}
			checkExecuted(t, filepath.Join(dir, name+".ipynb"))
		})
	}
}

// checkExecuted checks an executed notebook: every code cell ran, only
// cells tagged raises-exception hold an error, and some claim was checked.
// It returns how many PNG images the outputs hold.
func checkExecuted(t *testing.T, path string) (images int) {
	t.Helper()
	nb, err := notebook.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checks := 0
	for i, c := range nb.Cells {
		if c.Type != notebook.Code || strings.TrimSpace(c.Source) == "" {
			continue
		}
		if c.ExecutionCount == 0 {
			t.Errorf("cell %d did not run", i+1)
		}
		for _, o := range c.Outputs {
			switch {
			case o.Type == notebook.ErrorOutput && !allowedToFail(c):
				t.Errorf("cell %d failed: %s: %s", i+1, o.EName, o.EValue)
			case o.Type == notebook.Stream:
				checks += strings.Count(o.Text, "✓ ")
			}
			if _, ok := o.Data["image/png"]; ok {
				images++
			}
		}
	}
	if checks == 0 {
		t.Error("no claim was checked (no ✓ lines): the notebook's checks did not run")
	}
	return images
}
