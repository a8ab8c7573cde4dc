package supervisor_test

import (
	"context"
	"github.com/spinlab/spinlab/internal/testbinary"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/interp/supervisor"
	"github.com/spinlab/spinlab/kernel"
)

// binary is the spinlab binary that TestMain builds: the tests run the
// real evaluator (`spinlab eval`).
var binary string

func TestMain(m *testing.M) {
	if os.Getenv("SPINLAB_FAKE_EVALUATOR") == "1" {
		os.Exit(supervisor.FakeEvaluator())
	}
	os.Exit(testbinary.Main(m, &binary))
}

// start returns a supervisor running the built evaluator, shut down when
// the test ends.
func start(t *testing.T, opts supervisor.Options) *supervisor.Supervisor {
	t.Helper()
	opts.Command = []string{binary, "eval"}
	s, err := supervisor.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// event is one thing a cell sent to its Output.
type event struct {
	kind string // stream, display, clear
	name string // stdout or stderr for a stream
	text string // stream text, or a display's text/plain
	data map[string]any
	id   string
	upd  bool
	at   time.Time
}

// recorder is a kernel.Output that keeps what it gets.
type recorder struct {
	mu     sync.Mutex
	events []event
	input  func(prompt string) string
}

func (r *recorder) add(e event) {
	e.at = time.Now()
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) Stream(name, text string) { r.add(event{kind: "stream", name: name, text: text}) }

func (r *recorder) Display(d kernel.DisplayData) {
	text, _ := d.Data["text/plain"].(string)
	r.add(event{kind: "display", text: text, data: d.Data, id: d.DisplayID, upd: d.Update})
}

func (r *recorder) Clear(wait bool) { r.add(event{kind: "clear"}) }

func (r *recorder) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if r.input == nil {
		return "", kernel.ErrStdinNotAllowed
	}
	return r.input(prompt), nil
}

func (r *recorder) all() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.events...)
}

// stream is all the text of one stream so far.
func (r *recorder) stream(name string) string {
	var b strings.Builder
	for _, e := range r.all() {
		if e.kind == "stream" && e.name == name {
			b.WriteString(e.text)
		}
	}
	return b.String()
}

// waitStream waits until the stream contains want.
func (r *recorder) waitStream(t *testing.T, name, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(r.stream(name), want) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s never contained %q; got %q", name, want, r.stream(name))
}

// sequence describes the events in order, merging adjacent stream text.
func (r *recorder) sequence() []string {
	var seq []string
	for _, e := range r.all() {
		s := e.kind + ":" + e.text
		if e.kind == "stream" {
			s = e.name + ":" + e.text
			if n := len(seq); n > 0 && strings.HasPrefix(seq[n-1], e.name+":") {
				seq[n-1] += e.text
				continue
			}
		}
		seq = append(seq, s)
	}
	return seq
}

func run(t *testing.T, s *supervisor.Supervisor, code string) (kernel.ExecuteReply, *recorder) {
	t.Helper()
	out := &recorder{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return s.Execute(ctx, kernel.ExecuteRequest{Code: code}, out), out
}

func mustOK(t *testing.T, s *supervisor.Supervisor, code string) (kernel.ExecuteReply, *recorder) {
	t.Helper()
	rep, out := run(t, s, code)
	if rep.Status != kernel.StatusOK {
		t.Fatalf("cell %q: status %s, error %+v; stderr %q", code, rep.Status, rep.Error, out.stream("stderr"))
	}
	return rep, out
}

func resultText(rep kernel.ExecuteReply) string {
	if rep.Result == nil {
		return ""
	}
	s, _ := rep.Result.Data["text/plain"].(string)
	return s
}

// evaluatorPIDs lists the live processes that run the test's binary
// (evaluators and workers), except zombies.
func evaluatorPIDs(t *testing.T) []string {
	t.Helper()
	return procsMatching(t, func(cmdline []string) bool { return len(cmdline) > 0 && cmdline[0] == binary })
}

func procsMatching(t *testing.T, match func(cmdline []string) bool) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	var pids []string
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(b) == 0 {
			continue
		}
		if st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
			if f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:])); len(f) > 0 && f[0] == "Z" {
				continue
			}
		}
		if match(strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

// needExec imports os/exec into the session, or skips the test when the
// interpreter does not offer it.
func needExec(t *testing.T, s *supervisor.Supervisor) {
	t.Helper()
	if rep, _ := run(t, s, `import "os/exec"`); rep.Status != kernel.StatusOK {
		t.Skipf("the interpreter cannot import os/exec (%s): no child processes to test with", rep.Error.Value)
	}
}
