package interp

import "testing"

// TestChanSliceRange checks ranges with a value variable over slices of
// channels against go run: yaegi v0.16.1 panicked ("reflect: call of
// reflect.Value.Len on int Value") on a variadic cs ...<-chan T and on a
// []chan T parameter.
func TestChanSliceRange(t *testing.T) {
	decls := `func crMerge(cs ...<-chan int) <-chan int {
	out := make(chan int, 16)
	for _, c := range cs {
		for v := range c {
			out <- v
		}
	}
	close(out)
	return out
}
func crSum(cs []chan int) int {
	sum := 0
	for i, c := range cs {
		go func() { c <- i * 10 }()
		sum += <-c
	}
	return sum
}
func crGen(vs ...int) <-chan int {
	c := make(chan int, len(vs))
	for _, v := range vs {
		c <- v
	}
	close(c)
	return c
}`
	cases := []goCase{
		{name: "variadic", decls: decls, body: `total := 0
for v := range crMerge(crGen(1, 2), crGen(3), crGen()) {
	total += v
}
fmt.Println(total)
fmt.Println(crSum([]chan int{make(chan int), make(chan int), make(chan int)}))`},
	}
	diffGo(t, cases)
}
