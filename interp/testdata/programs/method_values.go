package main

import "fmt"

type Acc struct{ total int }

func (a *Acc) Add(n int) { a.total += n }
func (a Acc) Get() int   { return a.total }

func main() {
	var a Acc
	add := a.Add
	add(3)
	add(4)
	fmt.Println(a.Get())
	get := Acc.Get
	fmt.Println(get(a))
	addExpr := (*Acc).Add
	addExpr(&a, 10)
	fmt.Println(a.total)
	fs := []func(int){a.Add, a.Add}
	for i, f := range fs {
		f(i + 1)
	}
	fmt.Println(a.total)
}
