package notebook

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
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

// Markdown cells are rendered as JupyterLab renders them: CommonMark with
// GitHub's extensions (tables, strikethrough, autolinks, task lists), TeX
// between $…$ and $$…$$ kept verbatim for MathJax, and raw HTML passed
// through and then sanitised. goldmark parses and renders; bluemonday's
// user-content policy, the allowlist that sanitises the HTML of forum
// posts and comments, removes what could run in the exported page
// (script, event handlers, javascript: URLs, forms, frames) and keeps
// what notebooks use for layout (<br>, <sub>, <details>, <img>, tables).
//
// The markdown of text/markdown outputs is rendered the same way.

// markdownRenderer parses and renders Markdown; it is safe for concurrent use.
var markdownRenderer = goldmark.New(
	goldmark.WithExtensions(extension.GFM, mathExtension{}),
	goldmark.WithRendererOptions(
		gmhtml.WithUnsafe(), // raw HTML goes on to the sanitiser, not into a placeholder comment
		extension.WithTableCellAlignMethod(extension.TableCellAlignStyle),
	),
)

// markdownPolicy is the sanitiser of rendered Markdown; it is safe for
// concurrent use once built.
var markdownPolicy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowDataURIImages() // attachments are inlined as data: URIs
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+#.-]+$`)).OnElements("code")
	p.AllowStyles("text-align").MatchingEnum("left", "right", "center").OnElements("th", "td")
	p.AllowAttrs("type", "checked", "disabled").OnElements("input") // GFM task lists
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	return p
}()

// renderMarkdown renders src as sanitised HTML. attachments (a cell's
// "attachments") resolves the sources of images written as
// "attachment:NAME".
func renderMarkdown(src string, attachments map[string]map[string]any) string {
	source := []byte(src)
	doc := markdownRenderer.Parser().Parse(text.NewReader(source))
	resolveAttachments(doc, attachments)
	var buf bytes.Buffer
	if err := markdownRenderer.Renderer().Render(&buf, source, doc); err != nil {
		// Rendering writes to memory and fails on no input; show the text.
		return "<pre>" + html.EscapeString(src) + "</pre>\n"
	}
	return markdownPolicy.Sanitize(buf.String())
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
	doc := markdownRenderer.Parser().Parse(text.NewReader(source))
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
