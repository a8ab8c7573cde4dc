package runtimes

import (
	"bytes"
	"cmp"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
)

// palettedPNG encodes a chart image with at most 256 colours. Charts are
// a few flat colours plus their anti-aliased edges, so the most frequent
// 256 colours cover nearly every pixel exactly and the rest map to their
// nearest neighbour; the file is about a third of the RGBA encoding's,
// which keeps a notebook with a few sweeps small and its chart crisp.
func palettedPNG(img *image.RGBA) ([]byte, error) {
	b := img.Bounds()
	px := func(i int) uint32 {
		return uint32(img.Pix[i])<<24 | uint32(img.Pix[i+1])<<16 | uint32(img.Pix[i+2])<<8 | uint32(img.Pix[i+3])
	}
	counts := map[uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.PixOffset(b.Min.X, y)
		for i := row; i < row+4*b.Dx(); i += 4 {
			counts[px(i)]++
		}
	}
	type freq struct {
		c uint32
		n int
	}
	all := make([]freq, 0, len(counts))
	for c, n := range counts {
		all = append(all, freq{c, n})
	}
	slices.SortFunc(all, func(a, b freq) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return cmp.Compare(a.c, b.c)
	})
	pal := make(color.Palette, 0, chartColours)
	for _, f := range all[:min(len(all), chartColours)] {
		pal = append(pal, unpack(f.c))
	}
	index := make(map[uint32]uint8, len(counts))
	for c := range counts {
		index[c] = uint8(pal.Index(unpack(c)))
	}
	out := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.PixOffset(b.Min.X, y)
		o := out.PixOffset(b.Min.X, y)
		for i := row; i < row+4*b.Dx(); i += 4 {
			out.Pix[o] = index[px(i)]
			o++
		}
	}
	var w bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&w, out); err != nil {
		return nil, fmt.Errorf("encode charts: %w", err)
	}
	return w.Bytes(), nil
}

// chartColours is the palette size: 128 colours keep the anti-aliased
// text and lines smooth (checked by eye against the RGBA rendering).
const chartColours = 128

func unpack(c uint32) color.RGBA {
	return color.RGBA{uint8(c >> 24), uint8(c >> 16), uint8(c >> 8), uint8(c)}
}
