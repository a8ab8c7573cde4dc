package display

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Default size of a plot in the notebook: 640×400 CSS pixels (at 96 pixels
// per inch, 480×300 points), about the width of a notebook's output area.
const (
	PlotWidth  vg.Length = 480
	PlotHeight vg.Length = 300
)

// PlotDensity is how many PNG pixels a plot's PNG has per CSS pixel. The
// PNG is rendered at this density and its metadata asks the front end to
// show it at the logical size, so it stays sharp on HiDPI screens.
const PlotDensity = 2

// maxPlotSVG bounds the SVG alternative of a plot bundle: a scatter of a
// million points makes an SVG of tens of megabytes that every viewer of the
// notebook must download and lay out, while its PNG stays small.
const maxPlotSVG = 1 << 20

// plotMargin is the blank border around a plot. gonum/plot draws to the
// very edge of its canvas, where the last tick label gets clipped.
const plotMargin = 6 * vg.Length(1)

// cssDPI is the CSS reference pixel density.
const cssDPI = 96

// PlotBundle renders p at the default size: a HiDPI PNG with
// {"width", "height"} metadata at the logical size, an SVG alternative
// (left out when it would be larger than 1 MiB) and a text/plain
// description.
func PlotBundle(p *plot.Plot) (Bundle, error) {
	return PlotBundleSize(p, PlotWidth, PlotHeight)
}

// PlotBundleSize is [PlotBundle] for a plot of width w and height h.
func PlotBundleSize(p *plot.Plot, w, h vg.Length) (Bundle, error) {
	pngData, err := plotPNG(p, w, h, PlotDensity*cssDPI)
	if err != nil {
		return Bundle{}, err
	}
	b := PNGBundle(pngData)
	b.Metadata = map[string]any{MIMEPNG: map[string]any{
		"width":  cssPixels(w),
		"height": cssPixels(h),
	}}
	b.Data[MIMEText] = describePlot(p, w, h)
	svg, err := plotSVG(p, w, h)
	if err != nil {
		return Bundle{}, err
	}
	if len(svg) <= maxPlotSVG {
		b.Data[MIMESVG] = string(svg)
	}
	return b, nil
}

// PlotPNG renders p as a PNG of the default size at [PlotDensity].
func PlotPNG(p *plot.Plot) ([]byte, error) {
	return plotPNG(p, PlotWidth, PlotHeight, PlotDensity*cssDPI)
}

// PlotSVG renders p as an SVG document of the default size.
func PlotSVG(p *plot.Plot) ([]byte, error) {
	return plotSVG(p, PlotWidth, PlotHeight)
}

func plotPNG(p *plot.Plot, w, h vg.Length, dpi int) ([]byte, error) {
	c, err := plotCanvas(p, w, h, dpi)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if img, ok := c.Image().(*image.RGBA); ok {
		err = encodePNG(&buf, img)
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, c.Image())
	}
	if err != nil {
		return nil, fmt.Errorf("display: encoding plot: %w", err)
	}
	return buf.Bytes(), nil
}

// plotCanvas draws p on an image canvas of w×h at dpi.
func plotCanvas(p *plot.Plot, w, h vg.Length, dpi int) (*vgimg.Canvas, error) {
	if err := checkSize(w, h); err != nil {
		return nil, err
	}
	// An opaque background is laid as the image's first pixels (a
	// memory fill) rather than rasterized as a path over the whole canvas,
	// twice (canvas and plot area): a third of the drawing time.
	if p != nil && opaque(p.BackgroundColor) {
		c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(p.BackgroundColor))
		q := *p
		q.BackgroundColor = nil
		return c, drawPlot(&q, c)
	}
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))
	return c, drawPlot(p, c)
}

func plotSVG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	if err := checkSize(w, h); err != nil {
		return nil, err
	}
	c := vgsvg.New(w, h)
	if err := drawPlot(p, c); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("display: encoding plot: %w", err)
	}
	return buf.Bytes(), nil
}

// drawPlot draws p on c. gonum/plot panics on some bad input (a log scale
// over zero, an empty range), which must become an error, not a dead cell.
func drawPlot(p *plot.Plot, c vg.CanvasSizer) (err error) {
	if p == nil {
		return fmt.Errorf("display: nil plot")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("display: drawing plot: %v", r)
		}
	}()
	dc := draw.New(c)
	if p.BackgroundColor != nil {
		dc.SetColor(p.BackgroundColor)
		dc.Fill(dc.Rectangle.Path())
	}
	p.Draw(draw.Crop(dc, plotMargin, -plotMargin, plotMargin, -plotMargin))
	return nil
}

// opaque reports whether c covers what is under it completely.
func opaque(c color.Color) bool {
	if c == nil {
		return false
	}
	_, _, _, a := c.RGBA()
	return a == 0xffff
}

// checkSize rejects sizes that the canvases would panic on, and sizes
// so large that the PNG would not fit in memory.
func checkSize(w, h vg.Length) error {
	const maxSide = 100 * vg.Inch
	if !(w > 0 && h > 0 && w <= maxSide && h <= maxSide) {
		return fmt.Errorf("display: bad plot size %v×%v (want 0 < size <= %v)", w, h, maxSide)
	}
	return nil
}

func cssPixels(l vg.Length) int {
	return int(math.Round(float64(l) / float64(vg.Inch) * cssDPI))
}

func describePlot(p *plot.Plot, w, h vg.Length) string {
	if t := p.Title.Text; t != "" {
		return fmt.Sprintf("[plot %q %d×%d]", t, cssPixels(w), cssPixels(h))
	}
	return fmt.Sprintf("[plot %d×%d]", cssPixels(w), cssPixels(h))
}
