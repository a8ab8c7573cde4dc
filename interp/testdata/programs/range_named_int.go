package main

// Ranging over an integer of a named type makes the loop variable that
// type, with its methods, as in Go 1.22 and later.

import "fmt"

type count int

func (c count) String() string { return fmt.Sprintf("#%d", int(c)) }

func size() count { return 3 }

func main() {
	for i := range size() {
		fmt.Print(i.String(), " ", i, " ")
	}
	fmt.Println()
	var n count = 2
	for j := range n {
		fmt.Print(j, " ")
	}
	fmt.Println()
	for k := range 2 {
		fmt.Printf("%T ", k)
	}
	fmt.Println()
}
