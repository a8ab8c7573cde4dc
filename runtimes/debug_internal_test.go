package runtimes

import (
	"os"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
)

func TestDebugSingleCharts(t *testing.T) {
	dir := os.Getenv("SPINLAB_CHART_DIR")
	if dir == "" {
		t.Skip()
	}
	var sums []Summary
	for _, m := range AllModes() {
		for _, n := range []int{1, 2, 4, 8} {
			mem := uint64(40000)
			if m == Process {
				mem = 28 << 20
			}
			sums = append(sums, Summary{Mode: m, Workers: n, Trials: 3, Wall: 10e6 * timeD(n), WallMin: 9e6 * timeD(n), WallMax: 11e6 * timeD(n), Memory: mem, Spawn: 1000 * timeD(n*(int(m)+1)), Speedup: float64(n) / 2})
		}
	}
	for name, p := range map[string]any{"mem": memoryChart(sums), "wall": wallChart(sums)} {
		pp := p.(interface {
			Save(w, h vg.Length, file string) error
		})
		pp.Save(360, 260, dir+"/single-"+name+".png")
	}
}

func timeD(n int) timeDuration { return timeDuration(n) }

type timeDuration = time.Duration
