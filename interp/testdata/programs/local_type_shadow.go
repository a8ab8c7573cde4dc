package main

// A type declared inside a function shadows the package's type of the
// same name for the rest of its block, as Go scopes it: conversions,
// composite literals, var declarations, slices and maps of it, nested
// blocks and function literals, and the package's type again after the
// block. (yaegi v0.16.1 resolved the local name to the package's type:
// cannot convert "s" to int.)

import (
	"fmt"
	"strings"
)

type Item int

type Pair struct{ A, B int }

func (p Pair) Sum() int { return p.A + p.B }

func g() {
	type Item string
	var x Item = "s"
	fmt.Printf("%v %q\n", x, string(x)+"!")
	y := Item(strings.Repeat("ab", 2))
	items := []Item{x, y, "lit"}
	fmt.Println(items, len(items))
}

func blocks() {
	var outer Item = 7
	{
		type Item struct{ Name string }
		it := Item{Name: "inner"}
		ptr := &Item{"pointer"}
		m := map[string]Item{"k": it}
		fmt.Println(it.Name, ptr.Name, m["k"].Name)
	}
	var again Item = outer + 1
	fmt.Println(outer, again)
}

func literals() {
	type Pair struct {
		Key   string
		Value float64
	}
	make := func(k string, v float64) Pair { return Pair{Key: k, Value: v} }
	ps := []Pair{make("a", 1.5), {"b", 2}}
	for _, p := range ps {
		fmt.Printf("%s=%.1f\n", p.Key, p.Value)
	}
}

func sessionPair() Pair { return Pair{2, 3} }

func main() {
	g()
	blocks()
	literals()
	fmt.Println(sessionPair().Sum(), Item(4)*2)
	func() {
		type Item []int
		var xs Item = Item{1, 2, 3}
		fmt.Println(xs, len(xs))
	}()
}
