package notebook

import (
	"html"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// kindMath is a span of TeX math, $...$ or $$...$$, within one line.
var kindMath = ast.NewNodeKind("Math")

// mathSpan keeps math out of Markdown's hands: "$a*b*c$" must reach
// MathJax or KaTeX as written, not with <em> inside it.
type mathSpan struct {
	ast.BaseInline
	Segment text.Segment // the span, delimiters included
}

func (n *mathSpan) Kind() ast.NodeKind { return kindMath }

func (n *mathSpan) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// mathParser finds math spans by the rules pandoc and Jupyter use for
// single dollars: the opener is not followed by a space, the closer not
// preceded by one nor followed by a digit, so that "costs $5 and $10"
// stays text. A backslash escapes a dollar inside.
type mathParser struct{}

func (mathParser) Trigger() []byte { return []byte{'$'} }

func (mathParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	delim := 1
	if len(line) > 1 && line[1] == '$' {
		delim = 2
	}
	body := line[delim:]
	if len(body) == 0 || isSpace(body[0]) {
		return nil
	}
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '\n':
			return nil
		case '$':
			if delim == 2 {
				if i+1 >= len(body) || body[i+1] != '$' {
					continue
				}
			} else if isSpace(body[i-1]) || i+1 < len(body) && body[i+1] >= '0' && body[i+1] <= '9' {
				continue
			}
			n := delim + i + delim
			block.Advance(n)
			return &mathSpan{Segment: text.NewSegment(seg.Start, seg.Start+n)}
		}
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func renderMath(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(html.EscapeString(string(n.(*mathSpan).Segment.Value(source))))
	}
	return ast.WalkSkipChildren, nil
}
