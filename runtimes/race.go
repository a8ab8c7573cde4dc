package runtimes

import (
	"io"
	"regexp"
	"strings"
	"sync"
	"time"
)

// raceWatch passes children's stderr through to the cell, line by line
// as outputMux writes it, and keeps each "WARNING: DATA RACE" report that
// passes, so that a run built with -race can be marked racy and its
// reports shown. The compiled program's //line directives have already
// put the cells' own lines into the reports' frames.
type raceWatch struct {
	w io.Writer

	mu      sync.Mutex
	cur     *strings.Builder // the report being read, if any
	reports []string
	synced  chan struct{} // a syncLine passed
}

// syncLine is the harness's spinlabSyncLine: everything a request wrote
// to stderr came before it.
const syncLine = "\x00spinlab-sync\n"

func newRaceWatch(w io.Writer) *raceWatch { return &raceWatch{w: w, synced: make(chan struct{}, 1)} }

// awaitSync waits until the stderr of the request just answered has been
// read up to its syncLine (briefly: a program that died sends none).
func (r *raceWatch) awaitSync() {
	select {
	case <-r.synced:
	case <-time.After(2 * time.Second):
	}
}

// taggedLine is a line of a worker in a run of several ("[w3] ...").
var taggedLine = regexp.MustCompile(`^\[w\d+\] `)

func (r *raceWatch) Write(p []byte) (int, error) {
	if rest, ok := strings.CutSuffix(string(p), syncLine); ok {
		select {
		case r.synced <- struct{}{}:
		default:
		}
		if rest != "" { // a last line without its newline
			r.w.Write([]byte(rest + "\n"))
		}
		return len(p), nil
	}
	r.mu.Lock()
	for _, line := range strings.SplitAfter(string(p), "\n") {
		if line == "" {
			continue
		}
		plain := strings.TrimRight(taggedLine.ReplaceAllString(line, ""), "\r\n")
		switch {
		case plain == "WARNING: DATA RACE":
			r.cur = &strings.Builder{}
			r.cur.WriteString(plain + "\n")
		case r.cur != nil && plain == "==================":
			r.reports = append(r.reports, strings.TrimRight(r.cur.String(), "\n"))
			r.cur = nil
		case r.cur != nil:
			r.cur.WriteString(plain + "\n")
		}
	}
	r.mu.Unlock()
	return r.w.Write(p)
}

// since returns the reports after the first n.
func (r *raceWatch) since(n int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n >= len(r.reports) {
		return nil
	}
	return append([]string(nil), r.reports[n:]...)
}

func (r *raceWatch) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reports)
}

// raceLocations returns the distinct cell positions in a report's frames
// ("cell[3]:5"), innermost first: where the racing accesses are.
func raceLocations(report string) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(report, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "cell[") && !strings.HasPrefix(line, "snippet:") {
			continue
		}
		if i := strings.LastIndex(line, " +0x"); i >= 0 {
			line = line[:i]
		}
		if !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	return out
}
