package interp

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// TestCorpus runs the cell corpus in testdata/*.txtar. Each archive is one
// session: a "cell" section runs a cell, and the sections after it, up to
// the next cell, state what it must produce:
//
//	value      the text/plain of its result (absent: no result)
//	error      a substring of its error, "Name: message" (absent: no error)
//	stdout     what it printed with fmt (absent: not checked)
//	stderr     a substring of what it printed on stderr (absent: not checked)
//	traceback  a substring of the error's traceback
//	timeout    a duration after which the cell is interrupted (default 20s)
//	mime       a MIME type its result must carry besides text/plain
//	norace     why the cell is skipped under the race detector
//	defs       the definitions it reports, "kind name" per line, in order
//	settle     (empty) wait 100 ms after the cell, for its goroutines
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no corpus")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			runArchive(t, ar)
		})
	}
}

type corpusCell struct {
	code    string
	line    int
	want    map[string]string
	present map[string]bool
}

func corpusCells(t *testing.T, ar *txtar.Archive) []*corpusCell {
	t.Helper()
	var cells []*corpusCell
	for i, f := range ar.Files {
		name := strings.TrimSpace(f.Name)
		if name == "cell" {
			cells = append(cells, &corpusCell{code: strings.TrimSuffix(string(f.Data), "\n"), line: i, want: map[string]string{}, present: map[string]bool{}})
			continue
		}
		if len(cells) == 0 {
			t.Fatalf("section %q before any cell", name)
		}
		c := cells[len(cells)-1]
		c.want[name] = string(f.Data)
		c.present[name] = true
	}
	return cells
}

func runArchive(t *testing.T, ar *txtar.Archive) {
	var stdout, stderr lockedBuffer
	s, err := New(Options{Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range corpusCells(t, ar) {
		stdout.Reset()
		stderr.Reset()
		if c.present["norace"] && raceEnabled {
			t.Logf("cell %d skipped under -race: %s", i, strings.TrimSpace(c.want["norace"]))
			continue
		}
		timeout := 20 * time.Second
		if d, ok := c.want["timeout"]; ok {
			timeout, err = time.ParseDuration(strings.TrimSpace(d))
			if err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		res, err := s.Execute(ctx, c.code)
		cancel()
		if c.present["settle"] {
			time.Sleep(100 * time.Millisecond)
		}
		desc := fmt.Sprintf("cell %d: %s", i, firstLine(c.code))
		got := ""
		if res != nil && res.Value != nil {
			got, _ = res.Value.Data["text/plain"].(string)
		}
		full := got
		if len(got) > 400 {
			got = got[:200] + " … " + got[len(got)-150:]
		}
		if want, ok := c.want["value"]; ok {
			if res == nil || res.Value == nil {
				t.Errorf("%s\nvalue: none, want %q (err %v)", desc, strings.TrimSuffix(want, "\n"), err)
			} else if w, ok := strings.CutPrefix(want, "[contains]"); ok {
				if !strings.Contains(full, strings.TrimSpace(w)) {
					t.Errorf("%s\nvalue: %q, want it to contain %q", desc, got, strings.TrimSpace(w))
				}
			} else if full != strings.TrimSuffix(want, "\n") {
				t.Errorf("%s\nvalue: %q, want %q", desc, got, strings.TrimSuffix(want, "\n"))
			}
		} else if res != nil && res.Value != nil && err == nil {
			t.Errorf("%s\nvalue: %q, want none", desc, got)
		}
		if want, ok := c.want["mime"]; ok {
			for _, m := range strings.Fields(want) {
				if res == nil || res.Value == nil || res.Value.Data[m] == nil {
					t.Errorf("%s\nresult lacks %s", desc, m)
				}
			}
		}
		if want, ok := c.want["error"]; ok {
			if err == nil {
				t.Errorf("%s\nerror: none, want %q", desc, strings.TrimSpace(want))
			} else {
				if _, ok := err.(*Error); !ok {
					t.Errorf("%s\nerror %T is not *Error: %v", desc, err, err)
				}
				if !strings.Contains(err.Error(), strings.TrimSpace(want)) {
					t.Errorf("%s\nerror: %q, want it to contain %q", desc, err.Error(), strings.TrimSpace(want))
				}
			}
		} else if err != nil {
			t.Errorf("%s\nunexpected error: %v", desc, err)
		}
		if want, ok := c.want["traceback"]; ok {
			e, _ := err.(*Error)
			tb := ""
			if e != nil {
				tb = strings.Join(e.Traceback, "\n")
			}
			if !strings.Contains(tb, strings.TrimSpace(want)) {
				t.Errorf("%s\ntraceback %q, want it to contain %q", desc, tb, strings.TrimSpace(want))
			}
		}
		if want, ok := c.want["stdout"]; ok && strings.HasPrefix(want, "[contains]") {
			if w := strings.TrimSpace(strings.TrimPrefix(want, "[contains]")); !strings.Contains(stdout.String(), w) {
				t.Errorf("%s\nstdout: %q, want it to contain %q", desc, stdout.String(), w)
			}
		} else if ok && strings.TrimSuffix(stdout.String(), "\n") != strings.TrimSuffix(want, "\n") {
			t.Errorf("%s\nstdout: %q, want %q", desc, stdout.String(), want)
		}
		if want, ok := c.want["stderr"]; ok && !strings.Contains(stderr.String(), strings.TrimSpace(want)) {
			t.Errorf("%s\nstderr: %q, want it to contain %q", desc, stderr.String(), strings.TrimSpace(want))
		}
		if want, ok := c.want["defs"]; ok {
			var names []string
			if res != nil {
				for _, d := range res.Definitions {
					names = append(names, d.Kind+" "+d.Name)
				}
			}
			if strings.Join(names, "\n") != strings.TrimSpace(want) {
				t.Errorf("%s\ndefinitions %q, want %q", desc, names, strings.TrimSpace(want))
			}
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// lockedBuffer is a bytes.Buffer that goroutines of a cell may write to.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}
