package main

import "fmt"

type key struct {
	x, y int
}

func main() {
	a := key{1, 2}
	b := key{1, 2}
	fmt.Println(a == b, a != key{2, 1})
	seen := map[key]bool{}
	seen[a] = true
	fmt.Println(seen[b], seen[key{0, 0}])
	counts := map[key]int{}
	for _, k := range []key{{1, 1}, {1, 1}, {2, 2}} {
		counts[k]++
	}
	fmt.Println(counts[key{1, 1}], counts[key{2, 2}], len(counts))
	p1, p2 := &a, &b
	fmt.Println(p1 == p2, *p1 == *p2)
}
