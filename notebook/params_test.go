package notebook

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseParam(t *testing.T) {
	tests := []struct {
		in, name, value string
	}{
		{"n=8", "n", "8"},
		{"rate=-2.5e3", "rate", "-2.5e3"},
		{"mask=0xff", "mask", "0xff"},
		{"ok=true", "ok", "true"},
		{"mode=thread", "mode", `"thread"`},
		{`mode="thread"`, "mode", `"thread"`},
		{"raw=`a\\b`", "raw", "`a\\b`"},
		{`msg=say "hi"`, "msg", `"say \"hi\""`},
		{"empty=", "empty", `""`},
		{"expr=1+2", "expr", `"1+2"`},
		{"nan=NaN", "nan", `"NaN"`},
		{"call=os.Exit(1)", "call", `"os.Exit(1)"`},
		{" spaced = 3", "spaced", "3"},
		{"x=a=b", "x", `"a=b"`},
	}
	for _, tt := range tests {
		p, err := ParseParam(tt.in)
		if err != nil || p.Name != tt.name || p.Value != tt.value {
			t.Errorf("ParseParam(%q) = %+v, %v; want %s = %s", tt.in, p, err, tt.name, tt.value)
		}
	}
	for _, bad := range []string{"novalue", "1x=2", "=3", "_=1", "a.b=1"} {
		if _, err := ParseParam(bad); err == nil {
			t.Errorf("ParseParam(%q) did not fail", bad)
		}
	}
}

func TestParameterize(t *testing.T) {
	nb := notebookOf("md:# Title", "var n = 10\nmode := \"goroutine\"\nfmt.Println(n)", "print n")
	nb.Cells[1].Metadata["tags"] = []any{"parameters"}
	params := []Param{{"n", "20"}, {"mode", `"thread"`}, {"extra", "true"}}
	undeclared := nb.Parameterize(params)
	if !reflect.DeepEqual(undeclared, []string{"extra"}) {
		t.Errorf("undeclared = %q", undeclared)
	}
	if len(nb.Cells) != 4 {
		t.Fatalf("%d cells after Parameterize", len(nb.Cells))
	}
	inj := nb.Cells[2]
	want := "// Parameters injected by spinlab run.\nn = 20\nmode = \"thread\"\nvar extra = true"
	if inj.Type != Code || inj.Source != want || !inj.HasTag(InjectedParametersTag) || inj.ID == "" {
		t.Errorf("injected cell = %+v, source %q", inj, inj.Source)
	}

	// A second run replaces the injected cell.
	nb.Parameterize([]Param{{"n", "30"}})
	if len(nb.Cells) != 4 || !strings.HasSuffix(nb.Cells[2].Source, "\nn = 30") {
		t.Errorf("re-parameterized: %d cells, injected %q", len(nb.Cells), nb.Cells[2].Source)
	}
	if nb.Parameterize(nil) != nil || len(nb.Cells) != 4 {
		t.Error("Parameterize(nil) changed the notebook")
	}
}

func TestParameterizeWithoutParametersCell(t *testing.T) {
	nb := notebookOf("print n")
	if u := nb.Parameterize([]Param{{"n", "1"}}); !reflect.DeepEqual(u, []string{"n"}) {
		t.Errorf("undeclared = %q", u)
	}
	if len(nb.Cells) != 2 || !nb.Cells[0].HasTag(InjectedParametersTag) || !strings.HasSuffix(nb.Cells[0].Source, "var n = 1") {
		t.Errorf("cells = %+v", nb.Cells[0])
	}
}

func TestDeclaredNames(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"var n = 1\nvar (\n\ta, b int\n\tc = \"x\"\n)\nconst k = 2", []string{"a", "b", "c", "n"}},
		{"n := 1\nx, y := 2, 3\nvar z int\nfmt.Println(n)", []string{"n", "x", "y", "z"}},
		{"import \"fmt\"\nn := 1\nfmt.Println(n)", []string{"n"}},
	}
	for _, tt := range tests {
		got := declaredNames(tt.src)
		var names []string
		for n := range got {
			names = append(names, n)
		}
		slices.Sort(names)
		if !reflect.DeepEqual(names, tt.want) {
			t.Errorf("declaredNames(%q) = %q, want %q", tt.src, names, tt.want)
		}
	}
}
