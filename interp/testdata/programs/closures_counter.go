package main

import "fmt"

func counter() func() int {
	n := 0
	return func() int {
		n++
		return n
	}
}

func apply(xs []int, f func(int) int) []int {
	out := make([]int, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func main() {
	c1, c2 := counter(), counter()
	fmt.Println(c1(), c1(), c1(), c2())
	k := 10
	fmt.Println(apply([]int{1, 2, 3}, func(x int) int { return x * k }))
	k = 100
	fmt.Println(apply([]int{1, 2, 3}, func(x int) int { return x * k }))
}
