package main

import "fmt"

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func MakePairs[K comparable, V any](m map[K]V, order []K) []Pair[K, V] {
	out := make([]Pair[K, V], 0, len(order))
	for _, k := range order {
		out = append(out, Pair[K, V]{k, m[k]})
	}
	return out
}

func Keys[K comparable, V any](ps []Pair[K, V]) []K {
	var ks []K
	for _, p := range ps {
		ks = append(ks, p.Key)
	}
	return ks
}

func main() {
	ps := MakePairs(map[string]int{"a": 1, "b": 2}, []string{"b", "a"})
	for _, p := range ps {
		fmt.Println(p.Key, p.Val)
	}
	fmt.Println(Keys(ps))
}
