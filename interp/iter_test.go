package interp

import "testing"

// TestIteratorsDifferential ranges over function values, iter.Seq and
// the iterators of slices and maps, and pulls with iter.Pull, in a
// session and with go run.
func TestIteratorsDifferential(t *testing.T) {
	cases := []goCase{
		{name: "seq values", imports: "iter maps slices", decls: `
func countTo(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}
func pairsOf(xs []string) iter.Seq2[int, string] { return slices.All(xs) }
func total(s iter.Seq[int]) int {
	t := 0
	for v := range s {
		t += v
	}
	return t
}
`, body: `for x := range countTo(3) {
	fmt.Print(x, " ")
}
seq := countTo(5)
for x := range seq {
	if x == 3 {
		break
	}
	if x == 1 {
		continue
	}
	fmt.Print("s", x, " ")
}
fmt.Println(total(countTo(4)))
for i, s := range pairsOf([]string{"a", "b"}) {
	fmt.Print(i, s, " ")
}
xs := []string{"x", "y", "z"}
for i, v := range slices.Backward(xs) {
	fmt.Print(i, v)
}
fmt.Println()
m := map[string]int{"k": 1}
for k, v := range maps.All(m) {
	fmt.Println(k, v)
}
f := slices.Values(xs)
for v := range f {
	fmt.Print(v)
}
fmt.Println()
for v := range func(yield func(int) bool) { yield(7) } {
	fmt.Println(v)
}`},
		{name: "pull", body: `next, stop := iter.Pull(countTo(3))
a, ok := next()
b, ok2 := next()
stop()
c, ok3 := next()
fmt.Println(a, ok, b, ok2, c, ok3)`},
	}
	diffGo(t, cases)
}
