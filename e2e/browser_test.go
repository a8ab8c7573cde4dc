package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// cell is a notebook cell and what a user must see under it once it ran.
type cell struct {
	Source string
	Stdout string   // the cell's stream output contains this
	Table  string   // a rendered HTML <table> in the output has a cell (th or td) with this word
	Image  bool     // the output shows an image that decoded (<img>, or inline <svg>)
	Error  []string // an error output (a traceback) contains each of these
}

// notebookCase is a notebook for one kernel. The browser runs Cells with
// "Run All Above" on the Loop cell, then runs Loop, interrupts it with the
// toolbar button, and runs After.
type notebookCase struct {
	Kernel      string // kernelspec name
	DisplayName string
	Language    string
	Cells       []cell
	Spin        int  // index in Cells of the cell saved as spin-cell.png
	Loop        cell // never ends by itself; Error is what the interrupt shows
	After       cell // runs after the interrupt
}

var notebookCases = map[string]notebookCase{
	"spinlab": {
		Kernel:      "spinlab",
		DisplayName: "Go (spinlab)",
		Language:    "go",
		Cells: []cell{
			{Source: `fmt.Println("hello from Go")`, Stdout: "hello from Go"},
			{
				Source: `display.HTML("<table><tr><th>mode</th></tr><tr><td>goroutine</td></tr></table>")`,
				Table:  "mode",
			},
			{
				Source: strings.Join([]string{
					`import (`,
					`    "gonum.org/v1/plot"`,
					`    "gonum.org/v1/plot/plotter"`,
					`)`,
					``,
					`p := plot.New()`,
					`p.Title.Text = "squares"`,
					`pts := make(plotter.XYs, 10)`,
					`for i := range pts {`,
					`    pts[i].X = float64(i)`,
					`    pts[i].Y = float64(i * i)`,
					`}`,
					`line, err := plotter.NewLine(pts)`,
					`if err != nil {`,
					`    panic(err)`,
					`}`,
					`p.Add(line)`,
					`display.Plot(p)`,
				}, "\n"),
				Image: true,
			},
			{
				Source: strings.Join([]string{
					// I/O-bound, so that the charts show scaling even
					// while the browser takes a core of the two.
					`%%spin workers=1,2,4,8 trials=2`,
					`time.Sleep(20 * time.Millisecond) // stands in for a network call`,
				}, "\n"),
				Image: true,
				Table: "goroutine",
			},
			// What the user must read: what panicked, with what value.
			{Source: `panic("boom")`, Error: []string{"panic", "boom"}},
		},
		Spin:  3,
		Loop:  cell{Source: "for {\n}"},
		After: cell{Source: `fmt.Println("after interrupt")`, Stdout: "after interrupt"},
	},
	"python3": {
		Kernel:      "python3",
		DisplayName: "Python 3 (ipykernel)",
		Language:    "python",
		Cells: []cell{
			{Source: `print("hello from Python")`, Stdout: "hello from Python"},
			{
				Source: "from IPython.display import HTML, Image, display\n" +
					`display(HTML("<table><tr><th>mode</th></tr><tr><td>goroutine</td></tr></table>"))`,
				Table: "mode",
			},
			{
				// A PNG made by hand: ipykernel has no plotting library here.
				Source: strings.Join([]string{
					`import struct, zlib`,
					`def chunk(kind, data):`,
					`    c = kind + data`,
					`    return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c))`,
					`w, h = 120, 80`,
					`rows = b"".join(b"\x00" + bytes(v for x in range(w) for v in (x * 2 % 256, y * 3 % 256, 160)) for y in range(h))`,
					`png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")`,
					`display(Image(data=png))`,
				}, "\n"),
				Image: true,
			},
			{
				Source: "%%time\ns = 0\nfor i in range(200000):\n    s += i % 7\nprint(s)",
				Stdout: "Wall time",
			},
			{Source: `raise ValueError("boom")`, Error: []string{"ValueError", "boom"}},
		},
		Spin:  3,
		Loop:  cell{Source: "while True:\n    pass", Error: []string{"KeyboardInterrupt"}},
		After: cell{Source: `print("after interrupt")`, Stdout: "after interrupt"},
	},
}

// writeNotebook writes nc as an nbformat 4 notebook whose kernelspec is
// nc.Kernel, so that opening it starts that kernel.
func writeNotebook(t *testing.T, path string, nc notebookCase) {
	t.Helper()
	type nbCell struct {
		ID             string         `json:"id"`
		CellType       string         `json:"cell_type"`
		ExecutionCount *int           `json:"execution_count"`
		Metadata       map[string]any `json:"metadata"`
		Outputs        []any          `json:"outputs"`
		Source         string         `json:"source"`
	}
	var cells []nbCell
	for i, c := range append(append(nc.Cells[:len(nc.Cells):len(nc.Cells)], nc.Loop), nc.After) {
		cells = append(cells, nbCell{ID: fmt.Sprintf("cell-%d", i), CellType: "code", Metadata: map[string]any{}, Outputs: []any{}, Source: c.Source})
	}
	nb := map[string]any{
		"nbformat":       4,
		"nbformat_minor": 5,
		"metadata": map[string]any{
			"kernelspec": map[string]any{
				"name":         nc.Kernel,
				"display_name": nc.DisplayName,
				"language":     nc.Language,
			},
		},
		"cells": cells,
	}
	b, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// browserConfig is what e2e/browser/run.mjs reads from its argument.
type browserConfig struct {
	URL         string `json:"url"`
	Token       string `json:"token"`
	Notebook    string `json:"notebook"` // path relative to the server's directory
	Kernel      string `json:"kernel"`
	DisplayName string `json:"displayName"`
	Loop        int    `json:"loop"`  // index of the cell to interrupt
	After       int    `json:"after"` // index of the cell to run after it
	Spin        int    `json:"spin"`
	Screenshots string `json:"screenshots"`
	TimeoutMS   int    `json:"timeoutMs"` // for each wait
}

// browserReport is what run.mjs saw, printed as JSON on its stdout.
type browserReport struct {
	NewMenu         []string     `json:"newMenu"`         // kernels offered by the tree page's New menu
	KernelIndicator string       `json:"kernelIndicator"` // kernel name shown in the notebook's toolbar
	KernelLogo      string       `json:"kernelLogo"`      // the header's kernel logo: "URL WxH", or "URL (not loaded)"
	BusyDuringLoop  bool         `json:"busyDuringLoop"`
	LoopStopped     bool         `json:"loopStopped"`
	Cells           []cellReport `json:"cells"`
	Screenshots     []string     `json:"screenshots"`
	Failure         string       `json:"failure"` // the step that failed, if one did
	PageErrors      []string     `json:"pageErrors"`
}

type cellReport struct {
	Prompt  string         `json:"prompt"` // "In [3]:", "In [*]:", "In [ ]:"
	Count   *int           `json:"count"`  // the execution count, once known
	Outputs []outputReport `json:"outputs"`
}

type outputReport struct {
	Classes string     `json:"classes"` // of the output_subarea: output_stdout, output_html, output_error ...
	Text    string     `json:"text"`    // innerText
	Tables  [][]string `json:"tables"`  // th and td texts of each <table>
	Images  []string   `json:"images"`  // "img 640x480", "svg 600x400" for each image drawn with a size
}

func (c cellReport) text(class string) string {
	var b strings.Builder
	for _, o := range c.Outputs {
		if class == "" || strings.Contains(" "+o.Classes+" ", " "+class+" ") {
			b.WriteString(o.Text)
			b.WriteString("\n")
		}
	}
	return b.String()
}

func (c cellReport) String() string {
	b, _ := json.MarshalIndent(c, "", "  ")
	if len(b) > 3000 {
		b = append(b[:3000], "..."...)
	}
	return string(b)
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping browser test in -short mode")
	}
	browserDir, err := filepath.Abs("browser")
	if err != nil {
		t.Fatal(err)
	}
	for _, kernel := range kernels(t) {
		t.Run(kernel, func(t *testing.T) {
			need(t,
				executable(python),
				pythonModules("notebook", "ipykernel"),
				executable("/usr/bin/chromium"),
				onPath("node"),
				fileExists(filepath.Join(browserDir, "node_modules", "playwright-core", "package.json"), "playwright-core in e2e/browser/node_modules (npm ci)"),
			)
			testBrowser(t, notebookCases[kernel], browserDir)
		})
	}
}

func testBrowser(t *testing.T, nc notebookCase, browserDir string) {
	je := newJupyterEnv(t, nc.Kernel)
	srv := startNotebookServer(t, je)
	writeNotebook(t, filepath.Join(srv.Dir, "e2e.ipynb"), nc)
	shots := screenshotDir(t, "browser-"+nc.Kernel)
	t.Logf("screenshots in %s", shots)

	cfg := browserConfig{
		URL:         srv.URL,
		Token:       srv.Token,
		Notebook:    "e2e.ipynb",
		Kernel:      nc.Kernel,
		DisplayName: nc.DisplayName,
		Loop:        len(nc.Cells),
		After:       len(nc.Cells) + 1,
		Spin:        nc.Spin,
		Screenshots: shots,
		TimeoutMS:   60_000,
	}
	arg, _ := json.Marshal(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(browserDir, "run.mjs"), string(arg))
	cmd.Dir = browserDir
	// Chromium's profile goes under TMPDIR, inside the test's directory, so
	// that the leftover check also catches a browser that did not quit.
	tmp := filepath.Join(je.Dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(je.Env, "TMPDIR="+tmp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	t.Logf("run.mjs log:\n%s", stderr.String())

	var rep browserReport
	if err := json.Unmarshal(lastJSONLine(stdout.Bytes()), &rep); err != nil {
		t.Fatalf("run.mjs: %v; no report (%v) in its output:\n%s\nnotebook server log:\n%s",
			runErr, err, stdout.String(), readFile(srv.Log))
	}
	for _, s := range rep.Screenshots {
		t.Logf("screenshot %s", s)
	}
	t.Logf("kernel %q, logo %s", rep.KernelIndicator, rep.KernelLogo)
	for i, c := range rep.Cells {
		var outs []string
		for _, o := range c.Outputs {
			outs = append(outs, fmt.Sprintf("%s%v", strings.TrimPrefix(o.Classes, "output_subarea "), o.Images))
		}
		t.Logf("cell %d %s outputs %s", i, c.Prompt, strings.Join(outs, "; "))
	}
	for _, e := range rep.PageErrors {
		t.Logf("page error: %s", e)
	}
	if rep.Failure != "" || runErr != nil {
		t.Errorf("browser session failed: %s (%v)\nnotebook server log:\n%s", rep.Failure, runErr, readFile(srv.Log))
	}
	checkBrowserReport(t, nc, rep)
}

// checkBrowserReport checks what the page showed against the notebook case.
func checkBrowserReport(t *testing.T, nc notebookCase, rep browserReport) {
	t.Helper()
	if !contains(rep.NewMenu, nc.DisplayName) {
		t.Errorf("the New menu offers %q, want %q among them", rep.NewMenu, nc.DisplayName)
	}
	if rep.KernelIndicator != nc.DisplayName {
		t.Errorf("kernel indicator shows %q, want %q", rep.KernelIndicator, nc.DisplayName)
	}
	// spinlab install writes logo-64x64.png; the notebook shows it.
	if !strings.Contains(rep.KernelLogo, "logo-64x64") || strings.Contains(rep.KernelLogo, "(") {
		t.Errorf("kernel logo in the notebook header: %q, want the kernelspec's logo-64x64.png loaded", rep.KernelLogo)
	}
	want := append(append(nc.Cells[:len(nc.Cells):len(nc.Cells)], nc.Loop), nc.After)
	// The toolbar's Run button on the last cell adds an empty cell below it.
	if len(rep.Cells) < len(want) {
		t.Fatalf("page has %d cells, want %d", len(rep.Cells), len(want))
	}
	for i, w := range want {
		got := rep.Cells[i]
		name := fmt.Sprintf("cell %d (%.40q)", i, w.Source)
		if got.Count == nil {
			t.Errorf("%s did not run: prompt %q\n%s", name, got.Prompt, got)
			continue
		}
		if w.Stdout != "" && !strings.Contains(got.text("output_stream"), w.Stdout) {
			t.Errorf("%s: stream output does not contain %q\n%s", name, w.Stdout, got)
		}
		if w.Table != "" && !hasTableCell(got, w.Table) {
			t.Errorf("%s: no rendered HTML table with a cell %q\n%s", name, w.Table, got)
		}
		if w.Image && !hasImage(got) {
			t.Errorf("%s: no image rendered\n%s", name, got)
		}
		errText := got.text("output_error")
		if len(w.Error) > 0 || i == len(nc.Cells) {
			// The interrupted loop must end in an error too, whatever its text.
			if strings.TrimSpace(errText) == "" {
				t.Errorf("%s: no error output (traceback)\n%s", name, got)
			}
			for _, s := range w.Error {
				if !strings.Contains(errText, s) {
					t.Errorf("%s: traceback does not contain %q\n%s", name, s, got)
				}
			}
			// Readable: the notebook turned ANSI colours into markup; raw escape
			// sequences mean the kernel sent something it could not parse.
			if strings.Contains(errText, "\x1b[") || strings.Contains(errText, "[0;3") {
				t.Errorf("%s: traceback shows raw escape sequences\n%s", name, got)
			}
		} else if errText != "" {
			t.Errorf("%s: unexpected error output\n%s", name, got)
		}
	}
	if !rep.BusyDuringLoop {
		t.Errorf("the kernel never showed busy while the loop cell ran")
	}
	if !rep.LoopStopped {
		t.Errorf("the interrupt button did not stop the loop cell")
	}
	loop, after := rep.Cells[len(nc.Cells)], rep.Cells[len(nc.Cells)+1]
	// A kernel that died and restarted instead of being interrupted starts
	// counting again from 1.
	if loop.Count != nil && after.Count != nil && *after.Count <= *loop.Count {
		t.Errorf("execution count went from %d (loop) to %d (after): the kernel restarted instead of being interrupted", *loop.Count, *after.Count)
	}
}

// hasTableCell reports whether a table in c's outputs has a cell with word
// among its words (a legend swatch may stand before a mode's name).
func hasTableCell(c cellReport, word string) bool {
	for _, o := range c.Outputs {
		for _, tbl := range o.Tables {
			for _, cell := range tbl {
				if slices.Contains(strings.Fields(cell), word) {
					return true
				}
			}
		}
	}
	return false
}

func hasImage(c cellReport) bool {
	for _, o := range c.Outputs {
		if len(o.Images) > 0 {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

// lastJSONLine returns the last line of out that looks like a JSON object.
func lastJSONLine(out []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	for i := len(lines) - 1; i >= 0; i-- {
		if l := bytes.TrimSpace(lines[i]); bytes.HasPrefix(l, []byte("{")) {
			return l
		}
	}
	return nil
}
