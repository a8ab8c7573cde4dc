package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// consoleCase is what a person types into jupyter console for one kernel.
type consoleCase struct {
	Kernel string
	// Block is typed a line at a time, each followed by Enter. Every line
	// but the last leaves the input incomplete; the console indents the
	// next line as the kernel's is_complete_reply says. The last line (or
	// the Enter on an empty line) completes it and it runs.
	Block  []string
	Output []string // lines the block prints, in order
	Setup  string   // run before completing (may be "")
	// Complete is typed, then Tab: the completions shown include Want.
	Complete, Want  string
	Fail            string   // fails with an error
	FailShow        []string // what its traceback shows
	Loop            string   // runs until interrupted
	LoopError       string   // the interrupted loop shows this ("" for any)
	After, AfterOut string
}

var consoleCases = map[string]consoleCase{
	"spinlab": {
		Kernel:   "spinlab",
		Block:    []string{"for i := 0; i < 3; i++ {", `fmt.Println("line", i)`, "}"},
		Output:   []string{"line 0", "line 1", "line 2"},
		Complete: "fmt.Prin",
		Want:     "Println",
		Fail:     `panic("boom")`,
		FailShow: []string{"panic", "boom"},
		Loop:     "for {}",
		After:    `fmt.Println("still", "alive")`,
		AfterOut: "still alive",
	},
	"python3": {
		Kernel:    "python3",
		Block:     []string{"for i in range(3):", `print("line", i)`, ""},
		Output:    []string{"line 0", "line 1", "line 2"},
		Setup:     "import os",
		Complete:  "os.getcw",
		Want:      "getcwd",
		Fail:      `raise ValueError("boom")`,
		FailShow:  []string{"ValueError", "boom"},
		Loop:      "while True: pass",
		LoopError: "KeyboardInterrupt",
		After:     `print("still", "alive")`,
		AfterOut:  "still alive",
	},
}

var (
	promptRE       = regexp.MustCompile(`(?m)^In \[(\d+)\]: ?(.*)$`)
	continuationRE = regexp.MustCompile(`^\s*\.\.\.: (.*)$`)
)

// atEmptyPrompt reports whether the screen ends with an empty "In [n]:"
// prompt numbered above after, and returns n.
func atEmptyPrompt(screen string, after int) (int, bool) {
	m := promptRE.FindStringSubmatch(lastScreenLine(screen))
	if m == nil || strings.TrimSpace(m[2]) != "" {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	return n, n > after
}

func TestConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping jupyter console test in -short mode")
	}
	for _, kernel := range kernels(t) {
		t.Run(kernel, func(t *testing.T) {
			need(t,
				executable(python),
				executable("/usr/bin/jupyter-console"),
				pythonModules("jupyter_console", "ipykernel"),
				onPath("tmux"),
			)
			testConsole(t, consoleCases[kernel])
		})
	}
}

func testConsole(t *testing.T, cc consoleCase) {
	je := newJupyterEnv(t, cc.Kernel)
	// Debian's jupyter console loses its Ctrl-C relay to the kernel; the
	// config puts it back (see the file).
	fix, err := os.ReadFile(filepath.Join("testdata", "jupyter_console_config.py"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(je.ConfigDir(), "jupyter_console_config.py"), fix, 0o644); err != nil {
		t.Fatal(err)
	}
	term := startTerminal(t, je.Env, je.Dir,
		"/usr/bin/jupyter-console", "--kernel", cc.Kernel, "--no-confirm-exit")
	// The terminal as it was at the end, for a person to read.
	screens := screenshotDir(t, "console-"+cc.Kernel)
	t.Cleanup(func() {
		path := filepath.Join(screens, "console.txt")
		if err := os.WriteFile(path, []byte(term.Screen()+"\n"), 0o644); err == nil {
			t.Logf("terminal screen saved in %s", path)
		}
	})
	const long = 60 * time.Second // a wait that only a broken kernel reaches

	screen, err := term.WaitFor("the first prompt", long, func(s string) bool {
		_, ok := atEmptyPrompt(s, 0)
		return ok
	})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := atEmptyPrompt(screen, 0)

	// atPrompt reports whether the console is back at an empty prompt after
	// a failed step, so that the next step can still run; it updates n.
	atPrompt := func() bool {
		s, err := term.WaitFor("an empty prompt", 10*time.Second, func(s string) bool {
			_, ok := atEmptyPrompt(s, 0)
			return ok
		})
		if err != nil {
			t.Logf("the console is stuck, skipping the rest: %v", err)
			return false
		}
		n, _ = atEmptyPrompt(s, 0)
		return true
	}

	if !t.Run("is_complete", func(t *testing.T) {
		var widths []int
		for i, line := range cc.Block {
			// Enter only once the console shows what was typed, so that the
			// continuation line seen next is the one this Enter made.
			typeLine(t, term, line)
			before := strings.Count(term.Screen(), "...:")
			term.Key("Enter")
			if i == len(cc.Block)-1 {
				break
			}
			// The console asked the kernel: incomplete, so it shows a new
			// continuation line with the cursor already indented.
			indent, err := waitIndent(term, before, 10*time.Second)
			if err != nil {
				t.Fatalf("after typing %q and Enter: %v", line, err)
			}
			t.Logf("continuation line after %q: %q, cursor indented %d columns", line, indent.line, indent.width)
			widths = append(widths, indent.width)
		}
		// Every line but the last is at the same depth: one block deep.
		for i, w := range widths[1:] {
			if w != widths[0] {
				t.Errorf("after %q the console indents %d columns, after %q %d: lines of one block must be indented alike (is_complete_reply indent)", cc.Block[0], widths[0], cc.Block[i+1], w)
			}
		}
		screen, err := term.WaitFor("the block's output and a new prompt", long, func(s string) bool {
			_, ok := atEmptyPrompt(s, n)
			return ok
		})
		if err != nil {
			t.Fatal(err)
		}
		n, _ = atEmptyPrompt(screen, n)
		out := screen[strings.LastIndex(screen, cc.Block[0]):]
		at := 0
		for _, want := range cc.Output {
			i := strings.Index(out[at:], want)
			if i < 0 {
				t.Fatalf("output of the block lacks %q (in order %q); the terminal shows:\n%s", want, cc.Output, tail(screen, 20))
			}
			at += i + len(want)
		}
	}) && !atPrompt() {
		return
	}

	if !t.Run("complete", func(t *testing.T) {
		if cc.Setup != "" {
			enter(t, term, cc.Setup)
			screen, err := term.WaitFor("setup to run", long, func(s string) bool {
				_, ok := atEmptyPrompt(s, n)
				return ok
			})
			if err != nil {
				t.Fatal(err)
			}
			n, _ = atEmptyPrompt(screen, n)
		}
		before := strings.Count(term.Screen(), cc.Want)
		term.Type(cc.Complete)
		term.Key("Tab")
		if _, err := term.WaitFor(cc.Want+" among the completions", 10*time.Second, func(s string) bool {
			return strings.Count(s, cc.Want) > before
		}); err != nil {
			t.Errorf("Tab after %q: %v", cc.Complete, err)
		}
		// Ctrl-C at the prompt throws the input away.
		term.Key("C-c")
		if _, err := term.WaitFor("an empty prompt again", 10*time.Second, func(s string) bool {
			_, ok := atEmptyPrompt(s, n-1)
			return ok
		}); err != nil {
			t.Fatal(err)
		}
	}) && !atPrompt() {
		return
	}

	if !t.Run("error", func(t *testing.T) {
		enter(t, term, cc.Fail)
		screen, err := term.WaitFor("the error and a new prompt", long, func(s string) bool {
			_, ok := atEmptyPrompt(s, n)
			return ok
		})
		if err != nil {
			t.Fatal(err)
		}
		n, _ = atEmptyPrompt(screen, n)
		out := screen[strings.LastIndex(screen, cc.Fail)+len(cc.Fail):]
		for _, want := range cc.FailShow {
			if !strings.Contains(out, want) {
				t.Errorf("the error of %q does not show %q:\n%s", cc.Fail, want, tail(screen, 20))
			}
		}
	}) && !atPrompt() {
		return
	}

	if !t.Run("interrupt", func(t *testing.T) {
		enter(t, term, cc.Loop)
		// Running: the prompt with the loop stays the last one, and no new
		// prompt comes. The pause lets the loop start; nothing is timed.
		time.Sleep(1500 * time.Millisecond)
		screen := term.Screen()
		if _, ok := atEmptyPrompt(screen, n-1); ok {
			t.Fatalf("the loop %q did not run (a new prompt came):\n%s", cc.Loop, tail(screen, 20))
		}
		if continuationRE.MatchString(lastScreenLine(screen)) {
			t.Fatalf("the console took %q for incomplete input (is_complete):\n%s", cc.Loop, tail(screen, 20))
		}
		loopAt := n
		term.Key("C-c")
		screen, err := term.WaitFor("a new prompt after Ctrl-C", long, func(s string) bool {
			_, ok := atEmptyPrompt(s, loopAt)
			return ok
		})
		if err != nil {
			t.Fatalf("Ctrl-C did not stop %q: %v", cc.Loop, err)
		}
		n, _ = atEmptyPrompt(screen, loopAt)
		if cc.LoopError != "" && !strings.Contains(screen[strings.LastIndex(screen, cc.Loop):], cc.LoopError) {
			t.Errorf("the interrupted loop does not show %q:\n%s", cc.LoopError, tail(screen, 20))
		}
		if strings.Contains(strings.ToLower(screen), "restarting") {
			t.Errorf("the kernel restarted instead of being interrupted:\n%s", tail(screen, 20))
		}

		enter(t, term, cc.After)
		screen, err = term.WaitFor("the cell after the interrupt", long, func(s string) bool {
			_, ok := atEmptyPrompt(s, n)
			return ok
		})
		if err != nil {
			t.Fatal(err)
		}
		if out := screen[strings.LastIndex(screen, cc.After)+len(cc.After):]; !strings.Contains(out, cc.AfterOut) {
			t.Errorf("after the interrupt, %q printed no %q:\n%s", cc.After, cc.AfterOut, tail(screen, 20))
		}
		// A restarted kernel counts from 1 again.
		if m, _ := atEmptyPrompt(screen, n); m <= loopAt {
			t.Errorf("prompt numbers went from %d to %d: the kernel restarted", loopAt, m)
		}
	}) && !atPrompt() {
		return
	}

	// Ctrl-D leaves; the console shuts its kernel down.
	term.Key("C-d")
	deadline := time.Now().Add(30 * time.Second)
	for !term.Dead() {
		if time.Now().After(deadline) {
			t.Fatalf("jupyter console did not exit on Ctrl-D:\n%s", tail(term.Screen(), 20))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type indent struct {
	line  string // the continuation line as shown
	width int    // columns between the "...: " prompt and the cursor
}

// waitIndent waits until the cursor sits on a new (there were before on the
// screen), otherwise empty continuation line ("   ...: "), indented past the
// prompt. prompt_toolkit moves the
// cursor over blank cells rather than writing spaces, so the indent shows as
// the cursor's column; a tab shows as "^I".
func waitIndent(term *terminal, before int, timeout time.Duration) (indent, error) {
	deadline := time.Now().Add(timeout)
	for {
		x, line := term.Cursor()
		if m := continuationRE.FindStringSubmatch(line); m != nil && strings.Count(term.Screen(), "...:") > before {
			rest := strings.TrimSpace(strings.ReplaceAll(m[1], "^I", ""))
			width := x - (strings.Index(line, "...: ") + len("...: "))
			if rest == "" && width > 0 {
				return indent{line, width}, nil
			}
		}
		if time.Now().After(deadline) {
			return indent{}, fmt.Errorf("no indented continuation line after %v: cursor at column %d of %q; the terminal shows:\n%s", timeout, x, line, tail(term.Screen(), 20))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// typeLine types line and waits until the console shows it at the cursor.
func typeLine(t *testing.T, term *terminal, line string) {
	t.Helper()
	term.Type(line)
	if _, err := term.WaitFor(fmt.Sprintf("%q to show", line), 10*time.Second, func(s string) bool {
		_, l := term.Cursor()
		return strings.HasSuffix(strings.TrimRight(l, " "), line)
	}); err != nil {
		t.Fatal(err)
	}
}

// enter types line and presses Enter.
func enter(t *testing.T, term *terminal, line string) {
	t.Helper()
	typeLine(t, term, line)
	term.Key("Enter")
}
