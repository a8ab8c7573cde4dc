package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spinlab/spinlab/notebook"
)

// writeNotebook writes a notebook of the given code cells to path.
func writeNotebook(t *testing.T, path string, sources ...string) {
	t.Helper()
	nb := notebook.New()
	for _, s := range sources {
		nb.Cells = append(nb.Cells, notebook.NewCode(s))
	}
	if err := nb.WriteFile(path); err != nil {
		t.Fatal(err)
	}
}

func readNotebook(t *testing.T, path string) *notebook.Notebook {
	t.Helper()
	nb, err := notebook.ReadFile(path)
	if err != nil {
		t.Fatalf("the run's notebook: %v", err)
	}
	return nb
}

// streamText is the stream output of a cell.
func streamText(c *notebook.Cell) string {
	var b strings.Builder
	for _, o := range c.Outputs {
		if o.Type == notebook.Stream {
			b.WriteString(o.Text)
		}
	}
	return b.String()
}

// cellError is a cell's error output, or nil.
func cellError(c *notebook.Cell) *notebook.Output {
	for i, o := range c.Outputs {
		if o.Type == notebook.ErrorOutput {
			return &c.Outputs[i]
		}
	}
	return nil
}

// runProcess is a `spinlab run` started by a test.
type runProcess struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{}
	start  time.Time
}

func startRun(t *testing.T, args ...string) *runProcess {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"run"}, args...)...)
	rp := &runProcess{cmd: cmd, stderr: new(syncBuffer), exited: make(chan struct{}), start: time.Now()}
	cmd.Stderr = rp.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(rp.exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-rp.exited
	})
	return rp
}

// wait waits for the run to end within limit and returns its exit code
// and how long it ran.
func (rp *runProcess) wait(t *testing.T, limit time.Duration) (int, time.Duration) {
	t.Helper()
	select {
	case <-rp.exited:
	case <-time.After(limit):
		rp.cmd.Process.Kill()
		<-rp.exited
		t.Fatalf("spinlab run did not end within %v; stderr:\n%s", limit, rp.stderr)
	}
	return rp.cmd.ProcessState.ExitCode(), time.Since(rp.start)
}

// waitFor waits until the run's stderr contains s.
func (rp *runProcess) waitFor(t *testing.T, s string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !strings.Contains(rp.stderr.String(), s) {
		select {
		case <-rp.exited:
			t.Fatalf("spinlab run ended before %q; stderr:\n%s", s, rp.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q within %v; stderr:\n%s", s, limit, rp.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// assertGone fails if any of pids is still alive a few seconds on.
func assertGone(t *testing.T, pids []string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for {
			st, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
			if err != nil || strings.Contains(string(st), ") Z ") {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("process %s outlived the run: %s", pid, st)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// A symbolically linked notebook run in place stays a link, and the file
// it points to gets the outputs.
func TestRunWritesThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "real", "analysis.ipynb")
	writeNotebook(t, target, `fmt.Println("through the link")`)
	if err := os.Chmod(target, 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "analysis.ipynb")
	if err := os.Symlink("real/analysis.ipynb", link); err != nil {
		t.Fatal(err)
	}

	code, _, stderr := spinlab(t, nil, "run", link)
	if code != 0 {
		t.Fatalf("spinlab run: exit %d\n%s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link became a %v file (%v)", fi.Mode(), err)
	}
	if got := streamText(readNotebook(t, target).Cells[0]); got != "through the link\n" {
		t.Errorf("the real notebook's output = %q: it was not updated", got)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
		t.Errorf("the real notebook's mode became %v, want 0640", fi.Mode().Perm())
	}
}

// An output path that cannot be written fails at once with a usage error
// that names it, before any cell runs (the first cell would leave a
// marker file) and without creating anything.
func TestRunChecksOutputPathsFirst(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "marker")
	nbPath := filepath.Join(dir, "nb.ipynb")
	writeNotebook(t, nbPath, fmt.Sprintf("os.WriteFile(%q, []byte(\"ran\"), 0o644)", marker))
	before, _ := os.ReadFile(nbPath)
	missing := filepath.Join(dir, "missing")

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"-o into a missing directory", []string{"-o", filepath.Join(missing, "out.ipynb")}, "-o " + filepath.Join(missing, "out.ipynb") + ": directory " + missing + " does not exist"},
		{"--html into a missing directory", []string{"--html", filepath.Join(missing, "out.html")}, "--html " + filepath.Join(missing, "out.html") + ": directory " + missing + " does not exist"},
		{"-o a directory", []string{"-o", dir}, "-o " + dir + " is a directory"},
		{"-o below a file", []string{"-o", filepath.Join(nbPath, "out.ipynb")}, nbPath + " is not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := spinlab(t, nil, append([]string{"run", nbPath}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Errorf("a cell ran before the output path was checked")
				os.Remove(marker)
			}
			if _, err := os.Stat(missing); err == nil {
				t.Errorf("the missing directory was created")
			}
			if after, _ := os.ReadFile(nbPath); !bytes.Equal(after, before) {
				t.Errorf("the input notebook changed")
			}
		})
	}
}

// wedgedNotebook writes a notebook whose third cell never ends and whose
// session no longer answers: the second cell closes the evaluator's
// request channel (fd 3), after which the supervisor cannot deliver the
// cell or its interrupt. If the evaluator learns to survive that, the
// third cell still never ends on its own.
func wedgedNotebook(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "wedged.ipynb")
	writeNotebook(t, path,
		`fmt.Println("first cell ran")`,
		`syscall.Close(3)`,
		`select {}`,
		`fmt.Println("never runs")`,
	)
	return path
}

// assertSavedSoFar checks the notebook and page of a run stopped in the
// third cell of wedgedNotebook: earlier outputs kept, the cell marked
// with an error saying why, the last cell without outputs.
func assertSavedSoFar(t *testing.T, nbPath, htmlPath string, why ...string) {
	t.Helper()
	nb := readNotebook(t, nbPath)
	if got := streamText(nb.Cells[0]); got != "first cell ran\n" {
		t.Errorf("first cell output = %q", got)
	}
	e := cellError(nb.Cells[2])
	if e == nil {
		t.Errorf("the stopped cell has no error output: %+v", nb.Cells[2].Outputs)
	} else if text := e.EName + ": " + e.EValue; !containsAny(strings.ToLower(text), why) {
		t.Errorf("the stopped cell's error %q says none of %q", text, why)
	}
	if c := nb.Cells[3]; len(c.Outputs) != 0 || c.ExecutionCount != 0 {
		t.Errorf("the cell that never ran has outputs %+v, count %d", c.Outputs, c.ExecutionCount)
	}
	page, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatalf("the HTML page was not written: %v", err)
	}
	if !strings.Contains(string(page), "first cell ran") {
		t.Errorf("the HTML page lacks the first cell's output")
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// --timeout holds even when the session never answers: the run ends
// soon after it, saves what ran, and leaves no process behind.
func TestRunTimeoutWedgedSession(t *testing.T) {
	dir := t.TempDir()
	in := wedgedNotebook(t, dir)
	out, page := filepath.Join(dir, "out.ipynb"), filepath.Join(dir, "out.html")
	rp := startRun(t, in, "-o", out, "--html", page, "--timeout", "2s")
	rp.waitFor(t, "[3/4] cell 3", 60*time.Second)
	children := childrenOf(t, rp.cmd.Process.Pid)
	// 2s timeout + notebook.DefaultStopGrace (5s) + shutdown; the rest is
	// room for a loaded machine.
	code, took := rp.wait(t, 45*time.Second)
	t.Logf("ran %v; stderr:\n%s", took.Round(time.Millisecond), rp.stderr)
	if code != 1 || !strings.Contains(rp.stderr.String(), "cell 3 failed") {
		t.Errorf("exit %d; want 1 and \"cell 3 failed\"", code)
	}
	assertSavedSoFar(t, out, page, "timeout", "interrupt")
	assertGone(t, children)
}

// A second SIGINT gives up on a session that ignores the first, and so
// does SIGTERM at once; either way the run still saves what ran.
func TestRunStopSignalsSaveOutputs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		signals []syscall.Signal
	}{
		{"SIGINT twice", []syscall.Signal{syscall.SIGINT, syscall.SIGINT}},
		{"SIGTERM", []syscall.Signal{syscall.SIGTERM}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := wedgedNotebook(t, dir)
			out, page := filepath.Join(dir, "out.ipynb"), filepath.Join(dir, "out.html")
			rp := startRun(t, in, "-o", out, "--html", page)
			rp.waitFor(t, "[3/4] cell 3", 60*time.Second)
			children := childrenOf(t, rp.cmd.Process.Pid)
			for _, sig := range tc.signals {
				time.Sleep(400 * time.Millisecond)
				rp.cmd.Process.Signal(sig) // the run may have ended on an earlier one
			}
			// Well inside notebook.DefaultStopGrace: the run did not wait it out.
			code, took := rp.wait(t, 20*time.Second)
			t.Logf("ran %v; stderr:\n%s", took.Round(time.Millisecond), rp.stderr)
			if code == 0 {
				t.Errorf("an interrupted run exited 0")
			}
			assertSavedSoFar(t, out, page, "interrupt")
			assertGone(t, children)
		})
	}
}

// A cell that fails fails the run: its error is in the notebook, the
// command says which cell, and the cells after it do not run.
func TestRunFailedCell(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "fails.ipynb")
	writeNotebook(t, in, `x := 1`, `panic("boom")`, `fmt.Println("after")`)
	code, _, stderr := spinlab(t, nil, "run", in)
	if code != 1 || !strings.Contains(stderr, "cell 2 failed: panic: boom") {
		t.Errorf("exit %d, stderr %q; want 1 and \"cell 2 failed: panic: boom\"", code, stderr)
	}
	nb := readNotebook(t, in)
	if e := cellError(nb.Cells[1]); e == nil || e.EName != "panic" || e.EValue != "boom" {
		t.Errorf("failed cell outputs = %+v", nb.Cells[1].Outputs)
	}
	if c := nb.Cells[2]; len(c.Outputs) != 0 || c.ExecutionCount != 0 {
		t.Errorf("the cell after the failure ran: %+v", c.Outputs)
	}
}

// --html shows an image/png display as an <img> holding that very PNG, and
// text/html as it is.
func TestRunHTMLShowsImagesAndHTML(t *testing.T) {
	dir := t.TempDir()
	in, page := filepath.Join(dir, "chart.ipynb"), filepath.Join(dir, "chart.html")
	writeNotebook(t, in,
		"img := image.NewRGBA(image.Rect(0, 0, 3, 2))\n"+
			"img.Set(1, 1, color.RGBA{R: 255, A: 255})\n"+
			"var buf bytes.Buffer\n"+
			"if err := png.Encode(&buf, img); err != nil { panic(err) }\n"+
			"display.PNG(buf.Bytes())",
		`display.HTML("<b id=\"raw\">bold</b>")`,
	)
	if code, _, stderr := spinlab(t, nil, "run", in, "--html", page); code != 0 {
		t.Fatalf("spinlab run: exit %d\n%s", code, stderr)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	const prefix = `<img src="data:image/png;base64,`
	i := strings.Index(html, prefix)
	if i < 0 {
		t.Fatalf("no PNG <img> in the page:\n%s", html)
	}
	b64 := html[i+len(prefix):]
	b64 = b64[:strings.IndexByte(b64, '"')]
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the page's image is not a PNG: %v", err)
	}
	if r, _, _, _ := img.At(1, 1).RGBA(); img.Bounds().Dx() != 3 || img.Bounds().Dy() != 2 || r != 0xffff {
		t.Errorf("the page's image is %v with (1,1) = %v, not the cell's", img.Bounds(), img.At(1, 1))
	}
	if nb := readNotebook(t, in); nb.Cells[0].Outputs[0].Data["image/png"] != b64 {
		t.Errorf("the page's PNG differs from the notebook's output")
	}
	if !strings.Contains(html, `<b id="raw">bold</b>`) {
		t.Errorf("the text/html output was not included as it is")
	}
}
