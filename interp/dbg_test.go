package interp

import (
	"context"
	"testing"
	"time"
)

func TestDbg(t *testing.T) {
	s, out, errb := newTestSession(t)
	for _, c := range []string{
		`import "github.com/nope/nothing"`,
		"type Number interface{ ~int | ~float64 }\nfunc Sum[T Number](xs ...T) T { var s T; for _, x := range xs { s += x }; return s }\nSum(1, 2)",
		"func Map[T, U any](xs []T, f func(T) U) []U { var r []U; for _, x := range xs { r = append(r, f(x)) }; return r }\nMap([]int{1,2}, func(i int) string { return fmt.Sprint(i) })",
		"return",
		"x := []int{1,2,3}\nfor i, v := range x { fmt.Print(i, v) }",
		"for k := range map[string]int{\"a\": 1} { fmt.Print(k) }",
		"ch := make(chan int, 3)\nch <- 1; ch <- 2; close(ch)\nfor v := range ch { fmt.Print(v) }",
		"type S struct{ a int }\nS{1}",
		"var q = S{2}\nq",
		"for i := range 3 { defer fmt.Print(i) }",
		"func seq(yield func(int) bool) { for i := range 3 { if !yield(i) { return } } }\nfor v := range seq { fmt.Print(v) }",
		"m := map[string][]int{}\nm[\"a\"] = append(m[\"a\"], 1)\nm",
		"var sb strings.Builder\nsb.WriteString(\"hi\")\nsb.String()",
		"errors.Is(nil, nil)",
		"t0 := time.Now(); _ = t0",
		"json.Marshal(map[string]int{\"a\": 1})",
		"b, _ := json.Marshal([]int{1}); string(b)",
		"slices.Max([]int{1, 5, 2})",
		"maps.Keys(map[int]int{1: 1})",
		"1 +",
		"fmt.Sprintf(\"%v\", struct{}{})",
		"runtime.NumCPU() > 0",
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		res, err := s.Execute(ctx, c)
		cancel()
		t.Logf("%q\n   -> %v | err=%v | out=%q err=%q", c, text(res.Value), err, out.String(), errb.String())
		out.Reset()
		errb.Reset()
	}
}
