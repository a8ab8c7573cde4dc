package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Culling: a kernel with no client connected and idle for cullIdle goes;
// the server looks every second.
const cullIdle = 5 * time.Second

// serverCells are the cells the jupyter_server session runs (run.mjs's
// cfg.cells), with what each must produce.
var serverCells = map[string]string{
	// Four lines 400 ms apart: each must reach the client while the cell
	// still runs.
	"stream": "x := 42\nfor i := 1; i <= 4; i++ {\n\tfmt.Println(\"tick\", i)\n\ttime.Sleep(400 * time.Millisecond)\n}",
	"spin":   "%%spin modes=goroutine workers=1,2 trials=1\ntime.Sleep(time.Millisecond)",
	"input":  "name := display.Input(\"name? \")\nfmt.Println(\"hello,\", name)",
	"sleep":  "time.Sleep(time.Hour)",
	// The interrupt stops the cell, not the session: x is still there.
	"afterInterrupt": "fmt.Println(x)",
	// After a restart it is not.
	"stateGone":    "x",
	"afterRestart": "1 + 1",
}

// TestJupyterServer drives spinlab through jupyter_server (the backend of
// JupyterLab, nbclassic and remote VS Code sessions) with JupyterLab's own
// client library, @jupyterlab/services, over the server's REST API and its
// multiplexed WebSocket: execute with output streamed while the cell runs, a
// %%spin chart, completion, inspection, input_request, interrupt, restart
// and shutdown through the server, and the server's idle culling. After
// each lifecycle step the kernel's processes (`spinlab kernel` and its
// `spinlab eval`) are checked in /proc, and nothing may outlive the server.
func TestJupyterServer(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping jupyter_server test in -short mode")
	}
	client := serverClientDir(t)
	need(t,
		executable(python),
		pythonModules("jupyter_server"),
		onPath("node"),
		needServerClient(client),
	)
	je := newJupyterEnv(t, "spinlab")
	bin := spinlabBinary(t)
	s := newServer(t, je, "jupyter-server")
	startServer(t, je, s, "/api/status", func(port int) []string {
		args := []string{"-m", "jupyter_server",
			"--ServerApp.ip=127.0.0.1",
			"--ServerApp.port=" + strconv.Itoa(port),
			"--ServerApp.port_retries=0",
			"--ServerApp.token=" + s.Token,
			"--ServerApp.root_dir=" + s.Dir,
			"--ServerApp.open_browser=False",
			"--MappingKernelManager.cull_idle_timeout=" + strconv.Itoa(int(cullIdle/time.Second)),
			"--MappingKernelManager.cull_interval=1",
		}
		if os.Geteuid() == 0 {
			args = append(args, "--allow-root")
		}
		return args
	})
	api := &serverAPI{t: t, url: s.URL, token: s.Token}

	// A kernel nobody connects to: the culler must take it, whole.
	cullID := api.startKernel("spinlab")
	cullStart := time.Now()
	cullTree, err := spinlabKernelTree(cullID, bin, 30*time.Second)
	if err != nil {
		t.Error(err)
	}

	watch := &kernelWatch{t: t, binary: bin}
	rep := runServerClient(t, client, je.Env, serverClientConfig{
		BaseURL:     s.URL + "/",
		Token:       s.Token,
		Kernel:      "spinlab",
		Mode:        "full",
		TimeoutMS:   30_000,
		Cells:       serverCells,
		Complete:    &codeAt{Code: "fmt.Prin", CursorPos: 8},
		Inspect:     &codeAt{Code: "fmt.Println", CursorPos: 11},
		InputAnswer: "gopher",
	}, 150*time.Second, watch.checkpoint)
	checkServerSession(t, rep)

	// Culling: the unconnected kernel goes once idle for cullIdle, and its
	// processes with it.
	culled := api.waitKernelGone(cullID, cullStart.Add(cullIdle+60*time.Second))
	if culled.IsZero() {
		t.Errorf("the idle kernel %s was not culled within %v of its start (cull_idle_timeout %v)", cullID, cullIdle+60*time.Second, cullIdle)
	} else {
		after := culled.Sub(cullStart)
		t.Logf("idle kernel culled %v after it started (cull_idle_timeout %v)", after.Round(time.Millisecond), cullIdle)
		// Cross-check against the server's own account: the culler, not
		// something else, took it, and not before it was idle long enough.
		if after < cullIdle {
			t.Errorf("kernel culled %v after start, before cull_idle_timeout %v", after, cullIdle)
		}
		if !regexp.MustCompile(`Culling '\w+' kernel 'spinlab' \(` + cullID + `\)`).MatchString(readFile(s.Log)) {
			t.Errorf("the server log does not say it culled kernel %s", cullID)
		}
		if left := waitGone(cullTree, 10*time.Second); len(left) > 0 {
			t.Errorf("the culled kernel's processes are still running:%s", describeProcs(left))
		}
	}

	// Stopping the server shuts down the kernels it still runs.
	lastID := api.startKernel("spinlab")
	last, err := spinlabKernelTree(lastID, bin, 30*time.Second)
	if err != nil {
		t.Error(err)
	}
	s.Stop()
	if left := waitGone(last, 10*time.Second); len(left) > 0 {
		t.Errorf("stopping the server left its kernel's processes running:%s", describeProcs(left))
	}
	if t.Failed() {
		t.Logf("jupyter_server log:\n%s", readFile(s.Log))
	}
}

// kernelWatch follows the processes of the kernel run.mjs drives, at its
// checkpoints: a `spinlab kernel` and its `spinlab eval` once started; the
// old ones gone and new ones there after a restart; all gone after a
// shutdown.
type kernelWatch struct {
	t      *testing.T
	binary string
	id     string
	tree   []procInfo // the kernel's processes as last seen
}

func (w *kernelWatch) checkpoint(name string, data map[string]any) error {
	switch name {
	case "started":
		w.id, _ = data["kernelId"].(string)
		var err error
		w.tree, err = spinlabKernelTree(w.id, w.binary, 30*time.Second)
		return err
	case "before-restart":
		var err error
		w.tree, err = spinlabKernelTree(w.id, w.binary, 10*time.Second)
		return err
	case "restarted":
		if left := waitGone(w.tree, 10*time.Second); len(left) > 0 {
			return fmt.Errorf("restart through the server left the old kernel's processes running:%s", describeProcs(left))
		}
		old := w.tree
		var err error
		if w.tree, err = spinlabKernelTree(w.id, w.binary, 10*time.Second); err != nil {
			return fmt.Errorf("after the restart: %w", err)
		}
		w.t.Logf("restart replaced%s\nwith%s", describeProcs(old), describeProcs(w.tree))
	case "shutdown":
		if left := waitGone(w.tree, 10*time.Second); len(left) > 0 {
			return fmt.Errorf("shutdown through the server left the kernel's processes running:%s", describeProcs(left))
		}
		if left := kernelTree(w.id); len(left) > 0 {
			return fmt.Errorf("after shutdown, processes still use the kernel's connection file:%s", describeProcs(left))
		}
	default:
		return fmt.Errorf("unknown checkpoint %q", name)
	}
	return nil
}

// checkServerSession checks what run.mjs saw of the kernel.
func checkServerSession(t *testing.T, rep serverClientReport) {
	t.Helper()
	st := rep.Steps
	if rep.Info == nil {
		t.Fatalf("no kernel_info_reply through the server")
	}
	t.Logf("kernel_info through the server: %+v", *rep.Info)
	if rep.Info.Implementation != "spinlab" || rep.Info.Language != "go" || rep.Info.ProtocolVersion != "5.3" {
		t.Errorf("kernel_info: %+v; want implementation spinlab, language go, protocol_version 5.3", *rep.Info)
	}

	if r := st.Stream; r.ok(t, "stream") {
		text, ms := r.streams()
		var ticks []iopubMsg
		for _, m := range ms {
			if strings.HasPrefix(m.Text, "tick") {
				ticks = append(ticks, m)
			}
		}
		switch {
		case r.Reply.Status != "ok" || text != "tick 1\ntick 2\ntick 3\ntick 4\n":
			t.Errorf("stream cell: status %q, printed %q; want ok and four ticks\n%s", r.Reply.Status, text, r)
		case len(ticks) < 3:
			t.Errorf("the four ticks came in %d stream messages: output is not streamed while the cell runs\n%s", len(ticks), r)
		default:
			// The cell sleeps 400 ms after each tick: tick 1 must arrive at
			// least 1.2 s before the end and 1.2 s before tick 4 (the
			// kernel's clock against the client's, allowing 200 ms of
			// delivery jitter).
			first, last := ticks[0].At, ticks[len(ticks)-1].At
			t.Logf("ticks arrived at %v ms, idle at %d ms", atTimes(ticks), r.IdleAt)
			if r.IdleAt-first < 1000 || last-first < 1000 {
				t.Errorf("tick 1 arrived at %d ms, the last tick at %d ms, idle at %d ms: output was held back until the cell ended\n%s", first, last, r.IdleAt, r)
			}
		}
	}

	if r := st.Spin; r.ok(t, "spin") {
		checkSpinDisplay(t, r)
	}

	if c := st.Complete; c == nil || c.Failure != "" {
		t.Errorf("step complete did not complete: %+v", c)
	} else {
		code := "fmt.Prin"
		ok := c.Status == "ok" && c.CursorStart >= 0 && c.CursorStart <= c.CursorEnd && c.CursorEnd <= len(code)
		if !ok || !slices.ContainsFunc(c.Matches, func(m string) bool {
			return code[:c.CursorStart]+m+code[c.CursorEnd:] == "fmt.Println"
		}) {
			t.Errorf("complete %q: %+v; want a match that makes fmt.Println", code, *c)
		}
	}

	if c := st.Inspect; c == nil || c.Failure != "" {
		t.Errorf("step inspect did not complete: %+v", c)
	} else if text, _ := c.Data["text/plain"].(string); c.Status != "ok" || !c.Found || !strings.Contains(text, "func Println(") {
		t.Errorf("inspect fmt.Println: %+v; want found, with the signature func Println(...)", *c)
	}

	if r := st.Input; r.ok(t, "input") {
		text, _ := r.streams()
		if len(r.Stdin) != 1 || r.Stdin[0].Type != "input_request" || r.Stdin[0].Prompt != "name? " || r.Stdin[0].Password {
			t.Errorf("input cell: stdin messages %+v; want one input_request with prompt \"name? \", not a password", r.Stdin)
		}
		if r.Reply.Status != "ok" || text != "hello, gopher\n" {
			t.Errorf("input cell answered \"gopher\": status %q, printed %q; want ok and \"hello, gopher\\n\"\n%s", r.Reply.Status, text, r)
		}
	}

	if r := st.Interrupt; r.ok(t, "interrupt") {
		t.Logf("interrupt through the server: the sleeping cell ended %d ms after the request", r.InterruptToDone)
		hasError := slices.ContainsFunc(r.IOPub, func(m iopubMsg) bool { return m.Type == "error" })
		if r.Reply.Status != "error" || !hasError {
			t.Errorf("interrupted cell: reply status %q, error output %v; want an error reply and an error output\n%s", r.Reply.Status, hasError, r)
		}
		if r.InterruptToDone > 5000 {
			t.Errorf("the interrupt took %d ms to end the cell; want under 5 s", r.InterruptToDone)
		}
		if a := st.AfterInterrupt; a.ok(t, "afterInterrupt") {
			text, _ := a.streams()
			if a.Reply.Status != "ok" || text != "42\n" {
				t.Errorf("after the interrupt, fmt.Println(x): status %q, printed %q; want 42: the interrupt must keep the session\n%s", a.Reply.Status, text, a)
			}
			if a.Reply.ExecutionCount <= r.Reply.ExecutionCount {
				t.Errorf("execution count went from %d to %d across the interrupt: the kernel restarted", r.Reply.ExecutionCount, a.Reply.ExecutionCount)
			}
		}
	}

	if r := st.Restart; r == nil || r.Failure != "" {
		t.Errorf("restart through the server did not complete: %+v", r)
	} else {
		t.Logf("restart through the server: idle again after %d ms", r.RestartMS)
	}
	if r := st.StateGone; r.ok(t, "stateGone") {
		if r.Reply.Status != "error" || !strings.Contains(r.Reply.Evalue, "undefined: x") {
			t.Errorf("after restart, x: %+v; want the error undefined: x (a fresh session)", *r.Reply)
		}
	}
	if r := st.AfterRestart; r.ok(t, "afterRestart") {
		var result string
		for _, m := range r.IOPub {
			if m.Type == "execute_result" {
				result, _ = m.Data["text/plain"].(string)
			}
		}
		if r.Reply.Status != "ok" || result != "2" {
			t.Errorf("after restart, 1 + 1: status %q, result %q; want ok, 2\n%s", r.Reply.Status, result, r)
		}
	}

	checkShutdown(t, rep)
}

// checkShutdown checks the session's last step: the kernel shut down
// through the server and is gone from its list.
func checkShutdown(t *testing.T, rep serverClientReport) {
	t.Helper()
	if r := rep.Steps.Shutdown; r == nil || r.Failure != "" {
		t.Errorf("shutdown through the server did not complete: %+v", r)
	} else if slices.Contains(r.Running, rep.KernelID) || r.Status != "dead" {
		t.Errorf("after shutdown: the server lists %q, the connection says %q; want the kernel gone and dead", r.Running, r.Status)
	}
}

// checkSpinDisplay checks the %%spin cell's rich output: an HTML table of
// medians and a chart that decodes as PNG, as image/png or inlined in the
// HTML.
func checkSpinDisplay(t *testing.T, r *execRecord) {
	t.Helper()
	if r.Reply.Status != "ok" {
		t.Errorf("%%%%spin cell: status %q\n%s", r.Reply.Status, r)
		return
	}
	var html, pngB64 string
	var kinds []string
	for _, m := range r.IOPub {
		if m.Type != "display_data" && m.Type != "execute_result" {
			continue
		}
		kinds = append(kinds, m.Type)
		if h, ok := m.Data["text/html"].(string); ok {
			html += h
		}
		if p, ok := m.Data["image/png"].(string); ok {
			pngB64 = p
		}
	}
	if pngB64 == "" {
		if m := regexp.MustCompile(`src="data:image/png;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(html); m != nil {
			pngB64 = m[1]
		}
	}
	if !strings.Contains(html, "<table") {
		t.Errorf("%%%%spin cell (%v): no HTML table in its outputs\n%s", kinds, r)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(pngB64))
	if pngB64 == "" || err != nil {
		t.Errorf("%%%%spin cell (%v): no PNG chart (%v)\n%s", kinds, err, r)
		return
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Errorf("%%%%spin chart does not decode as PNG: %v", err)
		return
	}
	b := img.Bounds()
	t.Logf("%%%%spin through the server: %v with an HTML table and a %dx%d PNG (%d bytes)", kinds, b.Dx(), b.Dy(), len(raw))
	if b.Dx() < 200 || b.Dy() < 200 {
		t.Errorf("%%%%spin chart is %dx%d pixels; want a readable chart", b.Dx(), b.Dy())
	}
}

func atTimes(ms []iopubMsg) []int {
	var at []int
	for _, m := range ms {
		at = append(at, m.At)
	}
	return at
}

// serverAPI calls a Jupyter server's REST API with its token.
type serverAPI struct {
	t     *testing.T
	url   string // up to and without the /api
	token string
}

func (a *serverAPI) do(method, path string, body any) (int, []byte) {
	a.t.Helper()
	var in io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		in = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, a.url+path, in)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// startKernel starts a kernel through POST /api/kernels and returns its id.
func (a *serverAPI) startKernel(name string) string {
	a.t.Helper()
	code, out := a.do("POST", "/api/kernels", map[string]string{"name": name})
	var k struct{ ID string }
	if code != http.StatusCreated || json.Unmarshal(out, &k) != nil || k.ID == "" {
		a.t.Fatalf("POST /api/kernels {name: %s}: %d %s", name, code, out)
	}
	return k.ID
}

// waitKernelGone polls GET /api/kernels/ID until it answers 404 or the
// deadline passes, and returns when it went (zero if it did not).
func (a *serverAPI) waitKernelGone(id string, deadline time.Time) time.Time {
	a.t.Helper()
	for {
		if code, _ := a.do("GET", "/api/kernels/"+id, nil); code == http.StatusNotFound {
			return time.Now()
		}
		if time.Now().After(deadline) {
			return time.Time{}
		}
		time.Sleep(250 * time.Millisecond)
	}
}
