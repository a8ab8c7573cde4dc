package notebook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spinlab/spinlab/display"
)

// file mirrors the JSON of an nbformat 4 notebook for reading.
type file struct {
	Cells         []fileCell     `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	NBFormat      int            `json:"nbformat"`
	NBFormatMinor int            `json:"nbformat_minor"`
}

type fileCell struct {
	ID             string                    `json:"id"`
	CellType       string                    `json:"cell_type"`
	Source         multiline                 `json:"source"`
	Metadata       map[string]any            `json:"metadata"`
	Attachments    map[string]map[string]any `json:"attachments"`
	Outputs        []fileOutput              `json:"outputs"`
	ExecutionCount *int                      `json:"execution_count"`
}

type fileOutput struct {
	OutputType string    `json:"output_type"`
	Name       string    `json:"name"`
	Text       multiline `json:"text"`
	display.Bundle
	ExecutionCount *int     `json:"execution_count"`
	EName          string   `json:"ename"`
	EValue         string   `json:"evalue"`
	Traceback      []string `json:"traceback"`
}

// multiline is a string that the file holds as a string or a list of lines.
type multiline string

func (m *multiline) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*m = multiline(s)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("want a string or a list of strings, got %s", abbreviate(b))
	}
	*m = multiline(strings.Join(lines, ""))
	return nil
}

func abbreviate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// Read reads a notebook in nbformat 4.
func Read(r io.Reader) (*Notebook, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber() // metadata and JSON outputs keep their numbers exactly
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("reading notebook: %w", err)
	}
	if f.NBFormat != 4 {
		return nil, fmt.Errorf("reading notebook: nbformat %d is not supported; convert it with `jupyter nbconvert --to notebook --nbformat 4`", f.NBFormat)
	}
	nb := &Notebook{Metadata: orEmpty(f.Metadata), Format: f.NBFormat, FormatMinor: f.NBFormatMinor}
	for i, fc := range f.Cells {
		c := &Cell{
			ID:          fc.ID,
			Type:        CellType(fc.CellType),
			Source:      string(fc.Source),
			Metadata:    orEmpty(fc.Metadata),
			Attachments: fc.Attachments,
		}
		for _, b := range c.Attachments {
			joinBundle(b)
		}
		switch c.Type {
		case Code:
			c.ExecutionCount = deref(fc.ExecutionCount)
			for _, fo := range fc.Outputs {
				o, err := readOutput(fo)
				if err != nil {
					return nil, fmt.Errorf("reading notebook: cell %d: %w", i+1, err)
				}
				c.Outputs = append(c.Outputs, o)
			}
		case Markdown, Raw:
		default:
			return nil, fmt.Errorf("reading notebook: cell %d has unknown cell_type %q", i+1, fc.CellType)
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

func readOutput(fo fileOutput) (Output, error) {
	o := Output{Type: OutputType(fo.OutputType)}
	switch o.Type {
	case Stream:
		o.Name, o.Text = fo.Name, string(fo.Text)
	case DisplayData, ExecuteResult:
		o.Bundle = withMetadata(fo.Bundle)
		o.Data = orEmpty(o.Data)
		joinBundle(o.Data)
		o.ExecutionCount = deref(fo.ExecutionCount)
	case ErrorOutput:
		o.EName, o.EValue, o.Traceback = fo.EName, fo.EValue, fo.Traceback
	default:
		return o, fmt.Errorf("unknown output_type %q", fo.OutputType)
	}
	return o, nil
}

// ReadFile reads the notebook in the named file.
func ReadFile(name string) (*Notebook, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	nb, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return nb, nil
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// withMetadata returns b with an empty Metadata for none, as an Output
// holds it.
func withMetadata(b display.Bundle) display.Bundle {
	b.Metadata = orEmpty(b.Metadata)
	return b
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// isJSONMIME reports whether a bundle value of this MIME type is a JSON
// value rather than text, as nbformat decides.
func isJSONMIME(mime string) bool {
	return mime == "application/json" ||
		strings.HasPrefix(mime, "application/") && strings.HasSuffix(mime, "+json")
}

// joinBundle turns the text values of a MIME bundle that the file holds
// as lists of lines back into strings.
func joinBundle(data map[string]any) {
	for mime, v := range data {
		list, ok := v.([]any)
		if !ok || isJSONMIME(mime) {
			continue
		}
		var sb strings.Builder
		for _, x := range list {
			s, ok := x.(string)
			if !ok {
				sb.Reset()
				break
			}
			sb.WriteString(s)
		}
		if sb.Len() > 0 || len(list) == 0 {
			data[mime] = sb.String()
		}
	}
}

// splitBundle returns a copy of a MIME bundle with its text values as
// lists of lines, as nbformat writes them: text/* types, SVG and JavaScript.
func splitBundle(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for mime, v := range data {
		if s, ok := v.(string); ok && (strings.HasPrefix(mime, "text/") ||
			mime == "image/svg+xml" || mime == "application/javascript") {
			out[mime] = splitLines(s)
			continue
		}
		out[mime] = v
	}
	return out
}

// Write writes nb as Jupyter does: sources and text as lists of lines,
// keys sorted, one-space indentation, a final newline. Cells without an id
// get one, and the format becomes 4.5 if it was older.
func (nb *Notebook) Write(w io.Writer) error {
	b, err := nb.Marshal()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Marshal returns the bytes that Write writes.
func (nb *Notebook) Marshal() ([]byte, error) {
	minor := max(nb.FormatMinor, 5)
	cells := make([]any, 0, len(nb.Cells))
	for i, c := range nb.Cells {
		if c.ID == "" {
			c.ID = NewCellID()
		}
		m, err := cellJSON(c)
		if err != nil {
			return nil, fmt.Errorf("writing notebook: cell %d: %w", i+1, err)
		}
		cells = append(cells, m)
	}
	doc := map[string]any{
		"cells":          cells,
		"metadata":       orEmpty(nb.Metadata),
		"nbformat":       4,
		"nbformat_minor": minor,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("writing notebook: %w", err)
	}
	return unescapeLineSeparators(buf.Bytes()), nil
}

func cellJSON(c *Cell) (map[string]any, error) {
	m := map[string]any{
		"id":        c.ID,
		"cell_type": string(c.Type),
		"metadata":  orEmpty(c.Metadata),
		"source":    splitLines(c.Source),
	}
	switch c.Type {
	case Code:
		m["execution_count"] = count(c.ExecutionCount)
		outs := make([]any, 0, len(c.Outputs))
		for _, o := range c.Outputs {
			om, err := outputJSON(o)
			if err != nil {
				return nil, err
			}
			outs = append(outs, om)
		}
		m["outputs"] = outs
	case Markdown, Raw:
		if len(c.Attachments) > 0 {
			att := make(map[string]any, len(c.Attachments))
			for name, b := range c.Attachments {
				att[name] = splitBundle(b)
			}
			m["attachments"] = att
		}
	default:
		return nil, fmt.Errorf("unknown cell type %q", c.Type)
	}
	return m, nil
}

func outputJSON(o Output) (map[string]any, error) {
	m := map[string]any{"output_type": string(o.Type)}
	switch o.Type {
	case Stream:
		m["name"] = o.Name
		m["text"] = splitLines(o.Text)
	case DisplayData, ExecuteResult:
		m["data"] = splitBundle(o.Data)
		m["metadata"] = orEmpty(o.Metadata)
		if o.Type == ExecuteResult {
			m["execution_count"] = count(o.ExecutionCount)
		}
	case ErrorOutput:
		m["ename"] = o.EName
		m["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["traceback"] = tb
	default:
		return nil, fmt.Errorf("unknown output type %q", o.Type)
	}
	return m, nil
}

func count(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// unescapeLineSeparators undoes encoding/json's escaping of U+2028 and
// U+2029, which Python's json (and so Jupyter) writes as they are. In JSON
// a backslash only occurs in a string, where it always starts an escape.
func unescapeLineSeparators(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u202`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if i+5 < len(b) && string(b[i+1:i+5]) == "u202" && (b[i+5] == '8' || b[i+5] == '9') {
			r := '\u2028'
			if b[i+5] == '9' {
				r = '\u2029'
			}
			out = utf8.AppendRune(out, r)
			i += 5
			continue
		}
		out = append(out, b[i], b[i+1])
		i++
	}
	return out
}
