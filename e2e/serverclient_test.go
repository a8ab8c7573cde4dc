package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serverClientDir is the Node project that drives a Jupyter server with
// @jupyterlab/services (and holds JupyterHub's configurable-http-proxy).
func serverClientDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("server")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// needServerClient is the check for e2e/server's Node packages.
func needServerClient(dir string) func() string {
	return fileExists(filepath.Join(dir, "node_modules", "@jupyterlab", "services", "package.json"),
		"@jupyterlab/services in e2e/server/node_modules (npm ci)")
}

// serverClientConfig is what e2e/server/run.mjs reads from its argument.
type serverClientConfig struct {
	BaseURL   string `json:"baseUrl"` // the Jupyter server's base URL, ending in /
	Token     string `json:"token"`
	Kernel    string `json:"kernel"` // kernelspec name
	Mode      string `json:"mode"`   // "full": every step below; "smoke": Cell, then shutdown
	TimeoutMS int    `json:"timeoutMs"`

	Cell     string            `json:"cell,omitempty"`  // smoke
	Cells    map[string]string `json:"cells,omitempty"` // full: stream, spin, input, sleep, afterInterrupt, stateGone, afterRestart
	Complete *codeAt           `json:"complete,omitempty"`
	Inspect  *codeAt           `json:"inspect,omitempty"`
	// InputAnswer answers the input cell's input_request.
	InputAnswer string `json:"inputAnswer,omitempty"`
}

// codeAt is the content of a complete_request or inspect_request.
type codeAt struct {
	Code        string `json:"code"`
	CursorPos   int    `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

// serverClientReport is what run.mjs saw.
type serverClientReport struct {
	KernelID string `json:"kernelId"`
	Info     *struct {
		ProtocolVersion string `json:"protocol_version"`
		Implementation  string `json:"implementation"`
		Language        string `json:"language"`
		WSProtocol      string `json:"wsProtocol"` // the WebSocket subprotocol the server chose
	} `json:"info"`
	Steps struct {
		Stream, Spin, Input, Interrupt, AfterInterrupt, StateGone, AfterRestart, Execute *execRecord
		Complete                                                                         *struct {
			Status      string
			Matches     []string
			CursorStart int `json:"cursor_start"`
			CursorEnd   int `json:"cursor_end"`
			Failure     string
		}
		Inspect *struct {
			Status  string
			Found   bool
			Data    map[string]any
			Failure string
		}
		Restart *struct {
			RestartMS int `json:"restartMs"`
			Failure   string
		}
		Shutdown *struct {
			Running []string // kernels GET /api/kernels lists afterwards
			Status  string   // the connection's kernel status
			Failure string
		}
	} `json:"steps"`
	Failure string `json:"failure"`
	TotalMS int    `json:"totalMs"`
}

// execRecord is one execute_request and every message it caused; times are
// milliseconds after the request was sent.
type execRecord struct {
	Code  string
	IOPub []iopubMsg
	Stdin []struct {
		At       int
		Type     string
		Prompt   string
		Password bool
	}
	Reply *struct {
		Status         string
		ExecutionCount int `json:"execution_count"`
		Ename, Evalue  string
	}
	ReplyAt, IdleAt, DoneAt int
	InterruptToDone         int // interrupt step: from the interrupt request to the cell's end
	Failure                 string
}

type iopubMsg struct {
	At        int
	Type      string
	State     string         // status
	Name      string         // stream
	Text      string         // stream
	Data      map[string]any // display_data, update_display_data, execute_result
	Ename     string         // error
	Evalue    string
	Traceback []string
}

// streams returns the text the cell printed, and the stream messages.
func (r *execRecord) streams() (string, []iopubMsg) {
	var b strings.Builder
	var ms []iopubMsg
	for _, m := range r.IOPub {
		if m.Type == "stream" {
			b.WriteString(m.Text)
			ms = append(ms, m)
		}
	}
	return b.String(), ms
}

func (r *execRecord) String() string {
	b, _ := json.Marshal(r)
	if len(b) > 3000 {
		b = append(b[:3000], "..."...)
	}
	return string(b)
}

// checkpointFunc looks at the system while run.mjs waits at a checkpoint
// (the kernel's processes); an error stops the session.
type checkpointFunc func(name string, data map[string]any) error

// runServerClient runs run.mjs with cfg, answering its checkpoints with
// onCheckpoint, within timeout, and returns its report.
func runServerClient(t *testing.T, dir string, env []string, cfg serverClientConfig, timeout time.Duration, onCheckpoint checkpointFunc) serverClientReport {
	t.Helper()
	arg, _ := json.Marshal(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "run.mjs"), string(arg))
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("node run.mjs: %v", err)
	}
	var rep serverClientReport
	var got bool
	var other []string
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 64<<20) // the report holds the charts' PNGs
	for sc.Scan() {
		line := sc.Bytes()
		var msg struct {
			Checkpoint string              `json:"checkpoint"`
			Report     *serverClientReport `json:"report"`
		}
		if json.Unmarshal(line, &msg) != nil || msg.Checkpoint == "" && msg.Report == nil {
			other = append(other, string(line))
			continue
		}
		if msg.Report != nil {
			rep, got = *msg.Report, true
			continue
		}
		var data map[string]any
		json.Unmarshal(line, &data)
		answer := "ok"
		if err := onCheckpoint(msg.Checkpoint, data); err != nil {
			t.Errorf("at checkpoint %s: %v", msg.Checkpoint, err)
			answer = "stop: " + strings.ReplaceAll(err.Error(), "\n", " ")
		}
		io.WriteString(stdin, answer+"\n")
	}
	stdin.Close()
	runErr := cmd.Wait()
	t.Logf("run.mjs log:\n%s", stderr.String())
	if len(other) > 0 {
		t.Logf("run.mjs printed on stdout:\n%s", strings.Join(other, "\n"))
	}
	if !got {
		t.Fatalf("run.mjs: %v (%v); no report in its output", runErr, ctx.Err())
	}
	if runErr != nil || rep.Failure != "" {
		t.Errorf("session through the server failed: %s (%v)", rep.Failure, runErr)
	}
	return rep
}

// checkStep fails the test when a step of run.mjs did not complete.
func checkStep(t *testing.T, name string, done bool, failure string) bool {
	t.Helper()
	switch {
	case !done:
		t.Errorf("step %s did not run", name)
	case failure != "":
		t.Errorf("step %s failed: %s", name, failure)
	default:
		return true
	}
	return false
}

func (r *execRecord) ok(t *testing.T, name string) bool {
	t.Helper()
	if !checkStep(t, name, r != nil, failureOf(r)) {
		return false
	}
	if r.Reply == nil {
		t.Errorf("step %s: no execute_reply\n%s", name, r)
		return false
	}
	return true
}

func failureOf(r *execRecord) string {
	if r == nil {
		return ""
	}
	return r.Failure
}

func describeProcs(ps []procInfo) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\n  %v", p)
	}
	return b.String()
}
