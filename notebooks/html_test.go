package notebooks

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/notebook"
)

// TestHTMLExport exports each committed notebook as it stands and checks
// that the page shows every heading and every table of its markdown cells,
// read from the source with patterns independent of the renderer.
func TestHTMLExport(t *testing.T) {
	tables := 0
	for _, path := range tutorials(t) {
		t.Run(path, func(t *testing.T) {
			nb, err := notebook.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := nb.WriteHTML(&buf, ""); err != nil {
				t.Fatal(err)
			}
			want := sourceStructure(nb)
			if len(want.headings) == 0 {
				t.Fatal("found no heading in the source: the patterns are out of date")
			}
			tables += len(want.tables)
			got := pageStructure(t, buf.Bytes())
			if !slices.Equal(got.headings, want.headings) {
				t.Errorf("headings in the page:\n%q\nwant\n%q", got.headings, want.headings)
			}
			if !slices.EqualFunc(got.tables, want.tables, slices.Equal) {
				t.Errorf("markdown tables in the page (header cells):\n%q\nwant\n%q", got.tables, want.tables)
			}
			if title := "<title>" + strings.TrimPrefix(want.headings[0], "h1 ") + "</title>"; !bytes.Contains(buf.Bytes(), []byte(title)) {
				t.Errorf("page lacks %s", title)
			}
		})
	}
	if tables == 0 {
		t.Error("found no table in the sources: the patterns are out of date")
	}
}

// structure is what a reader finds of a notebook's markdown: its headings
// as "hN text", and each table's header cells.
type structure struct {
	headings []string
	tables   [][]string
}

var (
	atxHeading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	tableRule  = regexp.MustCompile(`^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)
	markup     = strings.NewReplacer("`", "", "**", "", "*", "")
)

func sourceStructure(nb *notebook.Notebook) structure {
	var s structure
	for _, c := range nb.Cells {
		if c.Type != notebook.Markdown {
			continue
		}
		lines := strings.Split(c.Source, "\n")
		fenced := false
		for i, l := range lines {
			if strings.HasPrefix(l, "```") {
				fenced = !fenced
			}
			if fenced {
				continue
			}
			if g := atxHeading.FindStringSubmatch(l); g != nil {
				s.headings = append(s.headings, "h"+string(rune('0'+len(g[1])))+" "+markup.Replace(g[2]))
			}
			if i+1 < len(lines) && strings.Contains(l, "|") && tableRule.MatchString(lines[i+1]) {
				var cells []string
				for _, c := range strings.Split(strings.Trim(strings.TrimSpace(l), "|"), "|") {
					cells = append(cells, markup.Replace(strings.TrimSpace(c)))
				}
				s.tables = append(s.tables, cells)
			}
		}
	}
	return s
}

// pageStructure reads the headings and tables inside the page's markdown
// cells.
func pageStructure(t *testing.T, page []byte) structure {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var (
		s         structure
		stack     []string // open elements
		mdDepth   = -1     // depth of the markdown cell's div, -1 outside one
		text      strings.Builder
		capturing bool
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return s
		}
		if err != nil {
			t.Fatalf("page does not tokenize: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			stack = append(stack, name)
			if name == "div" && mdDepth < 0 && slices.ContainsFunc(tok.Attr, func(a xml.Attr) bool {
				return a.Name.Local == "class" && a.Value == "cell markdown"
			}) {
				mdDepth = len(stack)
			}
			if mdDepth < 0 {
				continue
			}
			switch {
			case len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6', name == "th":
				capturing = true
				text.Reset()
			case name == "table":
				s.tables = append(s.tables, []string{})
			}
		case xml.CharData:
			if capturing {
				text.Write(tok)
			}
		case xml.EndElement:
			name := tok.Name.Local
			if capturing && (name == "th" || name[0] == 'h' && len(name) == 2) {
				capturing = false
				if name == "th" {
					s.tables[len(s.tables)-1] = append(s.tables[len(s.tables)-1], strings.TrimSpace(text.String()))
				} else {
					s.headings = append(s.headings, name+" "+strings.TrimSpace(text.String()))
				}
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if len(stack) < mdDepth {
				mdDepth = -1
			}
		}
	}
}
