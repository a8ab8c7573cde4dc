package interp

import (
	"bytes"
	"context"
	"testing"
)

func TestSmoke(t *testing.T) {
	var out, errb bytes.Buffer
	s, err := New(Options{Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{
		"x := 3\nfunc f() int { return x * 2 }\nf()",
		"import \"fmt\"\nfmt.Println(\"hi\")",
		"strings.ToUpper(\"a\")",
		"var m map[string]int\nm[\"a\"] = 1",
		"panic(\"boom\")",
		"for i := range 3 { fmt.Println(i) }",
		"min(3, 1, 2)",
		"func two() (int, error) { return 1, nil }\ntwo()",
		"os.Exit(3)",
		"x",
		"type T struct{A int}\nT{1}",
		"type T struct{B string}\nT{\"s\"}",
	} {
		res, err := s.Execute(context.Background(), c)
		var v any
		if res != nil && res.Value != nil {
			v = res.Value.Data["text/plain"]
		}
		t.Logf("%q -> %v err=%v defs=%v", c, v, err, res.Definitions)
		if e, ok := err.(*Error); ok {
			t.Logf("   tb=%q", e.Traceback)
		}
	}
	t.Logf("stdout=%q stderr=%q", out.String(), errb.String())
}
