package notebook

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md renders markdown cells with goldmark: CommonMark plus GitHub's
// tables, strikethrough and bare-URL autolinks, as Jupyter's own renderer
// (marked, in GFM mode) reads them. Two things are spinlab's own, both
// for the exported page's safety and fidelity:
//
//   - Raw HTML (blocks and inline tags) is shown escaped, as text, not
//     passed through: an exported page must not run what a notebook
//     smuggles into a markdown cell. Outputs in text/html are included
//     as they are; that is where a notebook's HTML belongs.
//   - Link targets keep only http, https, mailto, ftp and relative URLs
//     (others become "#"); images also take data:image/ URIs, which is
//     what "attachment:NAME" sources resolve to.
//
// Math in $...$ and $$...$$ on one line passes through untouched (no
// emphasis inside), for MathJax or KaTeX, as Jupyter leaves it.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(parser.WithInlineParsers(util.Prioritized(mathParser{}, 100))),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(safeRenderer{}, 100))),
)

// mdHeading matches an ATX heading line; the page title is the first
// one's text (Notebook.title).
var mdHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)

// renderMarkdown renders a markdown cell's source as HTML. attachments
// (the cell's, by name and MIME type) resolve "attachment:NAME" images.
func renderMarkdown(src string, attachments map[string]map[string]any) string {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			img.Destination = []byte(imageSource(string(img.Destination), attachments))
		}
		return ast.WalkContinue, nil
	})
	var b bytes.Buffer
	if err := md.Renderer().Render(&b, source, doc); err != nil {
		// Rendering writes to memory; an error here is a bug in a
		// node renderer, and the cell still deserves to be seen.
		return "<pre>" + html.EscapeString(src) + "</pre>\n"
	}
	return b.String()
}

// safeRenderer replaces goldmark's renderers of raw HTML, links and
// images with the escaping and URL rules above.
type safeRenderer struct{}

func (safeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindAutoLink, renderAutoLink)
	reg.Register(ast.KindImage, renderImage)
	reg.Register(kindMath, renderMath)
}

// renderHTMLBlock shows an HTML block as a paragraph of its source text.
func renderHTMLBlock(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	var raw bytes.Buffer
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		raw.Write(seg.Value(source))
	}
	if b := n.(*ast.HTMLBlock); b.HasClosure() {
		raw.Write(b.ClosureLine.Value(source))
	}
	w.WriteString("<p>" + html.EscapeString(strings.TrimRight(raw.String(), "\n")) + "</p>\n")
	return ast.WalkSkipChildren, nil
}

// renderRawHTML shows an inline tag as its source text.
func renderRawHTML(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	segs := n.(*ast.RawHTML).Segments
	for i := range segs.Len() {
		seg := segs.At(i)
		w.WriteString(html.EscapeString(string(seg.Value(source))))
	}
	return ast.WalkSkipChildren, nil
}

func renderLink(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	l := n.(*ast.Link)
	if !entering {
		w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	w.WriteString(`<a href="` + html.EscapeString(safeURL(string(l.Destination))) + `"`)
	if len(l.Title) > 0 {
		w.WriteString(` title="` + html.EscapeString(string(l.Title)) + `"`)
	}
	w.WriteString(">")
	return ast.WalkContinue, nil
}

func renderAutoLink(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	l := n.(*ast.AutoLink)
	u, label := string(l.URL(source)), string(l.Label(source))
	if l.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
		u = "mailto:" + u
	}
	w.WriteString(`<a href="` + html.EscapeString(safeURL(u)) + `">` + html.EscapeString(label) + "</a>")
	return ast.WalkSkipChildren, nil
}

// renderImage writes an image with its alt text; the source was resolved
// (and made safe) by imageSource before rendering.
func renderImage(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	img := n.(*ast.Image)
	w.WriteString(`<img src="` + html.EscapeString(string(img.Destination)) + `" alt="` + html.EscapeString(plainText(img, source)) + `"`)
	if len(img.Title) > 0 {
		w.WriteString(` title="` + html.EscapeString(string(img.Title)) + `"`)
	}
	w.WriteString(">")
	return ast.WalkSkipChildren, nil
}

// plainText is the text of n's descendants, without markup: an image's
// alt text.
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(source))
		case *ast.String:
			b.Write(c.Value)
		default:
			b.WriteString(plainText(c, source))
		}
	}
	return b.String()
}

// safeURL keeps a link from running script in the exported page.
func safeURL(u string) string {
	scheme, _, found := strings.Cut(strings.ToLower(strings.TrimSpace(u)), ":")
	if found && !strings.ContainsAny(scheme, "/?#") {
		switch scheme {
		case "http", "https", "mailto", "ftp":
		default:
			return "#"
		}
	}
	return u
}

// imageSource resolves an image's source: an attachment becomes a data:
// URI; other sources are kept if safe.
func imageSource(src string, attachments map[string]map[string]any) string {
	if name, ok := strings.CutPrefix(src, "attachment:"); ok {
		for mime, v := range attachments[name] {
			if s, ok := v.(string); ok && strings.HasPrefix(mime, "image/") {
				if mime == "image/svg+xml" {
					return dataURI(mime, []byte(s))
				}
				return "data:" + mime + ";base64," + compactBase64(s)
			}
		}
		return ""
	}
	if strings.HasPrefix(strings.ToLower(src), "data:image/") {
		return src
	}
	return safeURL(src)
}
