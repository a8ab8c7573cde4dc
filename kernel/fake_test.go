package kernel_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
)

// fakeEngine is a tiny language for protocol tests (xeus's
// xmock_interpreter): each line of a cell is one command.
//
//	print TEXT        stdout TEXT\n            eprint TEXT   stderr TEXT\n
//	lines N           N lines on stdout, one Stream call each
//	par G N           G goroutines print N lines each, concurrently
//	value TEXT        the cell's result is TEXT
//	error NAME MSG    the cell fails
//	block             wait until interrupted
//	spin              busy-loop until interrupted
//	sleep MS          wait MS milliseconds
//	display ID TEXT   display_data             update ID TEXT   update_display_data
//	clear             clear_output(wait)
//	input PROMPT      read a line; print "got: LINE"
//	late TEXT         after the cell, once released, print TEXT
//	side NAME         record a side effect
//	panic             panic in Execute
type fakeEngine struct {
	mu        sync.Mutex
	effects   []string
	requests  []kernel.ExecuteRequest
	shutdowns []bool
	started   chan string   // receives each cell's code when it starts
	release   chan struct{} // closed to let "late" output go
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{started: make(chan string, 100), release: make(chan struct{})}
}

var words = []string{"Println", "Printf", "Sprintf", "func", "for", "héllo"}

func (e *fakeEngine) Info() kernel.Info {
	return kernel.Info{
		Implementation:        "fake",
		ImplementationVersion: "0.1",
		Banner:                "fake engine",
		Language:              kernel.LanguageInfo{Name: "go", Version: "go1.26", Mimetype: "text/x-go", FileExtension: ".go", PygmentsLexer: "go", CodemirrorMode: "go"},
		HelpLinks:             []kernel.HelpLink{{Text: "Go", URL: "https://go.dev/doc"}},
	}
}

func (e *fakeEngine) Effects() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.effects...)
}

func (e *fakeEngine) Requests() []kernel.ExecuteRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]kernel.ExecuteRequest(nil), e.requests...)
}

func (e *fakeEngine) Execute(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) kernel.ExecuteReply {
	e.mu.Lock()
	e.requests = append(e.requests, req)
	e.mu.Unlock()
	select {
	case e.started <- req.Code:
	default:
	}
	reply := kernel.ExecuteReply{Status: kernel.StatusOK}
	fail := func(name, msg string) kernel.ExecuteReply {
		return kernel.ExecuteReply{Status: kernel.StatusError, Error: &kernel.Error{Name: name, Value: msg, Traceback: []string{name + ": " + msg}}}
	}
	for line := range strings.SplitSeq(req.Code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "":
		case "print":
			out.Stream("stdout", arg+"\n")
		case "eprint":
			out.Stream("stderr", arg+"\n")
		case "lines":
			n, _ := strconv.Atoi(arg)
			for i := range n {
				out.Stream("stdout", fmt.Sprintf("line %d\n", i))
			}
		case "par":
			// par G N: G goroutines print N lines each, concurrently.
			gs, ns, _ := strings.Cut(arg, " ")
			g, _ := strconv.Atoi(gs)
			n, _ := strconv.Atoi(ns)
			var wg sync.WaitGroup
			for i := range g {
				wg.Go(func() {
					for j := range n {
						out.Stream("stdout", fmt.Sprintf("g%d %d\n", i, j))
					}
				})
			}
			wg.Wait()
		case "value":
			reply.Result = &display.Bundle{Data: map[string]any{"text/plain": arg}}
		case "error":
			name, msg, _ := strings.Cut(arg, " ")
			return fail(name, msg)
		case "block":
			<-ctx.Done()
			return fail("KeyboardInterrupt", "interrupted")
		case "spin":
			for ctx.Err() == nil {
				// A tight loop: no blocking call for the scheduler to use.
			}
			return fail("KeyboardInterrupt", "interrupted")
		case "sleep":
			ms, _ := strconv.Atoi(arg)
			select {
			case <-time.After(time.Duration(ms) * time.Millisecond):
			case <-ctx.Done():
				return fail("KeyboardInterrupt", "interrupted")
			}
		case "display", "update":
			id, text, _ := strings.Cut(arg, " ")
			out.Display(kernel.DisplayData{Bundle: display.Bundle{Data: map[string]any{"text/plain": text}}, DisplayID: id, Update: cmd == "update"})
		case "clear":
			out.Clear(true)
		case "input":
			v, err := out.Input(ctx, arg, false)
			if errors.Is(err, kernel.ErrStdinNotAllowed) {
				return fail("StdinNotAllowed", err.Error())
			}
			if err != nil {
				return fail("InputError", err.Error())
			}
			out.Stream("stdout", "got: "+v+"\n")
		case "late":
			go func() {
				<-e.release
				out.Stream("stdout", arg+"\n")
				out.Display(kernel.DisplayData{Bundle: display.Bundle{Data: map[string]any{"text/plain": "late " + arg}}})
			}()
		case "side":
			e.mu.Lock()
			e.effects = append(e.effects, arg)
			e.mu.Unlock()
		case "panic":
			panic("fake engine panic")
		default:
			return fail("SyntaxError", "unknown command "+cmd)
		}
	}
	if len(req.UserExpressions) > 0 {
		reply.UserExpressions = map[string]kernel.ExpressionResult{}
		for name, expr := range req.UserExpressions {
			if expr == "bad" {
				reply.UserExpressions[name] = kernel.ExpressionResult{Status: kernel.StatusError, Error: &kernel.Error{Name: "NameError", Value: "bad", Traceback: []string{}}}
				continue
			}
			reply.UserExpressions[name] = kernel.ExpressionResult{Status: kernel.StatusOK, Data: map[string]any{"text/plain": "=" + expr}, Metadata: map[string]any{}}
		}
	}
	return reply
}

// wordAt returns the identifier that ends at cursor (a rune offset) and
// where it starts.
func wordAt(code string, cursor int) (string, int) {
	r := []rune(code)
	start := cursor
	for start > 0 && (unicode.IsLetter(r[start-1]) || unicode.IsDigit(r[start-1])) {
		start--
	}
	return string(r[start:cursor]), start
}

func (e *fakeEngine) Complete(ctx context.Context, code string, cursor int) (kernel.Completion, error) {
	if code == "fail" {
		return kernel.Completion{}, errors.New("completion failed")
	}
	prefix, start := wordAt(code, cursor)
	c := kernel.Completion{CursorStart: start, CursorEnd: cursor}
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			c.Matches = append(c.Matches, w)
			c.Types = append(c.Types, "function")
		}
	}
	return c, nil
}

func (e *fakeEngine) Inspect(ctx context.Context, code string, cursor, detail int) (kernel.Inspection, error) {
	w, _ := wordAt(code, cursor)
	for _, known := range words {
		if w == known {
			return kernel.Inspection{Found: true, Bundle: display.Bundle{Data: map[string]any{"text/plain": fmt.Sprintf("%s (detail %d)", w, detail)}}}, nil
		}
	}
	return kernel.Inspection{}, nil
}

func (e *fakeEngine) IsComplete(ctx context.Context, code string) (kernel.Completeness, error) {
	switch {
	case strings.HasSuffix(code, "{"):
		return kernel.Completeness{Status: "incomplete", Indent: "\t"}, nil
	case strings.Contains(code, "}}"):
		return kernel.Completeness{Status: "invalid"}, nil
	}
	return kernel.Completeness{Status: "complete"}, nil
}

func (e *fakeEngine) Shutdown(ctx context.Context, restart bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.shutdowns = append(e.shutdowns, restart)
	return nil
}

func (e *fakeEngine) Shutdowns() []bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]bool(nil), e.shutdowns...)
}
