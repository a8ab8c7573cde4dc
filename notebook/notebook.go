package notebook

import (
	"crypto/rand"
	"encoding/hex"
	"slices"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/kernel"
)

// Notebook is an nbformat 4 notebook.
type Notebook struct {
	Cells []*Cell
	// Metadata is the notebook's metadata: kernelspec, language_info and
	// whatever else the file carries, kept as read (numbers as json.Number).
	Metadata map[string]any
	// Format and FormatMinor are nbformat and nbformat_minor. Write always
	// writes 4.5 or later, since it gives every cell an id.
	Format, FormatMinor int
}

// CellType is a cell's cell_type.
type CellType string

// Cell types.
const (
	Code     CellType = "code"
	Markdown CellType = "markdown"
	Raw      CellType = "raw"
)

// Cell is one cell of a notebook.
type Cell struct {
	ID     string
	Type   CellType
	Source string
	// Metadata is the cell's metadata (tags, collapsed, ...).
	Metadata map[string]any
	// Attachments holds a markdown or raw cell's attachments: a MIME
	// bundle per file name.
	Attachments map[string]map[string]any
	// Outputs and ExecutionCount belong to code cells. ExecutionCount 0
	// means the cell has not run (null in the file).
	Outputs        []Output
	ExecutionCount int
}

// OutputType is an output's output_type.
type OutputType string

// Output types.
const (
	Stream        OutputType = "stream"
	DisplayData   OutputType = "display_data"
	ExecuteResult OutputType = "execute_result"
	ErrorOutput   OutputType = "error"
)

// Output is one output of a code cell. Which fields are set depends on
// Type: Name and Text for a stream, the Bundle (Data and Metadata) for
// display_data and execute_result (plus ExecutionCount), EName, EValue and
// Traceback for an error. Data holds text values as strings, whatever their
// layout in the file; Metadata is never nil.
type Output struct {
	Type OutputType

	Name string // "stdout" or "stderr"
	Text string

	display.Bundle
	ExecutionCount int

	EName     string
	EValue    string
	Traceback []string
}

// New returns an empty notebook whose metadata names the spinlab kernel.
func New() *Notebook {
	return &Notebook{
		Metadata: map[string]any{
			"kernelspec":    KernelSpec(),
			"language_info": LanguageInfo(kernel.LanguageInfo{Name: "go"}),
		},
		Format:      4,
		FormatMinor: 5,
	}
}

// KernelSpec returns the "kernelspec" metadata of a spinlab notebook.
func KernelSpec() map[string]any {
	return map[string]any{"name": "spinlab", "display_name": "Go (spinlab)", "language": "go"}
}

// LanguageInfo returns "language_info" metadata for li, filling in what a
// Go notebook always has.
func LanguageInfo(li kernel.LanguageInfo) map[string]any {
	m := map[string]any{
		"name":            or(li.Name, "go"),
		"mimetype":        or(li.Mimetype, "text/x-go"),
		"file_extension":  or(li.FileExtension, ".go"),
		"pygments_lexer":  or(li.PygmentsLexer, "go"),
		"codemirror_mode": or(li.CodemirrorMode, "go"),
	}
	if li.Version != "" {
		m["version"] = li.Version
	}
	if li.NbconvertExporter != "" {
		m["nbconvert_exporter"] = li.NbconvertExporter
	}
	return m
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// NewCode returns a code cell with a fresh id.
func NewCode(source string) *Cell {
	return &Cell{ID: NewCellID(), Type: Code, Source: source, Metadata: map[string]any{}}
}

// NewMarkdown returns a markdown cell with a fresh id.
func NewMarkdown(source string) *Cell {
	return &Cell{ID: NewCellID(), Type: Markdown, Source: source, Metadata: map[string]any{}}
}

// NewCellID returns a random cell id, 8 hex digits like nbformat's.
func NewCellID() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails
	return hex.EncodeToString(b[:])
}

// Tags returns the cell's metadata tags.
func (c *Cell) Tags() []string {
	var tags []string
	list, _ := c.Metadata["tags"].([]any)
	for _, t := range list {
		if s, ok := t.(string); ok {
			tags = append(tags, s)
		}
	}
	if l, ok := c.Metadata["tags"].([]string); ok {
		tags = append(tags, l...)
	}
	return tags
}

// HasTag reports whether the cell is tagged tag.
func (c *Cell) HasTag(tag string) bool {
	return slices.Contains(c.Tags(), tag)
}
