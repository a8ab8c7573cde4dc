package kernelbench

import (
	"fmt"
	"strconv"
	"strings"
)

// Workload is the code that measures one language: the same figure is
// measured with the equivalent cell in each language.
type Workload struct {
	// Setup runs once per kernel after the idle memory is read (imports
	// the other cells need).
	Setup []string
	// Trivial is a cell that does next to nothing and prints nothing.
	Trivial string
	// Lines prints the numbers 0 to 9,999, one per line.
	Lines string
	// Complete is code to complete at its end; the reply must have matches.
	Complete string
	// PlotSetup and Plot display a 1,000-point line chart (a sine over
	// 20 radians) as image/png;
	// empty Plot skips the row. PlotSetup runs once before the first plot,
	// and must fail when the plotting library is missing.
	PlotSetup string
	Plot      string
	// PlotNeeds names what PlotSetup imports and where it comes from,
	// for the note when it fails.
	PlotNeeds string
}

// LineCount is how many lines Workload.Lines prints.
const LineCount = 10000

// WorkloadFor returns the workload of a kernelspec's language.
func WorkloadFor(language string) (Workload, error) {
	switch strings.ToLower(language) {
	case "python":
		return Workload{
			Setup:     []string{"import os, math"},
			Trivial:   "x = 1",
			Lines:     "for i in range(10000):\n    print(i)",
			Complete:  "os.pa",
			PlotSetup: "%matplotlib inline\nimport matplotlib.pyplot as plt",
			Plot: "fig, ax = plt.subplots()\n" +
				"ax.plot(range(1000), [math.sin(i / 50) for i in range(1000)])\n" +
				"plt.show()",
			PlotNeeds: "matplotlib (Debian: apt-get install python3-matplotlib)",
		}, nil
	case "go":
		return Workload{
			Trivial:  "x := 1",
			Lines:    "for i := 0; i < 10000; i++ {\n\tfmt.Println(i)\n}",
			Complete: "fmt.Pri",
			PlotSetup: "import (\n\t\"gonum.org/v1/plot\"\n\t\"gonum.org/v1/plot/plotter\"\n)\n" +
				"var _ = plot.New\nvar _ plotter.XYs",
			Plot: "pts := make(plotter.XYs, 1000)\n" +
				"for i := range pts {\n\tpts[i].X = float64(i)\n\tpts[i].Y = math.Sin(float64(i) / 50)\n}\n" +
				"p := plot.New()\n" +
				"line, err := plotter.NewLine(pts)\n" +
				"if err != nil {\n\tpanic(err)\n}\n" +
				"p.Add(line)\n" +
				"display.Plot(p)",
			PlotNeeds: "gonum.org/v1/plot, which spinlab's evaluator bundles",
		}, nil
	}
	return Workload{}, fmt.Errorf("no benchmark cells for language %q (python and go have them)", language)
}

// checkLines reports whether out is exactly the numbers 0..LineCount-1,
// one per line.
func checkLines(out string) error {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != LineCount {
		return fmt.Errorf("%d lines arrived, want %d", len(lines), LineCount)
	}
	for i, l := range lines {
		if l != strconv.Itoa(i) {
			return fmt.Errorf("line %d is %q, want %d", i+1, l, i)
		}
	}
	return nil
}
