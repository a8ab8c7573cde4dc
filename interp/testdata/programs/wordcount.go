package main

import (
	"fmt"
	"sort"
	"strings"
)

const text = `the quick brown fox jumps over the lazy dog
the dog sleeps and the fox runs`

func main() {
	counts := map[string]int{}
	for _, w := range strings.Fields(text) {
		counts[w]++
	}
	type wc struct {
		w string
		n int
	}
	var list []wc
	for w, n := range counts {
		list = append(list, wc{w, n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].w < list[j].w
	})
	for _, e := range list[:4] {
		fmt.Printf("%-5s %d\n", e.w, e.n)
	}
}
