package runtimes_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spinlab/spinlab/runtimes"
)

// TestDumpHTML writes the HTML of a run and of results to
// $SPINLAB_CHART_DIR for a person (or a headless browser) to look at.
func TestDumpHTML(t *testing.T) {
	dir := os.Getenv("SPINLAB_CHART_DIR")
	if dir == "" {
		t.Skip("set SPINLAB_CHART_DIR to write the HTML renderings")
	}
	h := newTestHost(t).install(t)
	h.def(t, `import "time"`)
	res := runtimes.Experiment{
		Snippet: `time.Sleep(5 * time.Millisecond)
worker * worker`,
		Workers: []int{1, 2, 4},
		Trials:  3,
		Quiet:   true,
	}.Run()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	page := "<html><body style='font-family:sans-serif;width:1000px'>" +
		res.Bundle().Data["text/html"].(string) + "<hr>" +
		runtimes.Processes(3, `worker * 10`).Bundle().Data["text/html"].(string) + "<hr>" +
		runtimes.Threads(2, func(int) {}).Bundle().Data["text/html"].(string) + "</body></html>"
	if err := os.WriteFile(filepath.Join(dir, "results.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "results.txt"), []byte(res.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
