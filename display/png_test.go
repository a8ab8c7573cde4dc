package display

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// TestEncodePNG checks that what encodePNG writes decodes, with
// image/png, to the pixels that image/png's own encoding decodes to: for
// opaque images (its RGB path), a sub-image whose bounds do not start at
// 0,0, and an image with transparency (image/png's path).
func TestEncodePNG(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	noisy := func(w, h int, alpha bool) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := 0; i < len(img.Pix); i += 4 {
			a := byte(255)
			if alpha {
				a = byte(r.IntN(256))
			}
			for j := range 3 { // premultiplied: no channel above alpha
				img.Pix[i+j] = byte(r.IntN(int(a) + 1))
			}
			img.Pix[i+3] = a
		}
		return img
	}
	flat := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range flat.Pix {
		flat.Pix[i] = 255
	}
	flat.Set(10, 10, color.RGBA{R: 200, A: 255})
	for _, tt := range []struct {
		name string
		img  *image.RGBA
	}{
		{"opaque", noisy(97, 61, false)},
		{"sub-image", noisy(80, 80, false).SubImage(image.Rect(13, 7, 70, 51)).(*image.RGBA)},
		{"flat", flat},
		{"one pixel", noisy(1, 1, false)},
		{"alpha", noisy(64, 33, true)},
	} {
		var ours, theirs bytes.Buffer
		if err := encodePNG(&ours, tt.img); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if err := png.Encode(&theirs, tt.img); err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&ours)
		if err != nil {
			t.Fatalf("%s: image/png cannot decode it: %v", tt.name, err)
		}
		want, err := png.Decode(&theirs)
		if err != nil {
			t.Fatal(err)
		}
		if got.Bounds() != want.Bounds() {
			t.Fatalf("%s: decoded bounds %v, want %v", tt.name, got.Bounds(), want.Bounds())
		}
		b := want.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if g, w := color.NRGBAModel.Convert(got.At(x, y)), color.NRGBAModel.Convert(want.At(x, y)); g != w {
					t.Fatalf("%s: pixel (%d,%d) = %v, want %v", tt.name, x, y, g, w)
				}
			}
		}
	}
}

// BenchmarkPlotPNG measures a 1,000-point line chart's PNG, and
// image/png's encoder on the same image as the baseline.
func BenchmarkPlotPNG(b *testing.B) {
	pts := make(plotter.XYs, 1000)
	for i := range pts {
		pts[i].X = float64(i)
		pts[i].Y = math.Sin(float64(i) / 50)
	}
	p := plot.New()
	line, err := plotter.NewLine(pts)
	if err != nil {
		b.Fatal(err)
	}
	p.Add(line)
	b.Run("spinlab", func(b *testing.B) {
		for b.Loop() {
			if _, err := PlotPNG(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("image-png", func(b *testing.B) {
		for b.Loop() {
			c, err := plotCanvas(p, PlotWidth, PlotHeight, PlotDensity*cssDPI)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, c.Image()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
