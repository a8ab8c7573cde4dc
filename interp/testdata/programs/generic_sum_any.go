package main

import "fmt"

func Count[T comparable](xs []T, x T) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

func Index[T comparable](xs []T, x T) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func Last[T any](xs []T) (T, bool) {
	if len(xs) == 0 {
		var zero T
		return zero, false
	}
	return xs[len(xs)-1], true
}

func main() {
	fmt.Println(Count([]string{"a", "b", "a"}, "a"), Count([]int{1, 2}, 3))
	fmt.Println(Index([]float64{1.5, 2.5}, 2.5), Index([]string{"x"}, "y"))
	fmt.Println(Last([]int{4, 5, 6}))
	fmt.Println(Last([]string{}))
}
