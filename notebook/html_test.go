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
		"Some &lt;script&gt;alert(1)&lt;/script&gt; &amp; <a href=\"#\">x</a>",
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

func TestMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# H1\n## H2 ##", "<h1>H1</h1>\n<h2>H2</h2>\n"},
		{"para one\nstill one\n\npara two", "<p>para one\nstill one</p>\n<p>para two</p>\n"},
		{"*em* **strong** ***both*** _u_ snake_case_name", "<p><em>em</em> <strong>strong</strong> <strong><em>both</em></strong> <em>u</em> snake_case_name</p>\n"},
		{"`a*b*` and ``x ` y``", "<p><code>a*b*</code> and <code>x ` y</code></p>\n"},
		{"[go](https://go.dev \"Go\") <https://x.org>", "<p><a href=\"https://go.dev\" title=\"Go\">go</a> <a href=\"https://x.org\">https://x.org</a></p>\n"},
		{"![alt](img.png)", "<p><img src=\"img.png\" alt=\"alt\"></p>\n"},
		{"- a\n- b\n  - c\n- d", "<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>c</li>\n</ul></li>\n<li>d</li>\n</ul>\n"},
		{"3. x\n4. y", "<ol start=\"3\">\n<li>x</li>\n<li>y</li>\n</ol>\n"},
		{"- a\n\n- b", "<ul>\n<li><p>a</p>\n</li>\n<li><p>b</p>\n</li>\n</ul>\n"},
		{"```go\nx := 1 < 2\n```", "<pre><code class=\"language-go\">x := 1 &lt; 2</code></pre>\n"},
		{"    indented\n    code", "<pre><code>indented\ncode</code></pre>\n"},
		{"> quoted\n> text", "<blockquote>\n<p>quoted\ntext</p>\n</blockquote>\n"},
		{"---", "<hr>\n"},
		{"| a | b |\n|---|--:|\n| 1 | 2 |", "<table>\n<thead>\n<tr><th>a</th><th style=\"text-align:right\">b</th></tr>\n</thead>\n<tbody>\n<tr><td>1</td><td style=\"text-align:right\">2</td></tr>\n</tbody>\n</table>\n"},
		{"line one  \nline two\\\nthree", "<p>line one<br>\nline two<br>\nthree</p>\n"},
		{`\*not em\*`, "<p>*not em*</p>\n"},
		{"2 * 3 * 4", "<p>2 * 3 * 4</p>\n"},
		{"text\n# heading", "<p>text</p>\n<h1>heading</h1>\n"},
		// Emphasis and code spans run across the lines of a paragraph.
		{"the advice is *processes for\nCPU-bound work*, and `a\nb`", "<p>the advice is <em>processes for\nCPU-bound work</em>, and <code>a\nb</code></p>\n"},
	}
	for _, tt := range tests {
		if got := renderMarkdown(tt.in, nil); got != tt.want {
			t.Errorf("markdown(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
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
