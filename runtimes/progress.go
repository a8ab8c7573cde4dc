package runtimes

import (
	"fmt"
	"html"
	"time"

	"github.com/spinlab/spinlab/display"
)

// String describes the progress in one line.
func (p Progress) String() string {
	if p.Interrupted {
		return fmt.Sprintf("interrupted after %d of %d runs (%s); the finished runs are kept", p.Done, p.Total, roundDuration(p.Elapsed))
	}
	if p.Total > 0 && p.Done == p.Total {
		return fmt.Sprintf("done: %d runs in %s", p.Total, roundDuration(p.Elapsed))
	}
	runner := ""
	if p.Runner == Compiled {
		runner = " (compiled)"
	}
	s := fmt.Sprintf("%s × %d workers%s, trial %d/%d · run %d of %d · %s elapsed",
		p.Mode, p.Workers, runner, p.Trial, p.Trials, p.Done, p.Total, roundDuration(p.Elapsed))
	if p.Done < p.Total {
		s += fmt.Sprintf(" · about %s left", roundDuration(p.Remaining))
	}
	return s
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// Bundle displays the progress as a bar with its line of text.
func (p Progress) Bundle() display.Bundle {
	pct := 0.0
	if p.Total > 0 {
		pct = 100 * float64(p.Done) / float64(p.Total)
	}
	h := fmt.Sprintf(`<div class="spinlab-progress" style="font-family:sans-serif;font-size:90%%">`+
		`<div style="width:320px;height:8px;background:#eee;border-radius:4px;overflow:hidden">`+
		`<div style="width:%.0f%%;height:100%%;background:%s"></div></div>`+
		`<div style="margin-top:3px">%s</div></div>`, pct, modeColorHex(p.Mode), html.EscapeString(p.String()))
	return display.Bundle{Data: map[string]any{"text/plain": p.String(), "text/html": h}}
}

// progressDisplay shows an experiment's progress in place once the
// experiment has taken more than showAfter, at most every updateEvery.
type progressDisplay struct {
	start  time.Time
	last   time.Time
	handle *display.Handle
}

const (
	showAfter   = time.Second
	updateEvery = 250 * time.Millisecond
)

func newProgressDisplay() *progressDisplay { return &progressDisplay{start: time.Now()} }

func (d *progressDisplay) update(p Progress) {
	now := time.Now()
	if now.Sub(d.start) < showAfter || now.Sub(d.last) < updateEvery {
		return
	}
	d.last = now
	if d.handle == nil {
		d.handle = display.Show(p)
		return
	}
	d.handle.Update(p)
}

// finish turns the progress display, if it was shown, into a one-line
// summary of the sweep. The results themselves are shown where the cell
// shows them (as its value, or by the %%spin magic), once.
func (d *progressDisplay) finish(runs, total int, elapsed time.Duration, interrupted bool) {
	if d.handle == nil {
		return
	}
	if !interrupted {
		total = runs
	}
	d.handle.Update(Progress{Done: runs, Total: total, Elapsed: elapsed, Interrupted: interrupted})
}
