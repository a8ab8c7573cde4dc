package runtimes_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/runtimes"
)

// recorder is a display.Publisher that keeps what was published.
type recorder struct {
	mu   sync.Mutex
	msgs []published
}

type published struct {
	b      display.Bundle
	id     string
	update bool
}

func (r *recorder) Publish(b display.Bundle, id string, update bool) {
	r.mu.Lock()
	r.msgs = append(r.msgs, published{b, id, update})
	r.mu.Unlock()
}
func (r *recorder) Clear(bool)                         {}
func (r *recorder) Input(string, bool) (string, error) { return "", nil }

func TestLongExperimentShowsProgressInPlace(t *testing.T) {
	rec := &recorder{}
	display.SetPublisher(rec)
	t.Cleanup(func() { display.SetPublisher(nil) })

	res := runtimes.Experiment{
		Func:    func(int) { time.Sleep(120 * time.Millisecond) },
		Modes:   []runtimes.Mode{runtimes.Goroutine},
		Workers: []int{1, 2},
		Trials:  6,
	}.Run()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.msgs) < 2 {
		t.Fatalf("published %d outputs, want a progress display and its replacement", len(rec.msgs))
	}
	first, last := rec.msgs[0], rec.msgs[len(rec.msgs)-1]
	if first.update || first.id == "" || !strings.Contains(first.b.Data["text/plain"].(string), "elapsed") {
		t.Errorf("first output %+v", first)
	}
	for _, m := range rec.msgs[1:] {
		if !m.update || m.id != first.id {
			t.Errorf("later output not an update of the progress display: %+v", m)
		}
	}
	if text, _ := last.b.Data["text/plain"].(string); !strings.HasPrefix(text, "done: 12 runs in ") {
		t.Errorf("progress not turned into its summary line: %q", text)
	}
}
