package main

import "fmt"

type node struct {
	val  int
	next *node
}

func incr(p *int) { *p++ }

func newInt(v int) *int { return &v }

func main() {
	x := 1
	incr(&x)
	incr(&x)
	fmt.Println(x)
	p := newInt(5)
	q := p
	*q = 9
	fmt.Println(*p)
	var head *node
	for i := 3; i > 0; i-- {
		head = &node{i, head}
	}
	for n := head; n != nil; n = n.next {
		fmt.Print(n.val, " ")
	}
	fmt.Println()
	pp := &p
	**pp = 11
	fmt.Println(*p, head.next.next.next == nil)
}
