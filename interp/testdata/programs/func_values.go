package main

import (
	"fmt"
	"sort"
)

type op func(float64, float64) float64

func main() {
	ops := map[string]op{
		"+": func(a, b float64) float64 { return a + b },
		"-": func(a, b float64) float64 { return a - b },
		"*": func(a, b float64) float64 { return a * b },
		"/": func(a, b float64) float64 { return a / b },
	}
	keys := make([]string, 0)
	for k := range ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(6, k, 3, "=", ops[k](6, 3))
	}
	var f func() int
	fmt.Println(f == nil)
	compose := func(f, g func(int) int) func(int) int { return func(x int) int { return g(f(x)) } }
	inc := func(x int) int { return x + 1 }
	dbl := func(x int) int { return x * 2 }
	fmt.Println(compose(inc, dbl)(5), compose(dbl, inc)(5))
}
