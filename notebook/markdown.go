package notebook

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown cells are rendered by goldmark as JupyterLab renders them:
// CommonMark with GitHub's extensions (tables, strikethrough, autolinks,
// task lists), and TeX between $…$ and $$…$$ kept verbatim for MathJax.
//
// Raw HTML differs. JupyterLab shows a markdown cell's HTML through a
// sanitiser; an exported page is a file opened anywhere, with no content
// security policy, and an allowlist sanitiser (bluemonday, with its HTML
// and CSS parsers) costs about 1 MB of package initialisation in every
// spinlab process, the kernel's included, since they are one binary. So
// raw HTML is shown as text, except the tags that carry no attributes and
// only format text (<br>, <sub>, <sup>, <b>, <i>, <kbd>, …), which pass:
// with no attribute, they can neither run script nor load anything.
// Links and images to javascript:, vbscript:, file: and data: URLs other
// than images lose their target (goldmark's check); SVG images pass as
// data: URIs, since a browser runs no script in an <img>.
//
// The markdown of text/markdown outputs is rendered the same way.

// markdownRenderer parses and renders Markdown. It is built on first use
// (goldmark.New builds parsers and tables), and is then safe for
// concurrent use.
var markdownRenderer = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM, mathExtension{}, rawHTMLExtension{}),
		goldmark.WithRendererOptions(extension.WithTableCellAlignMethod(extension.TableCellAlignStyle)),
	)
})

// renderMarkdown renders src as HTML. attachments (a cell's
// "attachments") resolves the sources of images written as
// "attachment:NAME".
func renderMarkdown(src string, attachments map[string]map[string]any) string {
	md := markdownRenderer()
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	resolveAttachments(doc, attachments)
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		// Rendering writes to memory, and fails on no input; show the text.
		return "<pre>" + html.EscapeString(src) + "</pre>\n"
	}
	return buf.String()
}

// resolveAttachments points the images of doc that name an attachment at
// a data: URI of it (or at nothing, when it is missing).
func resolveAttachments(doc ast.Node, attachments map[string]map[string]any) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			if name, ok := strings.CutPrefix(string(img.Destination), "attachment:"); ok {
				img.Destination = []byte(attachmentURI(attachments[name]))
			}
		}
		return ast.WalkContinue, nil
	})
}

// attachmentURI is a data: URI of an attachment's image, or "".
func attachmentURI(bundle map[string]any) string {
	for mime, v := range bundle {
		if s, ok := v.(string); ok && strings.HasPrefix(mime, "image/") {
			if mime == "image/svg+xml" {
				return dataURI(mime, []byte(s))
			}
			return "data:" + mime + ";base64," + compactBase64(s)
		}
	}
	return ""
}

// markdownTitle is the text of src's first heading, or "".
func markdownTitle(src string) string {
	source := []byte(src)
	doc := markdownRenderer().Parser().Parse(text.NewReader(source))
	var title string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			title = strings.TrimSpace(plainText(h, source))
			if title != "" {
				return ast.WalkStop, nil
			}
		}
		return ast.WalkContinue, nil
	})
	return title
}

// plainText is the text of n's inlines without their markup.
func plainText(n ast.Node, source []byte) string {
	var sb strings.Builder
	ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			sb.Write(n.Segment.Value(source))
			if n.SoftLineBreak() || n.HardLineBreak() {
				sb.WriteByte(' ')
			}
		case *ast.String:
			sb.Write(n.Value)
		case *mathNode:
			sb.WriteString(n.delimiter + string(n.value(source)) + n.delimiter)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return sb.String()
}

// mathExtension keeps TeX for MathJax: the text between $ and $ (inline)
// or $$ and $$ (display, which may span lines) is neither parsed as
// Markdown, where its _ and * would become emphasis, nor changed except
// for HTML escaping. A \$ is a dollar sign. As in Jupyter, a $ pairs with
// the next $ whatever is around it. In a table cell, \| is a | that does
// not end the cell, as GFM has it for code spans.
type mathExtension struct{}

func (mathExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(mathParser{}, 150)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(mathRenderer{}, 150)))
}

var kindMath = ast.NewNodeKind("Math")

// mathNode is TeX with its delimiters; its children are the raw text
// segments of its lines.
type mathNode struct {
	ast.BaseInline
	delimiter string // "$" or "$$"
	inTable   bool   // in a table cell, where \| stands for |
}

func (n *mathNode) Kind() ast.NodeKind { return kindMath }

func (n *mathNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Delimiter": n.delimiter}, nil)
}

func (n *mathNode) value(source []byte) []byte {
	var b []byte
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		b = append(b, c.(*ast.Text).Segment.Value(source)...)
	}
	if n.inTable {
		b = bytes.ReplaceAll(b, []byte(`\|`), []byte("|"))
	}
	return b
}

type mathParser struct{}

func (mathParser) Trigger() []byte { return []byte{'$'} }

// Parse reads $…$ or $$…$$ from the reader, across lines, and leaves the
// reader where it was when there is no closing delimiter.
func (mathParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	open := 1
	if len(line) > 1 && line[1] == '$' {
		open = 2
	}
	l, pos := block.Position()
	block.Advance(open)
	node := &mathNode{delimiter: strings.Repeat("$", open), inTable: parent.Kind() == extast.KindTableCell}
	for {
		line, seg := block.PeekLine()
		if line == nil {
			block.SetPosition(l, pos)
			return nil
		}
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++ // \$ inside TeX is a dollar sign, not a delimiter
			case '$':
				n := 1
				if i+1 < len(line) && line[i+1] == '$' {
					n = 2
				}
				if n != open {
					i += n - 1
					continue
				}
				if i > 0 {
					node.AppendChild(node, ast.NewRawTextSegment(seg.WithStop(seg.Start+i)))
				}
				block.Advance(i + n)
				if !node.HasChildren() {
					// "$$" alone is no math: keep it as text.
					block.SetPosition(l, pos)
					return nil
				}
				return node
			}
		}
		node.AppendChild(node, ast.NewRawTextSegment(seg))
		block.AdvanceLine()
	}
}

type mathRenderer struct{}

func (mathRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMath, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			m := n.(*mathNode)
			w.WriteString(m.delimiter)
			w.WriteString(html.EscapeString(string(m.value(source))))
			w.WriteString(m.delimiter)
		}
		return ast.WalkSkipChildren, nil
	})
}

// rawHTMLExtension renders raw HTML as text, but for the tags of
// formattingTag (see the notes at the top).
type rawHTMLExtension struct{}

func (rawHTMLExtension) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(rawHTMLRenderer{}, 100)))
}

// formattingTag matches one opening or closing tag without attributes of
// an element that only formats text.
var formattingTag = regexp.MustCompile(`^</?(?i:b|i|em|strong|u|s|del|ins|mark|small|sub|sup|kbd|code|var|samp|br|wbr)\s*/?>$`)

type rawHTMLRenderer struct{}

func (rawHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	// goldmark's own image renderer, safe and unsafe, to let SVG data: URIs
	// through, which its safe one drops.
	var images [2]renderer.NodeRendererFunc
	for i, r := range []renderer.NodeRenderer{gmhtml.NewRenderer(), gmhtml.NewRenderer(gmhtml.WithUnsafe())} {
		r.RegisterFuncs(registerFunc(func(k ast.NodeKind, f renderer.NodeRendererFunc) {
			if k == ast.KindImage {
				images[i] = f
			}
		}))
	}
	reg.Register(ast.KindImage, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if bytes.HasPrefix(n.(*ast.Image).Destination, []byte("data:image/svg+xml;")) {
			return images[1](w, source, n, entering)
		}
		return images[0](w, source, n, entering)
	})
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			var tag []byte
			for _, seg := range n.(*ast.RawHTML).Segments.Sliced(0, n.(*ast.RawHTML).Segments.Len()) {
				tag = append(tag, seg.Value(source)...)
			}
			if formattingTag.Match(tag) {
				w.Write(tag)
			} else {
				w.WriteString(html.EscapeString(string(tag)))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			b := n.(*ast.HTMLBlock)
			var sb strings.Builder
			for _, seg := range b.Lines().Sliced(0, b.Lines().Len()) {
				sb.Write(seg.Value(source))
			}
			if b.HasClosure() {
				sb.Write(b.ClosureLine.Value(source))
			}
			w.WriteString("<p>" + html.EscapeString(strings.TrimRight(sb.String(), "\n")) + "</p>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

// registerFunc is a NodeRendererFuncRegisterer made of a function.
type registerFunc func(ast.NodeKind, renderer.NodeRendererFunc)

func (f registerFunc) Register(k ast.NodeKind, r renderer.NodeRendererFunc) { f(k, r) }
