package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// call is one call on a recorder.
type call struct {
	Kind      string // "publish", "clear", "input"
	Bundle    Bundle
	DisplayID string
	Update    bool
	Wait      bool
	Prompt    string
	Password  bool
}

// recorder is a Publisher that records what it is asked to do.
type recorder struct {
	mu       sync.Mutex
	calls    []call
	input    string
	inputErr error
}

func (r *recorder) Publish(b Bundle, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{Kind: "publish", Bundle: b, DisplayID: id, Update: update})
}

func (r *recorder) Clear(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{Kind: "clear", Wait: wait})
}

func (r *recorder) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{Kind: "input", Prompt: prompt, Password: password})
	return r.input, r.inputErr
}

func (r *recorder) Calls() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// record installs a recorder as the publisher for the rest of the test.
// Tests that use it must not run in parallel: the publisher is process-wide.
func record(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	SetPublisher(r)
	t.Cleanup(func() { SetPublisher(nil) })
	return r
}

// published returns the only bundle that r recorded.
func published(t *testing.T, r *recorder) call {
	t.Helper()
	calls := r.Calls()
	if len(calls) != 1 || calls[0].Kind != "publish" {
		t.Fatalf("calls = %+v, want one publish", calls)
	}
	return calls[0]
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func samplePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sampleJPEG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 3, 2)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func samplePlot(t testing.TB) *plot.Plot {
	t.Helper()
	p := plot.New()
	p.Title.Text = "wall time"
	p.X.Label.Text = "workers"
	p.Y.Label.Text = "seconds"
	pts := plotter.XYs{{X: 1, Y: 4}, {X: 2, Y: 2.1}, {X: 4, Y: 1.2}, {X: 8, Y: 0.9}}
	line, err := plotter.NewLine(pts)
	if err != nil {
		t.Fatal(err)
	}
	line.Color = color.RGBA{B: 200, A: 255}
	line.Width = 2
	p.Add(line, plotter.NewGrid())
	return p
}

func TestFunctionsPublishBundles(t *testing.T) {
	pngData := samplePNG(t, 4, 3)
	tests := []struct {
		name string
		show func()
		mime []string // besides text/plain
		text string
	}{
		{"HTML", func() { HTML("<b>bold</b> &amp; <i>it</i>") }, []string{MIMEHTML}, "bold & it"},
		{"Markdown", func() { Markdown("# Title") }, []string{MIMEMarkdown}, "# Title"},
		{"SVG", func() { SVG(`<svg xmlns="http://www.w3.org/2000/svg"/>`) }, []string{MIMESVG}, "[SVG image]"},
		{"PNG", func() { PNG(pngData) }, []string{MIMEPNG}, "[PNG image 4×3]"},
		{"JPEG", func() { JPEG(sampleJPEG(t)) }, []string{MIMEJPEG}, "[JPEG image 3×2]"},
		{"JSON", func() { JSON(map[string]int{"n": 1}) }, []string{MIMEJSON}, "{\n  \"n\": 1\n}"},
		{"Text", func() { Text("plain") }, nil, "plain"},
		{"Image", func() { Image(image.NewGray(image.Rect(0, 0, 5, 7))) }, []string{MIMEPNG}, "[image 5×7]"},
		{"Plot", func() { Plot(samplePlot(t)) }, []string{MIMEPNG, MIMESVG}, `[plot "wall time" 640×400]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := record(t)
			tt.show()
			c := published(t, r)
			if c.DisplayID != "" || c.Update {
				t.Errorf("display id %q update %v, want none", c.DisplayID, c.Update)
			}
			want := append([]string{MIMEText}, tt.mime...)
			if got := keys(c.Bundle.Data); len(got) != len(want) {
				t.Errorf("MIME types = %v, want %v", got, want)
			}
			for _, m := range want {
				if _, ok := c.Bundle.Data[m]; !ok {
					t.Errorf("no %s in bundle (have %v)", m, keys(c.Bundle.Data))
				}
			}
			if got := c.Bundle.Data[MIMEText]; got != tt.text {
				t.Errorf("text/plain = %q, want %q", got, tt.text)
			}
			checkBundle(t, c.Bundle)
		})
	}
}

// checkBundle checks that each representation in b is well formed and that
// the bundle survives the trip to the front end as JSON.
func checkBundle(t *testing.T, b Bundle) {
	t.Helper()
	for mime, v := range b.Data {
		switch mime {
		case MIMEPNG, MIMEJPEG:
			s, ok := v.(string)
			if !ok {
				t.Fatalf("%s data is %T, want base64 string", mime, v)
			}
			raw, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				t.Fatalf("%s: %v", mime, err)
			}
			if _, _, err := image.Decode(bytes.NewReader(raw)); err != nil {
				t.Errorf("%s does not decode: %v", mime, err)
			}
		case MIMESVG:
			checkXML(t, v.(string))
		case MIMEText, MIMEHTML, MIMEMarkdown:
			if _, ok := v.(string); !ok {
				t.Errorf("%s data is %T, want string", mime, v)
			}
		}
	}
	if _, err := json.Marshal(b.Data); err != nil {
		t.Errorf("bundle data does not marshal: %v", err)
	}
	if _, err := json.Marshal(b.Metadata); err != nil {
		t.Errorf("bundle metadata does not marshal: %v", err)
	}
}

func checkXML(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("SVG root element is %q", root)
	}
}

func TestJSONBundleIsPlainJSON(t *testing.T) {
	type point struct {
		X    int64 `json:"x"`
		Name string
	}
	b, err := JSONBundle([]point{{X: 1 << 62, Name: "a<b"}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(b.Data[MIMEJSON])
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"Name":"a\u003cb","x":4611686018427387904}]`; string(raw) != want {
		t.Errorf("application/json = %s, want %s", raw, want)
	}
	if _, err := JSONBundle(make(chan int)); err == nil {
		t.Error("JSONBundle(chan) did not fail")
	}
}

func TestRenderFailuresBecomeNotes(t *testing.T) {
	badLog := plot.New()
	badLog.Y.Scale = plot.LogScale{}
	badLog.Y.Min, badLog.Y.Max = -1, 1
	tests := []struct {
		name string
		show func()
		want string
	}{
		{"JSON", func() { JSON(func() {}) }, "json: unsupported type"},
		{"Image", func() { Image(nil) }, "nil image"},
		{"Plot", func() { Plot(badLog) }, "drawing plot"},
		{"nil Plot", func() { Plot(nil) }, "nil plot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := record(t)
			tt.show()
			c := published(t, r)
			text, _ := c.Bundle.Data[MIMEText].(string)
			if len(c.Bundle.Data) != 1 || !strings.HasPrefix(text, "[display error: ") || !strings.Contains(text, tt.want) {
				t.Errorf("bundle = %v, want a text/plain note containing %q", c.Bundle.Data, tt.want)
			}
		})
	}
}

func TestPlotBundle(t *testing.T) {
	b, err := PlotBundle(samplePlot(t))
	if err != nil {
		t.Fatal(err)
	}
	checkBundle(t, b)
	meta, _ := b.Metadata[MIMEPNG].(map[string]any)
	if meta["width"] != 640 || meta["height"] != 400 {
		t.Errorf("image/png metadata = %v, want width 640 height 400", b.Metadata)
	}
	raw, _ := base64.StdEncoding.DecodeString(b.Data[MIMEPNG].(string))
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != image.Pt(1280, 800) {
		t.Errorf("PNG is %v, want 1280×800 (2× the logical size)", got)
	}
	checkNotBlank(t, img)

	svg := b.Data[MIMESVG].(string)
	if !strings.Contains(svg, "wall time") {
		t.Error("SVG does not contain the title")
	}
}

// checkNotBlank fails unless img has ink: a fair share of non-background
// pixels, and some that are the line's blue.
func checkNotBlank(t *testing.T, img image.Image) {
	t.Helper()
	r := img.Bounds()
	bg := color.RGBAModel.Convert(img.At(r.Min.X, r.Min.Y))
	var ink, blue int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if c != bg {
				ink++
			}
			if c.B > 150 && c.R < 80 && c.G < 80 {
				blue++
			}
		}
	}
	total := r.Dx() * r.Dy()
	if ink < total/100 {
		t.Errorf("only %d of %d pixels differ from the background", ink, total)
	}
	if blue < 100 {
		t.Errorf("only %d blue pixels: the line is missing", blue)
	}
}

func TestPlotPNGAndSVG(t *testing.T) {
	p := samplePlot(t)
	pngData, err := PlotPNG(p)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(pngData))
	if err != nil || cfg.Width != 1280 || cfg.Height != 800 {
		t.Errorf("PlotPNG: %v×%v, %v", cfg.Width, cfg.Height, err)
	}
	svg, err := PlotSVG(p)
	if err != nil {
		t.Fatal(err)
	}
	checkXML(t, string(svg))
	if _, err := PlotBundleSize(p, 0, 100); err == nil {
		t.Error("PlotBundleSize with zero width did not fail")
	}
}

func TestShowAndUpdate(t *testing.T) {
	r := record(t)
	h := Show("starting")
	h.Update(HTMLBundle("<b>done</b>"))
	other := Show(42)
	calls := r.Calls()
	if len(calls) != 3 {
		t.Fatalf("calls = %+v", calls)
	}
	if calls[0].DisplayID == "" || calls[0].DisplayID != h.ID() || calls[0].Update {
		t.Errorf("Show: id %q update %v, handle id %q", calls[0].DisplayID, calls[0].Update, h.ID())
	}
	if calls[1].DisplayID != h.ID() || !calls[1].Update {
		t.Errorf("Update: id %q update %v, want %q true", calls[1].DisplayID, calls[1].Update, h.ID())
	}
	if calls[1].Bundle.Data[MIMEHTML] != "<b>done</b>" {
		t.Errorf("Update bundle = %v", calls[1].Bundle.Data)
	}
	if other.ID() == h.ID() {
		t.Error("two Shows share a display id")
	}
	if calls[2].Bundle.Data[MIMEText] != "42" {
		t.Errorf("Show(42) = %v", calls[2].Bundle.Data)
	}
}

type selfShowing struct{ n int }

func (s selfShowing) Bundle() Bundle {
	return Bundle{Data: map[string]any{MIMEHTML: "<i>rich</i>"}}
}

type panicky struct{}

func (panicky) Bundle() Bundle { panic("boom") }

func TestRich(t *testing.T) {
	b, ok := Rich(selfShowing{n: 3})
	if !ok || b.Data[MIMEHTML] != "<i>rich</i>" || b.Data[MIMEText] != "{3}" {
		t.Errorf("Rich(Bundler) = %v, %v", b.Data, ok)
	}
	if b, ok := Rich(panicky{}); !ok || !strings.Contains(b.Data[MIMEText].(string), "panicked: boom") {
		t.Errorf("Rich(panicky) = %v, %v", b.Data, ok)
	}
	if b, ok := Rich(image.NewGray(image.Rect(0, 0, 2, 2))); !ok || b.Data[MIMEPNG] == nil {
		t.Errorf("Rich(image) = %v, %v", b.Data, ok)
	}
	if b, ok := Rich(samplePlot(t)); !ok || b.Data[MIMEPNG] == nil {
		t.Errorf("Rich(plot) = %v, %v", keys(b.Data), ok)
	}
	tb := TextBundle("x")
	if b, ok := Rich(&tb); !ok || b.Data[MIMEText] != "x" {
		t.Errorf("Rich(*Bundle) = %v, %v", b.Data, ok)
	}
	for _, v := range []any{nil, 1, "s", (*plot.Plot)(nil), (*Bundle)(nil), errors.New("e")} {
		if _, ok := Rich(v); ok {
			t.Errorf("Rich(%#v) = true, want false", v)
		}
	}
	if b := BundleOf(errors.New("oops")); b.Data[MIMEText] != "oops" || len(b.Data) != 1 {
		t.Errorf("BundleOf(error) = %v", b.Data)
	}
}

func TestClearAndInput(t *testing.T) {
	r := record(t)
	r.input = "gopher"
	Clear(true)
	Clear(false)
	if got := Input("name? "); got != "gopher" {
		t.Errorf("Input = %q", got)
	}
	if got := Password("secret? "); got != "gopher" {
		t.Errorf("Password = %q", got)
	}
	r.inputErr = errors.New("no stdin here")
	if got := Input("again? "); got != "" {
		t.Errorf("Input on error = %q, want empty", got)
	}
	calls := r.Calls()
	want := []call{
		{Kind: "clear", Wait: true},
		{Kind: "clear"},
		{Kind: "input", Prompt: "name? "},
		{Kind: "input", Prompt: "secret? ", Password: true},
		{Kind: "input", Prompt: "again? "},
	}
	if len(calls) != len(want)+1 {
		t.Fatalf("calls = %+v", calls)
	}
	for i, w := range want {
		c := calls[i]
		if c.Kind != w.Kind || c.Wait != w.Wait || c.Prompt != w.Prompt || c.Password != w.Password {
			t.Errorf("call %d = %+v, want %+v", i, c, w)
		}
	}
	note, _ := calls[len(want)].Bundle.Data[MIMEText].(string)
	if !strings.Contains(note, "display.Input: no stdin here") {
		t.Errorf("failed Input published %q", note)
	}
}

func TestDefaultPublisher(t *testing.T) {
	var out bytes.Buffer
	in := strings.NewReader("first line\r\nsecond\nlast")
	p := stdio{in: in, out: &out}
	p.Publish(HTMLBundle("<p>hi</p>"), "id", false)
	p.Clear(false)
	for _, want := range []string{"first line", "second", "last"} {
		got, err := p.Input("> ", false)
		if err != nil || got != want {
			t.Errorf("Input = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := p.Input("> ", false); err != io.EOF {
		t.Errorf("Input at EOF: err = %v, want io.EOF", err)
	}
	if got, want := out.String(), "hi\n> > > > "; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<b>a</b> &lt;b&gt;", "a <b>"},
		{"<p>one</p><p>two</p>", "one\n\ntwo"},
		{"<style>p{}</style><script>x<y</script>ok", "ok"},
		{"<table><tr><th>n</th><th>t</th></tr><tr><td>1</td><td>2</td></tr></table>", "n\tt\n1\t2"},
		{"a < b", "a < b"},
	}
	for _, tt := range tests {
		if got := htmlToText(tt.in); got != tt.want {
			t.Errorf("htmlToText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
