package main

import "fmt"

func main() {
	total := 0
	for i := range 10 {
		total += i
	}
	fmt.Println(total)
	n := 4
	for i := range n {
		fmt.Print(i*i, " ")
	}
	fmt.Println()
	fmt.Println(min(3, 1, 2), max(2.5, 1.0), min("b", "a"))
	m := map[string]int{"a": 1}
	clear(m)
	fmt.Println(len(m))
}
