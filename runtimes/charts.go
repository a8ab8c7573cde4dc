package runtimes

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The charts are drawn as a 2×2 grid: wall time and speedup on top,
// memory per worker and spawn latency below.
const (
	gridWidth   vg.Length = 720 // points: 960×696 CSS pixels
	gridHeight  vg.Length = 522
	gridDensity           = 2 // PNG pixels per CSS pixel, for HiDPI screens
	gridPixelsW           = int(gridWidth * 96 / 72)
	gridPixelsH           = int(gridHeight * 96 / 72)
)

// Charts returns the four charts of the results, in grid order: wall time
// vs workers (median, min–max bars), speedup vs workers against the ideal,
// memory per worker, and spawn latency. Each mode keeps its colour and
// marker in every chart.
func (res *Results) Charts() ([]*plot.Plot, error) {
	sums := res.Summaries()
	if len(sums) == 0 {
		return nil, errors.New("no runs to chart")
	}
	return []*plot.Plot{
		wallChart(sums),
		speedupChart(sums, res.Divide, res.Machine.NumCPU),
		memoryChart(sums),
		spawnChart(sums, res.Runs),
	}, nil
}

// SavePNG writes the four charts as one 2×2 grid image (1920×1392 pixels,
// for 960×696 CSS pixels at double density) to path.
func (res *Results) SavePNG(path string) error {
	b, err := res.chartsPNG()
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// SaveSVG writes the four charts as one 2×2 grid SVG (960×696 pixels) to
// path, with its fonts embedded so that it looks the same everywhere.
func (res *Results) SaveSVG(path string) error {
	plots, err := res.Charts()
	if err != nil {
		return err
	}
	// Embedded fonts keep the layout gonum measured (about 150 KiB more)
	// on machines without Liberation fonts.
	c := vgsvg.NewWith(vgsvg.UseWH(gridWidth, gridHeight), vgsvg.EmbedFonts(true))
	drawGrid(draw.New(c), plots)
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return fmt.Errorf("render charts: %w", err)
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func (res *Results) chartsPNG() ([]byte, error) {
	plots, err := res.Charts()
	if err != nil {
		return nil, err
	}
	c := vgimg.NewWith(vgimg.UseWH(gridWidth, gridHeight), vgimg.UseDPI(96*gridDensity))
	drawGrid(draw.New(c), plots)
	img, ok := c.Image().(*image.RGBA)
	if !ok {
		return nil, fmt.Errorf("render charts: canvas is a %T, want *image.RGBA", c.Image())
	}
	return palettedPNG(img)
}

func drawGrid(dc draw.Canvas, plots []*plot.Plot) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	t := draw.Tiles{Rows: 2, Cols: 2, PadX: 18, PadY: 14, PadTop: 8, PadBottom: 6, PadLeft: 6, PadRight: 12}
	grid := [][]*plot.Plot{{plots[0], plots[1]}, {plots[2], plots[3]}}
	cs := plot.Align(grid, t, dc)
	for j := range grid {
		for i := range grid[j] {
			grid[j][i].Draw(cs[j][i])
		}
	}
}

// --- the four charts ---

var modeGlyphs = [...]draw.GlyphDrawer{
	Goroutine: draw.CircleGlyph{},
	Thread:    draw.SquareGlyph{},
	Process:   draw.TriangleGlyph{},
}

func newChart(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = 12
	p.Title.Padding = 4
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = 10
		a.Tick.Label.Font.Size = 9
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = 9
	p.Legend.Padding = 2
	p.Legend.ThumbnailWidth = 18
	p.Legend.XOffs = 4
	p.Legend.YOffs = -2
	return p
}

// series is one line of a chart: a mode run by a runner. A mode keeps
// its colour and marker in every runner; the interpreter's line is dashed
// when compiled figures are on the same chart.
type series struct {
	m    Mode
	r    Runner
	both bool // the chart has both runners
}

// seriesOf lists the chart's lines in the summaries' order.
func seriesOf(sums []Summary) []series {
	var out []series
	runners := map[Runner]bool{}
	for _, s := range sums {
		runners[s.Runner] = true
		se := series{m: s.Mode, r: s.Runner}
		if !slices.Contains(out, se) {
			out = append(out, se)
		}
	}
	for i := range out {
		out[i].both = len(runners) > 1
	}
	return out
}

func (se series) has(s Summary) bool { return s.Mode == se.m && s.Runner == se.r }

// String is the series' legend: the mode, and its runner when compiled
// figures are shown ("goroutine (compiled)").
func (se series) String() string {
	if se.r == Interpreted && !se.both {
		return se.m.String()
	}
	return se.m.String() + " (" + se.r.String() + ")"
}

// modeSeries adds one series' line with markers to p.
func modeSeries(p *plot.Plot, se series, xys plotter.XYs, label string) {
	if len(xys) == 0 {
		return
	}
	m := se.m
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return
	}
	l.Color = m.Color()
	l.Width = vg.Points(1.6)
	if se.both && se.r == Interpreted {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	s.Color = m.Color()
	s.Shape = modeGlyphs[m]
	s.Radius = vg.Points(2.8)
	p.Add(l, s)
	p.Legend.Add(label, l, s)
}

// rangeBars adds vertical min–max bars for one mode.
func rangeBars(p *plot.Plot, m Mode, pts []rangePoint) {
	if len(pts) == 0 {
		return
	}
	eb, err := plotter.NewYErrorBars(rangePoints(pts))
	if err != nil {
		return
	}
	eb.Color = m.Color()
	eb.Width = vg.Points(1)
	eb.CapWidth = vg.Points(6)
	p.Add(eb)
}

type rangePoint struct{ x, y, lo, hi float64 }

type rangePoints []rangePoint

func (r rangePoints) Len() int                        { return len(r) }
func (r rangePoints) XY(i int) (float64, float64)     { return r[i].x, r[i].y }
func (r rangePoints) YError(i int) (float64, float64) { return r[i].y - r[i].lo, r[i].hi - r[i].y }

// workerAxis makes X a log₂-spaced axis with a tick at each worker count.
func workerAxis(p *plot.Plot, sums []Summary) {
	var ns []int
	for _, s := range sums {
		if !slices.Contains(ns, s.Workers) {
			ns = append(ns, s.Workers)
		}
	}
	slices.Sort(ns)
	var ticks []plot.Tick
	for _, n := range ns {
		ticks = append(ticks, plot.Tick{Value: wx(n), Label: strconv.Itoa(n)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = wx(ns[0])-0.3, wx(ns[len(ns)-1])+0.3
}

// Log axes are drawn as linear axes of the logarithm with ticks labelled
// in the original values: gonum/plot's LogScale misplaces the padding for
// a centred axis label, which squeezes the chart.

// wx is the x position of a worker count: log₂, so that 1, 2, 4, 8 are
// evenly spaced.
func wx(workers int) float64 { return math.Log2(float64(workers)) }

// logTicks maps a ticker of values onto an axis of their log₁₀.
func logTicks(ticks func(lo, hi float64) []plot.Tick) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		ts := ticks(math.Pow(10, min), math.Pow(10, max))
		for i := range ts {
			ts[i].Value = math.Log10(ts[i].Value)
		}
		return ts
	})
}

// useLog reports whether values spanning lo..hi read better on a log
// axis: when the largest is more than 30 times the smallest.
func useLog(lo, hi float64) bool { return lo > 0 && hi/lo > 30 }

func wallChart(sums []Summary) *plot.Plot {
	lo, hi := math.Inf(1), 0.0
	for _, s := range sums {
		lo = min(lo, float64(s.WallMin))
		hi = max(hi, float64(s.WallMax))
	}
	logY := useLog(lo, hi)
	u := unitFor(hi)
	scale := u.size
	label := "wall time (" + u.name + ")"
	y := func(v float64) float64 { return v / scale }
	if logY {
		label = "wall time"
		y = math.Log10
	}
	p := newChart("Wall time: median and min–max over trials", "workers", label)
	workerAxis(p, sums)
	for _, se := range seriesOf(sums) {
		var xys plotter.XYs
		var bars []rangePoint
		for _, s := range sums {
			if !se.has(s) || s.Wall <= 0 {
				continue
			}
			x := dodge(s.Workers, se)
			xys = append(xys, plotter.XY{X: x, Y: y(float64(s.Wall))})
			bars = append(bars, rangePoint{x, y(float64(s.Wall)), y(float64(s.WallMin)), y(float64(s.WallMax))})
		}
		rangeBars(p, se.m, bars)
		modeSeries(p, se, xys, se.String())
	}
	if logY {
		durationLogAxis(&p.Y, lo, hi)
	} else {
		p.Y.Min, p.Y.Max = 0, hi/scale*linearHeadroom
		p.Y.Tick.Marker = plot.TickerFunc(niceTicks)
	}
	return p
}

func speedupChart(sums []Summary, divide bool, numCPU int) *plot.Plot {
	title := "Speedup vs 1 worker: n·T1/Tn (throughput)"
	if divide {
		title = "Speedup vs 1 worker: T1/Tn (work divided)"
	}
	p := newChart(title, "workers", "speedup")
	workerAxis(p, sums)
	lo, hi := 1.0, 1.0
	var ns []float64
	for _, s := range sums {
		ns = append(ns, float64(s.Workers))
		if s.Speedup > 0 {
			lo, hi = min(lo, s.Speedup), max(hi, s.Speedup)
		}
	}
	nmin, nmax := slices.Min(ns), slices.Max(ns)
	hi = max(hi, nmax)
	lo = min(lo, nmin)
	l10 := math.Log10
	ideal, err := plotter.NewLine(plotter.XYs{{X: math.Log2(nmin), Y: l10(nmin)}, {X: math.Log2(nmax), Y: l10(nmax)}})
	if err == nil {
		ideal.Color = color.Gray{Y: 0x80}
		ideal.Width = vg.Points(1.2)
		ideal.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(ideal)
	}
	for _, se := range seriesOf(sums) {
		var xys plotter.XYs
		for _, s := range sums {
			if se.has(s) && s.Speedup > 0 {
				xys = append(xys, plotter.XY{X: dodge(s.Workers, se), Y: l10(s.Speedup)})
			}
		}
		modeSeries(p, se, xys, se.String())
	}
	if ideal != nil {
		p.Legend.Add("ideal (= workers)", ideal)
	}
	if numCPU > 0 && float64(numCPU) < nmax {
		// CPU-bound work cannot go faster than the cores allow.
		c := float64(numCPU)
		cpu, err := plotter.NewLine(plotter.XYs{{X: math.Log2(nmin), Y: l10(min(nmin, c))}, {X: math.Log2(c), Y: l10(c)}, {X: math.Log2(nmax), Y: l10(c)}})
		if err == nil {
			cpu.Color = color.Gray{Y: 0xa8}
			cpu.Width = vg.Points(1)
			cpu.Dashes = []vg.Length{vg.Points(1), vg.Points(2.5)}
			p.Add(cpu)
			p.Legend.Add("CPU-bound limit ("+strconv.Itoa(numCPU)+" CPUs)", cpu)
		}
	}
	p.Y.Min, p.Y.Max = l10(lo/1.3), l10(hi*logHeadroom(lo, hi))
	p.Y.Tick.Marker = logTicks(func(min, max float64) []plot.Tick {
		return powerTicks(min, max, 2, func(v float64) string {
			return strconv.FormatFloat(v, 'g', 3, 64) + "×"
		})
	})
	return p
}

func memoryChart(sums []Summary) *plot.Plot {
	lo, hi := math.Inf(1), 0.0
	for _, s := range sums {
		for _, v := range []uint64{s.Memory, s.PSS} {
			if v > 0 {
				lo, hi = min(lo, float64(v)), max(hi, float64(v))
			}
		}
	}
	if hi == 0 {
		lo, hi = 1, 1024
	}
	logY := useLog(lo, hi)
	u := byteUnitFor(hi)
	label := "memory per worker (" + u.name + ")"
	y := func(v float64) float64 { return v / u.size }
	if logY {
		label, y = "memory per worker", math.Log10
	}
	p := newChart("Memory per worker (heap+stacks, child peak RSS)", "workers", label)
	workerAxis(p, sums)
	for _, se := range seriesOf(sums) {
		var xys plotter.XYs
		for _, s := range sums {
			// An unknown figure (0: a child that died unsampled) is
			// not drawn: on a log axis it sat on the floor, on a
			// linear one it pulled the line to 0.
			if se.has(s) && s.Memory > 0 {
				xys = append(xys, plotter.XY{X: dodge(s.Workers, se), Y: y(float64(s.Memory))})
			}
		}
		if len(xys) == 0 {
			continue
		}
		what := " (heap+stacks)"
		if se.m == Process {
			what = " (peak RSS)"
		}
		modeSeries(p, se, xys, se.String()+what)
		if se.m == Process {
			pssSeries(p, se, sums, y)
		}
	}
	if logY {
		p.Y.Min, p.Y.Max = y(lo/2), y(hi*logHeadroom(lo, hi))
		p.Y.Tick.Marker = logTicks(func(min, max float64) []plot.Tick {
			return powerTicks(min, max, 4, bytesTick)
		})
	} else {
		p.Y.Min, p.Y.Max = 0, y(hi)*linearHeadroom
		p.Y.Tick.Marker = plot.TickerFunc(niceTicks)
	}
	return p
}

func spawnChart(sums []Summary, runs []*Run) *plot.Plot {
	type key struct {
		m Mode
		r Runner
		n int
	}
	spread := map[key][2]float64{}
	for _, r := range runs {
		k := key{r.Mode, r.Runner, r.N()}
		for _, w := range r.Workers {
			v := float64(w.Spawn)
			if v <= 0 {
				continue
			}
			s, ok := spread[k]
			if !ok {
				s = [2]float64{v, v}
			}
			spread[k] = [2]float64{min(s[0], v), max(s[1], v)}
		}
	}
	lo, hi := math.Inf(1), 0.0
	for _, s := range spread {
		lo, hi = min(lo, s[0]), max(hi, s[1])
	}
	if hi == 0 {
		lo, hi = 1e3, 1e6
	}
	p := newChart("Spawn latency: asked to start → first instruction", "workers", "spawn latency")
	workerAxis(p, sums)
	for _, se := range seriesOf(sums) {
		var xys plotter.XYs
		var bars []rangePoint
		for _, s := range sums {
			sp, ok := spread[key{s.Mode, s.Runner, s.Workers}]
			if !se.has(s) || !ok || s.Spawn <= 0 {
				continue
			}
			x, y := dodge(s.Workers, se), math.Log10(float64(s.Spawn))
			xys = append(xys, plotter.XY{X: x, Y: y})
			bars = append(bars, rangePoint{x, y, math.Log10(sp[0]), math.Log10(sp[1])})
		}
		rangeBars(p, se.m, bars)
		modeSeries(p, se, xys, se.String()+" (median, min–max of workers)")
	}
	durationLogAxis(&p.Y, lo, hi)
	return p
}

// durationLogAxis makes a an axis of log₁₀ nanoseconds labelled in the unit
// that suits each tick (100ns, 1µs, 10µs, …).
func durationLogAxis(a *plot.Axis, lo, hi float64) {
	a.Min, a.Max = math.Log10(lo/1.6), math.Log10(hi*logHeadroom(lo, hi))
	a.Tick.Marker = logTicks(func(min, max float64) []plot.Tick {
		return decadeTicks(min, max, func(v float64) string {
			u := unitFor(v)
			return strconv.FormatFloat(v/u.size, 'g', 3, 64) + u.name
		})
	})
}

// decadeTicks labels powers of ten in [min, max], with 2× and 5× ticks
// labelled too when the range spans less than two decades, and minor
// ticks in between.
func decadeTicks(min, max float64, label func(float64) string) []plot.Tick {
	dense := max/min < 100
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(min)); math.Pow(10, e) <= max; e++ {
		base := math.Pow(10, e)
		for i := 1; i < 10; i++ {
			v := base * float64(i)
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if i == 1 || (dense && (i == 2 || i == 5)) {
				t.Label = label(v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// powerTicks labels powers of base in [min, max], thinning them out to at
// most about seven labels.
func powerTicks(min, max, base float64, label func(float64) string) []plot.Tick {
	var es []int
	for e := int(math.Floor(math.Log(min) / math.Log(base))); float64(e) <= math.Ceil(math.Log(max)/math.Log(base)); e++ {
		if v := math.Pow(base, float64(e)); v >= min*0.999 && v <= max*1.001 {
			es = append(es, e)
		}
	}
	step := max1((len(es) + 6) / 7)
	var ticks []plot.Tick
	for _, e := range es {
		v := math.Pow(base, float64(e))
		t := plot.Tick{Value: v}
		if ((e%step)+step)%step == 0 {
			t.Label = label(v)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

func max1(n int) int { return max(n, 1) }

// niceTicks labels a linear axis at steps of 1, 2 or 5 × 10ᵏ, about five
// of them, with a minor tick between labels.
func niceTicks(min, max float64) []plot.Tick {
	span := max - min
	if span <= 0 {
		return []plot.Tick{{Value: min, Label: strconv.FormatFloat(min, 'g', 4, 64)}}
	}
	raw := span / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, f := range []float64{1, 2, 5, 10} {
		if f*mag >= raw {
			step = f * mag
			break
		}
	}
	var ticks []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+step*1e-9; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(math.Round(v/step)*step, 'g', 4, 64)})
		if h := v + step/2; h <= max {
			ticks = append(ticks, plot.Tick{Value: h})
		}
	}
	return ticks
}

// Headroom above the data leaves the top-left legend clear of it.
const linearHeadroom = 1.4

// logHeadroom is the factor above hi that leaves about a quarter of a log
// axis spanning lo..hi free for the legend.
func logHeadroom(lo, hi float64) float64 {
	return math.Max(2.5, math.Pow(hi/lo, 0.35))
}

// dodge shifts each series' x a little on the log worker axis so that the
// range bars at the same worker count do not hide each other.
func dodge(workers int, se series) float64 {
	x := wx(workers) + 0.06*float64(int(se.m)-1)
	if se.both {
		x += 0.03 * float64(2*int(se.r)-1)
	}
	return x
}

// bytesTick labels a power-of-two byte count: 64 KiB, 1 MiB, 16 MiB.
func bytesTick(v float64) string {
	u := byteUnitFor(v)
	return strconv.FormatFloat(v/u.size, 'g', 3, 64) + " " + u.name
}

// pssSeries draws a process series' PSS per child as a dotted line in the
// mode's colour: beside RSS, which counts the binary's pages that every
// child shares, it is each child's share of them.
func pssSeries(p *plot.Plot, se series, sums []Summary, y func(float64) float64) {
	var xys plotter.XYs
	for _, s := range sums {
		if se.has(s) && s.PSS > 0 {
			xys = append(xys, plotter.XY{X: dodge(s.Workers, se), Y: y(float64(s.PSS))})
		}
	}
	if len(xys) == 0 {
		return
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return
	}
	l.Color = se.m.Color()
	l.Width = vg.Points(1.2)
	l.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2)}
	p.Add(l)
	p.Legend.Add(se.String()+" (PSS)", l)
}
