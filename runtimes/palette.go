package runtimes

import (
	"fmt"
	"image/color"
)

// The palette is fixed per mode so that a mode has the same colour in
// every chart and table (Okabe–Ito colours, distinguishable with the
// common colour-vision deficiencies).
var modeColors = [...]color.RGBA{
	Goroutine: {R: 0x00, G: 0x72, B: 0xB2, A: 0xff}, // blue
	Thread:    {R: 0xD5, G: 0x5E, B: 0x00, A: 0xff}, // vermillion
	Process:   {R: 0x00, G: 0x9E, B: 0x73, A: 0xff}, // bluish green
}

// Color returns the mode's colour in charts and tables.
func (m Mode) Color() color.Color {
	if m >= 0 && int(m) < len(modeColors) {
		return modeColors[m]
	}
	return color.Gray{Y: 0x66}
}

func modeColorHex(m Mode) string {
	r, g, b, _ := m.Color().RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}
