package interp

import (
	"context"
	"testing"
)

// The generic sorts of spinlab's slices against the non-generic path that
// sessions had before them (sort.Ints, sort.Slice), on 10,000 ints, in
// the interpreter: a cell-level function sorts a fresh copy each call.
func benchSortCell(b *testing.B, sortCall string) {
	s, _, _ := newTestSession(b)
	ctx := context.Background()
	setup := `import ("math/rand"; "sort")
var base []int
func init10k() { r := rand.New(rand.NewSource(1)); base = make([]int, 10000); for i := range base { base[i] = r.Intn(1000000) } }
func run() { xs := append([]int(nil), base...); ` + sortCall + ` }`
	if _, err := s.Execute(ctx, setup); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Execute(ctx, "init10k()"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Execute(ctx, "run()"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSortInts(b *testing.B)   { benchSortCell(b, "sort.Ints(xs)") }
func BenchmarkSlicesSort(b *testing.B) { benchSortCell(b, "slices.Sort(xs)") }
func BenchmarkSortSlice(b *testing.B) {
	benchSortCell(b, "sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })")
}
func BenchmarkSlicesSortFunc(b *testing.B) {
	benchSortCell(b, "slices.SortFunc(xs, func(a, b int) int { return a - b })")
}
