package main

// Deferred calls evaluate their function value, receiver and arguments
// at the defer statement: a spread slice, a method value whose receiver
// changes later, a closure variable reassigned, a generic function and
// builtins, in loops too.

import (
	"fmt"
	"strings"
)

type account struct {
	name    string
	balance int
}

func (a *account) report(label string) { fmt.Println(label, a.name, a.balance) }

func (a account) snapshot(label string) { fmt.Println(label, a.name, a.balance) }

func sum[T int | float64](label string, xs ...T) {
	var s T
	for _, x := range xs {
		s += x
	}
	fmt.Println(label, s)
}

func joinAll(sep string, parts ...string) { fmt.Println(strings.Join(parts, sep)) }

func run(m map[string]int, buf []int) {
	acc := &account{"main", 10}
	defer acc.report("pointer")
	val := account{"value", 20}
	defer val.snapshot("value")
	words := []string{"a", "b", "c"}
	defer joinAll("-", words...)
	args := []any{"x", 1, 2.5}
	defer fmt.Println(args...)
	defer fmt.Printf("%v|%v|%v\n", args...)
	ns := []int{1, 2, 3}
	defer sum("ints", ns...)
	defer sum("floats", 1.5, 2.5)
	step := func(s string) { fmt.Println("step", s) }
	for i := range 3 {
		defer step(fmt.Sprint(i))
		defer fmt.Println("item", i, words[i])
	}
	defer delete(m, "gone")
	src := []int{7, 8}
	defer copy(buf, src)
	acc.balance = 99
	acc = &account{"replaced", 0}
	val.balance = 99
	words[0] = "A"
	words = nil
	args[0] = "y"
	step = func(s string) { fmt.Println("other", s) }
	src[0] = 70
	ns = append(ns, 4)
}

func main() {
	m := map[string]int{"gone": 1, "kept": 2}
	buf := make([]int, 2)
	run(m, buf)
	fmt.Println(m, buf)
}
