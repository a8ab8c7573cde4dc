package main

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
)

// The logo is a spinning top on a Go-blue disc with two motion arcs,
// drawn at install time at whatever size the kernelspec wants. Shapes are
// functions of the unit square; each layer becomes an anti-aliased alpha
// mask (4×4 samples a pixel) painted with image/draw.

var (
	goBlue   = color.RGBA{0x00, 0xad, 0xd8, 0xff}
	deepBlue = color.RGBA{0x00, 0x5f, 0x7a, 0xff}
	white    = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

type shape func(x, y float64) bool

func disc(cx, cy, r float64) shape {
	return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
}

func ellipse(cx, cy, rx, ry float64) shape {
	return func(x, y float64) bool {
		dx, dy := (x-cx)/rx, (y-cy)/ry
		return dx*dx+dy*dy <= 1
	}
}

// arc is a ring segment from angle a0 to a1 (radians, clockwise from +x
// since y points down).
func arc(cx, cy, r, width, a0, a1 float64) shape {
	return func(x, y float64) bool {
		d := math.Hypot(x-cx, y-cy)
		if math.Abs(d-r) > width/2 {
			return false
		}
		a := math.Atan2(y-cy, x-cx)
		if a < 0 {
			a += 2 * math.Pi
		}
		return a >= a0 && a <= a1
	}
}

func union(shapes ...shape) shape {
	return func(x, y float64) bool {
		for _, s := range shapes {
			if s(x, y) {
				return true
			}
		}
		return false
	}
}

func intersect(a, b shape) shape {
	return func(x, y float64) bool { return a(x, y) && b(x, y) }
}

// top is the spinning top: a handle, a rounded crown and a body that
// narrows to its tip.
func top() shape {
	handle := func(x, y float64) bool { return math.Abs(x-0.5) <= 0.045 && y >= 0.17 && y <= 0.36 }
	crown := ellipse(0.5, 0.44, 0.20, 0.10)
	rim := ellipse(0.5, 0.50, 0.30, 0.085)
	cone := func(x, y float64) bool {
		if y < 0.50 || y > 0.84 {
			return false
		}
		half := 0.30 * (0.84 - y) / 0.34
		return math.Abs(x-0.5) <= half
	}
	return union(handle, crown, rim, cone)
}

// mask renders s into an alpha mask of the given size.
func mask(s shape, size int) *image.Alpha {
	const n = 4
	m := image.NewAlpha(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			hits := 0
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/n) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/n) / float64(size)
					if s(x, y) {
						hits++
					}
				}
			}
			m.SetAlpha(px, py, color.Alpha{A: uint8(hits * 255 / (n * n))})
		}
	}
	return m
}

func logo(size int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	paint := func(c color.Color, s shape) {
		draw.DrawMask(img, img.Bounds(), image.NewUniform(c), image.Point{}, mask(s, size), image.Point{}, draw.Over)
	}
	paint(goBlue, disc(0.5, 0.5, 0.48))
	paint(white, union(
		arc(0.5, 0.52, 0.36, 0.045, math.Pi*0.08, math.Pi*0.42),
		arc(0.5, 0.52, 0.36, 0.045, math.Pi*1.08, math.Pi*1.42),
	))
	t := top()
	paint(white, t)
	// a band around the body, so that the top reads as turning
	paint(deepBlue, intersect(t, func(x, y float64) bool { return y >= 0.56 && y <= 0.62 }))
	paint(deepBlue, func(x, y float64) bool { return math.Abs(x-0.5) <= 0.02 && y >= 0.82 && y <= 0.88 })
	return img
}

func logoPNG(size int) ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, logo(size)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
