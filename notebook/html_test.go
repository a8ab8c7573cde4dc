package notebook

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/display"
)

func exportHTML(t *testing.T, nb *Notebook, title string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := nb.WriteHTML(&buf, title); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestWriteHTML(t *testing.T) {
	nb := readTestdata(t, "analysis.ipynb")
	page := exportHTML(t, nb, "")
	png := nb.Cells[3].Outputs[0].Data["image/png"].(string)
	for _, want := range []string{
		"<!DOCTYPE html>",
		"<title>Scaling a parallel sum</title>",
		"<h1>Scaling a parallel sum</h1>",
		"We compare <em>goroutines</em> with <strong>threads</strong>, using <code>runtimes.Go</code>.",
		"<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
		`<img src="data:image/png;base64,` + png + `" alt="chart">`, // the markdown attachment
		`<img src="data:image/png;base64,` + png + `" width="640" height="400" alt="">`,
		`<div class="prompt">In [2]:</div>`,
		`<div class="prompt">Out [2]:</div>`,
		`<div class="prompt">In [ ]:</div>`,
		"fmt.Println(&#34;sum =&#34;, sum)",
		"<pre class=\"stream stdout\">sum = 499500\nworkers = 4\n</pre>",
		"<pre class=\"stream stderr\">warning: 1 CPU\n</pre>",
		"<td>1 < 2</td>", // text/html output is included as is
		"panic: runtime error: index out of range [5] with length 3\n\ngoroutine 1 [running]:",
		`&#34;big&#34;: 12345678901234567890`,
		"<p>raw html</p>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "\x1b") {
		t.Error("ANSI escape left in the page")
	}
	if strings.Contains(page, "image/svg+xml") {
		t.Error("SVG shown although a PNG is preferred")
	}
}

func TestWriteHTMLEscapes(t *testing.T) {
	nb := notebookOf("md:Some <script>alert(1)</script> & [x](javascript:alert(2))", `fmt.Println("<b>")`)
	nb.Cells[1].ExecutionCount = 7
	nb.Cells[1].Outputs = []Output{
		{Type: Stream, Name: "stdout", Text: "<b> & \x1b[1;31mred\x1b[0m\n"},
		{Type: ExecuteResult, ExecutionCount: 7, Bundle: display.Bundle{Data: map[string]any{"text/plain": "a < b"}}},
		{Type: ErrorOutput, EName: "panic", EValue: "<nil> map", Traceback: nil},
		{Type: DisplayData, Bundle: display.Bundle{Data: map[string]any{"image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg"/>`, "text/plain": "svg"}}},
	}
	page := exportHTML(t, nb, "A <title>")
	for _, want := range []string{
		"<title>A &lt;title&gt;</title>",
		"<p>Some  &amp; x</p>", // the script and the javascript: link are dropped, their text kept
		"fmt.Println(&#34;&lt;b&gt;&#34;)",
		"<pre class=\"stream stdout\">&lt;b&gt; &amp; red\n</pre>",
		"<pre>a &lt; b</pre>",
		"<pre class=\"error\">panic: &lt;nil&gt; map</pre>",
		`<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=" alt="">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "javascript:") {
		t.Error("script got through")
	}
}

// The page must be well-formed enough for an XML tokenizer once the
// doctype and the void elements are accounted for; this catches unclosed
// and misnested tags in the template.
func TestWriteHTMLBalanced(t *testing.T) {
	nb := readTestdata(t, "analysis.ipynb")
	nb.Cells[2].Outputs[2].Data["text/html"] = "<table><tr><td>1 &lt; 2</td></tr></table>" // the fixture's is sloppy on purpose
	page := exportHTML(t, nb, "")
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("page does not tokenize: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Name.Local {
				t.Fatalf("</%s> closes %v", tok.Name.Local, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		t.Errorf("unclosed elements: %v", stack)
	}
	if os.Getenv("NOTEBOOK_HTML_OUT") != "" {
		os.WriteFile(os.Getenv("NOTEBOOK_HTML_OUT"), []byte(page), 0o644)
	}
}

// TestMarkdown checks what notebooks use of CommonMark and GFM.
func TestMarkdown(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"headings", "# H1\n## H2 ##", "<h1>H1</h1>\n<h2>H2</h2>\n"},
		{"paragraphs", "para one\nstill one\n\npara two", "<p>para one\nstill one</p>\n<p>para two</p>\n"},
		{"emphasis", "*em* **strong** _u_ snake_case_name ~~gone~~", "<p><em>em</em> <strong>strong</strong> <em>u</em> snake_case_name <del>gone</del></p>\n"},
		{"code spans", "`a*b*` and ``x ` y``", "<p><code>a*b*</code> and <code>x ` y</code></p>\n"},
		{"links", `[go](https://go.dev "Go") <https://x.org> www.go.dev`,
			`<p><a href="https://go.dev" title="Go" rel="nofollow">go</a> <a href="https://x.org" rel="nofollow">https://x.org</a> <a href="http://www.go.dev" rel="nofollow">www.go.dev</a></p>` + "\n"},
		{"image", "![alt](img.png)", "<p><img src=\"img.png\" alt=\"alt\"></p>\n"},
		{"nested list", "- a\n- b\n  - c\n- d", "<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n<li>d</li>\n</ul>\n"},
		{"ordered list", "3. x\n4. y", "<ol start=\"3\">\n<li>x</li>\n<li>y</li>\n</ol>\n"},
		{"task list", "- [x] done\n- [ ] todo", "<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</li>\n<li><input disabled=\"\" type=\"checkbox\"> todo</li>\n</ul>\n"},
		{"fenced code", "```go\nx := 1 < 2 // *not* _em_\n```", "<pre><code class=\"language-go\">x := 1 &lt; 2 // *not* _em_\n</code></pre>\n"},
		{"indented code", "    indented\n    code", "<pre><code>indented\ncode\n</code></pre>\n"},
		{"quote", "> quoted\n> text", "<blockquote>\n<p>quoted\ntext</p>\n</blockquote>\n"},
		{"rule", "---", "<hr>\n"},
		{"table", "| a | b | c |\n|---|--:|:-:|\n| 1 | 2 | `\\|` |",
			"<table>\n<thead>\n<tr>\n<th>a</th>\n<th style=\"text-align: right\">b</th>\n<th style=\"text-align: center\">c</th>\n</tr>\n</thead>\n" +
				"<tbody>\n<tr>\n<td>1</td>\n<td style=\"text-align: right\">2</td>\n<td style=\"text-align: center\"><code>|</code></td>\n</tr>\n</tbody>\n</table>\n"},
		{"hard breaks", "line one  \nline two\\\nthree", "<p>line one<br>\nline two<br>\nthree</p>\n"},
		{"escapes", `\*not em\*`, "<p>*not em*</p>\n"},
		{"lone stars", "2 * 3 * 4", "<p>2 * 3 * 4</p>\n"},
		{"heading ends paragraph", "text\n# heading", "<p>text</p>\n<h1>heading</h1>\n"},
		{"across lines", "the advice is *processes for\nCPU-bound work*", "<p>the advice is <em>processes for\nCPU-bound work</em></p>\n"},
	}
	for _, tt := range tests {
		if got := renderMarkdown(tt.in, nil); got != tt.want {
			t.Errorf("%s: markdown(%q) =\n%q\nwant\n%q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestMarkdownMath checks that TeX reaches MathJax as written: its _ and *
// are not emphasis, its \\ and \{ are not Markdown escapes, and only < > &
// are escaped, as HTML requires.
func TestMarkdownMath(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"inline", `$a_1 * b_2 * c$ and $x_i$`, "<p>$a_1 * b_2 * c$ and $x_i$</p>\n"},
		{"escapes kept", `$\{x\}_{i} \\ y^*$`, "<p>$\\{x\\}_{i} \\\\ y^*$</p>\n"},
		{"html escaped", "$a<b>c$", "<p>$a&lt;b&gt;c$</p>\n"},
		{"display", "$$\n\\sum_{i=1}^n x_i^2 < *y*_j\n$$", "<p>$$\n\\sum_{i=1}^n x_i^2 &lt; *y*_j\n$$</p>\n"},
		{"display inline", "so $$a_b$$ and $c_d$", "<p>so $$a_b$$ and $c_d$</p>\n"},
		{"escaped dollar", `\$5 and _x_`, "<p>$5 and <em>x</em></p>\n"},
		{"unpaired", "costs $5 *really*", "<p>costs $5 <em>really</em></p>\n"},
		{"in code", "`$x_1$`", "<p><code>$x_1$</code></p>\n"},
		// As GFM does for code spans, \| in a table cell is a | that does
		// not end the cell.
		{"in table", "| f |\n|---|\n| $a_1 \\| b_2$ |", "<table>\n<thead>\n<tr>\n<th>f</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>$a_1 | b_2$</td>\n</tr>\n</tbody>\n</table>\n"},
	}
	for _, tt := range tests {
		if got := renderMarkdown(tt.in, nil); got != tt.want {
			t.Errorf("%s: markdown(%q) =\n%q\nwant\n%q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestMarkdownHTML checks raw HTML in markdown: passed through as Jupyter
// shows it, minus anything that could run in the exported page.
func TestMarkdownHTML(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"inline tags", "H<sub>2</sub>O<br>line <b>bold</b>", "<p>H<sub>2</sub>O<br>line <b>bold</b></p>\n"},
		{"block with markdown", "<details><summary>More</summary>\n\nhidden *md*\n\n</details>",
			"<details><summary>More</summary>\n<p>hidden <em>md</em></p>\n</details>"},
		{"script", "a <script>alert(1)</script> b", "<p>a  b</p>\n"},
		{"script block", "<script>\nalert(1)\n</script>", ""},
		{"event handler", `<img src="x.png" onerror="alert(1)">`, `<img src="x.png">`},
		{"javascript link", "[x](javascript:alert(2)) <a href=\"javascript:alert(3)\">y</a>", "<p>x y</p>\n"},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, ""},
		{"style", `<p style="position:fixed">p</p>`, "<p>p</p>"},
	}
	for _, tt := range tests {
		if got := renderMarkdown(tt.in, nil); got != tt.want {
			t.Errorf("%s: markdown(%q) =\n%q\nwant\n%q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestMarkdownAttachments(t *testing.T) {
	att := map[string]map[string]any{
		"a.png": {"image/png": "iVBO\nRw0K"},
		"b.svg": {"image/svg+xml": "<svg/>"},
	}
	got := renderMarkdown("![a](attachment:a.png) ![b](attachment:b.svg) ![c](attachment:missing.png)", att)
	want := `<p><img src="data:image/png;base64,iVBORw0K" alt="a"> <img src="data:image/svg+xml;base64,PHN2Zy8+" alt="b"> <img alt="c"></p>` + "\n"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestNotebookTitle(t *testing.T) {
	tests := []struct{ md, want string }{
		{"intro\n\n## The *first* `heading`\n# second", "The first heading"},
		{"Setext title\n============", "Setext title"},
		{"```\n# not a heading\n```\n# Real", "Real"},
		{"#\n# Named", "Named"},
		{"no heading", "Notebook"},
	}
	for _, tt := range tests {
		nb := notebookOf("md:" + tt.md)
		if got := nb.title(); got != tt.want {
			t.Errorf("title of %q = %q, want %q", tt.md, got, tt.want)
		}
	}
}

func TestStripANSI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"\x1b[1;38;5;208mbold\x1b[39;49m!", "bold!"},
		{"\x1b]8;;http://x\x07link\x1b]8;;\x07", "link"},
		{"\x1b[2K\x1b[1Gprogress", "progress"},
	}
	for _, tt := range tests {
		if got := StripANSI(tt.in); got != tt.want {
			t.Errorf("StripANSI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
