package main

import "fmt"

func main() {
	var fact func(int) int
	fact = func(n int) int {
		if n <= 1 {
			return 1
		}
		return n * fact(n-1)
	}
	fmt.Println(fact(10))
	var hanoi func(n int, from, to, via string) int
	hanoi = func(n int, from, to, via string) int {
		if n == 0 {
			return 0
		}
		return hanoi(n-1, from, via, to) + 1 + hanoi(n-1, via, to, from)
	}
	fmt.Println(hanoi(10, "a", "c", "b"))
	perms := func(s []int) [][]int { return nil }
	var permute func([]int, int) [][]int
	permute = func(a []int, k int) [][]int {
		if k == len(a) {
			return [][]int{append([]int(nil), a...)}
		}
		var out [][]int
		for i := k; i < len(a); i++ {
			a[k], a[i] = a[i], a[k]
			out = append(out, permute(a, k+1)...)
			a[k], a[i] = a[i], a[k]
		}
		return out
	}
	_ = perms
	fmt.Println(permute([]int{1, 2, 3}, 0))
}
