package interp_test

import (
	"strings"
	"testing"

	"github.com/spinlab/spinlab/interp"
)

func TestMergeDefinitions(t *testing.T) {
	d := func(kind, name string) interp.Definition {
		return interp.Definition{Kind: kind, Name: name, Source: kind + " " + name}
	}
	defs := interp.MergeDefinitions(nil, []interp.Definition{d("import", "fmt"), d("type", "T"), d("func", "f"), d("var", "x")})
	defs = interp.MergeDefinitions(defs, []interp.Definition{d("func", "T"), d("func", "f"), {Kind: "import", Name: "_", Source: `import _ "embed"`}})
	var got []string
	for _, d := range defs {
		got = append(got, d.Kind+" "+d.Name)
	}
	want := "import fmt|var x|func T|func f|import _"
	if strings.Join(got, "|") != want {
		t.Errorf("merged = %s, want %s", strings.Join(got, "|"), want)
	}
}
