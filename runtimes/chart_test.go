package runtimes_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// TestChartsRender runs a small sweep and writes its charts; with
// SPINLAB_CHART_DIR set it keeps them there for a person to look at.
func TestChartsRender(t *testing.T) {
	h := newTestHost(t).install(t)
	h.def(t, `import "time"`)
	dir := os.Getenv("SPINLAB_CHART_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	res := runtimes.Experiment{
		Snippet: `s := 0
for i := 0; i < 300000; i++ { s += i }
time.Sleep(2 * time.Millisecond)
s`,
		Workers: []int{1, 2, 4, 8},
		Trials:  3,
		Quiet:   true,
	}.Run()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	t.Log(res)
	for _, name := range []string{"charts.png", "charts.svg"} {
		path := filepath.Join(dir, name)
		var err error
		if filepath.Ext(name) == ".png" {
			err = res.SavePNG(path)
		} else {
			err = res.SaveSVG(path)
		}
		if err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Size() < 1000 {
			t.Fatalf("%s: %v, %v", path, fi, err)
		}
	}
	_ = time.Second
}
