package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"image"
	_ "image/jpeg" // DecodeConfig of JPEG data for its text/plain description
	"image/png"
	"strings"

	"gonum.org/v1/plot"
)

// MIME types used by this package.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMESVG      = "image/svg+xml"
	MIMEPNG      = "image/png"
	MIMEJPEG     = "image/jpeg"
	MIMEJSON     = "application/json"
)

// TextBundle returns a bundle with only text/plain.
func TextBundle(s string) Bundle {
	return Bundle{Data: map[string]any{MIMEText: s}}
}

// HTMLBundle returns a text/html bundle. Its text/plain is s with the tags
// removed and entities decoded.
func HTMLBundle(s string) Bundle {
	return Bundle{Data: map[string]any{MIMEHTML: s, MIMEText: htmlToText(s)}}
}

// MarkdownBundle returns a text/markdown bundle; its text/plain is the
// Markdown source.
func MarkdownBundle(s string) Bundle {
	return Bundle{Data: map[string]any{MIMEMarkdown: s, MIMEText: s}}
}

// SVGBundle returns an image/svg+xml bundle for the SVG document s.
func SVGBundle(s string) Bundle {
	return Bundle{Data: map[string]any{MIMESVG: s, MIMEText: "[SVG image]"}}
}

// PNGBundle returns an image/png bundle for the encoded PNG b, displayed
// at its natural size.
func PNGBundle(b []byte) Bundle {
	return Bundle{Data: map[string]any{
		MIMEPNG:  base64.StdEncoding.EncodeToString(b),
		MIMEText: describeImage("PNG", b),
	}}
}

// JPEGBundle returns an image/jpeg bundle for the encoded JPEG b.
func JPEGBundle(b []byte) Bundle {
	return Bundle{Data: map[string]any{
		MIMEJPEG: base64.StdEncoding.EncodeToString(b),
		MIMEText: describeImage("JPEG", b),
	}}
}

// JSONBundle returns an application/json bundle for v, which must marshal
// with encoding/json. The data holds v as a plain JSON value (maps, slices,
// strings, json.Number, bools, nil), so that it marshals the same wherever
// the bundle travels; text/plain is the indented JSON.
func JSONBundle(v any) (Bundle, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return Bundle{}, fmt.Errorf("display: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep 64-bit integers exact
	var plain any
	if err := dec.Decode(&plain); err != nil {
		return Bundle{}, fmt.Errorf("display: %w", err)
	}
	var text bytes.Buffer
	if err := json.Indent(&text, raw, "", "  "); err != nil {
		return Bundle{}, fmt.Errorf("display: %w", err)
	}
	return Bundle{Data: map[string]any{MIMEJSON: plain, MIMEText: text.String()}}, nil
}

// ImageBundle returns an image/png bundle of img.
func ImageBundle(img image.Image) (Bundle, error) {
	if img == nil {
		return Bundle{}, fmt.Errorf("display: nil image")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Bundle{}, fmt.Errorf("display: encoding image: %w", err)
	}
	b := PNGBundle(buf.Bytes())
	r := img.Bounds()
	b.Data[MIMEText] = fmt.Sprintf("[image %d×%d]", r.Dx(), r.Dy())
	return b, nil
}

// ErrorBundle returns the text/plain note that stands in for output that
// could not be rendered.
func ErrorBundle(err error) Bundle {
	return TextBundle(fmt.Sprintf("[display error: %v]", err))
}

// Rich returns the rich bundle of a value that can display itself: a
// [Bundler], a [Bundle] or *Bundle, an [image.Image] or a *plot.Plot. It
// returns false for every other value (the caller shows it as text). When
// such a value fails to render, the bundle is the text/plain error note of
// [ErrorBundle], so the failure is visible where the output would be.
//
// A Bundler's bundle gets a text/plain representation (fmt's %v of the
// value) when it lacks one.
func Rich(v any) (Bundle, bool) {
	var (
		b   Bundle
		err error
	)
	switch v := v.(type) {
	case nil:
		return Bundle{}, false
	case Bundle:
		b = v
	case *Bundle:
		if v == nil {
			return Bundle{}, false
		}
		b = *v
	case Bundler:
		b, err = bundleOf(v)
		if err == nil {
			if _, ok := b.Data[MIMEText]; !ok {
				b = withData(b, MIMEText, fmt.Sprint(v))
			}
		}
	case *plot.Plot:
		if v == nil {
			return Bundle{}, false
		}
		b, err = PlotBundle(v)
	case image.Image:
		b, err = ImageBundle(v)
	default:
		return Bundle{}, false
	}
	if err != nil {
		return ErrorBundle(err), true
	}
	return b, true
}

// bundleOf calls v.Bundle, turning a panic into an error: a user's Bundle
// method must not take the cell down with it.
func bundleOf(v Bundler) (b Bundle, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%T.Bundle panicked: %v", v, r)
		}
	}()
	return v.Bundle(), nil
}

// withData returns a copy of b with Data[mime] set, leaving b's map alone
// (it may belong to the value that made it).
func withData(b Bundle, mime string, v any) Bundle {
	data := make(map[string]any, len(b.Data)+1)
	for k, x := range b.Data {
		data[k] = x
	}
	data[mime] = v
	return Bundle{Data: data, Metadata: b.Metadata}
}

// describeImage is the text/plain of an encoded image: its format and size.
func describeImage(format string, b []byte) string {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return fmt.Sprintf("[%s image, %d bytes]", format, len(b))
	}
	return fmt.Sprintf("[%s image %d×%d]", format, cfg.Width, cfg.Height)
}

// htmlToText is a rough plain-text rendering of an HTML fragment: tags
// dropped (with the contents of script and style), entities decoded, blank
// runs collapsed. It is the text/plain that terminals and plain Go programs see.
func htmlToText(s string) string {
	var out strings.Builder
	newline := func() {
		if o := out.String(); o != "" && !strings.HasSuffix(o, "\n") {
			out.WriteByte('\n')
		}
	}
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:i])
		s = s[i:]
		j := strings.IndexByte(s, '>')
		if j < 0 {
			out.WriteString(s)
			break
		}
		closing := strings.HasPrefix(s, "</")
		tag := strings.ToLower(strings.Trim(s[1:j], "/ \t\n"))
		if f := strings.Fields(tag); len(f) > 0 {
			tag = f[0]
		}
		s = s[j+1:]
		switch {
		case !closing && (tag == "script" || tag == "style"):
			end := strings.Index(strings.ToLower(s), "</"+tag)
			if end < 0 {
				s = ""
				continue
			}
			s = s[end:]
			if k := strings.IndexByte(s, '>'); k >= 0 {
				s = s[k+1:]
			} else {
				s = ""
			}
		case tag == "br":
			out.WriteByte('\n')
		case tag == "p" || len(tag) == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6':
			if closing {
				out.WriteString("\n\n")
			} else {
				newline()
			}
		case tag == "div" || tag == "tr" || tag == "li" || tag == "table" || tag == "ul" || tag == "ol":
			newline()
		case (tag == "td" || tag == "th") && closing:
			out.WriteByte('\t')
		}
	}
	lines := strings.Split(html.UnescapeString(out.String()), "\n")
	kept := lines[:0]
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && (len(kept) == 0 || kept[len(kept)-1] == "") {
			continue
		}
		kept = append(kept, l)
	}
	return strings.TrimRight(strings.Join(kept, "\n"), "\n")
}
