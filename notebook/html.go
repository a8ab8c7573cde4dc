package notebook

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/spinlab/spinlab/display"
)

// mimeOrder is the order in which an output's representations are
// preferred in an HTML page: HTML first (tables), then images, raster
// before SVG (a plot bundle carries both, and the PNG is the one whose
// size metadata is set for HiDPI screens), then Markdown, JSON, text.
var mimeOrder = []string{
	"text/html",
	"image/png",
	"image/jpeg",
	"image/gif",
	"image/svg+xml",
	"text/markdown",
	"application/json",
	"text/latex",
	"text/plain",
}

// WriteHTML writes nb as a self-contained HTML page: markdown cells
// rendered, code cells with their In [n] prompts and outputs, images
// inline as data: URIs, text escaped and stripped of ANSI color codes.
// title is the page's title; with "" it is the notebook's first heading.
//
// Outputs in text/html are included as they are, as Jupyter shows them;
// HTML inside markdown cells is escaped (see the renderer's notes).
func (nb *Notebook) WriteHTML(w io.Writer, title string) error {
	if title == "" {
		title = nb.title()
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, htmlHead, html.EscapeString(title), pageCSS)
	for _, c := range nb.Cells {
		switch c.Type {
		case Markdown:
			fmt.Fprintf(bw, "<div class=\"cell markdown\">\n%s</div>\n", renderMarkdown(c.Source, c.Attachments))
		case Raw:
			// Like nbconvert: a raw cell is for one output format.
			if f, _ := c.Metadata["raw_mimetype"].(string); f == "text/html" {
				fmt.Fprintf(bw, "<div class=\"cell raw\">\n%s\n</div>\n", c.Source)
			}
		case Code:
			writeCode(bw, c)
		}
	}
	bw.WriteString("</main>\n</body>\n</html>\n")
	return bw.Flush()
}

func (nb *Notebook) title() string {
	for _, c := range nb.Cells {
		if c.Type != Markdown {
			continue
		}
		for _, l := range strings.Split(c.Source, "\n") {
			if g := mdHeading.FindStringSubmatch(l); g != nil && g[2] != "" {
				return strings.Trim(g[2], "*_`")
			}
		}
	}
	if t, ok := nb.Metadata["title"].(string); ok && t != "" {
		return t
	}
	return "Notebook"
}

func prompt(kind string, n int) string {
	if n == 0 {
		return kind + " [ ]:"
	}
	return fmt.Sprintf("%s [%d]:", kind, n)
}

func writeCode(w *bufio.Writer, c *Cell) {
	fmt.Fprintf(w, "<div class=\"cell code\">\n<div class=\"input\"><div class=\"prompt\">%s</div>"+
		"<pre class=\"source\"><code class=\"language-go\">%s</code></pre></div>\n",
		html.EscapeString(prompt("In", c.ExecutionCount)), html.EscapeString(c.Source))
	if len(c.Outputs) == 0 {
		w.WriteString("</div>\n")
		return
	}
	w.WriteString("<div class=\"outputs\">\n")
	for _, o := range c.Outputs {
		p := ""
		if o.Type == ExecuteResult {
			p = prompt("Out", o.ExecutionCount)
		}
		fmt.Fprintf(w, "<div class=\"output %s\"><div class=\"prompt\">%s</div><div class=\"content\">%s</div></div>\n",
			o.Type, html.EscapeString(p), renderOutput(o))
	}
	w.WriteString("</div>\n</div>\n")
}

func renderOutput(o Output) string {
	switch o.Type {
	case Stream:
		return fmt.Sprintf("<pre class=\"stream %s\">%s</pre>", html.EscapeString(o.Name), html.EscapeString(StripANSI(o.Text)))
	case ErrorOutput:
		return "<pre class=\"error\">" + html.EscapeString(errorText(o)) + "</pre>"
	case DisplayData, ExecuteResult:
		return renderBundle(o.Bundle)
	}
	return ""
}

// errorText is an error output as a reader wants it: the traceback, which
// Jupyter kernels make to include the error itself, or the error alone.
func errorText(o Output) string {
	head := o.EName + ": " + o.EValue
	tb := StripANSI(strings.Join(o.Traceback, "\n"))
	switch {
	case tb == "":
		return head
	case strings.Contains(tb, o.EValue):
		return tb
	default:
		return head + "\n" + tb
	}
}

func renderBundle(b display.Bundle) string {
	for _, mime := range mimeOrder {
		v, ok := b.Data[mime]
		if !ok {
			continue
		}
		s, _ := v.(string)
		switch mime {
		case "text/html":
			return "<div class=\"html\">" + s + "</div>"
		case "image/png", "image/jpeg", "image/gif":
			return "<img src=\"data:" + mime + ";base64," + compactBase64(s) + "\"" + imageSize(b.Metadata, mime) + " alt=\"\">"
		case "image/svg+xml":
			return "<img src=\"" + dataURI(mime, []byte(s)) + "\"" + imageSize(b.Metadata, mime) + " alt=\"\">"
		case "text/markdown":
			return "<div class=\"markdown\">" + renderMarkdown(s, nil) + "</div>"
		case "application/json":
			js, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				continue
			}
			return "<pre class=\"json\">" + html.EscapeString(string(js)) + "</pre>"
		default:
			return "<pre>" + html.EscapeString(StripANSI(s)) + "</pre>"
		}
	}
	return ""
}

// imageSize returns width and height attributes from an image's output
// metadata ({"image/png": {"width": 640, "height": 400}}), which ask for
// the logical size of a HiDPI image.
func imageSize(meta map[string]any, mime string) string {
	m, _ := meta[mime].(map[string]any)
	var sb strings.Builder
	for _, k := range []string{"width", "height"} {
		switch v := m[k].(type) {
		case json.Number:
			fmt.Fprintf(&sb, ` %s="%s"`, k, html.EscapeString(v.String()))
		case float64, int:
			fmt.Fprintf(&sb, ` %s="%v"`, k, v)
		}
	}
	return sb.String()
}

func dataURI(mime string, b []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b)
}

// compactBase64 drops the line breaks that some writers put in base64 data.
func compactBase64(s string) string {
	if !strings.ContainsAny(s, "\r\n \t") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

var ansiEscape = regexp.MustCompile(`\x1b(?:\[[0-9;:?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])`)

// StripANSI removes ANSI escape sequences (colors, cursor movement) from s.
func StripANSI(s string) string {
	if !strings.Contains(s, "\x1b") {
		return s
	}
	return ansiEscape.ReplaceAllString(s, "")
}

const htmlHead = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="spinlab">
<title>%s</title>
<style>%s</style>
</head>
<body>
<main class="notebook">
`

const pageCSS = `
:root { --fg: #1f2328; --muted: #6e7781; --border: #d0d7de; --code-bg: #f6f8fa; --err-bg: #fff5f5; --err: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 16px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
main.notebook { max-width: 1000px; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
.cell { margin: 0 0 1.1rem; }
.cell.markdown, .cell.raw { padding-left: 6.5rem; }
.input, .output { display: flex; align-items: flex-start; }
.prompt { flex: 0 0 6.5rem; padding: .55rem .6rem 0 0; text-align: right; color: var(--muted);
  font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: nowrap; }
.input .prompt { color: #0550ae; }
.output.execute_result .prompt { color: #b35900; }
.input pre.source { flex: 1; min-width: 0; margin: 0; padding: .55rem .8rem; background: var(--code-bg);
  border: 1px solid var(--border); border-radius: 6px; }
.content { flex: 1; min-width: 0; padding: .35rem 0; overflow-x: auto; }
pre, code { font: 13.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; tab-size: 4; }
pre { margin: 0; white-space: pre-wrap; word-wrap: break-word; }
.content pre { padding: .2rem .8rem; }
pre.stream.stderr { background: #fff8e6; }
pre.error { background: var(--err-bg); color: var(--err); border-left: 3px solid var(--err); padding: .5rem .8rem; }
.content img { max-width: 100%; height: auto; display: block; }
.markdown h1, .markdown h2, .markdown h3 { line-height: 1.25; margin: 1.4rem 0 .6rem; }
.markdown h1 { font-size: 2rem; border-bottom: 1px solid var(--border); padding-bottom: .3rem; }
.markdown h2 { font-size: 1.5rem; border-bottom: 1px solid var(--border); padding-bottom: .25rem; }
.markdown p, .markdown ul, .markdown ol, .markdown blockquote, .markdown table { margin: 0 0 .8rem; }
.markdown code { background: var(--code-bg); padding: .1em .35em; border-radius: 4px; font-size: 85%; }
.markdown pre { background: var(--code-bg); padding: .7rem .9rem; border-radius: 6px; overflow-x: auto; }
.markdown pre code { background: none; padding: 0; font-size: 13.5px; }
.markdown blockquote { color: var(--muted); border-left: 4px solid var(--border); margin-left: 0; padding: 0 1rem; }
.markdown img { max-width: 100%; }
table { border-collapse: collapse; font-size: 14px; }
th, td { border: 1px solid var(--border); padding: .3rem .65rem; text-align: left; }
th { background: var(--code-bg); }
a { color: #0969da; }
@media (max-width: 700px) {
  .cell.markdown, .cell.raw { padding-left: 0; }
  .input, .output { display: block; }
  .prompt { text-align: left; padding: 0 0 .2rem; }
}
`
