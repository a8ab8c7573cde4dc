package notebook

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/display"
)

func readTestdata(t *testing.T, name string) *Notebook {
	t.Helper()
	nb, err := ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

// analysis.ipynb was written by Python's json with nbformat's settings, so
// writing what Read read must give back the same bytes.
func TestRoundTripBytes(t *testing.T) {
	want, err := os.ReadFile("testdata/analysis.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Read(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	got, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("written notebook differs at line %d:\n got %q\nwant %q", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("written notebook has %d lines, want %d", len(gl), len(wl))
	}
	again, err := Read(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, nb) {
		t.Error("notebook read back differs from the one written")
	}
}

func TestReadModel(t *testing.T) {
	nb := readTestdata(t, "analysis.ipynb")
	if len(nb.Cells) != 7 || nb.Format != 4 || nb.FormatMinor != 5 {
		t.Fatalf("read %d cells, format %d.%d", len(nb.Cells), nb.Format, nb.FormatMinor)
	}
	md := nb.Cells[0]
	if md.Type != Markdown || !strings.HasPrefix(md.Source, "# Scaling a parallel sum\n\nWe compare") || md.Attachments["chart.png"]["image/png"] == nil {
		t.Errorf("markdown cell = %+v", md)
	}
	if !nb.Cells[1].HasTag("parameters") {
		t.Error("parameters tag not read")
	}
	code := nb.Cells[2]
	if code.ExecutionCount != 2 || len(code.Outputs) != 3 {
		t.Fatalf("code cell = %+v", code)
	}
	if o := code.Outputs[0]; o.Type != Stream || o.Name != "stdout" || o.Text != "sum = 499500\nworkers = 4\n" {
		t.Errorf("stream output = %+v", o)
	}
	if o := code.Outputs[2]; o.Type != ExecuteResult || o.ExecutionCount != 2 || o.Data["text/html"] != "<table>\n<tr><td>1 < 2</td></tr>\n</table>" {
		t.Errorf("execute_result = %+v", o)
	}
	disp := nb.Cells[3].Outputs
	if _, ok := disp[0].Data["image/svg+xml"].(string); !ok {
		t.Errorf("SVG data is %T, want a joined string", disp[0].Data["image/svg+xml"])
	}
	js, _ := disp[1].Data["application/json"].(map[string]any)
	if js["big"] != json.Number("12345678901234567890") || js["ratio"] != json.Number("1.0") {
		t.Errorf("application/json numbers not kept exactly: %v", js)
	}
	if e := nb.Cells[4].Outputs[0]; e.Type != ErrorOutput || e.EName != "panic" || len(e.Traceback) != 4 {
		t.Errorf("error output = %+v", e)
	}
	if c := nb.Cells[6]; c.Source != "" || c.ExecutionCount != 0 {
		t.Errorf("empty cell = %+v", c)
	}
	ks, _ := nb.Metadata["kernelspec"].(map[string]any)
	if ks["name"] != "spinlab" {
		t.Errorf("kernelspec = %v", ks)
	}
}

func TestReadOldFormat(t *testing.T) {
	nb := readTestdata(t, "old.ipynb")
	if nb.Cells[0].Source != "fmt.Println(1)\nfmt.Println(2)" || nb.Cells[0].Outputs[0].Text != "a\nb\n" {
		t.Errorf("string sources not read: %+v", nb.Cells[0])
	}
	if nb.Cells[0].ID != "" {
		t.Errorf("id %q invented on read", nb.Cells[0].ID)
	}
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if again.FormatMinor != 5 || len(again.Cells[0].ID) != 8 || again.Cells[0].ID == again.Cells[1].ID {
		t.Errorf("written as 4.%d with ids %q, %q; want 4.5 with fresh ids", again.FormatMinor, again.Cells[0].ID, again.Cells[1].ID)
	}
	if !strings.Contains(string(b), "\"source\": [\n    \"fmt.Println(1)\\n\",\n    \"fmt.Println(2)\"\n   ]") {
		t.Errorf("source not written as lines:\n%s", b)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not json", "{", "unexpected EOF"},
		{"nbformat 3", `{"nbformat": 3, "worksheets": []}`, "nbformat 3 is not supported"},
		{"cell type", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "heading", "source": ""}]}`, `unknown cell_type "heading"`},
		{"source", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 7}]}`, "want a string or a list of strings"},
		{"output", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "pyout"}]}]}`, `cell 1: unknown output_type "pyout"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNewNotebookFormat(t *testing.T) {
	nb := New()
	c := NewCode("x := 1\nx")
	c.ID = "00000000"
	c.ExecutionCount = 1
	c.Outputs = []Output{
		{Type: ExecuteResult, ExecutionCount: 1, Bundle: display.Bundle{Data: map[string]any{"text/plain": "1", "text/html": "<b>1</b>\n"}}},
		{Type: Stream, Name: "stdout", Text: ""},
	}
	nb.Cells = append(nb.Cells, c)
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "00000000",
   "metadata": {},
   "outputs": [
    {
     "data": {
      "text/html": [
       "<b>1</b>\n"
      ],
      "text/plain": [
       "1"
      ]
     },
     "execution_count": 1,
     "metadata": {},
     "output_type": "execute_result"
    },
    {
     "name": "stdout",
     "output_type": "stream",
     "text": []
    }
   ],
   "source": [
    "x := 1\n",
    "x"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Go (spinlab)",
   "language": "go",
   "name": "spinlab"
  },
  "language_info": {
   "codemirror_mode": "go",
   "file_extension": ".go",
   "mimetype": "text/x-go",
   "name": "go",
   "pygments_lexer": "go"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`
	if string(b) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", b, want)
	}
}

func TestSplitLines(t *testing.T) {
	// Expected values are Python's str.splitlines(True).
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"a\r\nb\rc", []string{"a\r\n", "b\r", "c"}},
		{"\n\n", []string{"\n", "\n"}},
		{"a\fb\vc\x1cd", []string{"a\f", "b\v", "c\x1c", "d"}},
		{"a\u2028b\u0085c\u2029", []string{"a\u2028", "b\u0085", "c\u2029"}},
		{"naïve\n", []string{"naïve\n"}},
	}
	for _, tt := range tests {
		if got := splitLines(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnescapeLineSeparators(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"a\u2028b"`, "\"a\u2028b\""},
		{`"a\\u2028b"`, `"a\\u2028b"`},
		{`"\\\u2029"`, "\"\\\\\u2029\""},
		{`"\u2027"`, `"\u2027"`},
	}
	for _, tt := range tests {
		if got := string(unescapeLineSeparators([]byte(tt.in))); got != tt.want {
			t.Errorf("unescapeLineSeparators(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	name := dir + "/out.ipynb"
	nb := readTestdata(t, "analysis.ipynb")
	if err := nb.WriteFile(name); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile("testdata/analysis.ipynb")
	if !bytes.Equal(got, want) {
		t.Error("WriteFile wrote different bytes from Marshal")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}
