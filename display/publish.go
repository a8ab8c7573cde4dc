package display

import (
	"crypto/rand"
	"fmt"
	"image"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"gonum.org/v1/plot"
)

// current is the publisher installed by SetPublisher; nil means the default.
// It is the package's one piece of mutable state (see the package doc).
var current atomic.Pointer[publisherBox]

type publisherBox struct{ p Publisher }

// SetPublisher makes p the destination of everything this package shows,
// for the whole process. The evaluator process of a notebook session calls
// it once at start. SetPublisher(nil) restores the default, which prints
// text/plain to standard output and reads input from standard input.
func SetPublisher(p Publisher) {
	if p == nil {
		current.Store(nil)
		return
	}
	current.Store(&publisherBox{p})
}

func publisher() Publisher {
	if b := current.Load(); b != nil {
		return b.p
	}
	return stdio{in: os.Stdin, out: os.Stdout}
}

// stdio is the default publisher, for code running outside a notebook.
type stdio struct {
	in  io.Reader
	out io.Writer
}

func (s stdio) Publish(b Bundle, displayID string, update bool) {
	text, _ := b.Data[MIMEText].(string)
	fmt.Fprintln(s.out, text)
}

func (stdio) Clear(wait bool) {}

// Input prints the prompt and reads one line. It reads a byte at a time so
// that it never consumes input past the newline that a later reader of
// standard input is owed.
func (s stdio) Input(prompt string, password bool) (string, error) {
	fmt.Fprint(s.out, prompt)
	var line []byte
	var c [1]byte
	for {
		n, err := s.in.Read(c[:])
		if n == 1 {
			if c[0] == '\n' {
				break
			}
			line = append(line, c[0])
			continue
		}
		if err == io.EOF && len(line) > 0 {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return strings.TrimSuffix(string(line), "\r"), nil
}

// Publish hands b to the current publisher as new output.
func Publish(b Bundle) {
	publisher().Publish(b, "", false)
}

// HTML shows the HTML fragment s.
func HTML(s string) { Publish(HTMLBundle(s)) }

// Markdown shows the Markdown text s.
func Markdown(s string) { Publish(MarkdownBundle(s)) }

// SVG shows the SVG document s.
func SVG(s string) { Publish(SVGBundle(s)) }

// PNG shows the encoded PNG image b.
func PNG(b []byte) { Publish(PNGBundle(b)) }

// JPEG shows the encoded JPEG image b.
func JPEG(b []byte) { Publish(JPEGBundle(b)) }

// Text shows s as plain text.
func Text(s string) { Publish(TextBundle(s)) }

// JSON shows v, which must marshal with encoding/json, as an
// interactive JSON tree (in front ends that have one).
func JSON(v any) { Publish(orNote(JSONBundle(v))) }

// Image shows img as a PNG.
func Image(img image.Image) { Publish(orNote(ImageBundle(img))) }

// Plot shows p as a PNG rendered at twice the pixel density of its
// logical size (sharp on HiDPI screens), with an SVG alternative.
func Plot(p *plot.Plot) { Publish(orNote(PlotBundle(p))) }

func orNote(b Bundle, err error) Bundle {
	if err != nil {
		return ErrorBundle(err)
	}
	return b
}

// Clear clears the cell's output. With wait, the output is cleared only
// when new output arrives, which avoids flicker in a loop that redraws.
func Clear(wait bool) { publisher().Clear(wait) }

// Input asks the user for a line of text and returns it without its
// newline. When the front end cannot ask (a headless run without input),
// Input shows a note saying so and returns "".
func Input(prompt string) string { return input(prompt, false) }

// Password is Input for a secret: the front end hides what the user types.
func Password(prompt string) string { return input(prompt, true) }

func input(prompt string, password bool) string {
	p := publisher()
	s, err := p.Input(prompt, password)
	if err != nil {
		p.Publish(ErrorBundle(fmt.Errorf("display.Input: %w", err)), "", false)
		return ""
	}
	return s
}

// Handle is an output shown by [Show] that can be replaced in place.
type Handle struct {
	id string
}

// Show shows any value: a value that displays itself (see [Rich]) with its
// rich bundle, any other as text/plain in fmt's %v format. The returned
// handle replaces the output later, for progress lines and live charts.
func Show(v any) *Handle {
	h := &Handle{id: newDisplayID()}
	publisher().Publish(BundleOf(v), h.id, false)
	return h
}

// Update replaces the output of h, wherever it is shown, with v
// (update_display_data).
func (h *Handle) Update(v any) {
	publisher().Publish(BundleOf(v), h.id, true)
}

// ID returns the display_id of h, unique to it.
func (h *Handle) ID() string { return h.id }

// BundleOf returns the bundle that [Show] would show for v: its rich bundle
// when it has one, else text/plain in fmt's %v format.
func BundleOf(v any) Bundle {
	if b, ok := Rich(v); ok {
		return b
	}
	return TextBundle(fmt.Sprint(v))
}

// newDisplayID returns a fresh display_id. Random rather than counted so
// that ids stay unique across evaluator restarts within one notebook.
func newDisplayID() string {
	return strings.ToLower(rand.Text())
}
